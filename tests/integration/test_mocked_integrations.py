"""Mocked service integrations against a live server: Step Functions Local's MockConfigFile and ``#TestCase`` starts.

The server reads ``SFN_MOCK_CONFIG``: AWS's LambdaSQSIntegration example (``tests/support/mocks``)
unchanged, plus test cases of this module's own machines. Nothing mocked is ever called: the
Lambda function ``HelloWorldFunction`` and the SQS queue do not exist here.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.conftest import ROLE_ARN, TEST_WAIT_TIME_SCALE, make_client
from tests.support.moto_server import NO_AWS
from tests.support.server import server_on_new_database
from tests.support.waiting import history_types, wait_for_status

MOCKS = Path(__file__).resolve().parents[1] / "support" / "mocks"
EXAMPLE = json.loads((MOCKS / "MockConfigFile.json").read_text())
LAMBDA_SQS = (MOCKS / "LambdaSQSIntegration.json").read_text()
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:{}"

#: This module's machines: a Lambda function ARN task caught by name, a retried one, a callback, an activity.
OWN_CASES = {
    "Caught": {"TestCases": {"Throws": {"Call": "ThrowCustom"}}},
    "Retried": {"TestCases": {"ThrowThenReturn": {"Call": "ThrowOnceThenReturn"}}},
    "Callback": {"TestCases": {"Answered": {"Wait": "CallbackAnswer"}}},
    "Worker": {"TestCases": {"Mocked": {"Work": "ActivityAnswer"}}},
}
OWN_RESPONSES = {
    "ThrowCustom": {"0": {"Throw": {"Error": "Custom.Error", "Cause": "mocked failure"}}},
    "ThrowOnceThenReturn": {
        "0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "first try"}},
        "1": {"Return": {"attempt": 2}},
    },
    "CallbackAnswer": {"0": {"Return": {"approved": True}}},
    "ActivityAnswer": {"0": {"Return": {"worked": "mocked"}}},
}


def mock_file(extra_cases: dict[str, Any] | None = None) -> dict[str, Any]:
    machines = {**EXAMPLE["StateMachines"], **OWN_CASES, **(extra_cases or {})}
    return {"StateMachines": machines, "MockedResponses": {**EXAMPLE["MockedResponses"], **OWN_RESPONSES}}


@pytest.fixture(scope="module")
def mock_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mocks") / "MockConfigFile.json"
    path.write_text(json.dumps(mock_file()))
    return path


@pytest.fixture(scope="module")
def mocked_server(backend: str, mock_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"SFN_MOCK_CONFIG": str(mock_path), "WAIT_TIME_SCALE": TEST_WAIT_TIME_SCALE, **NO_AWS}
    with server_on_new_database(backend, tmp_path_factory.mktemp(f"mocked-{backend}"), env) as process:
        yield process


@pytest.fixture(scope="module")
def client(mocked_server: ServerProcess) -> SFNClient:
    return make_client(mocked_server.endpoint)


def create(client: SFNClient, name: str, definition: dict[str, Any] | str) -> str:
    text = definition if isinstance(definition, str) else json.dumps(definition)
    try:
        return client.create_state_machine(name=name, definition=text, roleArn=ROLE_ARN)["stateMachineArn"]
    except client.exceptions.StateMachineAlreadyExists:
        return next(
            machine["stateMachineArn"]
            for machine in client.list_state_machines()["stateMachines"]
            if machine["name"] == name
        )


def run(client: SFNClient, machine_arn: str, test_case: str, status: str, input: str = "{}") -> dict[str, Any]:
    name = f"{test_case}-{uuid.uuid4().hex[:8]}"
    started = client.start_execution(stateMachineArn=f"{machine_arn}#{test_case}", name=name, input=input)
    described = wait_for_status(client, started["executionArn"], status)
    return dict(described)


def events(client: SFNClient, execution_arn: str) -> list[dict[str, Any]]:
    return [dict(event) for event in client.get_execution_history(executionArn=execution_arn)["events"]]


def test_happy_path_of_the_aws_example(client: SFNClient) -> None:
    machine = create(client, "LambdaSQSIntegration", LAMBDA_SQS)
    described = run(client, machine, "HappyPath", "SUCCEEDED")
    assert described["executionArn"] == f"{machine.replace(':stateMachine:', ':execution:')}:{described['name']}"
    assert described["stateMachineArn"] == machine
    assert json.loads(described["output"]) == EXAMPLE["MockedResponses"]["MockedSQSSuccess"]["0"]["Return"]
    history = events(client, described["executionArn"])
    assert [event["type"] for event in history] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    lambda_output = json.loads(history[4]["taskSucceededEventDetails"]["output"])
    assert lambda_output == EXAMPLE["MockedResponses"]["MockedLambdaSuccess"]["0"]["Return"]
    sqs_entered = json.loads(history[6]["stateEnteredEventDetails"]["input"])
    assert sqs_entered == lambda_output, "the mocked result flows on as a real one would"
    assert history[7]["taskScheduledEventDetails"]["resourceType"] == "sqs"


def test_retry_path_of_the_aws_example_takes_the_indexes_in_turn(client: SFNClient) -> None:
    machine = create(client, "LambdaSQSIntegration", LAMBDA_SQS)
    described = run(client, machine, "RetryPath", "SUCCEEDED")
    history = events(client, described["executionArn"])
    failures = [event["taskFailedEventDetails"]["error"] for event in history if event["type"] == "TaskFailed"]
    assert failures == ["Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException"]
    assert sum(event["type"] == "TaskScheduled" for event in history) == 5


def test_hybrid_path_of_the_aws_example_calls_the_unmocked_state_for_real(client: SFNClient) -> None:
    machine = create(client, "LambdaSQSIntegration", LAMBDA_SQS)
    described = run(client, machine, "HybridPath", "FAILED")
    assert described["error"] == "SQS.SdkClientException", "the real call found no SQS at its endpoint"
    assert "127.0.0.1:9" in described["cause"]
    assert history_types(client, described["executionArn"])[2:5] == ["TaskScheduled", "TaskStarted", "TaskSucceeded"]


def test_a_thrown_error_is_caught_by_name(client: SFNClient) -> None:
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": FUNCTION.format("never_called"),
                "Catch": [{"ErrorEquals": ["Custom.Error"], "ResultPath": "$.error", "Next": "Handled"}],
                "End": True,
            },
            "Handled": {"Type": "Pass", "End": True},
        },
    }
    described = run(client, create(client, "Caught", definition), "Throws", "SUCCEEDED", '{"id": 1}')
    assert json.loads(described["output"]) == {"id": 1, "error": {"Error": "Custom.Error", "Cause": "mocked failure"}}
    history = events(client, described["executionArn"])
    assert [event["type"] for event in history][2:6] == [
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionFailed",
        "TaskStateExited",
    ]
    assert history[4]["lambdaFunctionFailedEventDetails"] == {"error": "Custom.Error", "cause": "mocked failure"}


def test_a_retry_takes_the_next_response(client: SFNClient) -> None:
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": FUNCTION.format("never_called"),
                "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 1, "MaxAttempts": 2}],
                "End": True,
            }
        },
    }
    described = run(client, create(client, "Retried", definition), "ThrowThenReturn", "SUCCEEDED")
    assert json.loads(described["output"]) == {"attempt": 2}
    assert history_types(client, described["executionArn"])[2:8] == [
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionFailed",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionSucceeded",
    ]


def test_a_mocked_callback_task_does_not_wait_for_its_token(client: SFNClient) -> None:
    definition = {
        "StartAt": "Wait",
        "States": {
            "Wait": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "https://sqs.example/q", "MessageBody": {"token.$": "$$.Task.Token"}},
                "HeartbeatSeconds": 600,
                "End": True,
            }
        },
    }
    described = run(client, create(client, "Callback", definition), "Answered", "SUCCEEDED")
    assert json.loads(described["output"]) == {"approved": True}
    history = events(client, described["executionArn"])
    assert [event["type"] for event in history][2:6] == [
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",
        "TaskSucceeded",
    ]
    parameters = json.loads(history[2]["taskScheduledEventDetails"]["parameters"])
    assert parameters["MessageBody"]["token"], "a task token is made for the mocked callback"


def test_a_mocked_activity_needs_no_worker(client: SFNClient) -> None:
    activity = client.create_activity(name=f"work-{uuid.uuid4().hex[:8]}")["activityArn"]
    definition = {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": activity, "End": True}}}
    described = run(client, create(client, "Worker", definition), "Mocked", "SUCCEEDED")
    assert json.loads(described["output"]) == {"worked": "mocked"}
    assert history_types(client, described["executionArn"])[2:5] == [
        "ActivityScheduled",
        "ActivityStarted",
        "ActivitySucceeded",
    ]


def test_an_unknown_test_case_is_refused(client: SFNClient) -> None:
    machine = create(client, "LambdaSQSIntegration", LAMBDA_SQS)
    with pytest.raises(ClientError) as raised:
        client.start_execution(stateMachineArn=f"{machine}#SadPath")
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidName"
    assert "SadPath" in error["Message"] and "LambdaSQSIntegration" in error["Message"]


def test_a_changed_mock_file_is_read_without_a_restart(client: SFNClient, mock_path: Path) -> None:
    definition = {
        "StartAt": "Call",
        "States": {"Call": {"Type": "Task", "Resource": FUNCTION.format("x"), "End": True}},
    }
    machine = create(client, "Later", definition)
    mock_path.write_text(json.dumps(mock_file({"Later": {"TestCases": {"Added": {"Call": "CallbackAnswer"}}}})))
    described = run(client, machine, "Added", "SUCCEEDED")
    assert json.loads(described["output"]) == {"approved": True}
