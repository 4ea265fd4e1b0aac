"""states:startExecution: request-response, .sync, .sync:2, .waitForTaskToken, and lineage."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.conftest import CreateMachine
from tests.support.waiting import history_types, wait_for_event, wait_for_status
from tests.unit.test_engine_task import SUBMITTED_THEN_SUCCEEDED

CHILD = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "Parameters": {"got.$": "$.value"}, "End": True}}}
FAILING_CHILD = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "ChildError", "Cause": "child failed"}}}
WAITING_CHILD = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100000, "End": True}}}


def lineage(server: ServerProcess, execution_arn: str) -> dict[str, Any]:
    """The lineage members of DescribeExecution, which SDKs drop because AWS's model lacks them."""
    response = httpx.post(
        server.endpoint,
        headers={"X-Amz-Target": "AWSStepFunctions.DescribeExecution", "Content-Type": "application/x-amz-json-1.0"},
        content=json.dumps({"executionArn": execution_arn}),
    )
    body: dict[str, Any] = response.json()
    return {key: body[key] for key in ("startedByExecutionArn", "startedExecutionArns") if key in body}


def parent(child_arn: str, suffix: str, **extra: Any) -> dict[str, Any]:
    parameters = {"StateMachineArn": child_arn, "Input": {"value.$": "$.value"}, **extra}
    return {
        "StartAt": "Start",
        "States": {
            "Start": {
                "Type": "Task",
                "Resource": f"arn:aws:states:::states:startExecution{suffix}",
                "Parameters": parameters,
                "End": True,
            }
        },
    }


def test_request_response(sfn: SFNClient, server: ServerProcess, create_machine: CreateMachine) -> None:
    child = create_machine(CHILD)
    execution = sfn.start_execution(stateMachineArn=create_machine(parent(child, "")), input='{"value": 3}')
    described = wait_for_status(sfn, execution["executionArn"], "SUCCEEDED")
    output = json.loads(described["output"])
    assert set(output) == {"ExecutionArn", "StartDate"}
    child_run = wait_for_status(sfn, output["ExecutionArn"], "SUCCEEDED")
    child_input = json.loads(child_run["input"])
    assert child_input == {"value": 3, "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": execution["executionArn"]}
    assert lineage(server, output["ExecutionArn"]) == {"startedByExecutionArn": execution["executionArn"]}
    assert lineage(server, execution["executionArn"]) == {"startedExecutionArns": [output["ExecutionArn"]]}


def test_sync_returns_child_output_as_text_and_sync2_as_json(sfn: SFNClient, create_machine: CreateMachine) -> None:
    child = create_machine(CHILD)
    sync = sfn.start_execution(stateMachineArn=create_machine(parent(child, ".sync")), input='{"value": 5}')
    described = wait_for_status(sfn, sync["executionArn"], "SUCCEEDED")
    output = json.loads(described["output"])
    assert output["Status"] == "SUCCEEDED"
    assert json.loads(output["Output"]) == {"got": 5}
    assert history_types(sfn, sync["executionArn"]) == [
        "ExecutionStarted",
        "TaskStateEntered",
        *SUBMITTED_THEN_SUCCEEDED,
    ]
    sync2 = sfn.start_execution(stateMachineArn=create_machine(parent(child, ".sync:2")), input='{"value": 6}')
    output2 = json.loads(wait_for_status(sfn, sync2["executionArn"], "SUCCEEDED")["output"])
    assert output2["Output"] == {"got": 6}
    assert output2["Input"]["value"] == 6


def test_sync_child_failure_fails_the_task(sfn: SFNClient, create_machine: CreateMachine) -> None:
    child = create_machine(FAILING_CHILD)
    execution = sfn.start_execution(stateMachineArn=create_machine(parent(child, ".sync")), input='{"value": 1}')
    described = wait_for_status(sfn, execution["executionArn"], "FAILED")
    assert described["error"] == "States.TaskFailed"
    assert json.loads(described["cause"])["Error"] == "ChildError"


def test_stopping_parent_stops_sync_child(sfn: SFNClient, server: ServerProcess, create_machine: CreateMachine) -> None:
    child = create_machine(WAITING_CHILD)
    execution = sfn.start_execution(stateMachineArn=create_machine(parent(child, ".sync")), input='{"value": 1}')
    wait_for_event(sfn, execution["executionArn"], "TaskSubmitted")
    child_arn = lineage(server, execution["executionArn"])["startedExecutionArns"][0]
    sfn.stop_execution(executionArn=execution["executionArn"])
    wait_for_status(sfn, child_arn, "ABORTED")


def test_wait_for_task_token_child_answers_parent(
    sfn: SFNClient, server: ServerProcess, create_machine: CreateMachine
) -> None:
    child = create_machine(WAITING_CHILD)
    definition = parent(child, ".waitForTaskToken")
    definition["States"]["Start"]["Parameters"]["Input"] = {"token.$": "$$.Task.Token"}
    execution = sfn.start_execution(stateMachineArn=create_machine(definition), input="{}")
    wait_for_event(sfn, execution["executionArn"], "TaskSubmitted")
    child_arn = lineage(server, execution["executionArn"])["startedExecutionArns"][0]
    token = json.loads(sfn.describe_execution(executionArn=child_arn)["input"])["token"]
    sfn.send_task_success(taskToken=token, output='{"answer": 42}')
    described = wait_for_status(sfn, execution["executionArn"], "SUCCEEDED")
    assert json.loads(described["output"]) == {"answer": 42}
    sfn.stop_execution(executionArn=child_arn)


@pytest.mark.parametrize("suffix", ["", ".sync", ".sync:2", ".waitForTaskToken"])
def test_unknown_child_machine_fails_with_service_error(
    sfn: SFNClient, create_machine: CreateMachine, suffix: str
) -> None:
    """Also a task that would wait for the child fails at once: nothing was started to wait for."""
    missing = "arn:aws:states:us-east-1:123456789012:stateMachine:does-not-exist"
    execution = sfn.start_execution(stateMachineArn=create_machine(parent(missing, suffix)), input='{"value": 1}')
    described = wait_for_status(sfn, execution["executionArn"], "FAILED", timeout=10)
    assert described["error"] == "StepFunctions.StateMachineDoesNotExistException"
    assert history_types(sfn, execution["executionArn"])[2:] == [
        "TaskScheduled",
        "TaskStarted",
        "TaskFailed",
        "ExecutionFailed",
    ]
