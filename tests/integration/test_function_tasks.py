"""Lambda-style tasks served by local Python functions (``SFN_FUNCTIONS_DIR``), end to end."""

from __future__ import annotations

import json
from typing import Any

from mypy_boto3_stepfunctions import SFNClient

from tests.conftest import CreateMachine
from tests.support.waiting import history_types, wait_for_status

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:{}"


def task_machine(resource: str, **task: Any) -> dict[str, Any]:
    return {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": resource, "End": True, **task}}}


def test_lambda_arn_form(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine(task_machine(FUNCTION_ARN.format("echo")))
    execution = sfn.start_execution(stateMachineArn=arn, input='{"a": 1}')["executionArn"]
    described = wait_for_status(sfn, execution, "SUCCEEDED")
    assert json.loads(described["output"]) == {"echo": {"a": 1}, "function": "echo"}
    events = sfn.get_execution_history(executionArn=execution)["events"]
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    assert events[2]["lambdaFunctionScheduledEventDetails"]["resource"] == FUNCTION_ARN.format("echo")


def test_lambda_invoke_wraps_the_response(sfn: SFNClient, create_machine: CreateMachine) -> None:
    definition = task_machine(
        "arn:aws:states:::lambda:invoke",
        Parameters={"FunctionName": "echo", "Payload": {"v.$": "$.v"}},
        ResultSelector={"payload.$": "$.Payload", "status.$": "$.StatusCode"},
    )
    execution = sfn.start_execution(stateMachineArn=create_machine(definition), input='{"v": 7}')["executionArn"]
    described = wait_for_status(sfn, execution, "SUCCEEDED")
    assert json.loads(described["output"]) == {"payload": {"echo": {"v": 7}, "function": "echo"}, "status": 200}
    assert history_types(sfn, execution)[2:5] == ["TaskScheduled", "TaskStarted", "TaskSucceeded"]


def test_custom_error_is_retried_then_caught_by_name(sfn: SFNClient, create_machine: CreateMachine) -> None:
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": FUNCTION_ARN.format("raise_custom"),
                "Retry": [{"ErrorEquals": ["CustomError"], "IntervalSeconds": 1, "MaxAttempts": 1}],
                "Catch": [{"ErrorEquals": ["CustomError"], "ResultPath": "$.error", "Next": "Handled"}],
                "Next": "Handled",
            },
            "Handled": {"Type": "Pass", "End": True},
        },
    }
    execution = sfn.start_execution(stateMachineArn=create_machine(definition), input='{"id": 3}')["executionArn"]
    described = wait_for_status(sfn, execution, "SUCCEEDED")
    error = json.loads(described["output"])["error"]
    assert error["Error"] == "CustomError"
    cause = json.loads(error["Cause"])
    assert (cause["errorType"], cause["errorMessage"]) == ("CustomError", "custom failure for 3")
    assert history_types(sfn, execution).count("LambdaFunctionFailed") == 2


