"""Randomized create campaign: many get-or-create runs under random faults, then count the stores.

Each run picks a fresh store name and a random mix of faults, injects them into the local Vercel
emulator, asks for the store once (through the sync client, the async client or
``VercelCreateStoreOperator.execute``), and then compares what the caller was told with what the
emulator really holds:

- duplicate: more than one live store carries the run's name;
- lost: the run raised although a store of its name exists, or it returned an id that is not a live
  store of that name (a paid resource nobody knows about);
- failed: the run raised and no store exists (nothing paid for, but the run did not do its job);
  a failure Airflow would retry (not bad input) gets a second try, as a task with ``retries >= 1`` does;
- wrong adoption: a store existed before the run and the run did not return exactly that one.

The fault mix per run: nothing; on the create POST ``commit_then_drop``, ``commit_then_error``
(500/502/503/504), ``commit_then_delay`` (with a client timeout shorter than the delay),
``server_error`` before anything is committed, ``rate_limit`` or ``reset_connection``, a second POST
fault after a ``rate_limit`` (the only answer after which the flow POSTs again); a listing lag (the new
store stays out of the listing for up to ``--max-lag`` seconds, while the per-store GET sees it), alone
or with any of those; on the store listing (the check before the POST, or the look-up after an
ambiguous failure) ``reset_connection``, ``server_error``, ``rate_limit`` or ``malformed_json`` within the
retry budget; and sometimes a store of the same name created before the run (it must be reused).

After an ambiguous answer the clients look for the store for ``--settle`` seconds (their
``create_settle_seconds``), shorter than the library's 15 s default to keep the campaign quick: a lag
longer than that fails the try with ``VercelAmbiguousCreateError``, and the modelled task retry runs
once the lag is over (Airflow's ``retry_delay``, 5 minutes by default, is far longer than any lag).

Usage::

    python tests/integration/reliability_campaign.py --runs 500 --seed 20261125 [--via mixed|client|async|operator]
        [--max-lag 5] [--settle 3]

The seed is printed (and chosen at random when not given), so any run can be replayed. The exit status
is 1 when a duplicate, a lost store, a failed run or a wrong adoption occurred. ``run_campaign`` is the
same thing as a function, for tests (it accepts a running ``EmulatorServer``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a file from a checkout
    sys.path.insert(0, str(ROOT))

CREATE_PATH = "/v1/storage/stores/integration/direct"
LIST_PATH = "/v1/storage/stores"
VIAS = ("client", "async", "operator")
CONN_ID = "vercel_campaign"
SHORT_CONN_ID = "vercel_campaign_short"

# (fault on the first POST, weight). "none" means the POST is answered normally.
POST_FAULTS = (
    ("none", 3),
    ("commit_then_drop", 3),
    ("commit_then_error", 3),
    ("commit_then_delay", 1),
    ("server_error", 2),
    ("rate_limit", 1),
    ("reset_connection", 2),
)
# Answers that certainly created nothing, after which the flow POSTs again: a second POST fault may follow.
# (A 5xx or a reset may have committed, as far as a client can tell: no second POST after those.)
NOT_COMMITTED = ("rate_limit",)
SECOND_POST_FAULTS = ("commit_then_drop", "commit_then_error", "server_error", "reset_connection")
LISTING_LAG_PROBABILITY = 0.35
LIST_FAULTS = ("reset_connection", "server_error", "rate_limit", "malformed_json")
COMMIT_ERROR_STATUSES = (500, 502, 503, 504)
SERVER_ERROR_STATUSES = (500, 502, 503, 504)


@dataclass(frozen=True)
class CampaignSettings:
    """Timing and budget of the campaign's clients.

    :param max_attempts: attempts per safe call, and POSTs per get-or-create.
    :param timeout: read timeout of the normal client, in seconds.
    :param short_timeout: read timeout of the client used in ``commit_then_delay`` runs.
    :param hold: how long ``commit_then_delay`` holds the answer (longer than ``short_timeout``).
    :param backoff: first backoff wait in seconds (tiny: the emulator recovers at once).
    :param max_lag: longest listing lag drawn, in seconds.
    :param settle: the clients' ``create_settle_seconds``.
    """

    max_attempts: int = 4
    timeout: float = 1.0
    short_timeout: float = 0.25
    hold: float = 0.6
    backoff: float = 0.002
    max_lag: float = 5.0
    settle: float = 3.0


@dataclass
class RunPlan:
    """The faults of one run, drawn from the seeded generator."""

    name: str
    via: str
    pre_existing: bool
    post_faults: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    list_fault: tuple[str, str, dict[str, Any]] | None = None  # (kind, "check" | "recovery", kwargs)
    listing_lag: float = 0.0  # seconds a store created in this run stays out of the listing

    @property
    def short_timeout(self) -> bool:
        return any(kind == "commit_then_delay" for kind, _ in self.post_faults)

    def labels(self) -> list[str]:
        """Names of the faults, for the fault-mix table."""
        out = []
        if self.pre_existing:
            out.append("pre_existing_store")
        for kind, kwargs in self.post_faults:
            status = kwargs.get("status")
            out.append(f"POST {kind}" + (f" {status}" if status else ""))
        if self.list_fault is not None:
            kind, where, _ = self.list_fault
            out.append(f"list {kind} ({where})")
        if self.listing_lag:
            out.append("listing_lag")
        if not out:
            out.append("no fault")
        return out


@dataclass
class RunResult:
    """What one run returned and what the emulator holds afterwards."""

    plan: RunPlan
    outcome: str | None  # the operator's label: created | recovered | reused; None when the run raised
    error: str | None
    returned_id: str | None
    live_ids: list[str]
    existing_id: str | None
    posts: int
    answered: bool  # the last POST's answer reached the caller (no fault on it)
    seconds: float
    task_retried: bool = False  # try 1 failed in a retryable way and a second try ran, as Airflow would

    @property
    def kind(self) -> str:
        """created (a POST answered), recovered (committed, answer lost, found by name), adopted, or error."""
        if self.outcome is None:
            return "error"
        if self.outcome == "reused":
            return "adopted"
        return "created" if self.answered else "recovered"

    @property
    def duplicate(self) -> bool:
        return len(self.live_ids) > 1

    @property
    def lost(self) -> bool:
        if self.error is not None:
            return bool(self.live_ids)
        return self.returned_id not in self.live_ids

    @property
    def failed(self) -> bool:
        return self.error is not None and not self.live_ids

    @property
    def wrong_adoption(self) -> bool:
        return self.existing_id is not None and self.error is None and self.returned_id != self.existing_id


def draw_plan(rng: random.Random, index: int, seed: int, via: str, max_lag: float = 5.0) -> RunPlan:
    """The faults of run ``index``; listing lags are drawn up to ``max_lag`` seconds."""
    chosen_via = rng.choice(VIAS) if via == "mixed" else via
    plan = RunPlan(name=f"camp-{seed}-{index:05d}", via=chosen_via, pre_existing=rng.random() < 0.1)
    kinds, weights = zip(*POST_FAULTS)
    first = rng.choices(kinds, weights=weights)[0]
    if first != "none":
        plan.post_faults.append((first, _post_kwargs(rng, first)))
        if first in NOT_COMMITTED and rng.random() < 0.35:
            second = rng.choice(SECOND_POST_FAULTS)
            plan.post_faults.append((second, _post_kwargs(rng, second)))
    if rng.random() < 0.3:
        ambiguous = any(
            kind.startswith("commit_then") or kind in ("server_error", "reset_connection")
            for kind, _ in plan.post_faults
        )
        where = "recovery" if ambiguous and not plan.pre_existing and rng.random() < 0.6 else "check"
        kind = rng.choice(LIST_FAULTS)
        kwargs: dict[str, Any] = {}
        if kind == "server_error":
            kwargs["status"] = rng.choice(SERVER_ERROR_STATUSES)
        if kind == "rate_limit":
            kwargs["retry_after"] = rng.choice((0, None, "http-date:0"))
        plan.list_fault = (kind, where, kwargs)
    if rng.random() < LISTING_LAG_PROBABILITY:
        plan.listing_lag = round(rng.uniform(0.1, 1.0) * max_lag, 3)
    return plan


def _post_kwargs(rng: random.Random, kind: str) -> dict[str, Any]:
    if kind == "commit_then_error":
        return {"status": rng.choice(COMMIT_ERROR_STATUSES)}
    if kind == "server_error":
        return {"status": rng.choice(SERVER_ERROR_STATUSES)}
    if kind == "rate_limit":
        return {"retry_after": 0}
    return {}


def inject(server: Any, plan: RunPlan, settings: CampaignSettings) -> None:
    """Register the run's faults (list faults first, so they are matched in the intended order)."""
    faults = server.faults
    if plan.listing_lag:
        faults.listing_lag(plan.listing_lag)
    if plan.list_fault is not None:
        kind, where, kwargs = plan.list_fault
        if where == "recovery":
            # A no-op fault eats the check before the POST, so the real one hits the look-up after it.
            faults.delay(1, seconds=0, method="GET", path=LIST_PATH)
        n = 1 if kind != "server_error" else max(1, settings.max_attempts - 2)
        getattr(faults, kind)(n, method="GET", path=LIST_PATH, **kwargs)
    for kind, kwargs in plan.post_faults:
        if kind == "commit_then_delay":
            faults.commit_then_delay(1, seconds=settings.hold)
        elif kind.startswith("commit_then"):
            getattr(faults, kind)(1, **kwargs)
        else:
            getattr(faults, kind)(1, method="POST", path=CREATE_PATH, **kwargs)


