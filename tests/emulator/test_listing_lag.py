"""The listing lag fault and the light listing (``skip-metadata=true``) of ``GET /v1/storage/stores``.

A lag makes a new store invisible to the listing for a while although the per-store GET already serves
it (the listing is not read-after-write consistent); it combines with a commit-then-5xx on the create.
"""

from __future__ import annotations

import time

import pytest

CREATE = "/v1/storage/stores/integration/direct"
LIST = "/v1/storage/stores"
LAG = 0.6


def _listed_names(admin, **params):
    response = admin.get(LIST, params=params)
    assert response.status_code == 200
    return [s["name"] for s in response.json()["stores"]]


def test_a_store_created_under_a_listing_lag_is_served_by_id_but_listed_only_after_the_lag(admin, emu, neon_body):
    emu.faults.listing_lag(LAG)
    created_at = time.monotonic()
    store = admin.post(CREATE, json=neon_body(name="lagging")).json()["store"]
    assert admin.get(f"{LIST}/{store['id']}").status_code == 200  # the live per-store read sees it
    assert "lagging" not in _listed_names(admin)
    while "lagging" not in _listed_names(admin):
        assert time.monotonic() - created_at < LAG + 5, "never listed"  # generous: only proves it shows up
        time.sleep(0.05)
    assert time.monotonic() - created_at >= LAG


def test_stores_created_before_the_lag_was_set_stay_listed(admin, emu, neon_body):
    admin.post(CREATE, json=neon_body(name="older"))
    emu.faults.listing_lag(30)
    assert "older" in _listed_names(admin)


def test_clearing_the_faults_keeps_the_lag_of_stores_already_created(admin, emu, neon_body):
    emu.faults.listing_lag(30)
    admin.post(CREATE, json=neon_body(name="hidden"))
    emu.faults.clear()
    admin.post(CREATE, json=neon_body(name="shown"))
    assert _listed_names(admin) == ["shown"]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_listing_lag_combines_with_commit_then_error(admin, emu, neon_body, status):
    emu.faults.listing_lag(30)
    emu.faults.commit_then_error(1, status=status)
    response = admin.post(CREATE, json=neon_body(name="committed"))
    assert response.status_code == status
    assert [s.name for s in emu.state.team_stores(emu.team_id)] == ["committed"]  # it was saved
    assert "committed" not in _listed_names(admin)


def test_listing_lag_is_set_over_http_as_a_fault_spec_and_as_a_setting(admin, emu, neon_body):
    response = admin.post("/_emulator/faults", json={"kind": "listing_lag", "seconds": 30})
    assert response.status_code == 200 and response.json()["listing_lag_seconds"] == 30
    admin.post(CREATE, json=neon_body(name="via-fault-spec"))
    assert "via-fault-spec" not in _listed_names(admin)
    assert admin.post("/_emulator/settings", json={"listing_lag_seconds": 0}).json()["listing_lag_seconds"] == 0
    admin.post(CREATE, json=neon_body(name="no-lag"))
    assert "no-lag" in _listed_names(admin)
    assert admin.post("/_emulator/settings", json={"listing_lag_seconds": -1}).status_code == 400


def test_the_light_listing_omits_metadata_but_keeps_identity_and_product(admin, emu, neon_body):
    admin.post(CREATE, json=neon_body(name="light"))
    full = admin.get(LIST).json()["stores"][0]
    light = admin.get(LIST, params={"skip-metadata": "true"}).json()["stores"][0]
    assert "metadata" in full and "metadata" not in light
    assert "metadataSchema" in full["product"] and "metadataSchema" not in light["product"]
    for key in ("id", "name", "createdAt"):
        assert light[key] == full[key]
    assert {k: light["product"][k] for k in ("id", "slug")} == {k: full["product"][k] for k in ("id", "slug")}
    assert len(admin.get(LIST, params={"skip-metadata": "true"}).content) < len(admin.get(LIST).content)
