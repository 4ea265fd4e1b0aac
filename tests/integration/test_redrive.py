"""RedriveExecution through boto3: from the failed state, keeping what succeeded, with AWS's rules."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient

from tests.conftest import ROLE_ARN
from tests.support.waiting import history_types, wait_for_status

# A Choice that fails (States.NoChoiceMatched) until the execution has been redriven: a redrive
# enters the state that failed again, and the context object's RedriveCount has changed.
FLAKY = {
    "Type": "Choice",
    "Choices": [{"Variable": "$$.Execution.RedriveCount", "NumericGreaterThan": 0, "Next": "Done"}],
}


def machine(sfn: SFNClient, definition: dict[str, Any]) -> str:
    name = f"r-{uuid.uuid4().hex[:10]}"
    return sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE_ARN)["stateMachineArn"]


def error_of(call: Any) -> tuple[str, str]:
    with pytest.raises(Exception) as caught:
        call()
    response = caught.value.response  # type: ignore[attr-defined]
    return response["Error"]["Code"], response["Error"]["Message"]


def failing_once() -> dict[str, Any]:
    return {
        "StartAt": "First",
        "States": {
            "First": {"Type": "Pass", "Result": {"step": 1}, "ResultPath": "$.first", "Next": "Gate"},
            "Gate": FLAKY,
            "Done": {"Type": "Pass", "Result": "redriven", "ResultPath": "$.done", "End": True},
        },
    }


def test_redrive_goes_on_from_the_failed_state(sfn: SFNClient) -> None:
    arn = machine(sfn, failing_once())
    execution = sfn.start_execution(stateMachineArn=arn, input='{"a": 1}')["executionArn"]
    failed = wait_for_status(sfn, execution, "FAILED")
    assert failed["redriveStatus"] == "REDRIVABLE" and failed["redriveCount"] == 0
    before = history_types(sfn, execution)
    redriven = sfn.redrive_execution(executionArn=execution)
    done = wait_for_status(sfn, execution, "SUCCEEDED")
    assert json.loads(done["output"]) == {"a": 1, "first": {"step": 1}, "done": "redriven"}
    assert done["redriveCount"] == 1
    assert done["redriveDate"] == redriven["redriveDate"]
    assert done["redriveStatus"] == "NOT_REDRIVABLE"
    assert done["redriveStatusReason"] == "Execution is SUCCEEDED and cannot be redriven"
    after = history_types(sfn, execution)
    assert after[: len(before)] == before  # the history before the redrive is kept
    assert after[len(before) :] == [
        "ExecutionRedriven",
        "ChoiceStateEntered",
        "ChoiceStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    events = sfn.get_execution_history(executionArn=execution)["events"]
    redrive_event = events[len(before)]
    assert redrive_event["executionRedrivenEventDetails"] == {"redriveCount": 1}
    assert redrive_event["previousEventId"] == len(before)
    listed = sfn.list_executions(stateMachineArn=arn, redriveFilter="REDRIVEN")["executions"]
    assert [item["executionArn"] for item in listed] == [execution]
    assert listed[0]["redriveCount"] == 1
    assert sfn.list_executions(stateMachineArn=arn, redriveFilter="NOT_REDRIVEN")["executions"] == []


def test_parallel_redrives_only_the_failed_branch(sfn: SFNClient) -> None:
    counter = {"Type": "Pass", "Parameters": {"count.$": "$$.Execution.RedriveCount"}, "End": True}
    flaky_branch = {
        "StartAt": "Gate",
        "States": {
            "Gate": FLAKY,
            "Done": {"Type": "Pass", "Result": "second", "End": True},
        },
    }
    definition = {
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "Count", "States": {"Count": counter}}, flaky_branch],
                "End": True,
            }
        },
    }
    execution = sfn.start_execution(stateMachineArn=machine(sfn, definition))["executionArn"]
    wait_for_status(sfn, execution, "FAILED")
    sfn.redrive_execution(executionArn=execution)
    done = wait_for_status(sfn, execution, "SUCCEEDED")
    # the first branch succeeded in the first attempt and kept its result (RedriveCount 0 then)
    assert json.loads(done["output"]) == [{"count": 0}, "second"]


def test_map_redrives_only_the_failed_iterations(sfn: SFNClient) -> None:
    item = {
        "StartAt": "Check",
        "States": {
            "Check": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Or": [
                            {"Variable": "$.value", "NumericLessThan": 2},
                            {"Variable": "$.value", "NumericGreaterThan": 2},
                            {"Variable": "$$.Execution.RedriveCount", "NumericGreaterThan": 0},
                        ],
                        "Next": "Keep",
                    }
                ],
            },
            "Keep": {
                "Type": "Pass",
                "Parameters": {"value.$": "$.value", "run.$": "$$.Execution.RedriveCount"},
                "End": True,
            },
        },
    }
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {"value.$": "$$.Map.Item.Value"},
                "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, **item},
                "End": True,
            }
        },
    }
    execution = sfn.start_execution(stateMachineArn=machine(sfn, definition), input=json.dumps({"items": [1, 2, 3]}))[
        "executionArn"
    ]
    wait_for_status(sfn, execution, "FAILED")
    sfn.redrive_execution(executionArn=execution)
    done = wait_for_status(sfn, execution, "SUCCEEDED")
    assert json.loads(done["output"]) == [{"value": 1, "run": 0}, {"value": 2, "run": 1}, {"value": 3, "run": 0}]


def test_aborted_and_timed_out_executions_redrive_too(sfn: SFNClient) -> None:
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": True}}}  # 1 s scaled
    execution = sfn.start_execution(stateMachineArn=machine(sfn, definition))["executionArn"]
    sfn.stop_execution(executionArn=execution, error="Stop", cause="by hand")
    assert sfn.describe_execution(executionArn=execution)["redriveStatus"] == "REDRIVABLE"
    sfn.redrive_execution(executionArn=execution)
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    wait_for_status(sfn, execution, "SUCCEEDED")
    timed = {"TimeoutSeconds": 1, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1000, "End": True}}}
    slow = sfn.start_execution(stateMachineArn=machine(sfn, timed))["executionArn"]
    wait_for_status(sfn, slow, "TIMED_OUT", timeout=10)
    sfn.redrive_execution(executionArn=slow)
    wait_for_status(sfn, slow, "TIMED_OUT", timeout=10)  # it runs again, with a deadline of its own
    assert sfn.describe_execution(executionArn=slow)["redriveCount"] == 1


def test_client_token_makes_a_redrive_idempotent(sfn: SFNClient) -> None:
    definition = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Always"}}}
    execution = sfn.start_execution(stateMachineArn=machine(sfn, definition))["executionArn"]
    wait_for_status(sfn, execution, "FAILED")
    first = sfn.redrive_execution(executionArn=execution, clientToken="token-1")
    wait_for_status(sfn, execution, "FAILED")
    again = sfn.redrive_execution(executionArn=execution, clientToken="token-1")
    assert again["redriveDate"] == first["redriveDate"]
    assert sfn.describe_execution(executionArn=execution)["redriveCount"] == 1
    sfn.redrive_execution(executionArn=execution, clientToken="token-2")
    assert sfn.describe_execution(executionArn=execution)["redriveCount"] == 2


def test_what_cannot_be_redriven(sfn: SFNClient) -> None:
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": True}}}
    arn = machine(sfn, definition)
    running = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    assert error_of(lambda: sfn.redrive_execution(executionArn=running)) == (
        "ExecutionNotRedrivable",
        "Execution is RUNNING and cannot be redriven",
    )
    described = sfn.describe_execution(executionArn=running)
    assert described["redriveStatus"] == "NOT_REDRIVABLE"
    missing = running.replace(running.rsplit(":", 1)[1], "nope")
    assert error_of(lambda: sfn.redrive_execution(executionArn=missing))[0] == "ExecutionDoesNotExist"
    assert error_of(lambda: sfn.redrive_execution(executionArn="arn:aws:states:bad"))[0] == "InvalidArn"
    express = "arn:aws:states:us-east-1:123456789012:express:m:n:0000"
    assert error_of(lambda: sfn.redrive_execution(executionArn=express))[0] == "InvalidArn"