class Runners:
    """The three ways of asking for a store, each with a normal and a short-timeout variant."""

    def __init__(self, server: Any, settings: CampaignSettings) -> None:
        from airflow_provider_vercel.api.client import AsyncVercelClient, VercelClient
        from airflow_provider_vercel.api.retry import RetryPolicy

        self.server = server
        self.settings = settings
        self.policy = RetryPolicy(
            max_attempts=settings.max_attempts,
            backoff_initial=settings.backoff,
            backoff_max=settings.backoff * 4,
            max_elapsed=30.0,
            jitter=0.0,
        )
        common = {
            "base_url": server.url,
            "team_id": server.team_id,
            "retry_policy": self.policy,
            "create_settle_seconds": settings.settle,
        }
        token = server.admin_token
        self.sync = {t: VercelClient(token, timeout=t, **common) for t in (settings.timeout, settings.short_timeout)}
        self.loop = asyncio.new_event_loop()
        self.aio = {
            t: AsyncVercelClient(token, timeout=t, **common) for t in (settings.timeout, settings.short_timeout)
        }
        self.configuration_id = server.configuration_id("neon")
        self._operator_ready = False
        self._saved_env: dict[str, str | None] = {}
        self.quiet = True

    def close(self) -> None:
        for name, value in self._saved_env.items():  # leave the environment as it was found
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        for client in self.sync.values():
            client.close()
        for aclient in self.aio.values():
            self.loop.run_until_complete(aclient.aclose())
        self.loop.close()

    def _timeout(self, plan: RunPlan) -> float:
        return self.settings.short_timeout if plan.short_timeout else self.settings.timeout

    def request(self, name: str) -> Any:
        from airflow_provider_vercel.api.calls import CreateStoreRequest

        return CreateStoreRequest(
            name=name,
            integration_configuration_id=self.configuration_id,
            product="neon-postgres",
            metadata={"region": "iad1"},
        )

    def run(self, plan: RunPlan) -> tuple[str, str | None]:
        """Ask for the store; return (outcome, store id)."""
        from airflow_provider_vercel.api.summaries import outcome_label

        if plan.via == "client":
            outcome = self.sync[self._timeout(plan)].get_or_create_store(self.request(plan.name))
            return outcome_label(outcome), outcome.store.id
        if plan.via == "async":
            client = self.aio[self._timeout(plan)]
            outcome = self.loop.run_until_complete(client.get_or_create_store(self.request(plan.name)))
            return outcome_label(outcome), outcome.store.id
        return self._run_operator(plan)

    def _run_operator(self, plan: RunPlan) -> tuple[str, str | None]:
        self._prepare_operator()
        from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator

        op = VercelCreateStoreOperator(
            task_id="create_store",
            integration_configuration_id=self.configuration_id,
            product="neon-postgres",
            name=plan.name,
            metadata={"region": "iad1"},
            vercel_conn_id=SHORT_CONN_ID if plan.short_timeout else CONN_ID,
        )
        if self.quiet:
            op._cached_logger = _QUIET  # the operator's own info lines, 500 times over, say nothing new here
        pushed: dict[str, Any] = {}

        class _TaskInstance:
            def xcom_push(self, key: str, value: Any) -> None:
                json.dumps(value)
                pushed[key] = value

        try:
            summary = op.execute({"ti": _TaskInstance()})  # type: ignore[arg-type]
        finally:
            op.hook.close()
        if pushed.get("store_id") != summary["id"]:
            raise AssertionError(f"XCom store_id {pushed.get('store_id')} != returned id {summary['id']}")
        return summary["outcome"], summary["id"]

    def _prepare_operator(self) -> None:
        if self._operator_ready:
            return
        s = self.settings
        for conn_id, timeout in ((CONN_ID, s.timeout), (SHORT_CONN_ID, s.short_timeout)):
            extra = {
                "team_id": self.server.team_id,
                "timeout": timeout,
                "max_attempts": s.max_attempts,
                "backoff_initial": s.backoff,
                "backoff_max": s.backoff * 4,
                "jitter": 0.0,
                "create_settle_seconds": s.settle,
            }
            conn = {"conn_type": "vercel", "host": self.server.url, "password": self.server.admin_token, "extra": extra}
            name = f"AIRFLOW_CONN_{conn_id.upper()}"
            self._saved_env.setdefault(name, os.environ.get(name))
            os.environ[name] = json.dumps(conn)
        self._operator_ready = True


