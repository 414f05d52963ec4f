"""5. Scale: provisioning N = 10, 100, 1000 stores through the async client.

One ``AsyncVercelClient`` (so one shared 429 pause gate and one connection pool of ``CONCURRENCY``)
and an ``asyncio.Semaphore(CONCURRENCY)``; the emulator (its own process) adds a fixed
``LATENCY`` to every request and has no rate-limit window, so the ideal wall time is
``requests x LATENCY / CONCURRENCY``. Each (variant, N) runs in a fresh child process against a reset
emulator, which reports wall time, its own CPU time, requests and bytes received, and peak RSS growth.

Variants:

- ``get_or_create_store`` (the product's create path, used by ``VercelCreateStoreOperator``): lists the
  configuration's stores before every create, so the k-th create downloads and validates k - 1 stores;
  requests are 2 per store, but bytes and CPU grow with N^2;
- list once + ``create_store``: the same result built from public client methods (one listing up
  front, then one POST per missing name); what a batch API would do;
- bare ``httpx.AsyncClient`` sending the same POSTs: the floor this emulator and machine allow;
- what-if (N <= 100): get-or-create whose listing asks ``skip-metadata=true`` (docs/api-contract.md §5.3),
  built from ``client.request``, to size the cheapest mitigation.

Targets: wall within 1.3x of the ideal, per-store cost flat from N = 100 to N = 1000 (within 1.3x).
``python benchmarks/bench_scale.py --full`` lets get-or-create at N = 1000 run to the end.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

# 10 ms of latency per connection slot: this emulator needs ~4 ms of CPU per request on the 2-core
# machine, so bare httpx stays near the ideal and the ratio measures our client, not the emulator.
LATENCY = 0.1
CONCURRENCY = 10
# get-or-create at N=1000 downloads ~2 GB (each listing carries every store so far); `make bench`
# stops it after this many seconds and reports a lower bound. ``--full`` lets it finish (~3.5 min).
CAP_SECONDS = 60.0
VARIANTS = ("get_or_create", "list_once", "bare_httpx", "gor_skip_metadata")
REQUESTS_PER_STORE = {"get_or_create": 2, "list_once": 1, "bare_httpx": 1, "gor_skip_metadata": 2}
LABEL = {
    "get_or_create": "get_or_create_store",
    "list_once": "get_or_create_stores (batch)",
    "bare_httpx": "bare httpx POSTs",
    "gor_skip_metadata": "get-or-create, skip-metadata list",
}
# The what-if variant only shows the effect of a smaller listing; it stays quadratic, so it stops at 100.
MAX_N = {"gor_skip_metadata": 100}


# ----------------------------------------------------------------------------------- child side


def _counting_transport(counter: dict):
    import httpx

    class Counting(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            # A custom transport replaces httpx's default one, limits included: give it the client's.
            limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
            self.inner = httpx.AsyncHTTPTransport(limits=limits)

        async def handle_async_request(self, request):
            response = await self.inner.handle_async_request(request)
            counter["requests"] += 1
            counter["bytes"] += int(response.headers.get("content-length", 0))
            return response

        async def aclose(self) -> None:
            await self.inner.aclose()

    return Counting()


class Progress:
    """Prints one line per finished store, so the parent can stop a long run and keep what was done."""

    def __init__(self, counter: dict) -> None:
        import resource

        self.counter = counter
        self.done = 0
        self.t0 = time.perf_counter()
        self.cpu0 = time.process_time()
        self.rss0 = c.rss_mb()
        self._resource = resource

    def snapshot(self) -> dict:
        peak = self._resource.getrusage(self._resource.RUSAGE_SELF).ru_maxrss / 1024
        return {
            "done": self.done,
            "wall": time.perf_counter() - self.t0,
            "cpu": time.process_time() - self.cpu0,
            "peak_rss_growth_mb": peak - self.rss0,
            **self.counter,
        }

    def tick(self) -> None:
        self.done += 1
        print("PROGRESS " + json.dumps(self.snapshot()), flush=True)


async def _run_variant(cfg: dict, progress: Progress, counter: dict) -> int:
    import httpx

    from airflow_provider_vercel.api import calls
    from airflow_provider_vercel.api.calls import CreateStoreRequest
    from airflow_provider_vercel.api.client import AsyncVercelClient
    from airflow_provider_vercel.api.create import matching_stores
    from airflow_provider_vercel.api.models import Store

    n, variant, icfg, product = cfg["n"], cfg["variant"], cfg["icfg"], cfg["product"]
    names = [f"scale-{variant.replace('_', '-')}-{i}" for i in range(n)]
    sem = asyncio.Semaphore(CONCURRENCY)

    def request(name: str) -> CreateStoreRequest:
        return CreateStoreRequest(
            name=name,
            integration_configuration_id=icfg,
            product=product,
            billing_plan_id="free",
            metadata={"region": "iad1"},
        )

    async def bounded(job, name: str) -> str:
        async with sem:
            store_id = await job(name)
        progress.tick()
        return store_id

    if variant == "bare_httpx":
        headers = {"Authorization": f"Bearer {cfg['token']}"}
        async with httpx.AsyncClient(base_url=cfg["url"], headers=headers, transport=_counting_transport(counter)) as h:

            async def post(name: str) -> str:
                r = await h.post(
                    "/v1/storage/stores/integration/direct",
                    params={"teamId": cfg["team"]},
                    json=request(name).to_body(),
                )
                return r.raise_for_status().json()["store"]["id"]

            return len(set(await asyncio.gather(*[bounded(post, x) for x in names])))

    client = AsyncVercelClient(
        cfg["token"],
        base_url=cfg["url"],
        team_id=cfg["team"],
        max_connections=CONCURRENCY,
        transport=_counting_transport(counter),
    )
    async with client:
        if variant == "get_or_create":

            async def get_or_create(name: str) -> str:
                outcome = await client.get_or_create_store(request(name))
                assert outcome.created
                return outcome.store.id

            job = get_or_create
        elif variant == "gor_skip_metadata":

            async def get_or_create_small(name: str) -> str:
                raw = await client.request(
                    "GET", "/v1/storage/stores", params={"integrationConfigurationId": icfg, "skip-metadata": "true"}
                )
                listed = [Store.model_validate(item) for item in raw["stores"]]
                assert not matching_stores(listed, name, product)
                return (await client.execute(calls.create_store(request(name)))).id

            job = get_or_create_small
        else:  # the batch API: lists the configuration once, then get-or-create per store (full recovery)
            outcomes = await client.get_or_create_stores(
                [request(name) for name in names], concurrency=CONCURRENCY
            )
            for _ in outcomes:
                progress.tick()
            assert all(o.created for o in outcomes)
            return len({o.store.id for o in outcomes})
        return len(set(await asyncio.gather(*[bounded(job, x) for x in names])))


def child(cfg: dict) -> dict:
    import airflow_provider_vercel.api.client  # noqa: F401  (imports are not part of the cost)

    counter = {"requests": 0, "bytes": 0}
    progress = Progress(counter)
    created = asyncio.run(_run_variant(cfg, progress, counter))
    return {**progress.snapshot(), "created": created}


# ---------------------------------------------------------------------------------- parent side


def run_one(emu: c.Emulator, product: str, variant: str, n: int, cap: float) -> dict:
    """Run one (variant, N) in a child process; after ``cap`` seconds stop it and keep its progress."""
    import select

    emu.reset()
    emu.settings(latency_seconds=LATENCY)
    cfg = {
        "variant": variant,
        "n": n,
        "url": emu.url,
        "token": emu.token,
        "team": emu.team_id,
        "icfg": emu.configuration_id("neon"),
        "product": product,
    }
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", json.dumps(cfg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=c.ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    history: list[dict] = []
    final = None
    started = time.monotonic()
    stopped = False
    try:
        while True:
            if time.monotonic() - started > cap:
                stopped = True
                break
            ready, _, _ = select.select([proc.stdout], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("PROGRESS "):
                history.append(json.loads(line[9:]))
            elif line.startswith("RESULT "):
                final = json.loads(line[7:])
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        err = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    if final is None and not stopped:
        raise RuntimeError(f"{variant} N={n} failed: {err[-2000:]}")
    if final is not None and final["created"] != n:
        raise RuntimeError(f"{variant} N={n}: {final['created']} stores created")
    out = final or dict(
        history[-1]
        if history
        else {"done": 0, "wall": cap, "cpu": 0, "bytes": 0, "requests": 0, "peak_rss_growth_mb": 0}
    )
    out["stopped"] = stopped
    if stopped:
        out["wall"] = cap
        # Marginal cost over the last fifth of the run: what one more store costs with `done` existing.
        if len(history) >= 10:
            a, b = history[len(history) * 4 // 5], history[-1]
            out["marginal_wall"] = (b["wall"] - a["wall"]) / max(1, b["done"] - a["done"])
            out["marginal_cpu"] = (b["cpu"] - a["cpu"]) / max(1, b["done"] - a["done"])
    out["server_requests"] = len(emu.requests())
    return out


def body(args, result: c.Result) -> None:
    sizes = (10, 100) if args.quick else (10, 100, 1000)
    cap = float("inf") if args.full else CAP_SECONDS
    runs: dict[str, dict[int, dict]] = {v: {} for v in VARIANTS}
    with c.Emulator() as emu:
        from airflow_provider_vercel.api.client import VercelClient

        with VercelClient(emu.token, base_url=emu.url, team_id=emu.team_id) as probe:
            product = next(
                p.id for p in probe.list_products(emu.configuration_id("neon")).products if p.slug == "neon-postgres"
            )
        for n in sizes:
            for variant in VARIANTS:
                if n <= MAX_N.get(variant, n):
                    runs[variant][n] = run_one(emu, product, variant, n, cap)
    result.data["runs"] = runs
    big, mid = sizes[-1], sizes[-2]

    def ideal(variant: str, n: int) -> float:
        return n * REQUESTS_PER_STORE[variant] * LATENCY / CONCURRENCY

    for variant in ("get_or_create", "list_once", "bare_httpx"):
        for n, r in runs[variant].items():
            figure = f"scale: {LABEL[variant]} N={n}: wall / ideal"
            if variant == "bare_httpx":
                figure += " (floor, reference)"
            if r["stopped"]:
                result.rows.append(
                    c.Row(
                        figure,
                        f">{r['wall']:.0f} s (stopped, {r['done']}/{n} done)",
                        f"{ideal(variant, n):.3g} s",
                        r["wall"] / ideal(variant, n),
                        "<= 1.3x",
                        False,
                    )
                )
            else:
                row = c.ratio_row(figure, r["wall"], ideal(variant, n), " s", "<=", 1.3)
                if variant == "bare_httpx":
                    row.target, row.met = "ref", None
                result.rows.append(row)
    for variant in ("get_or_create", "list_once"):
        r = runs[variant]
        if big not in r or mid not in r:
            continue
        for what, key in (("wall", "wall"), ("client CPU", "cpu")):
            base = r[mid][key] / mid * 1000
            if r[big]["stopped"]:
                if f"marginal_{key}" not in r[big]:
                    continue
                ours = r[big][f"marginal_{key}"] * 1000
                figure = f"scale: {LABEL[variant]}: {what} per store, store #{r[big]['done']} vs N={mid} avg"
            else:
                ours = r[big][key] / big * 1000
                figure = f"scale: {LABEL[variant]}: {what} per store N={big} vs N={mid}"
            result.rows.append(c.ratio_row(figure, ours, base, " ms", "<=", 1.3))
    if big in runs["get_or_create"] and big in runs["list_once"]:
        g, lean = runs["get_or_create"][big], runs["list_once"][big]
        partial = f" ({g['done']} stores)" if g["stopped"] else ""
        result.rows.append(
            c.Row(
                f"scale: peak RSS growth N={big}, get_or_create vs list once",
                f"{g['peak_rss_growth_mb']:.0f} MB{partial}",
                f"{lean['peak_rss_growth_mb']:.0f} MB",
                g["peak_rss_growth_mb"] / lean["peak_rss_growth_mb"] if lean["peak_rss_growth_mb"] > 0 else None,
                "info",
                None,
            )
        )

    result.details.append(
        f"emulator latency {LATENCY * 1000:.0f} ms per request, concurrency {CONCURRENCY} (semaphore and pool), "
        "no rate-limit window; one child process per run; ideal = requests x latency / concurrency"
    )
    result.details.append(
        f"{'variant':34} {'N':>5} {'done':>5} {'wall':>8} {'ideal':>7} {'ratio':>6} {'vs bare':>7} {'ms/store':>8} "
        f"{'cpu ms/st':>9} {'requests':>8} {'MB recv':>8} {'RSS+':>6}"
    )
    for variant in VARIANTS:
        for n, r in runs[variant].items():
            done = max(1, r["done"])
            bare = runs["bare_httpx"].get(n)
            vs_bare = f"{r['wall'] / bare['wall']:6.2f}x" if bare and not r["stopped"] else "      -"
            result.details.append(
                f"{LABEL[variant]:34} {n:5d} {r['done']:5d} {r['wall']:7.2f}s {ideal(variant, n):6.2f}s "
                f"{r['wall'] / ideal(variant, n):5.2f}x {vs_bare} {r['wall'] / done * 1000:8.1f} "
                f"{r['cpu'] / done * 1000:9.2f} "
                f"{r['requests']:8d} {r['bytes'] / 2**20:8.1f} {r['peak_rss_growth_mb']:5.0f}M"
                + ("  (stopped at the time cap)" if r["stopped"] else "")
            )
    g = runs["get_or_create"]
    if mid in g and mid in runs["gor_skip_metadata"]:
        s = runs["gor_skip_metadata"][mid]
        result.details.append(
            f"what-if at N={mid}: a skip-metadata listing cuts bytes {g[mid]['bytes'] / max(1, s['bytes']):.1f}x and "
            f"client CPU {g[mid]['cpu'] / max(1e-9, s['cpu']):.1f}x, but the listing still grows with every store"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print("RESULT " + json.dumps(child(json.loads(sys.argv[2]))), flush=True)
    else:
        c.bench_main(
            "scale",
            "5. Scale (N stores through the async client, bounded concurrency)",
            body,
            lambda p: p.add_argument("--full", action="store_true", help="no time cap on get-or-create at N=1000"),
        )
