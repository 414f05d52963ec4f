"""3. Connection reuse: TCP connections opened by a whole discovery-to-create flow through one hook.

A counting TCP relay sits between the client and the emulator (its own process) and counts the
connections it accepts. The flow, through ONE ``VercelHook``: list configurations -> list products ->
list billing plans -> get-or-create a store (list stores, POST) -> get the store. Target: 1 connection.

Side by side, the same six requests through Airflow's ``HttpHook`` (one ``run`` per request, as an
``HttpOperator`` or a DAG author would) and through a bare ``httpx.Client``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402


def ours_flow(hook, icfg: str) -> str:
    from airflow_provider_vercel.api.calls import CreateStoreRequest

    configurations = hook.list_configurations(integration="neon", installation_type="marketplace")
    assert [x.id for x in configurations] == [icfg]
    product = next(p for p in hook.list_products(icfg).products if p.slug == "neon-postgres")
    plans = hook.list_billing_plans("neon", product.id, {"region": "iad1"}, configuration_id=icfg)
    plan = next(p for p in plans if p.id == "free")
    request = CreateStoreRequest(
        name="bench-conn-ours",
        integration_configuration_id=icfg,
        product=product.id,
        billing_plan_id=plan.id,
        metadata={"region": "iad1"},
    )
    outcome = hook.get_or_create_store(request)
    assert outcome.created
    return hook.get_store(outcome.store.id).id


def http_hook_flow(team: str, icfg: str) -> str:
    from airflow.providers.http.hooks.http import HttpHook

    get = HttpHook(method="GET", http_conn_id="vercel_http")
    post = HttpHook(method="POST", http_conn_id="vercel_http")
    q = {"teamId": team}
    get.run("/v1/integrations/configurations", data={**q, "view": "account", "integrationIdOrSlug": "neon"})
    products = get.run(f"/v1/integrations/configuration/{icfg}/products", data=q).json()["products"]
    product = next(p for p in products if p["slug"] == "neon-postgres")["id"]
    get.run(
        f"/v1/integrations/integration/neon/products/{product}/plans",
        data={**q, "metadata": json.dumps({"region": "iad1"}), "integrationConfigurationId": icfg},
    )
    get.run("/v1/storage/stores", data={**q, "integrationConfigurationId": icfg})
    body = {
        "name": "bench-conn-http",
        "integrationConfigurationId": icfg,
        "integrationProductIdOrSlug": product,
        "billingPlanId": "free",
        "metadata": {"region": "iad1"},
    }
    store = post.run(f"/v1/storage/stores/integration/direct?teamId={team}", json=body).json()["store"]
    return get.run(f"/v1/storage/stores/{store['id']}", data=q).json()["store"]["id"]


def bare_flow(url: str, token: str, team: str, icfg: str) -> str:
    import httpx

    q = {"teamId": team}
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as h:
        h.get("/v1/integrations/configurations", params={**q, "view": "account", "integrationIdOrSlug": "neon"})
        products = h.get(f"/v1/integrations/configuration/{icfg}/products", params=q).json()["products"]
        product = next(p for p in products if p["slug"] == "neon-postgres")["id"]
        h.get(
            f"/v1/integrations/integration/neon/products/{product}/plans",
            params={**q, "metadata": json.dumps({"region": "iad1"}), "integrationConfigurationId": icfg},
        )
        h.get("/v1/storage/stores", params={**q, "integrationConfigurationId": icfg})
        body = {
            "name": "bench-conn-bare",
            "integrationConfigurationId": icfg,
            "integrationProductIdOrSlug": product,
            "billingPlanId": "free",
            "metadata": {"region": "iad1"},
        }
        store = h.post("/v1/storage/stores/integration/direct", params=q, json=body).raise_for_status().json()["store"]
        return h.get(f"/v1/storage/stores/{store['id']}", params=q).json()["store"]["id"]


def body(args, result: c.Result) -> None:
    with (
        c.Emulator() as emu,
        c.CountingProxy(emu.port) as proxy,
        c.env(
            AIRFLOW_CONN_VERCEL_BENCH=emu.vercel_connection(proxy.url),
            AIRFLOW_CONN_VERCEL_HTTP=emu.http_connection(proxy.port),
        ),
    ):
        from airflow_provider_vercel.hooks.vercel import VercelHook

        c.quiet_airflow_logs()
        icfg = emu.configuration_id("neon")
        counts = {}
        for name, run in (
            ("ours", lambda: ours_flow(VercelHook("vercel_bench"), icfg)),
            ("HttpHook", lambda: http_hook_flow(emu.team_id, icfg)),
            ("bare httpx", lambda: bare_flow(proxy.url, emu.token, emu.team_id, icfg)),
        ):
            emu.clear_requests()
            proxy.reset_count()
            run()
            log = emu.requests()
            counts[name] = (proxy.accepted, len(log), [f"{r['method']} {r['path']} {r['status']}" for r in log])
    result.data["connections"] = {k: {"tcp": v[0], "requests": v[1]} for k, v in counts.items()}
    ours_tcp, ours_req, ours_log = counts["ours"]
    http_tcp, http_req, _ = counts["HttpHook"]
    result.rows.append(
        c.Row(
            "conn: TCP connections, discovery->plans->create->get, one hook",
            f"{ours_tcp} ({ours_req} requests)",
            f"HttpHook {http_tcp} ({http_req} requests)",
            None,
            "= 1",
            ours_tcp == 1,
        )
    )
    result.details.append("connections counted by a TCP relay in front of the emulator; requests by its request log")
    for name, (tcp, req, _) in counts.items():
        result.details.append(f"{name:12} {tcp} TCP connection(s) for {req} requests")
    result.details.append("our flow on the wire: " + "; ".join(ours_log))


if __name__ == "__main__":
    c.bench_main("conn", "3. Connection reuse (TCP connections per flow through one hook)", body)
