"""2. Per-call overhead: a list call through ``VercelHook`` against bare httpx and Airflow's ``HttpHook``.

The emulator runs in its own process on loopback. Four clients call ``GET /v1/integrations/configurations``
(the team's configurations, a 2.6 kB JSON array), 1000 times each, interleaved call by call with
the order rotated every round so drift (a noisy shared machine) spreads over all of them:

- ours, models: ``hook.list_configurations()`` (decodes and validates pydantic models);
- ours, raw: ``hook.client.request("GET", ...)`` (decoded JSON, no models);
- bare ``httpx.Client`` with keep-alive: ``client.get(...).json()``;
- ``HttpHook(method="GET").run(...).json()`` with an ``http`` connection whose extras carry the
  Authorization header (as HttpHook is used in a DAG: it builds a requests Session, and so a new TCP
  connection, on every ``run``).

Targets: ours at most 1.15x bare httpx (median and p99), and faster than HttpHook.

Second part, no network: the same calls against an in-memory ``httpx.MockTransport`` returning the
same body, to show the client-side CPU of each layer in microseconds (what the loopback figures hide
under the server's own time): pydantic validation of the list, the tenacity retry wrapper, the rest.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

PATH = "/v1/integrations/configurations"
ATTRIBUTION = "ours, no retry wrapper (attribution)"


def timed_rounds(clients: dict[str, Callable[[], Any]], calls: int, deadline: c.Deadline) -> dict[str, list[float]]:
    """One call of each client per round, the order rotated every round: drift and noise bursts of a
    shared machine then fall on all clients alike."""
    samples: dict[str, list[float]] = {name: [] for name in clients}
    items = list(clients.items())
    for r in range(calls):
        if deadline.expired:
            break
        k = r % len(items)
        for name, fn in items[k:] + items[:k]:
            t0 = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - t0)
    return samples


def interleaved_per_call(fns: dict[str, Callable[[], Any]], batches: int, batch: int = 20) -> dict[str, float]:
    """Seconds per call of each function (CPU-bound, no network): median of ``batches`` batch means,
    the functions' batches interleaved and rotated, so a busy neighbour slows all of them alike."""
    items = list(fns.items())
    for _, fn in items:
        for _ in range(batch):
            fn()
    means: dict[str, list[float]] = {name: [] for name, _ in items}
    for r in range(batches):
        k = r % len(items)
        for name, fn in items[k:] + items[:k]:
            t0 = time.perf_counter()
            for _ in range(batch):
                fn()
            means[name].append((time.perf_counter() - t0) / batch)
    return {name: c.median(v) for name, v in means.items()}


def body(args, result: c.Result) -> None:
    calls = 200 if args.quick else 1000
    deadline = c.Deadline(240)
    with (
        c.Emulator() as emu,
        c.env(AIRFLOW_CONN_VERCEL_BENCH=emu.vercel_connection(), AIRFLOW_CONN_VERCEL_HTTP=emu.http_connection()),
    ):
        import httpx
        from airflow.providers.http.hooks.http import HttpHook

        from airflow_provider_vercel.hooks.vercel import VercelHook

        c.quiet_airflow_logs()
        hook = VercelHook("vercel_bench")
        http_hook = HttpHook(method="GET", http_conn_id="vercel_http")
        bare = httpx.Client(
            base_url=emu.url, headers={"Authorization": f"Bearer {emu.token}", "Accept": "application/json"}
        )
        query = {"view": "account", "teamId": emu.team_id}
        from airflow_provider_vercel.api import calls as api_calls

        list_call = api_calls.list_configurations("account")
        clients: dict[str, Callable[[], Any]] = {
            "ours: hook.list_configurations()": lambda: hook.list_configurations(),
            "ours: hook.client.request()": lambda: hook.client.request("GET", PATH, params={"view": "account"}),
            "bare httpx.Client.get().json()": lambda: bare.get(PATH, params=query).json(),
            "HttpHook.run().json()": lambda: http_hook.run(PATH, data=query).json(),
            # Attribution only (not a product path): the same list call minus the tenacity wrapper that
            # execute() builds for every call, i.e. what a "retry only after a failure" fast path would cost.
            ATTRIBUTION: lambda: hook.client._send_once(list_call),
        }
        # Same answer from all of them, before timing anything.
        answers = {name: fn() for name, fn in clients.items()}
        raw = answers["bare httpx.Client.get().json()"]
        assert answers["ours: hook.client.request()"] == raw == answers["HttpHook.run().json()"], "clients disagree"
        assert [m.id for m in answers["ours: hook.list_configurations()"]] == [x["id"] for x in raw]
        assert [m.id for m in answers[ATTRIBUTION]] == [x["id"] for x in raw]
        for fn in clients.values():  # warm-up
            for _ in range(30):
                fn()
        samples = timed_rounds(clients, calls, deadline)
        body_bytes = len(bare.get(PATH, params=query).content)
        bare.close()
        hook.close()

    stats = {
        name: {"median": c.median(s), "p99": c.percentile(s, 99), "mean": sum(s) / len(s), "n": len(s)}
        for name, s in samples.items()
    }
    result.data["loopback"] = stats
    models, rawc, bare_s, http_s, fast = (stats[n] for n in clients)
    for label, ours in (("list_configurations()", models), ("client.request() raw", rawc)):
        for q in ("median", "p99"):
            result.rows.append(
                c.ratio_row(f"calls: {q} {label} vs bare httpx", ours[q] * 1000, bare_s[q] * 1000, " ms", "<=", 1.15)
            )
    for q in ("median", "p99"):
        result.rows.append(
            c.ratio_row(
                f"calls: {q} list_configurations() vs HttpHook", models[q] * 1000, http_s[q] * 1000, " ms", "<", 1.0
            )
        )
    result.details.append(
        f"loopback, emulator in its own process, {body_bytes} B JSON body, {models['n']} calls per client, "
        "interleaved call by call (order rotated each round)"
    )
    result.details.append(f"{'client':38} {'median':>10} {'p99':>10} {'mean':>10}")
    for name, s in stats.items():
        result.details.append(f"{name:38} {c.ms(s['median']):>10} {c.ms(s['p99']):>10} {c.ms(s['mean']):>10}")
    result.details.append(
        f"ours over bare httpx, median: models +{c.us(models['median'] - bare_s['median'])}, "
        f"raw +{c.us(rawc['median'] - bare_s['median'])} per call; the per-call tenacity wrapper accounts for "
        f"{c.us(models['median'] - fast['median'])} (list_configurations without it: "
        f"{fast['median'] / bare_s['median']:.2f}x bare httpx)"
    )

    client_side_breakdown(raw, result, 30 if args.quick else 100)
    construction_cost(result, 5 if args.quick else 9)


