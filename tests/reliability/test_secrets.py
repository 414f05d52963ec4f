"""Secrets: the API token and store secret values appear in no log, exception, XCom or rendered field.

What is searched, per run:

- every log record (``caplog`` at DEBUG on the root logger: message, ``exc_text`` and formatted
  ``exc_info``) and everything written to the process's stdout/stderr (``capfd``: Airflow's structlog
  console and the task logs of ``dag.test()``, which are **not** redacted; measured on Airflow 3.3);
- every exception raised, with its whole chain (``__cause__``/``__context__``, suppressed or not): ``str``,
  ``repr``, the formatted traceback and the ``repr`` of each attribute;
- every XCom value, every rendered template field, every audit-log row and the run conf, read back from
  the metadata DB; trigger kwargs when a sensor defers; any task log file under ``AIRFLOW_HOME/logs``.

What is searched for: the token the connection carried (the emulator's admin token ``vcl_emu_admin_…``,
or the member / no-payment / unknown token of a failure path) and its random tail alone; and every
store secret value (URLs, user, password, tokens; not the host, which is the emulator's loopback
address) and every non-plain project env var value held by the emulator, read from its state after the
run.

Runs: every example DAG end to end (``vercel_pr_database`` against Postgres-backed stores, as it really
uses its database; skipped where no PostgreSQL is available), two DAG-defined failure runs, three DAG
runs failing on the token (401, 403, 402), a table of failure paths (401, 403, 402, 429 and 5xx
exhaustion, an ambiguous create whose look-ups fail, reset, read timeout, refused connection, malformed
JSON, bad metadata, unknown plan) through the client, the hook and the create operator, the input
errors about the token and the base URL, and a store's whole life (create, wait, connect, connect
again, a failing connect, delete) plus the credentials path of the hook.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.hooks.vercel import VercelHook
from airflow_provider_vercel.operators.lifecycle import (
    VercelConnectStoreOperator,
    VercelDeleteStoreOperator,
)
from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator
from airflow_provider_vercel.sensors.stores import VercelStoreReadySensor
from tests.helpers.airflow import EXAMPLE_DAGS, xcoms
from tests.operators.conftest import RecordingTaskInstance
from tests.reliability.conftest import make_client, neon_request, operator_connection

UNKNOWN_TOKEN = "vcl_emu_LEAKPROBE_Zq8Xw3Rt6Yp1Lm4Nb7Vc"
#: Secret values that are public by nature: the database host is the emulator's loopback address.
PUBLIC_SECRETS = {"PGHOST"}
#: Example DAGs that use the store's database for real: run against Postgres-backed stores.
NEEDS_POSTGRES = {"vercel_pr_database.py"}


# --- evidence -------------------------------------------------------------------------------------


@dataclass
class Evidence:
    """Texts gathered from one run, by source."""

    caplog: pytest.LogCaptureFixture
    capfd: pytest.CaptureFixture[str]
    texts: list[tuple[str, str]] = field(default_factory=list)

    def add(self, source: str, value: Any) -> None:
        text = value if isinstance(value, str) else json.dumps(value, default=repr, sort_keys=True)
        self.texts.append((source, text))

    def add_exception(self, source: str, exc: BaseException) -> None:
        self.add(f"{source} traceback", "".join(traceback.format_exception(exc)))
        seen: set[int] = set()
        current: BaseException | None = exc
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            self.add(f"{source} {type(current).__name__}", f"{current}\n{current!r}")
            for name, value in vars(current).items():
                self.add(f"{source} {type(current).__name__}.{name}", repr(value))
            current = current.__cause__ or current.__context__

    def add_logs(self) -> None:
        """Every log record so far, and everything written to stdout and stderr so far."""
        handler = logging.Formatter()
        for record in self.caplog.records:
            text = record.getMessage()
            if record.exc_info:
                text += "\n" + handler.formatException(record.exc_info)
            if record.exc_text:
                text += "\n" + record.exc_text
            self.add(f"log {record.name}", text)
        out, err = self.capfd.readouterr()
        self.add("stdout", out)
        self.add("stderr", err)

    def leaks(self, probes: dict[str, str]) -> list[str]:
        found = []
        for label, secret in probes.items():
            for source, text in self.texts:
                at = text.find(secret)
                if at >= 0:
                    found.append(f"{label} in {source}: …{text[max(0, at - 60) : at + len(secret) + 20]}…")
        return found

    def assert_clean(self, probes: dict[str, str]) -> None:
        assert self.texts, "nothing was gathered"
        leaks = self.leaks(probes)
        assert not leaks, "\n".join(leaks[:10])


def token_probes(token: str) -> dict[str, str]:
    """The token and its random tail (a partial print is a leak too)."""
    tail = token.rsplit("_", 1)[-1]
    return {"token": token, "token tail": tail}


def secret_probes(server: Any) -> dict[str, str]:
    """Secret values the emulator holds: every store secret (but the host), and non-plain project env vars."""
    probes: dict[str, str] = {}
    with server.state.lock:
        for store in server.state.stores.values():
            for key, value in store.secrets.items():
                if len(value) >= 8 and key not in PUBLIC_SECRETS:
                    probes[f"secret {store.name}/{key}"] = value
        for env in server.state.env_vars.values():
            if env.type != "plain" and len(env.value) >= 8:
                probes[f"env {env.key}"] = env.value
    return probes


def seeded_env_probes(server: Any) -> dict[str, str]:
    with server.state.lock:
        return {f"env {e.key}": e.value for e in server.state.env_vars.values() if e.type != "plain"}


@pytest.fixture
def evidence(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> Iterator[Evidence]:
    caplog.set_level(logging.DEBUG)
    yield Evidence(caplog, capfd)


# --- reading a DAG run back from the metadata DB ---------------------------------------------------


def add_dag_run(evidence: Evidence, dag_run: Any, started: float) -> None:
    from airflow.models.log import Log
    from airflow.models.renderedtifields import RenderedTaskInstanceFields as Rtif
    from airflow.utils.session import create_session

    evidence.add("xcom", {f"{k[0]}[{k[1]}].{k[2]}": v for k, v in xcoms(dag_run).items()})
    with create_session() as session:
        rendered = session.query(Rtif).filter(Rtif.dag_id == dag_run.dag_id, Rtif.run_id == dag_run.run_id).all()
        assert rendered, "no rendered template fields were stored"
        for row in rendered:
            evidence.add(f"rendered {row.task_id}[{row.map_index}]", row.rendered_fields)
        for row in session.query(Log).filter(Log.dag_id == dag_run.dag_id, Log.run_id == dag_run.run_id).all():
            evidence.add(f"audit log {row.event}", f"{row.extra} {row.owner}")
    evidence.add("run conf", dag_run.conf or {})
    logs = Path(os.environ["AIRFLOW_HOME"]) / "logs"
    for path in logs.rglob("*") if logs.exists() else []:
        if path.is_file() and path.stat().st_mtime >= started - 1:
            evidence.add(f"log file {path.name}", path.read_text(errors="replace"))


def run_example(dag_file: str, dag_id: str, conf: dict[str, Any] | None = None) -> Any:
    """Run one example DAG, parsed afresh (Airflow 3.3.2 keeps a run's conf in the DAG's Params)."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(EXAMPLE_DAGS / dag_file))
    assert not bag.import_errors, bag.import_errors
    return bag.get_dag(dag_id).test(run_conf=conf)


