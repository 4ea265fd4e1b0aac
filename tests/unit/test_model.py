"""parse_definition: the typed, frozen model of a definition, and Task resource parsing."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from app.asl.handlers import Catcher, Retrier
from app.asl.model import StateMachineModel, SubMachine, parse_definition
from app.asl.resources import Resource, parse_resource
from app.asl.states.base import JSONATA, JSONPATH, MISSING, StateSpec
from app.asl.states.choice import ChoiceSpec, ConditionRule
from app.asl.states.fail import FailSpec
from app.asl.states.map_ import MapSpec
from app.asl.states.parallel import ParallelSpec
from app.asl.states.pass_ import PassSpec
from app.asl.states.succeed import SucceedSpec
from app.asl.states.task import TaskSpec
from app.asl.states.wait import WaitSpec


def one(state: dict[str, Any], **top: Any) -> StateSpec:
    return parse_definition({"StartAt": "S", "States": {"S": state}, **top}).states["S"]


def test_top_level_fields_and_text_input() -> None:
    text = json.dumps({"Comment": "c", "StartAt": "A", "TimeoutSeconds": 60, "States": {"A": {"Type": "Succeed"}}})
    model = parse_definition(text)
    assert isinstance(model, StateMachineModel)
    assert (model.start_at, model.comment, model.timeout_seconds, model.query_language) == ("A", "c", 60, JSONPATH)
    assert isinstance(model.states["A"], SucceedSpec)


def test_defaults_of_the_common_fields() -> None:
    spec = one({"Type": "Pass", "End": True})
    assert isinstance(spec, PassSpec)
    assert (spec.name, spec.type, spec.next, spec.end) == ("S", "Pass", None, True)
    assert (spec.input_path, spec.output_path, spec.result_path) == ("$", "$", "$")
    assert spec.parameters is MISSING and spec.result_selector is MISSING and spec.result is MISSING
    assert spec.arguments is MISSING and spec.output is MISSING
    assert spec.assign == {} and spec.retry == () and spec.catch == ()
    assert not spec.is_jsonata


def test_explicit_null_paths_are_none() -> None:
    spec = one({"Type": "Pass", "InputPath": None, "OutputPath": None, "ResultPath": None, "End": True})
    assert (spec.input_path, spec.output_path, spec.result_path) == (None, None, None)


def test_models_are_frozen() -> None:
    spec = one({"Type": "Pass", "End": True})
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.name = "other"  # type: ignore[misc]  # the very write a frozen dataclass refuses


@pytest.mark.parametrize(
    ("state", "kind", "fields"),
    [
        ({"Type": "Pass", "Result": {"a": 1}, "Next": "X"}, PassSpec, {"result": {"a": 1}, "next": "X"}),
        ({"Type": "Pass", "Result": None, "End": True}, PassSpec, {"result": None}),
        (
            {"Type": "Wait", "Seconds": 5, "End": True},
            WaitSpec,
            {"seconds": 5, "timestamp": MISSING, "seconds_path": None},
        ),
        (
            {"Type": "Wait", "TimestampPath": "$.t", "End": True},
            WaitSpec,
            {"timestamp_path": "$.t", "seconds": MISSING},
        ),
        (
            {"Type": "Fail", "Error": "E", "CausePath": "$.c"},
            FailSpec,
            {"error": "E", "cause": MISSING, "cause_path": "$.c"},
        ),
        (
            {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "TimeoutSeconds": 9,
                "HeartbeatSecondsPath": "$.h",
                "End": True,
            },
            TaskSpec,
            {
                "timeout_seconds": 9,
                "heartbeat_seconds": MISSING,
                "heartbeat_seconds_path": "$.h",
                "timeout_seconds_path": None,
            },
        ),
    ],
)
def test_state_specs(state: dict[str, Any], kind: type, fields: dict[str, Any]) -> None:
    spec = one(state)
    assert type(spec) is kind
    for name, value in fields.items():
        assert getattr(spec, name) == value if value is not MISSING else getattr(spec, name) is MISSING


def test_choice_rules_and_default() -> None:
    spec = one(
        {
            "Type": "Choice",
            "Choices": [{"Variable": "$.a", "NumericEquals": 1, "Next": "X", "Assign": {"v": 1}}],
            "Default": "Y",
            "Assign": {"w": 2},
        }
    )
    assert isinstance(spec, ChoiceSpec)
    assert spec.default == "Y" and spec.assign == {"w": 2}
    (rule,) = spec.choices
    assert rule.next == "X" and rule.assign == {"v": 1}


def test_jsonata_choice_rules_are_conditions() -> None:
    spec = one(
        {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "X", "Output": {"o": 1}}]},
        QueryLanguage="JSONata",
    )
    assert isinstance(spec, ChoiceSpec) and spec.is_jsonata
    (rule,) = spec.choices
    assert isinstance(rule, ConditionRule)
    assert (rule.condition, rule.has_output, rule.output) == ("{% true %}", True, {"o": 1})


def test_retriers_and_catchers() -> None:
    spec = one(
        {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [
                {"ErrorEquals": ["A"]},
                {
                    "ErrorEquals": ["B", "C"],
                    "IntervalSeconds": 3,
                    "MaxAttempts": 0,
                    "BackoffRate": 1.5,
                    "MaxDelaySeconds": 9,
                    "JitterStrategy": "FULL",
                },
            ],
            "Catch": [
                {"ErrorEquals": ["States.ALL"], "Next": "H", "ResultPath": None},
                {"ErrorEquals": ["X"], "Next": "H", "Output": 1, "Assign": {"a": 1}},
            ],
            "End": True,
        }
    )
    assert spec.retry == (
        Retrier(("A",)),
        Retrier(
            ("B", "C"),
            interval_seconds=3.0,
            max_attempts=0,
            backoff_rate=1.5,
            max_delay_seconds=9,
            jitter_strategy="FULL",
        ),
    )
    assert spec.retry[0] == Retrier(("A",), 1.0, 3, 2.0, None, "NONE")
    assert spec.catch == (
        Catcher(("States.ALL",), "H", result_path=None),
        Catcher(("X",), "H", output=1, assign={"a": 1}, has_output=True),
    )


def test_parallel_branches_are_sub_machines() -> None:
    spec = one(
        {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                {
                    "StartAt": "B",
                    "States": {"B": {"Type": "Wait", "Seconds": 1, "Next": "C"}, "C": {"Type": "Succeed"}},
                },
            ],
            "End": True,
        }
    )
    assert isinstance(spec, ParallelSpec)
    assert [type(branch) for branch in spec.branches] == [SubMachine, SubMachine]
    assert [branch.start_at for branch in spec.branches] == ["A", "B"]
    assert list(spec.branches[1].states) == ["B", "C"]
    assert isinstance(spec.branches[1].states["B"], WaitSpec)


def test_map_fields_and_nested_processor() -> None:
    inner = {
        "Type": "Map",
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
        "End": True,
    }
    spec = one(
        {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemSelector": {"v.$": "$$.Map.Item.Value"},
            "MaxConcurrency": 2,
            "ToleratedFailureCount": 1,
            "ToleratedFailurePercentagePath": "$.p",
            "Label": "L",
            "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Inner", "States": {"Inner": inner}},
            "End": True,
        }
    )
    assert isinstance(spec, MapSpec)
    assert (spec.items_path, spec.item_selector, spec.max_concurrency) == ("$.items", {"v.$": "$$.Map.Item.Value"}, 2)
    assert (spec.tolerated_failure_count, spec.tolerated_failure_percentage_path, spec.label) == (1, "$.p", "L")
    assert spec.tolerated_failure_percentage is MISSING and spec.items is MISSING
    assert spec.processor is not None and spec.processor.start_at == "Inner"
    nested = spec.processor.states["Inner"]
    assert isinstance(nested, MapSpec) and nested.processor is not None
    assert isinstance(nested.processor.states["P"], PassSpec)


def test_legacy_iterator_and_parameters_of_a_map() -> None:
    spec = one(
        {
            "Type": "Map",
            "Parameters": {"i.$": "$$.Map.Item.Index"},
            "Iterator": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
            "End": True,
        }
    )
    assert isinstance(spec, MapSpec)
    assert spec.item_selector == {"i.$": "$$.Map.Item.Index"}
    assert spec.parameters is MISSING
    assert spec.processor is not None and spec.processor.start_at == "P"
    assert spec.max_concurrency == 0


def test_query_language_is_inherited_by_branches_and_processors_unless_overridden() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Par",
        "States": {
            "Par": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "M",
                        "States": {
                            "M": {
                                "Type": "Map",
                                "ItemProcessor": {
                                    "StartAt": "Deep",
                                    "States": {
                                        "Deep": {"Type": "Pass", "End": True},
                                        "Old": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": True},
                                    },
                                },
                                "End": True,
                            }
                        },
                    }
                ],
                "End": True,
            }
        },
    }
    model = parse_definition(definition)
    assert model.query_language == JSONATA
    par = model.states["Par"]
    assert isinstance(par, ParallelSpec) and par.query_language == JSONATA
    mapped = par.branches[0].states["M"]
    assert isinstance(mapped, MapSpec) and mapped.is_jsonata and mapped.processor is not None
    assert mapped.processor.states["Deep"].query_language == JSONATA
    assert mapped.processor.states["Old"].query_language == JSONPATH


def test_jsonata_fields() -> None:
    spec = one(
        {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"a": "{% 1 %}"},
            "Output": "{% $states.result %}",
            "Assign": {"x": 1},
            "End": True,
        },
        QueryLanguage="JSONata",
    )
    assert spec.arguments == {"a": "{% 1 %}"} and spec.output == "{% $states.result %}" and spec.assign == {"x": 1}


def test_unknown_state_type_gives_a_plain_spec() -> None:
    spec = one({"Type": "Mystery", "End": True})
    assert type(spec) is StateSpec and spec.type == "Mystery"


def test_task_resource_is_parsed() -> None:
    spec = one({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": True})
    assert isinstance(spec, TaskSpec)
    assert spec.resource == Resource(
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "service",
        "sqs",
        "sendMessage",
        "wait_for_task_token",
        ".waitForTaskToken",
    )


@pytest.mark.parametrize(
    ("arn", "kind", "service", "action", "pattern", "event_resource"),
    [
        (
            "arn:aws:lambda:us-east-1:123456789012:function:echo",
            "lambda_function",
            "lambda",
            "echo",
            "request_response",
            "echo",
        ),
        (
            "arn:aws:lambda:us-east-1:123456789012:function:echo:prod",
            "lambda_function",
            "lambda",
            "echo",
            "request_response",
            "echo",
        ),
        (
            "arn:aws:states:us-east-1:123456789012:activity:work",
            "activity",
            "states",
            "activity",
            "request_response",
            "activity",
        ),
        ("arn:aws:states:::lambda:invoke", "service", "lambda", "invoke", "request_response", "invoke"),
        (
            "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "service",
            "lambda",
            "invoke",
            "wait_for_task_token",
            "invoke.waitForTaskToken",
        ),
        (
            "arn:aws:states:::states:startExecution.sync",
            "service",
            "states",
            "startExecution",
            "sync",
            "startExecution.sync",
        ),
        (
            "arn:aws:states:::states:startExecution.sync:2",
            "service",
            "states",
            "startExecution",
            "sync2",
            "startExecution.sync:2",
        ),
        ("arn:aws:states:::http:invoke", "service", "http", "invoke", "request_response", "invoke"),
        (
            "arn:aws:states:us-west-2:123456789012:aws-sdk:s3:getObject",
            "service",
            "aws-sdk:s3",
            "getObject",
            "request_response",
            "getObject",
        ),
        (
            "arn:aws:states:::aws-sdk:sqs:sendMessage.waitForTaskToken",
            "service",
            "aws-sdk:sqs",
            "sendMessage",
            "wait_for_task_token",
            "sendMessage.waitForTaskToken",
        ),
    ],
)
def test_parse_resource(arn: str, kind: str, service: str, action: str, pattern: str, event_resource: str) -> None:
    resource = parse_resource(arn)
    assert resource is not None
    assert (resource.arn, resource.kind, resource.service, resource.action, resource.pattern) == (
        arn,
        kind,
        service,
        action,
        pattern,
    )
    assert resource.event_resource == event_resource


@pytest.mark.parametrize(
    "arn", ["", "not-an-arn", "arn:aws:s3:::bucket", "arn:aws:lambda:us-east-1:123:function:short-account"]
)
def test_unknown_resources(arn: str) -> None:
    assert parse_resource(arn) is None


@pytest.mark.parametrize(
    ("resource", "waits"),
    [
        ("arn:aws:states:::states:startExecution.sync", True),
        ("arn:aws:states:::states:startExecution.sync:2", True),
        ("arn:aws:states:::states:startExecution", False),
        ("arn:aws:states:::lambda:invoke", False),
        ("arn:aws:states:us-east-1:123456789012:activity:work", False),
    ],
)
def test_a_machine_waits_for_children_only_through_sync_start_execution(resource: str, waits: bool) -> None:
    nested = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True}}}
    definition = {
        "StartAt": "P",
        "States": {"P": {"Type": "Parallel", "Branches": [nested], "End": True}},
    }
    assert parse_definition(definition).waits_for_children is waits
    assert parse_definition({"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}).waits_for_children is False