def _wait_until_listed(server: Any, name: str) -> None:
    """Sleep until every store called ``name`` shows in the listing (the modelled retry_delay)."""
    with server.state.lock:
        pending = [s.listed_from for s in server.state.stores.values() if s.name == name]
    time.sleep(max([0.0, *(when - time.monotonic() for when in pending)]))


def _live_ids(server: Any, name: str) -> list[str]:
    with server.state.lock:
        return [s.id for s in server.state.stores.values() if s.name == name and not s.deleted]


def _forget(server: Any, name: str) -> None:
    """Drop the run's stores from the emulator once counted, so later listings stay small."""
    with server.state.lock:
        for store_id in [s.id for s in server.state.stores.values() if s.name == name]:
            del server.state.stores[store_id]


def _pre_create(runners: Runners, name: str) -> str:
    outcome = runners.sync[runners.settings.timeout].get_or_create_store(runners.request(name))
    return str(outcome.store.id)


def execute_run(server: Any, runners: Runners, plan: RunPlan, settings: CampaignSettings) -> RunResult:
    """One run: optional pre-existing store, faults, the get-or-create, then the census."""
    server.faults.clear()
    existing = _pre_create(runners, plan.name) if plan.pre_existing else None
    server.log.clear()
    inject(server, plan, settings)
    started = time.monotonic()
    outcome = returned = error = None
    task_retried = False
    try:
        outcome, returned = runners.run(plan)
    except Exception as exc:  # noqa: BLE001  (any failure: the census below decides whether it is a loss)
        error = f"{type(exc).__name__}: {exc}"
        if _retryable_by_airflow(exc):
            # Airflow retries such a task (retries >= 1): try 2 runs get-or-create again, faults gone,
            # after its retry_delay (minutes by default), by when any listing lag is over.
            server.faults.clear()
            _wait_until_listed(server, plan.name)
            task_retried = True
            try:
                outcome, returned = runners.run(plan)
                error = None
            except Exception as again:  # noqa: BLE001
                error = f"{type(again).__name__}: {again}"
    seconds = time.monotonic() - started
    server.faults.clear()
    post_log = [r for r in server.requests if r["method"] == "POST" and r["path"] == CREATE_PATH]
    answered = bool(post_log) and post_log[-1]["fault"] is None and post_log[-1]["status"] == 200
    live = _live_ids(server, plan.name)
    result = RunResult(plan, outcome, error, returned, live, existing, len(post_log), answered, seconds, task_retried)
    _forget(server, plan.name)
    return result


