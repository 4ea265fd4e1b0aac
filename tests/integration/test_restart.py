"""A server restart (graceful or a crash) loses nothing: machines, executions, histories, waits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROLE_ARN, TEST_WAIT_TIME_SCALE, make_client
from tests.support.databases import drop_database, new_database
from tests.support.server import ServerProcess
from tests.support.waiting import wait_for_event, wait_for_status

# 300 s of written wait at the tests' scale of 0.01: three seconds of real time.
WAIT_MACHINE = {
    "StartAt": "Before",
    "States": {
        "Before": {"Type": "Pass", "Result": {"step": 1}, "Next": "Hold"},
        "Hold": {"Type": "Wait", "Seconds": 300, "Next": "After"},
        "After": {"Type": "Pass", "Result": {"step": 2}, "End": True},
    },
}


@pytest.mark.parametrize("how", ["stop", "kill"])
def test_wait_survives_restart(backend: str, tmp_path: Path, how: str) -> None:
    url = new_database(backend, tmp_path)
    env = {"WAIT_TIME_SCALE": TEST_WAIT_TIME_SCALE}
    first = ServerProcess(url, tmp_path / "first.log", env).start()
    try:
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
    finally:
        first.kill() if how == "kill" else first.stop()

    second = ServerProcess(url, tmp_path / "second.log", env).start()
    try:
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
    finally:
        second.stop()
        drop_database(backend, url)
