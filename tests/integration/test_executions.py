"""Execution operations and lifecycle through boto3 against a live server."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient

from tests.conftest import CreateMachine
from tests.support.waiting import history_types, wait_for_end, wait_for_event, wait_for_status

PASS_MACHINE = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
# With the tests' WAIT_TIME_SCALE of 0.01, this Wait lasts 10 seconds of real time.
LONG_WAIT = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1000, "End": True}}}


def test_pass_execution_succeeds_with_aws_history(sfn: SFNClient, create_machine: CreateMachine) -> None:
    definition = {
        "StartAt": "Shape",
        "States": {
            "Shape": {
                "Type": "Pass",
                "InputPath": "$.data",
                "Parameters": {"value.$": "$.v", "fixed": 1, "id.$": "$$.Execution.Name"},
                "ResultPath": "$.result",
                "Next": "Done",
            },
            "Done": {"Type": "Succeed", "OutputPath": "$.result"},
        },
    }
    arn = create_machine(definition)
    started = sfn.start_execution(stateMachineArn=arn, name="run-1", input=json.dumps({"data": {"v": 7}}))
    described = wait_for_status(sfn, started["executionArn"], "SUCCEEDED")
    assert json.loads(described["output"]) == {"value": 7, "fixed": 1, "id": "run-1"}
    assert described["name"] == "run-1"
    assert described["stopDate"] >= described["startDate"]
    events = sfn.get_execution_history(executionArn=started["executionArn"])["events"]
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "SucceedStateEntered",
        "SucceedStateExited",
        "ExecutionSucceeded",
    ]
    assert [e["id"] for e in events] == [1, 2, 3, 4, 5, 6]
    assert [e["previousEventId"] for e in events] == [0, 1, 2, 3, 4, 5]
    assert events[0]["executionStartedEventDetails"]["input"] == json.dumps({"data": {"v": 7}})
    assert events[1]["stateEnteredEventDetails"]["name"] == "Shape"
    assert json.loads(events[2]["stateExitedEventDetails"]["output"])["result"]["value"] == 7
    assert json.loads(events[5]["executionSucceededEventDetails"]["output"])["fixed"] == 1


def test_states_up_to_the_first_wait_point_run_within_start_execution(
    sfn: SFNClient, create_machine: CreateMachine
) -> None:
    """A short deterministic execution is written once, already ended, by StartExecution itself."""
    arn = create_machine(PASS_MACHINE)
    started = sfn.start_execution(stateMachineArn=arn, input='{"k": 1}')
    described = sfn.describe_execution(executionArn=started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"k": 1}


def test_a_loop_longer_than_the_start_budget_goes_on_in_the_scheduler(
    sfn: SFNClient, create_machine: CreateMachine
) -> None:
    """StartExecution runs a capped number of states; the scheduler continues with contiguous ids."""
    loop = {
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Step"},
            "Step": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "More"},
            "More": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.i", "NumericLessThan": 1200, "Next": "Step"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    arn = create_machine(loop)
    started = sfn.start_execution(stateMachineArn=arn, input="{}")
    described = wait_for_status(sfn, started["executionArn"], "SUCCEEDED")
    assert json.loads(described["output"]) == {"i": 1200}
    events = []
    pages = sfn.get_paginator("get_execution_history").paginate(executionArn=started["executionArn"])
    for page in pages:
        events.extend(page["events"])
    assert len(events) == 2 + 2 * (2 + 2 * 1200)  # started/succeeded + entered/exited of 2,402 states
    assert [event["id"] for event in events] == list(range(1, len(events) + 1))
    assert [event["previousEventId"] for event in events] == list(range(len(events)))


def test_fail_state(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "why"}}})
    started = sfn.start_execution(stateMachineArn=arn)
    described = wait_for_status(sfn, started["executionArn"], "FAILED")
    assert (described["error"], described["cause"]) == ("Boom", "why")
    events = sfn.get_execution_history(executionArn=started["executionArn"])["events"]
    assert [e["type"] for e in events] == ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]
    assert events[-1]["executionFailedEventDetails"] == {"error": "Boom", "cause": "why"}


def test_runtime_error_names_state_and_event(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$.missing", "End": True}}})
    started = sfn.start_execution(stateMachineArn=arn, input="{}")
    described = wait_for_status(sfn, started["executionArn"], "FAILED")
    assert described["error"] == "States.Runtime"
    assert described["cause"] == (
        "An error occurred while executing the state 'P' (entered at the event id #2). "
        "Invalid path '$.missing' : No results for path: $['missing']"
    )


@pytest.mark.parametrize(
    "wait",
    [
        {"Seconds": 50},
        {"SecondsPath": "$.s"},
        {"Timestamp": "2020-01-01T00:00:00Z"},
        {"TimestampPath": "$.t"},
    ],
)
def test_wait_forms(sfn: SFNClient, create_machine: CreateMachine, wait: dict[str, Any]) -> None:
    arn = create_machine({"StartAt": "W", "States": {"W": {"Type": "Wait", **wait, "End": True}}})
    started = sfn.start_execution(stateMachineArn=arn, input=json.dumps({"s": 50, "t": "2001-01-01T00:00:00Z"}))
    wait_for_status(sfn, started["executionArn"], "SUCCEEDED")
    assert history_types(sfn, started["executionArn"]) == [
        "ExecutionStarted",
        "WaitStateEntered",
        "WaitStateExited",
        "ExecutionSucceeded",
    ]


def test_start_execution_idempotency(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine(LONG_WAIT)
    first = sfn.start_execution(stateMachineArn=arn, name="same", input='{"a":1}')
    again = sfn.start_execution(stateMachineArn=arn, name="same", input='{"a":1}')
    assert (again["executionArn"], again["startDate"]) == (first["executionArn"], first["startDate"])
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists):
        sfn.start_execution(stateMachineArn=arn, name="same", input='{"a":2}')
    sfn.stop_execution(executionArn=first["executionArn"])
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists):
        sfn.start_execution(stateMachineArn=arn, name="same", input='{"a":1}')


def test_start_execution_errors(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine(PASS_MACHINE)
    with pytest.raises(sfn.exceptions.InvalidExecutionInput):
        sfn.start_execution(stateMachineArn=arn, input="{not json")
    with pytest.raises(sfn.exceptions.InvalidExecutionInput):
        sfn.start_execution(stateMachineArn=arn, input=json.dumps({"x": "a" * 262_144}))
    with pytest.raises(sfn.exceptions.InvalidName):
        sfn.start_execution(stateMachineArn=arn, name="bad name")
    with pytest.raises(sfn.exceptions.InvalidName):
        sfn.start_execution(stateMachineArn=arn, name="x" * 81)
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.start_execution(stateMachineArn=arn + "-missing")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.start_execution(stateMachineArn="arn:aws:states:us-east-1:123456789012:activity:x")
    assert sfn.list_executions(stateMachineArn=arn)["executions"] == []


def test_describe_execution_errors(sfn: SFNClient) -> None:
    missing = "arn:aws:states:us-east-1:123456789012:execution:nope:nope"
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.describe_execution(executionArn=missing)
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_execution(executionArn="arn:aws:states:us-east-1:123456789012:stateMachine:x")
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.get_execution_history(executionArn=missing)
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.stop_execution(executionArn=missing)
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.describe_state_machine_for_execution(executionArn=missing)


def test_stop_execution_in_wait(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine(LONG_WAIT)
    started = sfn.start_execution(stateMachineArn=arn)
    execution_arn = started["executionArn"]
    wait_for_event(sfn, execution_arn, "WaitStateEntered")
    stopped = sfn.stop_execution(executionArn=execution_arn, error="Halt", cause="asked to")
    described = sfn.describe_execution(executionArn=execution_arn)
    assert described["status"] == "ABORTED"
    assert described["stopDate"] == stopped["stopDate"]
    events = sfn.get_execution_history(executionArn=execution_arn)["events"]
    assert [e["type"] for e in events] == ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]
    assert events[-1]["executionAbortedEventDetails"] == {"error": "Halt", "cause": "asked to"}


def test_list_executions_newest_first_with_filter_and_pages(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine(PASS_MACHINE)
    names = [f"e{i}" for i in range(5)]
    for name in names:
        wait_for_end(sfn, sfn.start_execution(stateMachineArn=arn, name=name)["executionArn"])
    waiting_arn = create_machine(LONG_WAIT)
    running = sfn.start_execution(stateMachineArn=waiting_arn)["executionArn"]
    listed: list[str] = []
    token = None
    while True:
        kwargs: dict[str, Any] = {"stateMachineArn": arn, "maxResults": 2}
        if token:
            kwargs["nextToken"] = token
        page = sfn.list_executions(**kwargs)
        listed.extend(item["name"] for item in page["executions"])
        token = page.get("nextToken")
        if not token:
            break
    assert listed == list(reversed(names))
    succeeded = sfn.list_executions(stateMachineArn=arn, statusFilter="SUCCEEDED")["executions"]
    assert len(succeeded) == 5
    assert sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"] == []
    running_list = sfn.list_executions(stateMachineArn=waiting_arn, statusFilter="RUNNING")["executions"]
    assert [item["executionArn"] for item in running_list] == [running]
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.list_executions(stateMachineArn=arn, nextToken="bogus")
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.list_executions(stateMachineArn=arn + "-missing")
    sfn.stop_execution(executionArn=running)


def test_history_pages_reverse_and_without_data(sfn: SFNClient, create_machine: CreateMachine) -> None:
    chain: dict[str, dict[str, Any]] = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(9)}
    chain["S9"] = {"Type": "Pass", "End": True}
    arn = create_machine({"StartAt": "S0", "States": chain})
    execution_arn = sfn.start_execution(stateMachineArn=arn, input='{"k":"v"}')["executionArn"]
    wait_for_status(sfn, execution_arn, "SUCCEEDED")
    ids: list[int] = []
    token = None
    while True:
        kwargs: dict[str, Any] = {"executionArn": execution_arn, "maxResults": 7}
        if token:
            kwargs["nextToken"] = token
        page = sfn.get_execution_history(**kwargs)
        ids.extend(event["id"] for event in page["events"])
        token = page.get("nextToken")
        if not token:
            break
    assert ids == list(range(1, 23))
    reverse = sfn.get_execution_history(executionArn=execution_arn, reverseOrder=True, maxResults=5)
    assert [event["id"] for event in reverse["events"]] == [22, 21, 20, 19, 18]
    rest = sfn.get_execution_history(
        executionArn=execution_arn, reverseOrder=True, maxResults=100, nextToken=reverse["nextToken"]
    )
    assert [event["id"] for event in rest["events"]] == list(range(17, 0, -1))
    bare = sfn.get_execution_history(executionArn=execution_arn, includeExecutionData=False)["events"]
    assert "input" not in bare[0]["executionStartedEventDetails"]
    assert "output" not in bare[-1]["executionSucceededEventDetails"]
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.get_execution_history(executionArn=execution_arn, nextToken="bogus")


def test_describe_state_machine_for_execution_keeps_old_definition(
    sfn: SFNClient, create_machine: CreateMachine
) -> None:
    arn = create_machine(LONG_WAIT)
    execution_arn = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(PASS_MACHINE))
    described = sfn.describe_state_machine_for_execution(executionArn=execution_arn)
    assert json.loads(described["definition"]) == LONG_WAIT
    assert described["stateMachineArn"] == arn
    assert described["name"] == arn.rsplit(":", 1)[-1]
    sfn.stop_execution(executionArn=execution_arn)


def test_delete_machine_with_running_executions(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine(LONG_WAIT)
    execution_arn = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    wait_for_event(sfn, execution_arn, "WaitStateEntered")
    sfn.delete_state_machine(stateMachineArn=arn)
    # The machine is DELETING until the scheduler has stopped its execution, then it is gone.
    gone_or_deleting = (sfn.exceptions.StateMachineDeleting, sfn.exceptions.StateMachineDoesNotExist)
    with pytest.raises(gone_or_deleting):
        sfn.start_execution(stateMachineArn=arn)
    wait_for_status(sfn, execution_arn, "ABORTED")
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        _wait_until_gone(sfn, arn)
    assert sfn.describe_execution(executionArn=execution_arn)["status"] == "ABORTED"
    assert history_types(sfn, execution_arn)[-1] == "ExecutionAborted"


def _wait_until_gone(sfn: SFNClient, arn: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        status = sfn.describe_state_machine(stateMachineArn=arn)["status"]
        assert status == "DELETING"
        time.sleep(0.05)
    raise AssertionError(f"{arn} was never deleted")


def test_unique_names_do_not_collide_across_machines(sfn: SFNClient, create_machine: CreateMachine) -> None:
    name = uuid.uuid4().hex
    first = sfn.start_execution(stateMachineArn=create_machine(PASS_MACHINE), name=name)
    second = sfn.start_execution(stateMachineArn=create_machine(PASS_MACHINE), name=name)
    assert first["executionArn"] != second["executionArn"]
