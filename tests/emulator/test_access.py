"""Tokens, teams and scoping: 401, 403, 402, personal account, teamId or slug."""

from __future__ import annotations

import pytest

CONFIGS = "/v1/integrations/configurations"
CREATE = "/v1/storage/stores/integration/direct"


def _error(response):
    body = response.json()
    assert set(body) == {"error"}
    return body["error"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer vcl_emu_nope"}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer"}],
)
def test_missing_or_unknown_bearer_is_401_with_error_body(client_for, emu, headers):
    client = client_for(None)
    response = client.get(CONFIGS, params={"view": "account"}, headers=headers)
    assert response.status_code == 401
    assert _error(response)["code"] == "unauthorized"


def test_401_comes_before_query_validation(client_for):
    response = client_for(None).get(CONFIGS)  # view missing too
    assert response.status_code == 401


def test_member_token_reads_everything(member, emu, create_store):
    store = create_store()
    assert member.get(CONFIGS, params={"view": "account"}).status_code == 200
    assert member.get(f"/v1/integrations/configuration/{emu.configuration_id('neon')}/products").status_code == 200
    assert member.get(f"/v1/storage/stores/{store['id']}").status_code == 200
    assert member.get("/v1/storage/stores").json()["stores"][0]["id"] == store["id"]
    assert member.get("/v10/projects/web-app/env").status_code == 200


def test_member_token_cannot_create_store(member, neon_body):
    response = member.post(CREATE, json=neon_body())
    assert response.status_code == 403
    error = _error(response)
    assert error["code"] == "forbidden"
    assert "admin of the integration configuration" in error["message"]


def test_member_token_cannot_connect_disconnect_or_delete(member, emu, create_store):
    store = create_store()
    icfg = emu.configuration_id("neon")
    connect = member.post(
        f"/v1/integrations/installations/{icfg}/resources/{store['id']}/connections", json={"projectId": "web-app"}
    )
    assert connect.status_code == 403
    assert (
        member.post(f"/v1/storage/stores/{store['id']}/connections", json={"projectId": "web-app"}).status_code == 403
    )
    assert member.delete(f"/v1/storage/stores/{store['id']}/connections").status_code == 403
    deleted = member.delete(f"/v1/storage/stores/integration/{store['id']}")
    assert deleted.status_code == 403
    assert deleted.json()["err"]["code"] == "forbidden"


def test_other_team_token_is_forbidden_on_acme_by_id_and_by_slug(client_for, emu):
    other = client_for(emu.other_team_token)
    for params in ({"teamId": emu.team_id}, {"slug": emu.team_slug, "teamId": None}):
        response = other.get(CONFIGS, params={"view": "account", **{k: v for k, v in params.items() if v}})
        assert response.status_code == 403
        assert _error(response)["code"] == "forbidden"
        assert "Not authorized" in _error(response)["message"]


def test_other_team_token_sees_empty_lists_in_its_own_team(client_for, emu):
    other = client_for(emu.other_team_token, team={"slug": "globex"})
    assert other.get(CONFIGS, params={"view": "account"}).json() == []
    assert other.get("/v1/storage/stores").json() == {"stores": []}


def test_other_team_cannot_see_acme_store_in_its_own_scope(client_for, emu, create_store):
    store = create_store()
    other = client_for(emu.other_team_token, team={"slug": "globex"})
    assert other.get(f"/v1/storage/stores/{store['id']}").status_code == 404


def test_team_slug_is_accepted_instead_of_team_id(client_for, emu):
    by_slug = client_for(emu.admin_token, team={"slug": emu.team_slug})
    by_id = client_for(emu.admin_token)
    assert (
        by_slug.get(CONFIGS, params={"view": "account"}).json() == by_id.get(CONFIGS, params={"view": "account"}).json()
    )


def test_unknown_team_is_forbidden(client_for, emu):
    for team in ({"teamId": "team_doesNotExist000000000000"}, {"slug": "no-such-team"}):
        response = client_for(emu.admin_token, team=team).get(CONFIGS, params={"view": "account"})
        assert response.status_code == 403


def test_personal_account_has_no_configurations_and_no_team_resources(client_for, emu, neon_body):
    personal = client_for(emu.admin_token, team={})
    assert personal.get(CONFIGS, params={"view": "account"}).json() == []
    icfg = emu.configuration_id("neon")
    assert personal.get(f"/v1/integrations/configuration/{icfg}").status_code == 404
    assert personal.get(f"/v1/integrations/configuration/{icfg}/products").status_code == 404
    assert personal.get("/v1/storage/stores").json() == {"stores": []}
    assert personal.get("/v10/projects/web-app/env").status_code == 404
    assert personal.post(CREATE, json=neon_body()).status_code == 404


def test_team_without_payment_method_gets_402_for_a_paid_plan(client_for, emu):
    nopay = client_for(emu.nopay_admin_token, team={"slug": "nopay"})
    body = {
        "name": "paid-db",
        "integrationConfigurationId": emu.configuration_id("neon", team="nopay"),
        "integrationProductIdOrSlug": "neon-postgres",
        "metadata": {"region": "iad1"},
        "billingPlanId": "launch",
    }
    response = nopay.post(CREATE, json=body)
    assert response.status_code == 402
    assert _error(response)["code"] == "payment_required"


def test_team_without_payment_method_can_still_create_a_free_store(client_for, emu):
    nopay = client_for(emu.nopay_admin_token, team={"slug": "nopay"})
    body = {
        "name": "free-kv",
        "integrationConfigurationId": emu.configuration_id("upstash", team="nopay"),
        "integrationProductIdOrSlug": "upstash-kv",
    }
    response = nopay.post(CREATE, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["store"]["billingPlan"]["id"] == "free"


def test_configuration_of_another_team_is_not_found(admin, emu, neon_body):
    other_cfg = emu.configuration_id("neon", team="nopay")
    assert admin.get(f"/v1/integrations/configuration/{other_cfg}").status_code == 404
    assert admin.post(CREATE, json=neon_body(integrationConfigurationId=other_cfg)).status_code == 404
