"""Retry, Catch and the terminal errors, end to end through the server."""

from __future__ import annotations

import json

from mypy_boto3_stepfunctions import SFNClient

from tests.conftest import CreateMachine
from tests.support.waiting import history_types, wait_for_status


def test_map_retries_then_catches_with_result_path(sfn: SFNClient, create_machine: CreateMachine) -> None:
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "StartAt": "Boom",
                    "States": {"Boom": {"Type": "Fail", "Error": "Item.Failed", "Cause": "bad item"}},
                },
                "Retry": [{"ErrorEquals": ["Item.Failed"], "IntervalSeconds": 1, "MaxAttempts": 2}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recovered"}],
                "End": True,
            },
            "Recovered": {"Type": "Pass", "End": True},
        },
    }
    execution = sfn.start_execution(stateMachineArn=create_machine(definition), input='{"items": [1]}')
    described = wait_for_status(sfn, execution["executionArn"], "SUCCEEDED")
    assert json.loads(described["output"]) == {"items": [1], "error": {"Error": "Item.Failed", "Cause": "bad item"}}
    types = history_types(sfn, execution["executionArn"])
    assert types.count("MapStateStarted") == 3  # the first run and two retries
    assert types[-5:] == [
        "MapStateFailed",
        "MapStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


def test_states_all_does_not_catch_runtime_errors(sfn: SFNClient, create_machine: CreateMachine) -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Bad", "States": {"Bad": {"Type": "Pass", "InputPath": "$.nope", "End": True}}}
                ],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Succeed"},
        },
    }
    execution = sfn.start_execution(stateMachineArn=create_machine(definition), input="{}")
    described = wait_for_status(sfn, execution["executionArn"], "FAILED")
    assert described["error"] == "States.Runtime"
    assert "Invalid path '$.nope'" in described["cause"]


def test_data_limit_is_terminal(sfn: SFNClient, create_machine: CreateMachine) -> None:
    big = "x" * 200_000
    definition = {
        "StartAt": "Grow",
        "States": {
            "Grow": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": big, "End": True}}},
                    {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": big, "End": True}}},
                ],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Succeed"},
        },
    }
    execution = sfn.start_execution(stateMachineArn=create_machine(definition), input="{}")
    described = wait_for_status(sfn, execution["executionArn"], "FAILED")
    assert described["error"] == "States.DataLimitExceeded"


def test_no_choice_matched(sfn: SFNClient, create_machine: CreateMachine) -> None:
    definition = {
        "StartAt": "C",
        "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "D"}]},
            "D": {"Type": "Succeed"},
        },
    }
    execution = sfn.start_execution(stateMachineArn=create_machine(definition), input='{"x": 2}')
    described = wait_for_status(sfn, execution["executionArn"], "FAILED")
    assert described["error"] == "States.NoChoiceMatched"


def test_machine_timeout_seconds(sfn: SFNClient, create_machine: CreateMachine) -> None:
    definition = {
        "TimeoutSeconds": 1,
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "Seconds": 100000, "End": True}},
    }
    execution = sfn.start_execution(stateMachineArn=create_machine(definition), input="{}")
    described = wait_for_status(sfn, execution["executionArn"], "TIMED_OUT")
    assert described["error"] == "States.Timeout"
    assert history_types(sfn, execution["executionArn"])[-1] == "ExecutionTimedOut"
