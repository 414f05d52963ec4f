"""The emulator's real-database backend: names, release on delete and reset, the CLI flag, a real server.

The last tests need a PostgreSQL server (``vercel_postgres``: ``$VERCEL_TEST_POSTGRES_DSN`` or a
throwaway one started from the installed binaries) and are skipped with the reason without one.
"""

from __future__ import annotations

import httpx
import pytest

from airflow_provider_vercel.emulator.backends import PostgresServerBackend, Provisioned, StoreSpec
from airflow_provider_vercel.emulator.server import EmulatorServer
from airflow_provider_vercel.emulator.state import EmulatorState


class RecordingBackend:
    """A Postgres-kind backend that records what it provisions and releases."""

    def __init__(self) -> None:
        self.provisioned: list[str] = []
        self.released: list[str] = []

    def provision(self, spec: StoreSpec) -> Provisioned:
        self.provisioned.append(spec.store_id)
        return Provisioned("ep-test", {"DATABASE_URL": f"postgres://u:p@127.0.0.1:1/{spec.store_id}"})

    def release(self, store_id: str) -> None:
        self.released.append(store_id)


def client_for(server):
    return httpx.Client(
        base_url=server.url,
        headers={"Authorization": f"Bearer {server.admin_token}"},
        params={"teamId": server.team_id},
        timeout=30,
    )


def create_neon(client, server, name):
    body = {
        "name": name,
        "integrationConfigurationId": server.configuration_id("neon"),
        "integrationProductIdOrSlug": "neon-postgres",
        "metadata": {"region": "iad1"},
    }
    response = client.post("/v1/storage/stores/integration/direct", json=body)
    assert response.status_code == 200, response.text
    return response.json()["store"]


def test_database_names_derive_from_the_store_id_safely():
    name = PostgresServerBackend.names_for("store_AbCdEfGh12345678")
    assert name == PostgresServerBackend.names_for("store_AbCdEfGh12345678")
    assert name.startswith("vercel_store_abcdefgh12345678_") and len(name) <= 63
    assert name != PostgresServerBackend.names_for("store_abcdefgh12345678")  # ids differing by case only
    assert all(ch.isalnum() or ch == "_" for ch in PostgresServerBackend.names_for('store_x"; DROP ROLE postgres;--'))


def test_the_backend_reads_host_and_port_from_the_dsn_and_never_shows_the_password():
    backend = PostgresServerBackend("postgresql://admin:s3cret-pw@db.internal:6543/postgres")
    assert (backend.host, backend.port) == ("db.internal", 6543)
    assert "s3cret" not in repr(backend)
    socket_dsn = PostgresServerBackend("host=/var/run/postgresql user=postgres")
    assert (socket_dsn.host, socket_dsn.port) == ("127.0.0.1", 5432)
    with pytest.raises(ValueError):
        PostgresServerBackend("")


def test_deleting_a_store_and_resetting_the_state_release_the_backend(vercel_emulator_factory):
    backend = RecordingBackend()
    server = vercel_emulator_factory(backends={"postgres": backend}, ready_delay=0)
    with client_for(server) as client:
        kept = create_neon(client, server, "kept")
        deleted = create_neon(client, server, "deleted")
        assert client.delete(f"/v1/storage/stores/integration/{deleted['id']}").status_code == 200
    assert backend.released == [deleted["id"]]
    server.reset()  # a live store's resource is released too, so a real database never outlives the state
    assert backend.released == [deleted["id"], kept["id"]]
    server.reset()
    assert len(backend.released) == 2


def test_a_failing_release_on_reset_is_logged_not_raised(caplog):
    class Broken(RecordingBackend):
        def release(self, store_id: str) -> None:
            raise RuntimeError("server gone")

    state = EmulatorState(backends={"postgres": Broken()})
    from airflow_provider_vercel.emulator.state import Store

    neon = state.integration("neon")
    product = next(p for p in neon["products"] if p.get("backend") == "postgres")
    store = Store(
        id="store_brokenRelease01",
        name="b",
        team_id="t",
        configuration_id="c",
        integration_id=neon["id"],
        product_id=product["id"],
        metadata={},
        billing_plan={},
        secrets={},
        external_resource_id="e",
        created_at=0,
        updated_at=0,
        ready_at=0,
    )
    state.add_store(store)
    state.reset()
    assert state.stores == {}
    assert "could not release store store_brokenRelease01" in caplog.text


def test_emulator_server_takes_a_postgres_dsn():
    server = EmulatorServer(postgres_dsn="postgresql://admin:pw@127.0.0.1:5999/postgres")
    backend = server.state.backends["postgres"]
    assert isinstance(backend, PostgresServerBackend) and backend.port == 5999


def test_the_cli_refuses_an_unreachable_postgres_without_echoing_its_password(capsys):
    from airflow_provider_vercel.emulator.__main__ import main

    code = main(["--port", "0", "--postgres-dsn", "postgresql://admin:s3cret-pw@127.0.0.1:1/postgres"])
    err = capsys.readouterr().err
    assert code == 1
    assert "cannot start the Vercel emulator" in err and "s3cret-pw" not in err


# --- a real server --------------------------------------------------------------------------------------


def test_a_store_is_a_real_database_its_env_vars_work_and_delete_drops_it(vercel_emulator_postgres):
    import psycopg

    server = vercel_emulator_postgres
    server.state.ready_delay = 0
    backend = server.state.backends["postgres"]
    project = "web-app"
    with client_for(server) as client:
        first = create_neon(client, server, "real-one")
        second = create_neon(client, server, "real-two")
        assert backend.exists(first["id"]) and backend.exists(second["id"])
        assert [s["name"] for s in first["secrets"]] == [
            "DATABASE_URL", "DATABASE_URL_UNPOOLED", "PGHOST", "PGUSER", "PGPASSWORD", "PGDATABASE",
        ]
        connect = client.post(
            f"/v1/integrations/installations/{server.configuration_id('neon')}/resources/{first['id']}/connections",
            json={"projectId": project, "envVarEnvironments": ["production"]},
        )
        assert connect.status_code == 201
        envs = [
            e for e in client.get(f"/v10/projects/{project}/env").json()["envs"]
            if (e.get("contentHint") or {}).get("storeId") == first["id"]
        ]
        assert {e["contentHint"]["type"] for e in envs} == {"integration-store-secret"}
        values = {e["key"]: client.get(f"/v1/projects/{project}/env/{e['id']}").json()["value"] for e in envs}

        with psycopg.connect(values["DATABASE_URL"], connect_timeout=5) as db:
            row = db.execute("SELECT current_user, current_database(), inet_server_port()").fetchone()
        assert row[0] == values["PGUSER"] and row[1] == values["PGDATABASE"]
        assert str(row[2]) == values["DATABASE_URL"].rsplit(":", 1)[1].split("/")[0]
        # One store's role cannot open another store's database.
        other_db = PostgresServerBackend.names_for(second["id"])
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(values["DATABASE_URL"].rsplit("/", 1)[0] + f"/{other_db}", connect_timeout=5).close()

        # An open session does not stop the teardown: it is terminated, then the database dropped.
        with psycopg.connect(values["DATABASE_URL_UNPOOLED"], connect_timeout=5):
            client.delete(f"/v1/storage/stores/{first['id']}/connections")
            assert client.delete(f"/v1/storage/stores/integration/{first['id']}").status_code == 200
            assert not backend.exists(first["id"])
    # The reset after the test drops the second store's database (the fixture's teardown).
