"""Schedules in real server processes: two servers on one database start one execution per occurrence, and a
server started after a due time passed while none ran fires it once.

The firing logic is tested on the engine's clock in ``test_firing.py``; here the processes are real, so the
occurrences are ``at()`` times a few seconds ahead, and the downtime is written into the stopped server's
database (the due time moved ten hours into the past) instead of waited for.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.server_process import ServerProcess
from app.store import migrate
from app.store.tables import schedules
from tests.conftest import ROLE_ARN, make_client
from tests.support.databases import create_postgres_database, drop_database, drop_postgres_database, new_database
from tests.support.server import new_server
from tests.support.waiting import wait_until

PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


def create_schedule(server: ServerProcess, name: str, body: dict[str, Any]) -> None:
    answer = httpx.post(f"{server.endpoint}/v1/schedules/{name}", content=json.dumps(body), timeout=30)
    assert answer.status_code == 200, answer.text


def get_schedule(server: ServerProcess, name: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{server.endpoint}/v1/schedules/{name}", timeout=30).json()
    return body


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    url = create_postgres_database()
    migrate.upgrade(url)
    yield url
    drop_postgres_database(url)


@pytest.mark.postgres
def test_two_servers_sharing_schedules_start_one_execution_per_occurrence(postgres_url: str, tmp_path: Path) -> None:
    servers = [new_server(postgres_url, tmp_path / f"server-{index}.log").start() for index in range(2)]
    try:
        sfn = make_client(servers[0].endpoint)
        machine = sfn.create_state_machine(name="shared", definition=PASS, roleArn=ROLE_ARN)["stateMachineArn"]
        due = (datetime.now(UTC) + timedelta(seconds=3)).strftime("%Y-%m-%dT%H:%M:%S")
        names = [f"once-{index}" for index in range(20)]
        for index, name in enumerate(names):  # half created through each server
            create_schedule(servers[index % 2], name, {"ScheduleExpression": f"at({due})", "Target": {"Arn": machine}})

        def all_fired() -> bool:
            return all("LastInvocation" in get_schedule(servers[0], name) for name in names)

        wait_until(all_fired, 20, "every schedule to fire")
        executions = sfn.list_executions(stateMachineArn=machine)["executions"]
        assert len(executions) == 20
        assert {get_schedule(servers[1], name)["LastExecutionArn"] for name in names} == {
            item["executionArn"] for item in executions
        }
        assert all(get_schedule(servers[1], name)["NextInvocation"] is None for name in names)  # at(): once
    finally:
        for server in servers:
            server.stop()


def test_a_server_started_after_missed_occurrences_fires_once(backend: str, tmp_path: Path) -> None:
    url = new_database(backend, tmp_path)
    server = new_server(url, tmp_path / "server.log")
    try:
        server.start()
        sfn = make_client(server.endpoint)
        machine = sfn.create_state_machine(name="missed", definition=PASS, roleArn=ROLE_ARN)["stateMachineArn"]
        create_schedule(server, "hourly", {"ScheduleExpression": "rate(1 hour)", "Target": {"Arn": machine}})
        # A rate's first occurrence is due at once: let it fire before the downtime.
        wait_until(lambda: "LastInvocation" in get_schedule(server, "hourly"), 15, "the first occurrence")
        server.stop()

        # Downtime across ten due times: the pending occurrence is now ten hours overdue.
        missed = time.time() - 10 * 3600
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(schedules.update().values(next_fire_at=missed))
        engine.dispose()

        server.start()
        wait_until(lambda: len(sfn.list_executions(stateMachineArn=machine)["executions"]) >= 2, 15, "the catch-up")
        shown = get_schedule(server, "hourly")
        assert shown["LastInvocation"] == datetime.fromtimestamp(missed, UTC).isoformat().replace("+00:00", "Z")
        next_due = datetime.fromisoformat(shown["NextInvocation"].replace("Z", "+00:00")).timestamp()
        assert time.time() < next_due <= time.time() + 3600  # the rhythm goes on from now
        assert len(sfn.list_executions(stateMachineArn=machine)["executions"]) == 2  # the first and one catch-up
    finally:
        server.stop()
        drop_database(backend, url)
