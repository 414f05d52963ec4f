"""Discovery operators against the emulator: configurations, products and billing plans."""

from __future__ import annotations

import pytest

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.operators.discovery import (
    VercelListConfigurationsOperator,
    VercelListProductsOperator,
)
from airflow_provider_vercel.tasks.base import VercelTaskError
from tests.helpers.secrets import assert_no_secrets
from tests.operators.conftest import api_requests

CONFIGURATION_KEYS = {
    "id",
    "integration_id",
    "integration_slug",
    "integration_name",
    "installation_type",
    "status",
    "source",
}
PRODUCT_KEYS = {
    "id",
    "slug",
    "name",
    "primary_protocol",
    "protocols",
    "integration_id",
    "integration_slug",
    "configuration_id",
    "metadata_fields",
    "required_metadata",
}


# --- configurations ---------------------------------------------------------------------------


def test_list_configurations_returns_small_summaries_of_every_configuration(emulator, context, neon_cfg, upstash_cfg):
    result = VercelListConfigurationsOperator(task_id="configs").execute(context)
    assert {item["id"] for item in result} >= {neon_cfg, upstash_cfg}
    assert all(set(item) == CONFIGURATION_KEYS for item in result)
    neon = next(item for item in result if item["id"] == neon_cfg)
    assert neon["integration_slug"] == "neon"
    assert neon["installation_type"] == "marketplace"
    assert neon["status"] == "ready"
    assert_no_secrets(emulator, result)
    (request,) = api_requests(emulator, "GET", "/v1/integrations/configurations")
    assert request["query"]["teamId"] == emulator.team_id


def test_single_result_mode_returns_the_one_configuration_id_for_an_integration_slug(emulator, context, neon_cfg):
    op = VercelListConfigurationsOperator(
        task_id="neon", integration="neon", installation_type="marketplace", expect_one=True
    )
    assert op.execute(context) == neon_cfg
    (request,) = api_requests(emulator, "GET", "/v1/integrations/configurations")
    assert request["query"]["integrationIdOrSlug"] == "neon"
    assert request["query"]["installationType"] == "marketplace"


def test_integration_can_be_given_by_id(emulator, context, neon_cfg):
    integration_id = next(
        item["integration_id"]
        for item in VercelListConfigurationsOperator(task_id="all").execute(context)
        if item["id"] == neon_cfg
    )
    op = VercelListConfigurationsOperator(task_id="neon", integration=integration_id, expect_one=True)
    assert op.execute(context) == neon_cfg


def test_installation_type_filters(emulator, context, neon_cfg):
    result = VercelListConfigurationsOperator(task_id="ext", installation_type="external").execute(context)
    assert result and all(item["installation_type"] == "external" for item in result)
    assert neon_cfg not in {item["id"] for item in result}


def test_single_result_mode_fails_listing_every_match_when_several_match(emulator, context, neon_cfg, upstash_cfg):
    op = VercelListConfigurationsOperator(task_id="many", installation_type="marketplace", expect_one=True)
    with pytest.raises(VercelTaskError) as info:
        op.execute(context)
    message = str(info.value)
    assert "2 configurations match" in message
    assert neon_cfg in message and upstash_cfg in message


def test_single_result_mode_fails_listing_what_exists_when_nothing_matches(emulator, context, neon_cfg):
    op = VercelListConfigurationsOperator(task_id="none", integration="supabase", expect_one=True)
    with pytest.raises(VercelTaskError) as info:
        op.execute(context)
    message = str(info.value)
    assert "No configuration matches integration='supabase'" in message
    assert neon_cfg in message and "neon" in message


def test_bad_literal_arguments_fail_at_construction_naming_the_argument(emulator):
    with pytest.raises(VercelInputError) as info:
        VercelListConfigurationsOperator(task_id="bad", installation_type="store")
    assert info.value.argument == "installation_type"
    with pytest.raises(VercelInputError) as info:
        VercelListConfigurationsOperator(task_id="bad", view="team")
    assert info.value.argument == "view"
    assert emulator.requests == []


def test_templated_arguments_are_checked_after_rendering_before_any_request(emulator, context):
    op = VercelListConfigurationsOperator(task_id="t", integration="{{ params.integration }}")
    op.integration = "bad slug!"  # what the template rendered
    with pytest.raises(VercelTaskError) as info:
        op.execute(context)
    assert info.value.argument == "integration"
    assert emulator.requests == []


# --- products ---------------------------------------------------------------------------------


def test_list_products_summarises_each_product_with_its_metadata_fields(emulator, context, neon_cfg):
    (product,) = VercelListProductsOperator(task_id="p", integration_configuration_id=neon_cfg).execute(context)
    assert set(product) == PRODUCT_KEYS
    assert product["slug"] == "neon-postgres"
    assert product["id"].startswith("iap_")
    assert product["protocols"] == ["storage"]
    assert product["integration_slug"] == "neon"
    assert product["configuration_id"] == neon_cfg
    assert product["required_metadata"] == ["region"]
    assert product["metadata_fields"][0] == "region"


@pytest.mark.parametrize("wanted", ["neon-postgres", "id"])
def test_single_result_mode_returns_the_product_id_by_slug_or_id(emulator, context, neon_cfg, wanted):
    (product,) = VercelListProductsOperator(task_id="p", integration_configuration_id=neon_cfg).execute(context)
    wanted = product["id"] if wanted == "id" else wanted
    op = VercelListProductsOperator(
        task_id="one", integration_configuration_id=neon_cfg, product=wanted, expect_one=True
    )
    assert op.execute(context) == product["id"]


def test_protocol_filter_and_several_matches(emulator, context, upstash_cfg):
    op = VercelListProductsOperator(task_id="p", integration_configuration_id=upstash_cfg, protocol="storage")
    assert {item["slug"] for item in op.execute(context)} == {"upstash-kv", "upstash-vector"}
    op = VercelListProductsOperator(
        task_id="p", integration_configuration_id=upstash_cfg, protocol="storage", expect_one=True
    )
    with pytest.raises(VercelTaskError, match="2 products match") as info:
        op.execute(context)
    assert "upstash-kv" in str(info.value) and "upstash-vector" in str(info.value)


def test_no_product_matches_lists_what_the_configuration_offers(emulator, context, upstash_cfg):
    op = VercelListProductsOperator(
        task_id="p", integration_configuration_id=upstash_cfg, protocol="logDrain", expect_one=True
    )
    with pytest.raises(VercelTaskError, match="No product matches") as info:
        op.execute(context)
    assert "upstash-kv" in str(info.value)


def test_bad_configuration_id_fails_at_construction(emulator):
    with pytest.raises(VercelInputError) as info:
        VercelListProductsOperator(task_id="p", integration_configuration_id="cfg_123")
    assert info.value.argument == "integration_configuration_id"


def test_configuration_id_rendered_to_none_is_rejected_before_any_request(emulator, context):
    op = VercelListProductsOperator(task_id="p", integration_configuration_id="{{ ti.xcom_pull('x') }}")
    op.integration_configuration_id = "None"
    with pytest.raises(VercelTaskError, match="integration_configuration_id"):
        op.execute(context)
    assert emulator.requests == []
