"""A database that stops taking writes: health says so, requests get a retryable AWS error, the log
tells of the outage once (not once per second), and everything works again when the database does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from botocore.exceptions import ClientError
from sqlalchemy.engine import make_url

from tests.conftest import ROLE_ARN, make_client
from tests.support.databases import create_postgres_database, drop_postgres_database, postgres_admin_url
from tests.support.server import new_server
from tests.support.waiting import wait_until

pytestmark = pytest.mark.postgres
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


@pytest.fixture
def database() -> Iterator[str]:
    url = create_postgres_database()
    yield url
    drop_postgres_database(url)


def _set_read_only(url: str, read_only: bool) -> None:
    """Make the database refuse writes (or take them again) for every connection, old and new."""
    name = make_url(url).database
    engine = sa.create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        setting = "SET default_transaction_read_only = on" if read_only else "RESET default_transaction_read_only"
        conn.exec_driver_sql(f'ALTER DATABASE "{name}" {setting}')
        conn.execute(
            sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"), {"name": name}
        )
    engine.dispose()


def test_health_errors_and_log_while_the_database_refuses_writes(database: str, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    server = new_server(database, log).start()
    sfn = make_client(server.endpoint)
    try:
        _set_read_only(database, True)
        wait_until(lambda: httpx.get(f"{server.endpoint}/healthz").status_code == 503, 10, "an unhealthy server")
        wait_until(lambda: "read-only transaction" in httpx.get(f"{server.endpoint}/readyz").text, 10, "the reason")
        health = httpx.get(f"{server.endpoint}/healthz").json()
        assert health["status"] == "unhealthy" and health["reason"].startswith("database does not take writes: ")

        for attempt in range(5):  # logged in full once, not five times
            with pytest.raises(ClientError) as refused:
                sfn.create_state_machine(name=f"during-{attempt}", definition=PASS, roleArn=ROLE_ARN)
            assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
            assert refused.value.response["Error"]["Code"] == "ServiceUnavailable"
            assert "read-only transaction" in refused.value.response["Error"]["Message"]
        sfn.list_state_machines()  # reads still work
        text = log.read_text()
        assert text.count("API requests failed: ") == 1 and "API requests still failing" not in text
        assert text.count("the scheduler failed: ") == 1, "two scheduler threads, one outage, one report"
        assert len([line for line in text.splitlines() if " ERROR " in line]) == 2

        _set_read_only(database, False)
        wait_until(lambda: httpx.get(f"{server.endpoint}/healthz").status_code == 200, 10, "a healthy server")
        created = sfn.create_state_machine(name="after", definition=PASS, roleArn=ROLE_ARN)
        execution = sfn.start_execution(stateMachineArn=created["stateMachineArn"])["executionArn"]
        wait_until(lambda: sfn.describe_execution(executionArn=execution)["status"] == "SUCCEEDED", 10, "a run")
        ended = "API requests: working again", "the scheduler: working again"
        wait_until(lambda: all(line in log.read_text() for line in ended), 10, "the end of the outage in the log")
    finally:
        _set_read_only(database, False)
        server.stop()