def construction_cost(result: c.Result, rounds: int) -> None:
    """What building a client costs: paid by every task's hook, and by every trigger inside the
    triggerer's event loop (``VercelHook.aget_client`` builds a new ``AsyncVercelClient`` per trigger)."""
    import ssl

    import httpx

    from airflow_provider_vercel.api.client import AsyncVercelClient, VercelClient

    shared = ssl.create_default_context()
    builders = {
        "VercelClient()": lambda: VercelClient("x" * 24, base_url="https://api.vercel.com"),
        "AsyncVercelClient()": lambda: AsyncVercelClient("x" * 24, base_url="https://api.vercel.com"),
        "httpx.Client() (default verify)": lambda: httpx.Client(base_url="https://api.vercel.com"),
        "httpx.Client(verify=<shared SSLContext>)": lambda: httpx.Client(
            base_url="https://api.vercel.com", verify=shared
        ),
    }
    times: dict[str, list[float]] = {k: [] for k in builders}
    for r in range(rounds):
        items = list(builders.items())
        k = r % len(items)
        for name, build in items[k:] + items[:k]:
            t0 = time.perf_counter()
            client = build()
            times[name].append(time.perf_counter() - t0)
            del client  # not closed: nothing was opened, and an AsyncClient would need a loop to aclose
    med = {k: c.median(v) for k, v in times.items()}
    result.data["construction_ms"] = {k: v * 1000 for k, v in med.items()}
    result.details.append(
        f"building a client (median of {rounds}): " + ", ".join(f"{k} {c.ms(v)}" for k, v in med.items())
    )
    result.details.append(
        "  => almost all of it is httpx loading the CA bundle into a new SSLContext for every client; "
        "a trigger pays it inside the triggerer's event loop"
    )


def client_side_breakdown(payload: list[dict[str, Any]], result: c.Result, batches: int) -> None:
    """Per-call CPU of each layer against an in-memory transport (no socket, no server)."""
    import json

    import httpx
    from tenacity import Retrying

    from airflow_provider_vercel.api import calls as api_calls
    from airflow_provider_vercel.api.client import VercelClient
    from airflow_provider_vercel.api.models import IntegrationConfiguration
    from airflow_provider_vercel.api.retry import RetryPolicy, retrying_kwargs

    content = json.dumps(payload).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=content, headers={"content-type": "application/json"})

    base = "http://127.0.0.1:9"
    bare = httpx.Client(base_url=base, transport=httpx.MockTransport(handler), headers={"Authorization": "Bearer x"})
    ours = VercelClient("x" * 24, base_url=base, team_id="team_bench", transport=httpx.MockTransport(handler))
    policy = RetryPolicy()
    gc.collect()
    t = interleaved_per_call(
        {
            "bare httpx get().json()": lambda: bare.get(PATH, params={"view": "account", "teamId": "t"}).json(),
            "ours client.request() raw": lambda: ours.request("GET", PATH, params={"view": "account"}),
            "ours list_configurations()": lambda: ours.list_configurations(),
            # Attribution only: the same request without the retry wrapper (an internal method).
            "ours _send_once() (no tenacity wrapper)": lambda: ours._send_once(
                api_calls.generic("GET", PATH, {"view": "account"})
            ),
            "pydantic: validate the list alone": lambda: [
                IntegrationConfiguration.model_validate(item) for item in payload
            ],
            "tenacity: build Retrying + call a no-op": lambda: Retrying(**retrying_kwargs(policy))(lambda: None),
        },
        batches=batches,
    )
    bare.close()
    ours.close()
    result.data["client_side_us"] = {k: v * 1e6 for k, v in t.items()}
    result.details.append(
        f"client-side CPU per call, in-memory transport, same {len(content)} B body ({len(payload)} configurations):"
    )
    for name, seconds in t.items():
        result.details.append(f"  {name:42} {c.us(seconds):>8}")
    over_raw = t["ours client.request() raw"] - t["bare httpx get().json()"]
    wrapper = t["ours client.request() raw"] - t["ours _send_once() (no tenacity wrapper)"]
    over_models = t["ours list_configurations()"] - t["ours client.request() raw"]
    result.data["client_side_us"].update(over_raw=over_raw * 1e6, wrapper=wrapper * 1e6, models=over_models * 1e6)
    result.details.append(
        f"  => our stack adds {c.us(over_raw)} per call over bare httpx before models; the per-call tenacity "
        f"Retrying (built for every successful call) accounts for {c.us(wrapper)} of it; models add {c.us(over_models)}"
    )


if __name__ == "__main__":
    c.bench_main("calls", "2. Per-call overhead (loopback, emulator in its own process)", body)
