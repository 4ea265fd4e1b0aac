"""Mocked Task states on the pure interpreter: a test case's answers take the place of every kind of call."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from app.durable import snapshot as snapshots
from app.durable.statuses import ExecutionStatus
from app.engine.types import EngineOptions
from app.executions.mocks import MockConfig, parse
from tests.unit.test_engine_harness import ACTIVITY_ARN, LAMBDA_ARN, Driver, echo, machine

CALLBACK = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
CHILD_SYNC = "arn:aws:states:::states:startExecution.sync:2"


def config(states: dict[str, str], responses: dict[str, Any]) -> MockConfig:
    problems: list[str] = []
    parsed = parse(
        {"StateMachines": {"machine": {"TestCases": {"Case": states}}}, "MockedResponses": responses},
        lambda where, text: problems.append(f"{where}: {text}"),
    )
    assert problems == []
    return parsed


def mocked_run(definition: dict[str, Any], mocks: MockConfig, test_case: str | None = "Case") -> Driver:
    driver = Driver(definition, "{}", EngineOptions(mocks=mocks), responder=echo)
    driver.info = replace(driver.info, test_case=test_case)
    return driver.run()


def task(resource: str, **fields: Any) -> dict[str, Any]:
    return machine({"T": {"Type": "Task", "Resource": resource, "End": True, **fields}})


RETURN = {"0": {"Return": {"mocked": True}}}


@pytest.mark.parametrize(
    ("resource", "events"),
    [
        (LAMBDA_ARN, ["LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded"]),
        ("arn:aws:states:::lambda:invoke", ["TaskScheduled", "TaskStarted", "TaskSucceeded"]),
        ("arn:aws:states:::aws-sdk:s3:listBuckets", ["TaskScheduled", "TaskStarted", "TaskSucceeded"]),
        ("arn:aws:states:::http:invoke", ["TaskScheduled", "TaskStarted", "TaskSucceeded"]),
        (CALLBACK, ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"]),
        (CHILD_SYNC, ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"]),
        (ACTIVITY_ARN, ["ActivityScheduled", "ActivityStarted", "ActivitySucceeded"]),
    ],
)
def test_every_resource_takes_the_mocked_return_with_the_events_of_a_real_call(
    resource: str, events: list[str]
) -> None:
    run = mocked_run(task(resource, HeartbeatSeconds=10, TimeoutSeconds=60), config({"T": "R"}, {"R": RETURN}))
    assert run.status == ExecutionStatus.SUCCEEDED
    assert json.loads(run.output or "") == {"mocked": True}
    assert run.types[2:-2] == events
    assert run.tasks == [], "nothing is called, queued or waited for"
    assert run.timers == [], "no task timer is armed"
    assert run.snapshot.mocked == snapshots.MockedRun("Case", {"T": 1})


def test_a_state_the_test_case_does_not_mock_runs_for_real() -> None:
    definition = machine(
        {
            "Mocked": {"Type": "Task", "Resource": LAMBDA_ARN, "Next": "Real"},
            "Real": {"Type": "Task", "Resource": LAMBDA_ARN, "End": True},
        }
    )
    run = mocked_run(definition, config({"Mocked": "R"}, {"R": RETURN}))
    assert [task.resource for task in run.tasks] == [LAMBDA_ARN], "only the unmocked state calls out"
    assert json.loads(run.output or "") == {"mocked": True}, "the real call got the mocked result as its input"


def test_retries_take_the_next_indexes_and_a_range_covers_several() -> None:
    definition = task(
        LAMBDA_ARN, Retry=[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 1}]
    )
    responses = {
        "R": {
            "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "not ready"}},
            "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "timed out"}},
            "3": {"Return": "fourth"},
        }
    }
    run = mocked_run(definition, config({"T": "R"}, responses))
    failures = [run.details("LambdaFunctionFailed", index)["error"] for index in range(3)]
    assert failures == ["Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException"]
    assert json.loads(run.output or "") == "fourth"


def test_a_thrown_error_is_caught() -> None:
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Catch": [{"ErrorEquals": ["Custom.Error"], "ResultPath": "$.caught", "Next": "Handled"}],
                "End": True,
            },
            "Handled": {"Type": "Pass", "End": True},
        }
    )
    run = mocked_run(definition, config({"T": "R"}, {"R": {"0": {"Throw": {"Error": "Custom.Error", "Cause": "c"}}}}))
    assert run.details("TaskFailed") == {
        "resourceType": "lambda",
        "resource": "invoke",
        "error": "Custom.Error",
        "cause": "c",
    }
    assert json.loads(run.output or "") == {"caught": {"Error": "Custom.Error", "Cause": "c"}}


def test_an_invocation_without_a_response_fails_the_execution() -> None:
    definition = machine(
        {
            "T": {"Type": "Task", "Resource": LAMBDA_ARN, "Next": "Again"},
            "Again": {"Type": "Pass", "Next": "T2"},
            "T2": {"Type": "Task", "Resource": LAMBDA_ARN, "End": True},
        }
    )
    run = mocked_run(definition, config({"T": "R", "T2": "Twice"}, {"R": RETURN, "Twice": {"1": {"Return": 1}}}))
    assert run.status == ExecutionStatus.FAILED
    assert run.error == "States.Runtime"
    assert "no response for invocation 0 of state 'T2'" in (run.cause or "")


def test_an_execution_without_a_test_case_is_not_mocked() -> None:
    run = mocked_run(task(LAMBDA_ARN), config({"T": "R"}, {"R": RETURN}), test_case=None)
    assert [task.resource for task in run.tasks] == [LAMBDA_ARN]
    assert run.snapshot.mocked is None


def test_the_invocation_counts_are_stored_with_the_snapshot() -> None:
    mocked = snapshots.MockedRun("Case", {"T": 2})
    snapshot = snapshots.Snapshot(root=snapshots.Frame(state="T", input={}), mocked=mocked)
    stored = snapshots.encode(snapshot)
    assert stored["mocked"] == {"test_case": "Case", "invocations": {"T": 2}}
    assert snapshots.decode(json.loads(json.dumps(stored))).mocked == mocked
