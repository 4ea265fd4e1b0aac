"""A server restart (graceful or a crash) loses nothing: machines, executions, histories, waits."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.server_process import ServerProcess
from tests.conftest import ROLE_ARN, TEST_WAIT_TIME_SCALE, make_client
from tests.support.databases import drop_database, new_database
from tests.support.server import new_server
from tests.support.waiting import wait_for_event, wait_for_status

pytestmark = pytest.mark.slow

# 300 s of written wait at the tests' scale of 0.01: three seconds of real time.
WAIT_MACHINE = {
    "StartAt": "Before",
    "States": {
        "Before": {"Type": "Pass", "Result": {"step": 1}, "Next": "Hold"},
        "Hold": {"Type": "Wait", "Seconds": 300, "Next": "After"},
        "After": {"Type": "Pass", "Result": {"step": 2}, "End": True},
    },
}


@pytest.fixture
def url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database of its own for each test, dropped after it whatever happened."""
    database_url = new_database(backend, tmp_path)
    yield database_url
    drop_database(backend, database_url)


@contextmanager
def serving(url: str, log_path: Path, *, crash: bool = False) -> Iterator[ServerProcess]:
    """A server process on ``url`` for the block; at its end stopped (within the grace), or killed like a crash."""
    server = new_server(url, log_path, {"WAIT_TIME_SCALE": TEST_WAIT_TIME_SCALE}).start()
    try:
        yield server
    finally:
        if crash:
            server.kill()
        else:
            assert server.stop() != -signal.SIGKILL, f"SIGTERM did not stop the server:\n{server.log_tail()}"


@pytest.mark.parametrize("how", ["stop", "kill"])
def test_wait_survives_restart(url: str, tmp_path: Path, how: str) -> None:
    with serving(url, tmp_path / "first.log", crash=how == "kill") as first:
        sfn = make_client(first.endpoint)
        machine = sfn.create_state_machine(name="durable", definition=json.dumps(WAIT_MACHINE), roleArn=ROLE_ARN)
        waiting = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name="waits")["executionArn"]
        done_machine = sfn.create_state_machine(
            name="quick",
            definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
            roleArn=ROLE_ARN,
        )
        finished = sfn.start_execution(stateMachineArn=done_machine["stateMachineArn"])["executionArn"]
        wait_for_status(sfn, finished, "SUCCEEDED")
        wait_for_event(sfn, waiting, "WaitStateEntered")
    with serving(url, tmp_path / "second.log") as second:
        sfn = make_client(second.endpoint)
        assert sfn.describe_state_machine(stateMachineArn=machine["stateMachineArn"])["name"] == "durable"
        assert sfn.describe_execution(executionArn=finished)["status"] == "SUCCEEDED"
        described = wait_for_status(sfn, waiting, "SUCCEEDED", timeout=30)
        assert json.loads(described["output"]) == {"step": 2}
        events = sfn.get_execution_history(executionArn=waiting)["events"]
        assert [e["id"] for e in events] == list(range(1, len(events) + 1))
        assert [e["type"] for e in events] == [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "WaitStateEntered",
            "WaitStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded",
        ]


def test_a_callback_token_works_after_a_crash(url: str, tmp_path: Path) -> None:
    with serving(url, tmp_path / "first.log", crash=True) as first:
        sfn = make_client(first.endpoint)
        activity = sfn.create_activity(name="callback")["activityArn"]
        definition = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": activity, "End": True}}}
        machine = sfn.create_state_machine(name="cb", definition=json.dumps(definition), roleArn=ROLE_ARN)
        execution = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input='{"n": 1}')["executionArn"]
        token = sfn.get_activity_task(activityArn=activity, workerName="w")["taskToken"]
    with serving(url, tmp_path / "second.log") as second:
        sfn = make_client(second.endpoint)
        sfn.send_task_success(taskToken=token, output='{"done": true}')
        assert json.loads(wait_for_status(sfn, execution, "SUCCEEDED")["output"]) == {"done": True}


def test_startup_reconcile_recovers_an_execution_whose_work_was_lost(url: str, tmp_path: Path) -> None:
    with serving(url, tmp_path / "first.log", crash=True) as first:
        sfn = make_client(first.endpoint)
        machine = sfn.create_state_machine(name="lost", definition=json.dumps(WAIT_MACHINE), roleArn=ROLE_ARN)
        execution = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
        wait_for_event(sfn, execution, "WaitStateEntered")
    # Should never happen, defended anyway: the execution's timer item disappears while no server runs.
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM work_items WHERE execution_arn = :arn"), {"arn": execution})
    engine.dispose()
    with serving(url, tmp_path / "second.log") as second:
        sfn = make_client(second.endpoint)
        assert json.loads(wait_for_status(sfn, execution, "SUCCEEDED", timeout=30)["output"]) == {"step": 2}
        assert f"execution {execution} was RUNNING with no pending work" in second.log_path.read_text()
