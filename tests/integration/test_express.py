"""Express workflows through boto3: StartSyncExecution, async starts, refusals and log records."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.conftest import ROLE_ARN
from tests.support.waiting import wait_for_status, wait_until

ECHO_ARN = "arn:aws:lambda:us-east-1:123456789012:function:echo"


def express_machine(sfn: SFNClient, definition: dict[str, Any], **extra: Any) -> str:
    response = sfn.create_state_machine(
        name=f"x-{uuid.uuid4().hex[:12]}", definition=json.dumps(definition), roleArn=ROLE_ARN, type="EXPRESS", **extra
    )
    return response["stateMachineArn"]


def passes(count: int) -> dict[str, Any]:
    """``count`` Pass states in a row, each adding to a counter."""
    states: dict[str, Any] = {}
    for index in range(count):
        state: dict[str, Any] = {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}}
        state.update({"End": True} if index == count - 1 else {"Next": f"S{index + 1}"})
        states[f"S{index}"] = state
    return {"StartAt": "S0", "States": states}


def error_of(call: Any) -> tuple[str, str]:
    with pytest.raises(Exception) as caught:
        call()
    response = caught.value.response  # type: ignore[attr-defined]
    return response["Error"]["Code"], response["Error"]["Message"]


# --- StartSyncExecution --------------------------------------------------------------------------
def test_sync_execution_returns_the_output_and_billing(sfn: SFNClient) -> None:
    arn = express_machine(sfn, passes(10))
    result = sfn.start_sync_execution(stateMachineArn=arn, name="run-1", input='{"n": 1}', traceHeader="t-1")
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"n": 11}
    assert result["outputDetails"] == {"included": True}
    assert result["input"] == '{"n": 1}'
    assert result["traceHeader"] == "t-1"
    assert result["billingDetails"]["billedMemoryUsedInMB"] == 64
    assert result["billingDetails"]["billedDurationInMilliseconds"] % 100 == 0
    assert result["billingDetails"]["billedDurationInMilliseconds"] >= 100
    prefix = arn.replace(":stateMachine:", ":express:") + ":run-1:"
    assert result["executionArn"].startswith(prefix)
    assert result["stopDate"] >= result["startDate"]


def test_sync_execution_metadata_only(sfn: SFNClient) -> None:
    result = sfn.start_sync_execution(
        stateMachineArn=express_machine(sfn, passes(1)), input='{"n": 1}', includedData="METADATA_ONLY"
    )
    assert result["status"] == "SUCCEEDED" and "input" not in result and "output" not in result
    assert result["inputDetails"] == {"included": False} and result["outputDetails"] == {"included": False}


def test_sync_execution_reports_a_failure(sfn: SFNClient) -> None:
    definition = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Oops", "Cause": "on purpose"}}}
    result = sfn.start_sync_execution(stateMachineArn=express_machine(sfn, definition))
    assert (result["status"], result["error"], result["cause"]) == ("FAILED", "Oops", "on purpose")
    assert "output" not in result


def test_sync_execution_calls_tasks_waits_and_retries(sfn: SFNClient) -> None:
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {"Type": "Task", "Resource": ECHO_ARN, "ResultPath": "$.called", "Next": "Pause"},
            "Pause": {"Type": "Wait", "Seconds": 20, "Next": "Shaky"},
            "Shaky": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:missing-function",
                "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1, "IntervalSeconds": 1}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.caught", "Next": "Done"}],
                "End": True,
            },
            "Done": {"Type": "Pass", "End": True},
        },
    }
    result = sfn.start_sync_execution(stateMachineArn=express_machine(sfn, definition), input='{"a": 1}')
    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    assert output["called"] == {"echo": {"a": 1}, "function": "echo"}
    assert "Error" in output["caught"]


def test_sync_execution_times_out(sfn: SFNClient) -> None:
    definition = {"TimeoutSeconds": 1, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1000, "End": True}}}
    result = sfn.start_sync_execution(stateMachineArn=express_machine(sfn, definition))
    assert result["status"] == "TIMED_OUT"
    assert result["error"] == "States.Timeout"


def test_sync_execution_of_a_standard_machine_is_refused(sfn: SFNClient, create_machine: Any) -> None:
    arn = create_machine(passes(1))
    code, message = error_of(lambda: sfn.start_sync_execution(stateMachineArn=arn))
    assert (code, message) == (
        "StateMachineTypeNotSupported",
        "This operation is not supported by this type of state machine",
    )


def test_sync_execution_errors_of_the_request(sfn: SFNClient) -> None:
    missing = "arn:aws:states:us-east-1:123456789012:stateMachine:nope"
    assert error_of(lambda: sfn.start_sync_execution(stateMachineArn=missing))[0] == "StateMachineDoesNotExist"
    arn = express_machine(sfn, passes(1))
    assert error_of(lambda: sfn.start_sync_execution(stateMachineArn=arn, input="{"))[0] == "InvalidExecutionInput"
    assert error_of(lambda: sfn.start_sync_execution(stateMachineArn=arn, name="a b"))[0] == "InvalidName"
    assert error_of(lambda: sfn.start_sync_execution(stateMachineArn="nonsense"))[0] == "InvalidArn"


def test_sync_host_prefix_is_accepted(server: ServerProcess, sfn: SFNClient) -> None:
    """botocore sends StartSyncExecution to ``sync-<host>``: the server answers whatever the Host says."""
    arn = express_machine(sfn, passes(2))
    response = httpx.post(
        server.endpoint,
        headers={
            "Host": "sync-localhost",
            "X-Amz-Target": "AWSStepFunctions.StartSyncExecution",
            "Content-Type": "application/x-amz-json-1.0",
        },
        content=json.dumps({"stateMachineArn": arn, "input": '{"n": 5}'}),
    )
    assert response.status_code == 200
    assert json.loads(response.json()["output"]) == {"n": 7}


def test_sync_execution_through_rest(server: ServerProcess, sfn: SFNClient) -> None:
    arn = express_machine(sfn, passes(3))
    response = httpx.post(f"{server.endpoint}/v1/executions/sync", json={"stateMachineArn": arn, "input": {"n": 0}})
    assert response.status_code == 200, response.text
    assert json.loads(response.json()["output"]) == {"n": 3}


# --- what AWS refuses for Express ------------------------------------------------------------------
def test_express_executions_have_no_record(sfn: SFNClient) -> None:
    arn = express_machine(sfn, passes(1))
    execution = sfn.start_sync_execution(stateMachineArn=arn)["executionArn"]
    expected = ("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: express'")
    assert error_of(lambda: sfn.describe_execution(executionArn=execution)) == expected
    assert error_of(lambda: sfn.get_execution_history(executionArn=execution)) == expected
    assert error_of(lambda: sfn.stop_execution(executionArn=execution)) == expected
    code, message = error_of(lambda: sfn.list_executions(stateMachineArn=arn))
    assert (code, message) == (
        "StateMachineTypeNotSupported",
        "This operation is not supported by this type of state machine",
    )


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        (
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Express state machine does not support '.waitForTaskToken' service integration  at /States/T/Resource",
        ),
        (
            "arn:aws:states:::states:startExecution.sync",
            "Express state machine does not support '.sync' service integration at /States/T/Resource",
        ),
        (
            "arn:aws:states:us-east-1:123456789012:activity:work",
            "Express state machine does not support Activity ARN at /States/T/Resource",
        ),
    ],
)
def test_express_refuses_what_it_cannot_run(sfn: SFNClient, resource: str, message: str) -> None:
    definition = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True}}}
    code, text = error_of(lambda: express_machine(sfn, definition))
    assert (code, text) == (
        "InvalidDefinition",
        f"Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: {message}'",
    )
    validated = sfn.validate_state_machine_definition(definition=json.dumps(definition), type="EXPRESS")
    assert validated["result"] == "FAIL"
    assert sfn.validate_state_machine_definition(definition=json.dumps(definition), type="STANDARD")["result"] == "OK"


def test_nested_refusals_point_into_the_branch(sfn: SFNClient) -> None:
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "End": True}
    definition = {
        "StartAt": "P",
        "States": {"P": {"Type": "Parallel", "Branches": [{"StartAt": "T", "States": {"T": task}}], "End": True}},
    }
    _, text = error_of(lambda: express_machine(sfn, definition))
    assert "at /States/P/Branches[0]/States/T/Resource" in text


# --- async Express and log records -----------------------------------------------------------------
def log_records(path: Path, execution_arn: str) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    return [record for record in map(json.loads, lines) if record["execution_arn"] == execution_arn]


def test_async_express_runs_and_logs_every_event(sfn: SFNClient, execution_log: Path) -> None:
    logging = {"level": "ALL", "includeExecutionData": True, "destinations": []}
    arn = express_machine(sfn, passes(2), loggingConfiguration=logging)
    started = sfn.start_execution(stateMachineArn=arn, input='{"n": 1}')
    execution = started["executionArn"]
    assert ":express:" in execution
    wait_until(
        lambda: any(r["type"] == "ExecutionSucceeded" for r in log_records(execution_log, execution)),
        10,
        "the execution's log records",
    )
    records = log_records(execution_log, execution)
    assert [r["type"] for r in records] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    succeeded = records[-1]
    assert json.loads(succeeded["details"]["output"]) == {"n": 3}
    assert succeeded["id"] == "6" and succeeded["previous_event_id"] == "5" and succeeded["redrive_count"] == "0"
    assert succeeded["event_timestamp"].isdigit()


def test_error_level_logs_only_failures_without_data(sfn: SFNClient, execution_log: Path) -> None:
    definition = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Oops", "Cause": "on purpose"}}}
    arn = express_machine(sfn, definition, loggingConfiguration={"level": "ERROR", "includeExecutionData": False})
    execution = sfn.start_sync_execution(stateMachineArn=arn, input='{"secret": 1}')["executionArn"]
    records = log_records(execution_log, execution)
    assert [r["type"] for r in records] == ["ExecutionFailed"]
    assert records[0]["details"] == {"error": "Oops", "cause": "on purpose"}
    off = express_machine(sfn, passes(1), loggingConfiguration={"level": "OFF"})
    assert log_records(execution_log, sfn.start_sync_execution(stateMachineArn=off)["executionArn"]) == []


def test_standard_parent_waits_for_an_express_child(sfn: SFNClient, create_machine: Any) -> None:
    child = express_machine(sfn, passes(3))
    parent = create_machine(
        {
            "StartAt": "Child",
            "States": {
                "Child": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::states:startExecution.sync:2",
                    "Parameters": {"StateMachineArn": child, "Input": {"n": 1}},
                    "OutputPath": "$.Output",
                    "End": True,
                }
            },
        }
    )
    execution = sfn.start_execution(stateMachineArn=parent)["executionArn"]
    assert json.loads(wait_for_status(sfn, execution, "SUCCEEDED")["output"]) == {"n": 4}


def test_standard_executions_log_too(sfn: SFNClient, create_machine: Any, execution_log: Path) -> None:
    definition = {
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "Seconds": 1, "Next": "F"}, "F": {"Type": "Fail", "Error": "E"}},
    }
    name = f"logged-{uuid.uuid4().hex[:8]}"
    arn = sfn.create_state_machine(
        name=name,
        definition=json.dumps(definition),
        roleArn=ROLE_ARN,
        loggingConfiguration={"level": "FATAL", "includeExecutionData": False},
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    wait_for_status(sfn, execution, "FAILED")
    wait_until(lambda: bool(log_records(execution_log, execution)), 5, "the execution's log record")
    assert [r["type"] for r in log_records(execution_log, execution)] == ["ExecutionFailed"]
    assert sfn.describe_state_machine(stateMachineArn=arn)["loggingConfiguration"]["level"] == "FATAL"


def test_a_distributed_map_s_children_log_as_their_parent_machine(
    sfn: SFNClient, create_machine: Any, execution_log: Path
) -> None:
    processor = {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, **passes(1)}
    definition = {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "ItemProcessor": processor, "End": True}}}
    arn = sfn.create_state_machine(
        name=f"fan-logged-{uuid.uuid4().hex[:8]}",
        definition=json.dumps(definition),
        roleArn=ROLE_ARN,
        loggingConfiguration={"level": "ALL", "includeExecutionData": False},
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps([{"n": 1}, {"n": 2}]))["executionArn"]
    wait_for_status(sfn, execution, "SUCCEEDED")
    run = sfn.list_map_runs(executionArn=execution)["mapRuns"][0]["mapRunArn"]
    children = [child["executionArn"] for child in sfn.list_executions(mapRunArn=run)["executions"]]
    assert len(children) == 2
    for child in children:
        wait_until(lambda: bool(log_records(execution_log, child)), 5, "the child's log records")  # noqa: B023
        assert log_records(execution_log, child)[-1]["type"] == "ExecutionSucceeded"