def _retryable_by_airflow(exc: BaseException) -> bool:
    """False for failures the operators mark final (bad input, no plan): Airflow does not retry those."""
    from airflow_provider_vercel.api.errors import VercelInputError

    try:
        from airflow.providers.common.compat.sdk import AirflowFailException
    except ImportError:  # the API layer alone
        return not isinstance(exc, VercelInputError)
    return not isinstance(exc, (VercelInputError, AirflowFailException))


def run_campaign(
    runs: int = 500,
    seed: int | None = None,
    *,
    server: Any = None,
    via: str = "mixed",
    settings: CampaignSettings | None = None,
    out: Callable[[str], None] | None = print,
) -> dict[str, Any]:
    """Run the campaign and return its figures (also printed through ``out`` unless it is None).

    :param runs: number of get-or-create runs.
    :param seed: seed of the fault generator; None draws one (it is printed).
    :param server: a running ``EmulatorServer`` to use; None starts (and stops) a private one.
    :param via: ``client``, ``async``, ``operator`` or ``mixed`` (a random one per run).
    :param settings: timeouts and retry budget.
    :param out: where the report lines go.
    """
    if via not in (*VIAS, "mixed"):
        raise ValueError(f"via must be one of {VIAS + ('mixed',)}, got {via!r}")
    if seed is None:
        seed = random.SystemRandom().randrange(1, 10**9)
    settings = settings or CampaignSettings()
    own_server = server is None
    if own_server:
        from airflow_provider_vercel.emulator.server import EmulatorServer

        server = EmulatorServer().start()
    quiet = _quiet_logs()
    rng = random.Random(seed)
    runners = Runners(server, settings)
    started = time.monotonic()
    results: list[RunResult] = []
    try:
        for index in range(runs):
            plan = draw_plan(rng, index, seed, via, settings.max_lag)
            results.append(execute_run(server, runners, plan, settings))
    finally:
        runners.close()
        quiet()
        if own_server:
            server.stop()
    figures = summarise(results, seed=seed, via=via, wall=time.monotonic() - started, server=server)
    if out is not None:
        for line in report_lines(figures):
            out(line)
    return figures


