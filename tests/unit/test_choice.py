"""Choice rules of the JSONPath language: parsing, every operator, failures and selection."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from app.asl.choice import (
    NO_CHOICE_MATCHED_CAUSE,
    And,
    ChoiceRule,
    Comparison,
    InvalidChoiceRuleError,
    Not,
    Or,
    evaluate_rule,
    matched_rule,
    parse_rule,
    select_next,
)
from app.asl.errors import NO_CHOICE_MATCHED, RUNTIME, StatesError
from app.asl.scope import DataScope


def _holds(operator: str, value: Any, operand: Any) -> bool:
    """Evaluate ``{"Variable": "$.v", operator: operand}`` against ``{"v": value}``."""
    rule = parse_rule({"Variable": "$.v", operator: operand, "Next": "N"})
    return evaluate_rule(rule, DataScope({"v": value}))


def _holds_path(operator: str, value: Any, other: Any) -> bool:
    """Evaluate ``{"Variable": "$.v", operator + "Path": "$.o"}`` against ``{"v": value, "o": other}``."""
    rule = parse_rule({"Variable": "$.v", f"{operator}Path": "$.o", "Next": "N"})
    return evaluate_rule(rule, DataScope({"v": value, "o": other}))


def test_parse_comparison_keeps_next_and_assign() -> None:
    rule = parse_rule({"Variable": "$.v", "NumericEquals": 1, "Next": "N", "Assign": {"x.$": "$.v"}})
    assert rule == Comparison(variable="$.v", operator="NumericEquals", operand=1, next="N", assign={"x.$": "$.v"})


def test_parse_path_variant() -> None:
    rule = parse_rule({"Variable": "$.v", "StringEqualsPath": "$.o", "Next": "N"})
    assert rule == Comparison(variable="$.v", operator="StringEquals", operand="$.o", operand_is_path=True, next="N")


def test_parse_nested_boolean_rules() -> None:
    rule = parse_rule(
        {
            "And": [
                {"Not": {"Variable": "$.type", "StringEquals": "Private"}},
                {"Or": [{"Variable": "$.v", "IsNull": True}, {"Variable": "$x", "IsPresent": False}]},
            ],
            "Next": "Public",
            "Comment": "comments are allowed",
        }
    )
    assert rule == And(
        rules=(
            Not(rule=Comparison(variable="$.type", operator="StringEquals", operand="Private")),
            Or(
                rules=(
                    Comparison(variable="$.v", operator="IsNull", operand=True),
                    Comparison(variable="$x", operator="IsPresent", operand=False),
                )
            ),
        ),
        next="Public",
    )


def test_rules_are_frozen() -> None:
    rule = parse_rule({"Variable": "$.v", "IsNull": True, "Next": "N"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.next = "Other"  # type: ignore[misc]  # the very write a frozen dataclass refuses


@pytest.mark.parametrize(
    "rule",
    [
        {"Variable": "$.v", "Next": "N"},
        {"Variable": "$.v", "StringEquals": "a", "IsNull": True},
        {"StringEquals": "a"},
        {"Variable": "v", "StringEquals": "a"},
        {"Variable": "$.v", "StringEquals": 1},
        {"Variable": "$.v", "StringMatches": 1},
        {"Variable": "$.v", "StringMatchesPath": "$.o"},
        {"Variable": "$.v", "NumericEquals": "1"},
        {"Variable": "$.v", "NumericEquals": True},
        {"Variable": "$.v", "BooleanEquals": "true"},
        {"Variable": "$.v", "IsNull": "yes"},
        {"Variable": "$.v", "TimestampEquals": "2016-03-14 01:59:00Z"},
        {"Variable": "$.v", "NumericEqualsPath": 3},
        {"Variable": "$.v", "NoSuchOperator": 3},
        {"And": []},
        {"Or": {"Variable": "$.v", "IsNull": True}},
        {"Not": [{"Variable": "$.v", "IsNull": True}]},
        {"Condition": "{% true %}", "Next": "N"},
    ],
)
def test_malformed_rules_are_rejected(rule: dict[str, Any]) -> None:
    with pytest.raises(InvalidChoiceRuleError):
        parse_rule(rule)


@pytest.mark.parametrize(
    ("operator", "value", "operand", "expected"),
    [
        ("StringEquals", "Hello", "Hello", True),
        ("StringEquals", "", "HelloWorld", False),
        ("StringEquals", ["HelloWorld"], "HelloWorld", False),
        ("StringEquals", True, "true", False),
        ("StringEquals", None, "null", False),
        ("StringLessThan", "A", "AB", True),
        ("StringLessThan", "AB", "A", False),
        ("StringLessThan", 1, "2", False),
        ("StringGreaterThan", "b", "a", True),
        ("StringGreaterThan", "", "", False),
        ("StringLessThanEquals", "", "", True),
        ("StringLessThanEquals", "AB", "A", False),
        ("StringGreaterThanEquals", "A", "AB", False),
        ("StringGreaterThanEquals", "AB", "AB", True),
        # UTF-16 code-unit order (Java's compareTo): U+FFFD sorts after the surrogate pair of U+1F600.
        ("StringGreaterThan", "\ufffd", "\U0001f600", True),
        ("NumericEquals", 1, 1.0, True),
        ("NumericEquals", 0.0, 0, True),
        ("NumericEquals", 1.1, 1, False),
        ("NumericEquals", "1", 1, False),
        ("NumericEquals", False, 0, False),
        ("NumericEquals", None, 0, False),
        ("NumericEquals", {"A": 0}, 0, False),
        ("NumericLessThan", 0, 1, True),
        ("NumericLessThan", 1, 1, False),
        ("NumericGreaterThan", 2, 1.5, True),
        ("NumericGreaterThan", 0, 0, False),
        ("NumericLessThanEquals", 1, 1, True),
        ("NumericGreaterThanEquals", 0.0, 0, True),
        ("NumericGreaterThanEquals", -1, 0, False),
        ("BooleanEquals", True, True, True),
        ("BooleanEquals", False, False, True),
        ("BooleanEquals", False, True, False),
        ("BooleanEquals", 0, False, False),
        ("BooleanEquals", 1, True, False),
        ("BooleanEquals", None, False, False),
        ("BooleanEquals", "true", True, False),
        ("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),
        ("TimestampEquals", "2012-10-09T20:00:55+01:00", "2012-10-09T19:00:55Z", True),
        ("TimestampEquals", "2012-10-09T19:00:55.000Z", "2012-10-09T19:00:55Z", True),
        ("TimestampEquals", "2012-10-09T19:00:55.000000001Z", "2012-10-09T19:00:55Z", False),
        ("TimestampEquals", None, "2012-10-09T19:00:55Z", False),
        ("TimestampEquals", "", "2012-10-09T19:00:55Z", False),
        ("TimestampEquals", 0.0, "2012-10-09T19:00:55Z", False),
        ("TimestampEquals", "2012-10-09T19:00:55", "2012-10-09T19:00:55Z", False),
        ("TimestampLessThan", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", False),
        ("TimestampLessThan", "2012-10-09T19:00:54.999Z", "2012-10-09T19:00:55Z", True),
        ("TimestampGreaterThan", "2012-10-09T19:00:55-00:01", "2012-10-09T19:00:55Z", True),
        ("TimestampLessThanEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", True),
        ("TimestampGreaterThanEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", False),
        ("IsNull", None, True, True),
        ("IsNull", 0, True, False),
        ("IsNull", "", False, True),
        ("IsNull", None, False, False),
        ("IsNumeric", 0.0, True, True),
        ("IsNumeric", 1, True, True),
        ("IsNumeric", False, True, False),
        ("IsNumeric", "1", False, True),
        ("IsString", "", True, True),
        ("IsString", 1.1, True, False),
        ("IsString", "2012-10-09T19:00:55+01:00", False, False),
        ("IsBoolean", True, True, True),
        ("IsBoolean", False, False, False),
        ("IsBoolean", 0.0, False, True),
        ("IsTimestamp", "2016-03-14T01:59:00Z", True, True),
        ("IsTimestamp", "2016-03-14T01:59:00.123+05:30", True, True),
        ("IsTimestamp", "2016-03-14t01:59:00z", True, False),
        ("IsTimestamp", "2016-13-05T21:29:29Z", True, False),
        ("IsTimestamp", "2016-12-05 21:29:29Z", True, False),
        ("IsTimestamp", "2023-02-24", False, True),
        ("IsTimestamp", 1, False, True),
        ("IsPresent", None, True, True),
        ("IsPresent", "", False, False),
    ],
)
def test_operator(operator: str, value: Any, operand: Any, expected: bool) -> None:
    assert _holds(operator, value, operand) is expected


@pytest.mark.parametrize(
    ("operator", "value", "other", "expected"),
    [
        ("StringEquals", "a", "a", True),
        ("StringGreaterThan", "A", "A\t\n\r", False),
        ("StringGreaterThanEquals", "A", "AB", False),
        ("StringLessThanEquals", "A", "AB", True),
        ("NumericEquals", 0, 0.0, True),
        ("NumericEquals", "", 0, False),
        ("NumericEquals", 1, "1", False),
        ("NumericLessThan", 0.0, 0, False),
        ("NumericGreaterThanEquals", 1, 0, True),
        ("BooleanEquals", False, False, True),
        ("BooleanEquals", "", False, False),
        ("BooleanEquals", 1, True, False),
        ("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),
        ("TimestampEquals", "2012-10-09T19:00:55Z", "not a timestamp", False),
        ("TimestampLessThan", "2012-10-09T19:00:56Z", "2012-10-09T19:00:55Z", False),
    ],
)
def test_path_operator(operator: str, value: Any, other: Any, expected: bool) -> None:
    assert _holds_path(operator, value, other) is expected


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("log-*.txt", "log-2024.txt", True),
        ("log-*.txt", "log-.txt", True),
        ("log-*.txt", "log-2024.csv", False),
        ("*", "", True),
        ("a*b*c", "aXXbYYc", True),
        ("a*b*c", "acb", False),
        ("literal\\*star", "literal*star", True),
        ("literal\\*star", "literalXstar", False),
        ("back\\\\slash*", "back\\slash-more", True),
        ("a.c", "abc", False),
        ("line*", "line\nbreak", True),
    ],
)
def test_string_matches(pattern: str, value: str, expected: bool) -> None:
    assert _holds("StringMatches", value, pattern) is expected


def test_string_matches_on_non_string_is_false() -> None:
    assert _holds("StringMatches", 5, "*") is False


@pytest.mark.parametrize(
    ("operator", "operand", "expected"),
    [("IsPresent", True, False), ("IsPresent", False, True)],
)
def test_is_present_answers_for_a_missing_variable(operator: str, operand: bool, expected: bool) -> None:
    rule = parse_rule({"Variable": "$.missing", operator: operand, "Next": "N"})
    assert evaluate_rule(rule, DataScope({})) is expected


@pytest.mark.parametrize(
    "rule",
    [
        {"Variable": "$.missing", "IsNull": True},
        {"Variable": "$.missing", "StringEquals": "a"},
        {"Variable": "$.missing", "BooleanEquals": True},
        {"Not": {"Variable": "$.missing", "NumericEquals": 1}},
    ],
)
def test_missing_variable_fails_the_execution(rule: dict[str, Any]) -> None:
    with pytest.raises(StatesError) as caught:
        evaluate_rule(parse_rule(rule), DataScope({"other": 1}))
    assert caught.value.error == RUNTIME
    assert caught.value.cause == (
        "Invalid path '$.missing': The choice state's condition path references an invalid value."
    )


def test_missing_operand_path_fails_the_execution() -> None:
    rule = parse_rule({"Variable": "$.left", "NumericEqualsPath": "$.right"})
    with pytest.raises(StatesError) as caught:
        evaluate_rule(rule, DataScope({"left": 8}))
    assert caught.value.cause == (
        "Invalid path '$.right': The choice state's condition path references an invalid value."
    )


def test_variables_and_context_as_operands() -> None:
    scope = DataScope({"n": 3}, {"State": {"Name": "S"}}, {"limit": 3})
    assert evaluate_rule(parse_rule({"Variable": "$limit", "NumericEqualsPath": "$.n"}), scope)
    assert evaluate_rule(parse_rule({"Variable": "$$.State.Name", "StringEquals": "S"}), scope)
    assert evaluate_rule(parse_rule({"Variable": "$undefined", "IsPresent": False}), scope)


def _data_test(variable: str, operator: str, operand: Any) -> dict[str, Any]:
    """A JSON comparison rule, to keep the boolean-rule table readable."""
    return {"Variable": variable, operator: operand}


V_AT_LEAST_20 = _data_test("$.v", "NumericGreaterThanEquals", 20)
V_BELOW_30 = _data_test("$.v", "NumericLessThan", 30)
V_ABOVE_30 = _data_test("$.v", "NumericGreaterThan", 30)
V_IS_22 = _data_test("$.v", "NumericEquals", 22)
V_IS_0 = _data_test("$.v", "NumericEquals", 0)
PRIVATE = _data_test("$.t", "StringEquals", "Private")
MISSING_IS_NULL = _data_test("$.missing", "IsNull", True)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"And": [V_AT_LEAST_20, V_BELOW_30]}, True),
        ({"And": [V_ABOVE_30, MISSING_IS_NULL]}, False),
        ({"Or": [V_IS_22, MISSING_IS_NULL]}, True),
        ({"Or": [V_IS_0, PRIVATE]}, True),
        ({"Not": PRIVATE}, False),
        ({"Not": {"Not": PRIVATE}}, True),
    ],
)
def test_boolean_rules_short_circuit_in_order(rule: dict[str, Any], expected: bool) -> None:
    assert evaluate_rule(parse_rule(rule), DataScope({"t": "Private", "v": 22})) is expected


AWS_DOCS_RULES: list[dict[str, Any]] = [
    {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
    {"Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero", "Assign": {"zero": True}},
    {
        "And": [
            {"Variable": "$.value", "NumericGreaterThanEquals": 20},
            {"Variable": "$.value", "NumericLessThan": 30},
        ],
        "Next": "ValueInTwenties",
    },
]
AWS_DOCS_CHOICES = [parse_rule(rule) for rule in AWS_DOCS_RULES]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"type": "Public", "value": 22}, "Public"),
        ({"type": "Private", "value": 0}, "ValueIsZero"),
        ({"type": "Private", "value": 22}, "ValueInTwenties"),
        ({"type": "Private", "value": 45}, "DefaultState"),
    ],
)
def test_select_next(data: dict[str, Any], expected: str) -> None:
    assert select_next(AWS_DOCS_CHOICES, "DefaultState", DataScope(data)) == expected


def test_no_match_and_no_default_fails() -> None:
    with pytest.raises(StatesError) as caught:
        select_next(AWS_DOCS_CHOICES, None, DataScope({"type": "Private", "value": 45}))
    assert caught.value.error == NO_CHOICE_MATCHED
    assert caught.value.cause == NO_CHOICE_MATCHED_CAUSE


def test_matched_rule_exposes_assign() -> None:
    rule = matched_rule(AWS_DOCS_CHOICES, DataScope({"type": "Private", "value": 0}))
    assert rule is not None
    assert rule.assign == {"zero": True}
    assert matched_rule(AWS_DOCS_CHOICES, DataScope({"type": "Private", "value": 45})) is None


def test_matching_rule_without_next_is_rejected() -> None:
    with pytest.raises(InvalidChoiceRuleError):
        select_next([parse_rule({"Variable": "$.v", "IsNull": True})], None, DataScope({"v": None}))


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Constant(ChoiceRule):
    """A stand-in for a future rule kind (such as JSONata's Condition)."""

    answer: bool

    def evaluate(self, scope: DataScope) -> bool:
        return self.answer


def test_rule_type_is_open_to_new_kinds() -> None:
    choices: list[ChoiceRule] = [_Constant(answer=False, next="No"), _Constant(answer=True, next="Yes")]
    assert select_next(choices, None, DataScope({})) == "Yes"