EXAMPLE_FILES = sorted(p.name for p in EXAMPLE_DAGS.glob("vercel_*.py"))


def dag_ids_of(dag_file: str) -> list[str]:
    text = (EXAMPLE_DAGS / dag_file).read_text()
    return re.findall(r'dag_id="([^"]+)"', text)


# --- every example DAG, and the DAG-level failure paths ---------------------------------------------


def emulator_for(dag_file: str, request: pytest.FixtureRequest) -> Any:
    """The emulator a DAG file needs (Postgres-backed stores for DAGs that use the database)."""
    return request.getfixturevalue("vercel_emulator_postgres" if dag_file in NEEDS_POSTGRES else "vercel_emulator")


@pytest.mark.parametrize("dag_file", EXAMPLE_FILES)
def test_every_example_dag_leaks_no_token_and_no_secret_value(
    airflow_db,
    request,
    monkeypatch,
    evidence,
    trigger_runs,
    dag_file,
):
    server = emulator_for(dag_file, request)
    server.state.ready_delay = 1.2  # the pr_database sensor then really defers (trigger kwargs are stored)
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", operator_connection(server))
    started = time.time()
    dag_ids = dag_ids_of(dag_file)
    assert dag_ids
    for dag_id in dag_ids:
        dag_run = run_example(dag_file, dag_id)
        assert str(dag_run.state) == "success", dag_id
        add_dag_run(evidence, dag_run, started)
    for record in trigger_runs:
        evidence.add("trigger kwargs and event", record)
    evidence.add_logs()
    stdout = "".join(text for source, text in evidence.texts if source == "stdout")
    assert "[task]" in stdout, "the task logs were not captured: the search would prove nothing"
    evidence.assert_clean({**token_probes(server.admin_token), **secret_probes(server), **seeded_env_probes(server)})


