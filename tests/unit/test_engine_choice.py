"""Choice on the pure interpreter: rules in order, Default, NoChoiceMatched, rule Assign, JSONata Conditions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.durable.statuses import ExecutionStatus
from tests.unit.test_engine_harness import execute, machine

TARGETS = {
    "Low": {"Type": "Pass", "Result": "low", "End": True},
    "High": {"Type": "Pass", "Result": "high", "End": True},
    "Other": {"Type": "Pass", "Result": "other", "End": True},
}


def choice(choices: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return machine({"C": {"Type": "Choice", "Choices": choices, **fields}, **TARGETS}, start_at="C")


RULES: list[dict[str, Any]] = [
    {"Variable": "$.n", "NumericLessThan": 10, "Next": "Low"},
    {
        "And": [{"Variable": "$.n", "NumericGreaterThanEquals": 10}, {"Variable": "$.n", "NumericLessThan": 100}],
        "Next": "High",
    },
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [({"n": 1}, "low"), ({"n": 10}, "high"), ({"n": 99.5}, "high"), ({"n": 100}, "other"), ({"n": "1"}, "other")],
)
def test_first_matching_rule_else_default(value: Any, expected: str) -> None:
    assert execute(choice(RULES, Default="Other"), value).result == expected


@pytest.mark.parametrize(
    ("rule", "value", "matches"),
    [
        ({"Variable": "$.s", "StringEquals": "a"}, {"s": "a"}, True),
        ({"Variable": "$.s", "StringMatches": "log-*.txt"}, {"s": "log-1.txt"}, True),
        ({"Variable": "$.s", "StringEqualsPath": "$.t"}, {"s": "a", "t": "a"}, True),
        ({"Variable": "$.b", "BooleanEquals": True}, {"b": True}, True),
        ({"Variable": "$.x", "IsPresent": False}, {}, True),
        ({"Variable": "$.x", "IsNull": True}, {"x": None}, True),
        ({"Variable": "$.t", "TimestampLessThan": "2020-01-01T00:00:00Z"}, {"t": "2019-01-01T00:00:00Z"}, True),
        ({"Not": {"Variable": "$.s", "StringEquals": "a"}}, {"s": "a"}, False),
        (
            {"Or": [{"Variable": "$.s", "StringEquals": "x"}, {"Variable": "$.s", "StringEquals": "a"}]},
            {"s": "a"},
            True,
        ),
        ({"Variable": "$var", "NumericEquals": 3}, {}, True),
    ],
)
def test_rule_operators(rule: dict[str, Any], value: Any, matches: bool) -> None:
    definition = machine(
        {
            "Init": {"Type": "Pass", "Assign": {"var": 3}, "Next": "C"},
            "C": {"Type": "Choice", "Choices": [{**rule, "Next": "Low"}], "Default": "Other"},
            **TARGETS,
        }
    )
    assert execute(definition, value).result == ("low" if matches else "other")


def test_choice_events_and_output_paths() -> None:
    definition = choice(RULES, Default="Other", InputPath="$.in", OutputPath="$.n")
    run = execute(definition, {"in": {"n": 1}, "drop": True})
    assert run.types == [
        "ExecutionStarted",
        "ChoiceStateEntered",
        "ChoiceStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert run.details("ChoiceStateEntered")["input"] == '{"in":{"n":1},"drop":true}'
    assert run.exited("C") == {"name": "C", "output": "1", "outputDetails": {"truncated": False}}
    assert run.details("PassStateEntered") == {"name": "Low", "input": "1", "inputDetails": {"truncated": False}}


def test_no_rule_and_no_default_is_no_choice_matched() -> None:
    run = execute(choice(RULES), {"n": 500})
    assert run.status == ExecutionStatus.FAILED
    assert run.error == "States.NoChoiceMatched"
    assert run.cause == (
        "An error occurred while executing the state 'C' (entered at the event id #2). "
        "No Choice Rule matched the state input and the Choice state has no Default."
    )
    assert run.types == ["ExecutionStarted", "ChoiceStateEntered", "ExecutionFailed"]


def test_a_missing_variable_in_a_comparison_is_a_runtime_error() -> None:
    run = execute(choice(RULES, Default="Other"), {"m": 1})
    assert run.status == ExecutionStatus.FAILED
    assert run.error == "States.Runtime"


@pytest.mark.parametrize(
    ("value", "expected_vars"),
    [({"n": 1}, {"path": "rule-low", "seen": 1}), ({"n": 500}, {"path": "default", "seen": 500})],
)
def test_rule_assign_or_state_assign_on_default(value: Any, expected_vars: dict[str, Any]) -> None:
    choices = [{**RULES[0], "Assign": {"path": "rule-low", "seen.$": "$.n"}}]
    definition = machine(
        {
            "C": {
                "Type": "Choice",
                "Choices": choices,
                "Default": "Other",
                "Assign": {"path": "default", "seen.$": "$.n"},
            },
            "Low": {"Type": "Pass", "Parameters": {"path.$": "$path", "seen.$": "$seen"}, "End": True},
            "Other": {"Type": "Pass", "Parameters": {"path.$": "$path", "seen.$": "$seen"}, "End": True},
        }
    )
    run = execute(definition, value)
    assert run.result == expected_vars
    exited = run.exited("C")
    assert exited["assignedVariables"] == {key: json.dumps(val) for key, val in expected_vars.items()}
    assert exited["assignedVariablesDetails"] == {"truncated": False}


@pytest.mark.parametrize(("value", "expected"), [({"n": 1}, "low"), ({"n": 50}, "high"), ({"n": 500}, "other")])
def test_jsonata_conditions(value: Any, expected: str) -> None:
    choices = [
        {"Condition": "{% $states.input.n < 10 %}", "Next": "Low"},
        {"Condition": "{% $states.input.n < 100 %}", "Next": "High"},
    ]
    assert execute(choice(choices, Default="Other", QueryLanguage="JSONata"), value).result == expected


def test_jsonata_rule_output_and_assign() -> None:
    choices = [
        {
            "Condition": "{% $states.input.n = 1 %}",
            "Output": {"o": "{% $states.input.n + 1 %}"},
            "Assign": {"v": "{% $states.input.n %}"},
            "Next": "Echo",
        }
    ]
    definition = machine(
        {
            "C": {"Type": "Choice", "QueryLanguage": "JSONata", "Choices": choices, "Default": "Echo"},
            "Echo": {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Output": {"in": "{% $states.input %}", "v": "{% $v %}"},
                "End": True,
            },
        }
    )
    run = execute(definition, {"n": 1})
    assert run.result == {"in": {"o": 2}, "v": 1}
    assert run.exited("C")["assignedVariables"] == {"v": "1"}


def test_jsonata_condition_that_is_not_a_boolean_fails_with_query_evaluation_error() -> None:
    choices = [{"Condition": "{% $states.input.n %}", "Next": "Low"}]
    run = execute(choice(choices, Default="Other", QueryLanguage="JSONata"), {"n": 1})
    assert run.status == ExecutionStatus.FAILED
    assert run.error == "States.QueryEvaluationError"
    assert "EvaluationFailed" in run.types


def test_a_choice_loop_runs_until_the_condition_changes() -> None:
    definition = machine(
        {
            "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Loop"},
            "Loop": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.i", "NumericGreaterThanEquals": 3, "Next": "Done"}],
                "Default": "Inc",
            },
            "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Loop"},
            "Done": {"Type": "Succeed"},
        }
    )
    run = execute(definition, {})
    assert run.result == {"i": 3}
    assert run.types.count("ChoiceStateEntered") == 4
