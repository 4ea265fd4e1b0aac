"""The service limits, lowered through configuration so tests reach them quickly."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.conftest import ROLE_ARN, make_client
from tests.support.databases import drop_database, new_database
from tests.support.server import new_server
from tests.support.waiting import wait_for_event, wait_for_status

HISTORY_LIMIT = 50
LIMITS = {
    "SFN_MAX_HISTORY_EVENTS": str(HISTORY_LIMIT),
    "SFN_MAX_EXECUTION_SECONDS": "3",
    "SFN_MAX_OPEN_EXECUTIONS": "4",
    "WAIT_TIME_SCALE": "0.05",
}
# Each round waits a moment (50 ms at this scale), so the history grows over several transitions.
LOOP_FOREVER = {
    "StartAt": "Step",
    "States": {
        "Step": {"Type": "Wait", "Seconds": 1, "Next": "Again"},
        "Again": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "Done"}],
            "Default": "Step",
        },
        "Done": {"Type": "Succeed"},
    },
}


@pytest.fixture(scope="module")
def limited(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    directory = tmp_path_factory.mktemp(f"limits-{backend}")
    url = new_database(backend, directory)
    server = new_server(url, directory / "server.log", LIMITS).start()
    yield server
    server.stop()
    drop_database(backend, url)


def create(sfn: SFNClient, definition: dict[str, Any]) -> str:
    name = f"m-{uuid.uuid4().hex[:10]}"
    return str(
        sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE_ARN)["stateMachineArn"]
    )


def describe_raw(server: ServerProcess, execution_arn: str) -> dict[str, Any]:
    response = httpx.post(
        server.endpoint,
        headers={"X-Amz-Target": "AWSStepFunctions.DescribeExecution", "Content-Type": "application/x-amz-json-1.0"},
        content=json.dumps({"executionArn": execution_arn}),
    )
    body: dict[str, Any] = response.json()
    return body


def test_history_limit_fails_the_execution_and_warns_before(limited: ServerProcess) -> None:
    sfn = make_client(limited.endpoint)
    execution = sfn.start_execution(stateMachineArn=create(sfn, LOOP_FOREVER), input="{}")["executionArn"]
    described = wait_for_status(sfn, execution, "FAILED")
    assert described["error"] == "States.Runtime"
    assert f"limit of {HISTORY_LIMIT} history events" in described["cause"]
    events = sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]
    assert len(events) == HISTORY_LIMIT
    assert [event["id"] for event in events] == list(range(1, HISTORY_LIMIT + 1))
    assert events[-1]["type"] == "ExecutionFailed"
    assert describe_raw(limited, execution)["historyEventCount"] == HISTORY_LIMIT
    assert f"execution {execution} has" in limited.log_path.read_text()
    assert "of its 50 history events; continue as a new execution" in limited.log_path.read_text()


def test_the_last_event_may_be_execution_succeeded(limited: ServerProcess) -> None:
    sfn = make_client(limited.endpoint)
    # ExecutionStarted + 24 Pass states (48 events) = 49; ExecutionSucceeded is event 50.
    states: dict[str, dict[str, Any]] = {f"P{i}": {"Type": "Pass", "Next": f"P{i + 1}"} for i in range(23)}
    states["P23"] = {"Type": "Pass", "End": True}
    execution = sfn.start_execution(stateMachineArn=create(sfn, {"StartAt": "P0", "States": states}))["executionArn"]
    wait_for_status(sfn, execution, "SUCCEEDED")
    assert len(sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]) == HISTORY_LIMIT


@pytest.mark.slow
def test_maximum_duration_times_out_even_a_callback_wait(limited: ServerProcess) -> None:
    sfn = make_client(limited.endpoint)
    activity = sfn.create_activity(name=f"a-{uuid.uuid4().hex[:8]}")["activityArn"]
    definition = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": activity, "End": True}}}
    execution = sfn.start_execution(stateMachineArn=create(sfn, definition))["executionArn"]
    wait_for_event(sfn, execution, "ActivityScheduled")
    described = wait_for_status(sfn, execution, "TIMED_OUT", timeout=20)
    assert described["error"] == "States.Timeout"
    assert "has used 80% of its time limit" in limited.log_path.read_text()


def test_open_executions_cap(limited: ServerProcess) -> None:
    sfn = make_client(limited.endpoint)
    arn = create(sfn, {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1000, "End": True}}})
    started = []
    with pytest.raises(sfn.exceptions.ExecutionLimitExceeded):
        for _ in range(6):
            started.append(sfn.start_execution(stateMachineArn=arn)["executionArn"])
    assert len(started) <= 4
    for execution in started:
        sfn.stop_execution(executionArn=execution)


def test_payload_limits(limited: ServerProcess, tmp_path: Path) -> None:
    sfn = make_client(limited.endpoint)
    arn = create(sfn, {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    with pytest.raises(sfn.exceptions.InvalidExecutionInput):
        sfn.start_execution(stateMachineArn=arn, input=json.dumps({"x": "a" * 262_144}))
    with pytest.raises(sfn.exceptions.InvalidOutput):
        sfn.send_task_success(taskToken="A" * 64, output=json.dumps({"x": "a" * 262_144}))