DAG_FAILURES = {
    # name: (dag file, dag id, run conf, token alias or raw token, team)
    "no plan fits the ceiling": ("vercel_paid_store.py", "vercel_paid_store", {"region": "gru1"}, "admin", None),
    "checks fail, teardown runs": (
        "vercel_pr_database.py",
        "vercel_pr_database",
        {"simulate_failure": True},
        "admin",
        None,
    ),
    "401 unknown token": ("vercel_free_store.py", "vercel_free_store", None, UNKNOWN_TOKEN, None),
    "403 member token creates": ("vercel_free_store.py", "vercel_free_store", None, "member", None),
    "402 team without payment method": ("vercel_paid_store.py", "vercel_paid_store", None, "nopay_admin", "nopay"),
}


@pytest.mark.parametrize("case", sorted(DAG_FAILURES))
def test_failing_dag_runs_leak_no_token_and_no_secret_value(airflow_db, request, monkeypatch, evidence, case):
    dag_file, dag_id, conf, who, team = DAG_FAILURES[case]
    server = emulator_for(dag_file, request)
    token = who if who.startswith("vcl_") else server.state.token_for(who)
    team_id = server.state.team(slug=team)["id"] if team else server.team_id
    connection = json.loads(operator_connection(server))
    connection["password"] = token
    connection["extra"]["team_id"] = team_id
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", json.dumps(connection))
    started = time.time()
    dag_run = run_example(dag_file, dag_id, conf)
    assert str(dag_run.state) == "failed", case
    add_dag_run(evidence, dag_run, started)
    evidence.add_logs()
    evidence.assert_clean({**token_probes(token), **secret_probes(server), **seeded_env_probes(server)})


# --- failure paths through the client, the hook and the operators -----------------------------------


@dataclass(frozen=True)
class FailurePath:
    """A way for a call to fail, and how to set it up."""

    name: str
    token: Callable[[Any], str] = lambda server: server.admin_token
    team: str | None = None
    setup: Callable[[Any], Any] = lambda server: None
    base_url: Callable[[Any], str] | None = None
    timeout: float = 10.0
    plan: str | None = None
    metadata: dict[str, Any] | None = None


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