def summarise(results: list[RunResult], *, seed: int, via: str, wall: float, server: Any) -> dict[str, Any]:
    """The campaign's figures as a JSON-safe dict."""
    mix: Counter[str] = Counter(label for r in results for label in r.plan.labels())
    kinds: Counter[str] = Counter(r.kind for r in results)
    labels: Counter[str] = Counter(r.outcome or "error" for r in results)
    problems = [
        {
            "run": r.plan.name,
            "via": r.plan.via,
            "faults": r.plan.labels(),
            "error": r.error,
            "returned": r.returned_id,
            "live": r.live_ids,
            "existing": r.existing_id,
        }
        for r in results
        if r.duplicate or r.lost or r.failed or r.wrong_adoption
    ]
    lagged = [r for r in results if r.plan.listing_lag]
    return {
        "seed": seed,
        "via": via,
        "runs": len(results),
        "lagged_runs": len(lagged),
        "max_listing_lag": max((r.plan.listing_lag for r in lagged), default=0.0),
        "lagged_recovered_in_call": sum(1 for r in lagged if r.kind == "recovered" and not r.task_retried),
        "runs_by_via": dict(Counter(r.plan.via for r in results)),
        "fault_mix": dict(sorted(mix.items())),
        "faulted_runs": sum(1 for r in results if r.plan.labels() != ["no fault"]),
        "created": kinds.get("created", 0),
        "recovered": kinds.get("recovered", 0),
        "adopted": kinds.get("adopted", 0),
        "errors": kinds.get("error", 0),
        "operator_labels": dict(sorted(labels.items())),
        "stores": sum(len(r.live_ids) for r in results),
        "duplicates": sum(1 for r in results if r.duplicate),
        "lost": sum(1 for r in results if r.lost),
        "failed": sum(1 for r in results if r.failed),
        "wrong_adoptions": sum(1 for r in results if r.wrong_adoption),
        "task_retries": sum(1 for r in results if r.task_retried),
        "posts": sum(r.posts for r in results),
        "runs_with_several_posts": sum(1 for r in results if r.posts > 1),
        "max_run_seconds": round(max((r.seconds for r in results), default=0.0), 3),
        "wall_seconds": round(wall, 2),
        "problems": problems[:20],
    }


