"""Discovery operators: what a DAG may create (configurations, products), and, re-exported from
``billing_plans``, the billing-plan listing and selection.

Each list operator returns a list of small JSON summaries (see ``summaries.py``) or, with
``expect_one=True``, the one matching id as a string, failing with a message that lists what matched
(or, when nothing did, what exists). ``VercelSelectBillingPlanOperator`` returns the chosen plan id:
the XCom that ``VercelCreateStoreOperator(billing_plan_id=select_plan.output)`` pulls.

API modules that build pydantic models (``calls``, ``plans``, ``provisioning``) are imported where they
are used, not at the top: DAG files import this module when they are parsed, and those imports would
multiply its cost (``make bench BENCH_ARGS="--only parse"``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.coerce import optional_text, rendered_bool
from airflow_provider_vercel.api.summaries import configuration_summary, enabled_protocols, product_summary
from airflow_provider_vercel.operators.billing_plans import (
    PLAN_SELECTION_XCOM_KEY,
    PLAN_SUMMARY_XCOM_KEY,
    VercelListBillingPlansOperator,
    VercelSelectBillingPlanOperator,
)
from airflow_provider_vercel.operators.matching import (
    criteria_text,
    describe_configuration,
    describe_product,
    only_one,
)
from airflow_provider_vercel.tasks.base import VercelBaseOperator, is_deferred, task_failures

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_vercel.api.models import IntegrationConfiguration, Product

__all__ = [
    "PLAN_SELECTION_XCOM_KEY",
    "PLAN_SUMMARY_XCOM_KEY",
    "VercelListBillingPlansOperator",
    "VercelListConfigurationsOperator",
    "VercelListProductsOperator",
    "VercelSelectBillingPlanOperator",
    "only_one",
]


class VercelListConfigurationsOperator(VercelBaseOperator):
    """List the team's integration configurations (installations), optionally filtered.

    Returns (XCom ``return_value``) a list of configuration summaries
    ``{"id", "integration_id", "integration_slug", "integration_name", "installation_type", "status",
    "source"}``; with ``expect_one=True``, the one matching configuration id (``icfg_…``) as a string.

    :param integration: integration slug (``neon``) or id (``oac_…``) to filter on (templated).
    :param installation_type: ``marketplace``, ``external`` or ``provisioning`` (templated).
    :param view: ``account`` (default) or ``project`` (templated).
    :param expect_one: return the single matching id, and fail when zero or several match (templated).
    :param vercel_conn_id: the Vercel connection (templated).
    """

    template_fields: Sequence[str] = (
        "integration", "installation_type", "view", "expect_one", *VercelBaseOperator.template_fields
    )

    def __init__(
        self,
        *,
        integration: str | None = None,
        installation_type: str | None = None,
        view: str = "account",
        expect_one: bool = False,
        **kwargs: Any,
    ) -> None:
        from airflow_provider_vercel.api import calls  # heavy: see the module docstring

        super().__init__(**kwargs)
        self.integration = integration
        self.installation_type = installation_type
        self.view = view
        self.expect_one = expect_one
        self.check_now(expect_one, lambda v: rendered_bool("expect_one", v))
        if not any(map(is_deferred, (integration, installation_type, view))):
            calls.list_configurations(view, optional_text(installation_type), optional_text(integration))

    def _matches(self, configuration: IntegrationConfiguration, integration: str | None) -> bool:
        # The API filters already; this guards against a server that ignores the filter. An item is
        # dropped only when it carries the identifier the filter names and that differs.
        if integration is None:
            return True
        if integration.startswith("oac_"):
            return configuration.integration_id in (None, integration)
        slug = configuration.integration_slug
        return slug is None or slug == integration

    def execute(self, context: Context) -> list[dict[str, Any]] | str:
        from airflow_provider_vercel.api import calls  # heavy: see the module docstring

        integration = optional_text(self.integration)
        installation_type = optional_text(self.installation_type)
        with task_failures():
            self.check_rendered()
            self.expect_one = rendered_bool("expect_one", self.expect_one)
            calls.list_configurations(self.view, installation_type, integration)  # checks, no I/O
            configurations = self.hook.list_configurations(self.view, installation_type, integration)
        visible = [configuration_summary(item) for item in configurations]
        matched = [
            configuration_summary(item) for item in configurations if self._matches(item, integration)
        ]
        self.log.info("%d configuration(s) visible, %d match", len(visible), len(matched))
        if self.expect_one:
            criteria = criteria_text(integration=integration, installation_type=installation_type)
            if not matched and (integration or installation_type):
                # The API filtered: list what exists at all, so the message says what to ask for.
                with task_failures():
                    visible = [configuration_summary(item) for item in self.hook.list_configurations(self.view)]
            return only_one("configuration", matched, visible, criteria, describe_configuration)
        return matched


class VercelListProductsOperator(VercelBaseOperator):
    """List the products a configuration can provision, optionally filtered by product or protocol.

    Returns (XCom ``return_value``) a list of product summaries ``{"id", "slug", "name",
    "primary_protocol", "protocols", "integration_id", "integration_slug", "configuration_id",
    "metadata_fields", "required_metadata"}``; with ``expect_one=True``, the one matching product id
    (``iap_…``) as a string.

    :param integration_configuration_id: the configuration (``icfg_…``) (templated).
    :param product: product slug (``neon-postgres``) or id (``iap_…``) to filter on (templated).
    :param protocol: keep products whose primary protocol is this or that enable it, e.g. ``storage`` (templated).
    :param expect_one: return the single matching id, and fail when zero or several match (templated).
    :param vercel_conn_id: the Vercel connection (templated).
    """

    template_fields: Sequence[str] = (
        "integration_configuration_id", "product", "protocol", "expect_one", *VercelBaseOperator.template_fields
    )

    def __init__(
        self,
        *,
        integration_configuration_id: str,
        product: str | None = None,
        protocol: str | None = None,
        expect_one: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.integration_configuration_id = integration_configuration_id
        self.product = product
        self.protocol = protocol
        self.expect_one = expect_one
        self._check_arguments(integration_configuration_id, product, protocol, final=False)
        self.check_now(expect_one, lambda v: rendered_bool("expect_one", v))

    def _check_arguments(self, configuration_id: Any, product: Any, protocol: Any, *, final: bool) -> None:
        checks: list[tuple[Any, Callable[[Any], Any]]] = [
            (configuration_id, lambda v: check.configuration_id(v)),
            (product, lambda v: v is None or check.product_id_or_slug(v)),
            (protocol, lambda v: v is None or check.require_text("protocol", v)),
        ]
        for value, checker in checks:
            if final:
                checker(value)
            else:
                self.check_now(value, checker)

    @staticmethod
    def _matches(product: Product, wanted: str | None, protocol: str | None) -> bool:
        if wanted is not None and wanted not in (product.id, product.slug):
            return False
        if protocol is not None and protocol != product.primary_protocol:
            return protocol in enabled_protocols(product)
        return True

    def execute(self, context: Context) -> list[dict[str, Any]] | str:
        product = optional_text(self.product)
        protocol = optional_text(self.protocol)
        with task_failures():
            self.check_rendered()
            self.expect_one = rendered_bool("expect_one", self.expect_one)
            self._check_arguments(self.integration_configuration_id, product, protocol, final=True)
            listing = self.hook.list_products(self.integration_configuration_id)
            visible = [
                product_summary(
                    item, integration=listing.integration, configuration_id=self.integration_configuration_id
                )
                for item in listing.products
            ]
        matched = [
            summary
            for item, summary in zip(listing.products, visible)
            if self._matches(item, product, protocol)
        ]
        self.log.info(
            "Configuration %s offers %d product(s), %d match",
            self.integration_configuration_id,
            len(visible),
            len(matched),
        )
        if self.expect_one:
            criteria = criteria_text(
                integration_configuration_id=self.integration_configuration_id, product=product, protocol=protocol
            )
            return only_one("product", matched, visible, criteria, describe_product)
        return matched