FAILURE_PATHS = [
    FailurePath("401 unknown token", token=lambda s: UNKNOWN_TOKEN),
    FailurePath("403 member token", token=lambda s: s.member_token),
    FailurePath("402 no payment method", token=lambda s: s.nopay_admin_token, team="nopay", plan="launch"),
    FailurePath("429 budget spent", setup=lambda s: s.faults.rate_limit(50, retry_after=0)),
    FailurePath("503 budget spent", setup=lambda s: s.faults.server_error(50, status=503)),
    FailurePath(
        "commit then 500 and look-ups fail",
        setup=lambda s: (
            s.faults.delay(1, seconds=0, method="GET", path="/v1/storage/stores"),
            s.faults.commit_then_error(1, status=500),
            s.faults.server_error(50, status=500, method="GET", path="/v1/storage/stores"),
        ),
    ),
    FailurePath("connection reset", setup=lambda s: s.faults.reset_connection(50)),
    FailurePath("read timeout", setup=lambda s: s.faults.delay(50, seconds=1.0), timeout=0.2),
    FailurePath("malformed JSON", setup=lambda s: s.faults.malformed_json(50)),
    FailurePath("connection refused", base_url=lambda s: f"http://127.0.0.1:{_closed_port()}"),
    FailurePath("bad metadata", metadata={"region": "mars1"}),
    FailurePath("unknown plan", plan="enterprise-gold"),
]


def _connection_for(server: Any, path: FailurePath) -> dict[str, Any]:
    connection = json.loads(operator_connection(server, timeout=path.timeout))
    connection["password"] = path.token(server)
    if path.team:
        connection["extra"]["team_id"] = server.state.team(slug=path.team)["id"]
    if path.base_url:
        connection["host"] = path.base_url(server)
    return connection


def _configuration(server: Any, path: FailurePath) -> str:
    return server.configuration_id("neon", team=path.team) or server.configuration_id("neon")


@pytest.mark.parametrize("entry", ["client", "hook", "operator"])
@pytest.mark.parametrize("path", FAILURE_PATHS, ids=[p.name for p in FAILURE_PATHS])
def test_failure_paths_leak_no_token(vercel_emulator, monkeypatch, evidence, path, entry):
    server = vercel_emulator
    connection = _connection_for(server, path)
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", json.dumps(connection))
    token = connection["password"]
    path.setup(server)
    request_kwargs = {
        "name": "leak-db",
        "integration_configuration_id": _configuration(server, path),
        "product": "neon-postgres",
        "metadata": path.metadata or {"region": "iad1"},
        "billing_plan_id": path.plan,
    }
    with pytest.raises(Exception) as info:
        if entry == "client":
            base = connection["host"]
            with make_client(
                server, token=token, team_id=connection["extra"]["team_id"], base_url=base, timeout=path.timeout
            ) as client:
                evidence.add("client repr", repr(client))
                client.list_products(request_kwargs["integration_configuration_id"])
                client.get_or_create_store(CreateStoreRequest(**request_kwargs))  # the server checks the rest
        elif entry == "hook":
            hook = VercelHook()
            evidence.add("hook settings", repr(hook.settings))
            hook.list_products(request_kwargs["integration_configuration_id"])
            hook.get_or_create_store(CreateStoreRequest(**request_kwargs))
        else:
            op = VercelCreateStoreOperator(task_id="create_store", **request_kwargs)
            evidence.add("operator rendered fields", {f: getattr(op, f) for f in op.template_fields})
            op.execute({"ti": RecordingTaskInstance()})
    evidence.add_exception(entry, info.value)
    evidence.add_logs()
    evidence.assert_clean(token_probes(token))


def test_bad_token_and_url_input_is_refused_without_echoing_the_secret(vercel_emulator, monkeypatch, evidence):
    """Input errors about the token or the base URL never repeat the value."""
    secret = "vcl_probe_Wk2Jd8Lq5Ns1Hx4"
    attempts: list[Callable[[], Any]] = [
        lambda: make_client(vercel_emulator, token=f"{secret} {secret}"),  # whitespace in the token
        lambda: make_client(vercel_emulator, base_url=f"https://user:{secret}@api.vercel.com"),
        lambda: make_client(vercel_emulator, base_url=f"http://:{secret}@10.1.2.3"),
        lambda: make_client(vercel_emulator, base_url=f"https://api.vercel.com/?token={secret}"),
    ]
    for conn in (
        {"conn_type": "vercel", "password": f"{secret} x"},
        {"conn_type": "vercel", "password": secret, "host": f"https://u:{secret}@api.vercel.com"},
        {"conn_type": "vercel", "password": secret, "host": "http://api.vercel.com"},
        {"conn_type": "vercel", "password": secret, "extra": {"timeout": "soon"}},
    ):
        attempts.append(
            lambda conn=conn: (
                monkeypatch.setenv("AIRFLOW_CONN_VERCEL_PROBE", json.dumps(conn)),
                VercelHook("vercel_probe").settings,
            )
        )
    for attempt in attempts:
        with pytest.raises(VercelInputError) as info:
            attempt()
        evidence.add_exception("input", info.value)
    evidence.add_logs()
    assert vercel_emulator.requests == []
    evidence.assert_clean(token_probes(secret))