def report_lines(f: dict[str, Any]) -> list[str]:
    """The human-readable report."""
    mix = ", ".join(f"{name}={count}" for name, count in f["fault_mix"].items())
    lines = [
        (
            f"reliability campaign: seed={f['seed']} runs={f['runs']} via={f['via']} "
            f"({', '.join(f'{k}={v}' for k, v in sorted(f['runs_by_via'].items()))})"
        ),
        f"fault mix ({f['faulted_runs']} faulted runs): {mix}",
        (
            f"listing lags: {f['lagged_runs']} runs, up to {f['max_listing_lag']} s; "
            f"{f['lagged_recovered_in_call']} found by the look-ups within the settle window"
        ),
        (
            f"outcomes: created={f['created']} (POST answered) recovered={f['recovered']} (committed, answer "
            f"lost, found by name) adopted={f['adopted']} (existed before) errors={f['errors']}"
        ),
        (
            f"stores: {f['stores']} for {f['runs']} runs; duplicates={f['duplicates']} lost={f['lost']} "
            f"failed={f['failed']} wrong_adoptions={f['wrong_adoptions']}"
        ),
        (
            f"task retries: {f['task_retries']} (a lost answer that no look-up resolved fails the try; "
            "Airflow's retry looks again first)"
        ),
        (
            f"POSTs: {f['posts']} ({f['runs_with_several_posts']} runs needed more than one); "
            f"slowest run {f['max_run_seconds']} s; wall time {f['wall_seconds']} s"
        ),
    ]
    for problem in f["problems"]:
        lines.append(f"  PROBLEM {json.dumps(problem)}")
    return lines


_QUIET = logging.getLogger("reliability_campaign.operator")
_QUIET.setLevel(logging.ERROR)


def _quiet_logs() -> Callable[[], None]:
    """Silence the expected retry warnings and operator info lines; return the undo."""
    names = ("airflow_provider_vercel", "airflow.task", "httpx", "httpcore")
    saved = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.ERROR)

    def undo() -> None:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)

    return undo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=500, help="number of create runs (default 500)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the fault generator (default: random)")
    parser.add_argument("--via", choices=(*VIAS, "mixed"), default="mixed", help="entry point (default mixed)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON as well")
    parser.add_argument("--max-lag", type=float, default=5.0, help="longest listing lag in seconds (default 5)")
    parser.add_argument(
        "--settle", type=float, default=3.0, help="clients' create_settle_seconds (default 3; the library's is 15)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not (0 <= args.max_lag < 600 and 0 <= args.settle < 600):
        parser.error("--max-lag and --settle must be between 0 and 600 seconds")
    if args.via in ("operator", "mixed"):
        # The operator path imports Airflow: keep it out of the user's AIRFLOW_HOME unless one is set.
        os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="vercel-campaign-airflow-"))
        os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    settings = CampaignSettings(max_lag=args.max_lag, settle=args.settle)
    figures = run_campaign(args.runs, args.seed, via=args.via, settings=settings)
    if args.json:
        print(json.dumps(figures, indent=2))
    bad = figures["duplicates"] + figures["lost"] + figures["failed"] + figures["wrong_adoptions"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
