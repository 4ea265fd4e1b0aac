"""TestState through boto3: one state, its data flow at each inspection level, and real task calls."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient

from tests.conftest import ROLE_ARN

ECHO_ARN = "arn:aws:lambda:us-east-1:123456789012:function:echo"
ACTIVITY_ARN = "arn:aws:states:us-east-1:123456789012:activity:a"
MISSING_ARN = "arn:aws:lambda:us-east-1:123456789012:function:missing-function"
IO_PASS = {
    "Type": "Pass",
    "InputPath": "$.initialData",
    "Parameters": {"staticValue": "some value", "inputValue.$": "$.fieldFromInput"},
    "ResultPath": "$.modifiedData",
    "End": True,
}
IO_INPUT = {"initialData": {"fieldFromInput": "value from input", "otherField": "other"}, "unrelatedData": {"x": 1}}


def run_state(sfn: SFNClient, state: dict[str, Any], input: Any = None, **extra: Any) -> dict[str, Any]:
    answer = sfn.test_state(
        definition=json.dumps(state), roleArn=ROLE_ARN, input=json.dumps({} if input is None else input), **extra
    )
    return {key: value for key, value in answer.items() if key != "ResponseMetadata"}


def test_info_answers_status_and_output(sfn: SFNClient) -> None:
    answer = run_state(sfn, IO_PASS, IO_INPUT)
    assert answer["status"] == "SUCCEEDED"
    assert json.loads(answer["output"]) == {
        **IO_INPUT,
        "modifiedData": {"staticValue": "some value", "inputValue": "value from input"},
    }
    assert "inspectionData" not in answer and "nextState" not in answer


def test_debug_shows_every_step_of_the_data_flow(sfn: SFNClient) -> None:
    answer = run_state(sfn, IO_PASS, IO_INPUT, inspectionLevel="DEBUG")
    data = {key: json.loads(value) for key, value in answer["inspectionData"].items()}
    parameters = {"staticValue": "some value", "inputValue": "value from input"}
    assert data == {
        "input": IO_INPUT,
        "afterInputPath": IO_INPUT["initialData"],
        "afterParameters": parameters,
        "afterResultSelector": parameters,
        "afterResultPath": {**IO_INPUT, "modifiedData": parameters},
    }


def test_a_pass_result_is_the_result(sfn: SFNClient) -> None:
    state = {"Type": "Pass", "Result": {"resultKey": "result value"}, "End": True}
    data = run_state(sfn, state, {"Value": "HelloWorld"}, inspectionLevel="DEBUG")["inspectionData"]
    assert sorted(data) == ["afterResultPath", "afterResultSelector", "input", "result"]


def test_choice_names_the_next_state(sfn: SFNClient) -> None:
    state = {
        "Type": "Choice",
        "Choices": [{"Variable": "$.value", "NumericGreaterThanEquals": 20, "Next": "ValueInTwenties"}],
        "Default": "Other",
    }
    answer = run_state(sfn, state, {"value": 22}, inspectionLevel="DEBUG")
    assert (answer["status"], answer["nextState"]) == ("SUCCEEDED", "ValueInTwenties")
    assert sorted(answer["inspectionData"]) == ["afterInputPath", "input"]


def test_fail_state(sfn: SFNClient) -> None:
    answer = run_state(sfn, {"Type": "Fail", "Error": "SomeFailure", "Cause": "on purpose"})
    assert answer == {"status": "FAILED", "error": "SomeFailure", "cause": "on purpose"}


def test_a_task_calls_the_real_function(sfn: SFNClient) -> None:
    state = {"Type": "Task", "Resource": ECHO_ARN, "ResultSelector": {"got.$": "$.echo"}, "Next": "After"}
    answer = run_state(sfn, state, {"a": 1}, inspectionLevel="DEBUG")
    assert answer["status"] == "SUCCEEDED" and answer["nextState"] == "After"
    assert json.loads(answer["output"]) == {"got": {"a": 1}}
    assert json.loads(answer["inspectionData"]["result"]) == {"echo": {"a": 1}, "function": "echo"}


def test_a_matching_retrier_makes_it_retriable(sfn: SFNClient) -> None:
    state = {
        "Type": "Task",
        "Resource": MISSING_ARN,
        "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 3, "MaxAttempts": 2}],
        "End": True,
    }
    answer = run_state(sfn, state, inspectionLevel="DEBUG")
    assert answer["status"] == "RETRIABLE" and answer["error"]
    assert answer["inspectionData"]["errorDetails"] == {"retryIndex": 0, "retryBackoffIntervalSeconds": 3}


def test_a_matching_catcher_makes_it_caught(sfn: SFNClient) -> None:
    state = {
        "Type": "Task",
        "Resource": MISSING_ARN,
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.caught", "Next": "Recover"}],
        "End": True,
    }
    answer = run_state(sfn, state, {"keep": True}, inspectionLevel="DEBUG")
    assert (answer["status"], answer["nextState"]) == ("CAUGHT_ERROR", "Recover")
    output = json.loads(answer["output"])
    assert output["keep"] is True and output["caught"]["Error"] == answer["error"]
    assert answer["inspectionData"]["errorDetails"] == {"catchIndex": 0}


def test_variables_and_a_state_of_a_whole_machine(sfn: SFNClient) -> None:
    machine = {
        "QueryLanguage": "JSONata",
        "StartAt": "First",
        "States": {
            "First": {"Type": "Pass", "Next": "Second"},
            "Second": {
                "Type": "Pass",
                "Output": "{% $base + $states.input.add %}",
                "Assign": {"seen": "{% $base %}"},
                "End": True,
            },
        },
    }
    answer = sfn.test_state(
        definition=json.dumps(machine),
        stateName="Second",
        input=json.dumps({"add": 2}),
        variables=json.dumps({"base": 40}),
        inspectionLevel="DEBUG",
    )
    assert json.loads(answer["output"]) == 42
    assert json.loads(answer["inspectionData"]["variables"]) == {"base": 40, "seen": 40}


def test_a_wait_does_not_wait(sfn: SFNClient) -> None:
    answer = run_state(sfn, {"Type": "Wait", "Seconds": 100000, "Next": "Later"})
    assert (answer["status"], answer["nextState"]) == ("SUCCEEDED", "Later")


@pytest.mark.parametrize(
    ("definition", "code"),
    [
        ("{not json", "InvalidDefinition"),
        (json.dumps({"Type": "Pass", "Bogus": 1, "End": True}), "InvalidDefinition"),
        (json.dumps({"Type": "Task", "Resource": ACTIVITY_ARN, "End": True}), "InvalidDefinition"),
    ],
)
def test_bad_definitions(sfn: SFNClient, definition: str, code: str) -> None:
    with pytest.raises(Exception) as caught:
        sfn.test_state(definition=definition, roleArn=ROLE_ARN)
    assert caught.value.response["Error"]["Code"] == code  # type: ignore[attr-defined]


def test_bad_input(sfn: SFNClient) -> None:
    with pytest.raises(Exception) as caught:
        sfn.test_state(definition=json.dumps({"Type": "Pass", "End": True}), roleArn=ROLE_ARN, input="{")
    assert caught.value.response["Error"]["Code"] == "InvalidExecutionInput"  # type: ignore[attr-defined]