def test_missing_function(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine(task_machine(FUNCTION_ARN.format("no_such_function")))
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    described = wait_for_status(sfn, execution, "FAILED")
    assert described["error"] == "Lambda.ResourceNotFoundException"


def test_wait_for_task_token_with_lambda_invoke(sfn: SFNClient, create_machine: CreateMachine) -> None:
    definition = task_machine(
        "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters={"FunctionName": "callback", "Payload": {"token.$": "$$.Task.Token", "value.$": "$.value"}},
    )
    execution = sfn.start_execution(stateMachineArn=create_machine(definition), input='{"value": 9}')["executionArn"]
    described = wait_for_status(sfn, execution, "SUCCEEDED")
    assert json.loads(described["output"]) == {"answered": 9}
    assert "TaskSubmitted" in history_types(sfn, execution)


def invoke_machine(**task: Any) -> dict[str, Any]:
    """lambda:invoke with ``FunctionName`` and ``Payload`` taken from the input."""
    parameters = {"FunctionName.$": "$.FunctionName", "Payload.$": "$.Payload"}
    return task_machine("arn:aws:states:::lambda:invoke", Parameters=parameters, **task)


def test_lambda_invoke_reads_a_string_payload_as_json_text(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine(invoke_machine(ResultSelector={"echo.$": "$.Payload.echo"}))
    for text, value in [("0", 0), ("true", True), ('"text"', "text"), ("[]", [])]:
        payload = json.dumps({"FunctionName": "echo", "Payload": text})
        execution = sfn.start_execution(stateMachineArn=arn, input=payload)["executionArn"]
        assert json.loads(wait_for_status(sfn, execution, "SUCCEEDED")["output"]) == {"echo": value}


def test_lambda_invoke_refuses_a_payload_that_is_not_json(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine(invoke_machine())
    payload = json.dumps({"FunctionName": "echo", "Payload": "not json"})
    execution = sfn.start_execution(stateMachineArn=arn, input=payload)["executionArn"]
    assert wait_for_status(sfn, execution, "FAILED")["error"] == "Lambda.InvalidRequestContentException"


def test_lambda_invoke_answers_with_the_bytes_a_handler_returns(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine(invoke_machine())
    payload = json.dumps({"FunctionName": "raw_body", "Payload": {"text": '"HelloWorld!"'}})
    execution = sfn.start_execution(stateMachineArn=arn, input=payload)["executionArn"]
    output = json.loads(wait_for_status(sfn, execution, "SUCCEEDED")["output"])
    assert output["Payload"] == "HelloWorld!"
    headers = output["SdkHttpMetadata"]["HttpHeaders"]
    assert headers["Content-Length"] == "13"
    assert set(headers) == {
        "Connection",
        "Content-Length",
        "Content-Type",
        "Date",
        "X-Amz-Executed-Version",
        "x-amzn-Remapped-Content-Length",
        "x-amzn-RequestId",
        "X-Amzn-Trace-Id",
    }
    assert output["SdkHttpMetadata"]["AllHttpHeaders"] == {name: [value] for name, value in headers.items()}
    assert output["SdkResponseMetadata"]["RequestId"] == headers["x-amzn-RequestId"]


def test_an_oversized_result_is_data_limit_exceeded_which_states_all_catches(
    sfn: SFNClient, create_machine: CreateMachine
) -> None:
    definition = invoke_machine(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Caught"}])
    definition["States"]["Call"].pop("End")
    definition["States"]["Call"]["Next"] = "Done"
    definition["States"].update({"Done": {"Type": "Succeed"}, "Caught": {"Type": "Pass", "End": True}})
    payload = json.dumps({"FunctionName": "raw_body", "Payload": {"text": "a", "times": 257 * 1024}})
    execution = sfn.start_execution(stateMachineArn=create_machine(definition), input=payload)["executionArn"]
    assert json.loads(wait_for_status(sfn, execution, "SUCCEEDED")["output"]) == {
        "Error": "States.DataLimitExceeded",
        "Cause": "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes "
        "service limit.",
    }
    assert history_types(sfn, execution)[2:7] == [
        "TaskScheduled",
        "TaskStarted",
        "TaskFailed",
        "TaskStateExited",
        "PassStateEntered",
    ]


def test_a_missing_function_names_the_latest_version(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine(invoke_machine())
    execution = sfn.start_execution(stateMachineArn=arn, input='{"FunctionName": "no_such", "Payload": {}}')
    described = wait_for_status(sfn, execution["executionArn"], "FAILED")
    assert described["cause"].startswith(
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:no_such:$LATEST (Service: AWSLambda; "
    )


def test_a_callback_task_whose_call_fails_fails_at_once(sfn: SFNClient, create_machine: CreateMachine) -> None:
    definition = task_machine(
        "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters={"FunctionName": "no_such_function", "Payload": {"token.$": "$$.Task.Token"}},
    )
    execution = sfn.start_execution(stateMachineArn=create_machine(definition), input="{}")["executionArn"]
    described = wait_for_status(sfn, execution, "FAILED", timeout=10)
    assert described["error"] == "Lambda.ResourceNotFoundException"
    assert history_types(sfn, execution)[2:] == ["TaskScheduled", "TaskStarted", "TaskFailed", "ExecutionFailed"]


def test_a_callback_task_whose_function_raises_is_retried_then_caught(
    sfn: SFNClient, create_machine: CreateMachine
) -> None:
    definition = task_machine(
        "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters={"FunctionName": "raise_custom", "Payload": {"id": 1, "token.$": "$$.Task.Token"}},
        Retry=[{"ErrorEquals": ["CustomError"], "IntervalSeconds": 1, "MaxAttempts": 1}],
        Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
    )
    definition["States"]["Call"].pop("End")
    definition["States"]["Call"]["Next"] = "Caught"
    definition["States"]["Caught"] = {"Type": "Pass", "End": True}
    execution = sfn.start_execution(stateMachineArn=create_machine(definition), input="{}")["executionArn"]
    output = json.loads(wait_for_status(sfn, execution, "SUCCEEDED", timeout=10)["output"])
    assert output["Error"] == "CustomError"
    assert history_types(sfn, execution).count("TaskFailed") == 2