@pytest.mark.parametrize("url", ["ftp://user:{secret}@example.com", "https://:{secret}@/v1"])
def test_a_malformed_base_url_with_credentials_is_refused_without_echoing_them(url):
    secret = "vcl_probe_Wk2Jd8Lq5Ns1Hx4"
    with pytest.raises(VercelInputError) as info:
        make_client_for_url(url.format(secret=secret))
    assert secret not in str(info.value)


def make_client_for_url(url: str) -> Any:
    from airflow_provider_vercel.api.client import VercelClient

    return VercelClient("tok_x", base_url=url)


# --- store secret values --------------------------------------------------------------------------


def test_store_secret_values_never_reach_xcom_logs_or_errors(vercel_emulator, monkeypatch, evidence):
    """Create, wait, connect (Vercel writes the secrets into the project), connect again, delete."""
    server = vercel_emulator
    server.state.ready_delay = 0.0
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", operator_connection(server))
    cfg = server.configuration_id("neon")
    ti = RecordingTaskInstance()
    created = VercelCreateStoreOperator(
        task_id="create",
        integration_configuration_id=cfg,
        product="neon-postgres",
        name="secret-db",
        metadata={"region": "iad1"},
    ).execute({"ti": ti})
    store_id = created["id"]
    outputs = [created, ti.xcoms]
    outputs.append(VercelStoreReadySensor(task_id="wait", store_id=store_id, deferrable=False).poke({"ti": ti}))
    for _ in range(2):
        outputs.append(
            VercelConnectStoreOperator(task_id="connect", store_id=store_id, project_id="web-app").execute({"ti": ti})
        )
    hook = VercelHook()
    outputs.append([env.key for env in hook.list_project_env("web-app")])
    with pytest.raises(Exception) as info:  # a failure after the secrets exist
        VercelConnectStoreOperator(task_id="connect", store_id=store_id, project_id="no-such-project").execute(
            {"ti": ti}
        )
    evidence.add_exception("connect to unknown project", info.value)
    outputs.append(VercelDeleteStoreOperator(task_id="delete", store_id=store_id).execute({"ti": ti}))
    for output in outputs:
        evidence.add("operator output", output)
    probes = secret_probes(server)
    assert any(label.startswith("secret secret-db/") for label in probes)
    assert created["secret_names"] and all(name.isupper() for name in created["secret_names"])
    evidence.add_logs()
    evidence.assert_clean({**probes, **token_probes(server.admin_token)})


def test_credentials_read_through_the_hook_are_never_logged(vercel_emulator, monkeypatch, evidence):
    """The one path meant to return secret values gives them to the caller and to no log.

    (That each is registered with the masker is tested in ``tests/hooks/test_vercel.py``.)
    """
    server = vercel_emulator
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", operator_connection(server))
    hook = VercelHook()
    store_id = hook.get_or_create_store(neon_request(server, "creds-db")).store.id
    hook.connect_store(server.configuration_id("neon"), store_id, "web-app")
    credentials = hook.get_store_credentials(store_id, "web-app")
    url = hook.get_store_url(store_id, "web-app")
    probes = {f"secret {k}": v for k, v in secret_probes(server).items() if k.startswith("secret creds-db/")}
    assert probes and set(probes.values()) <= set(credentials.values())  # the caller has them in clear
    assert url in credentials.values()
    evidence.add("hook settings", repr(hook.settings))
    evidence.add_logs()
    evidence.assert_clean(probes)
