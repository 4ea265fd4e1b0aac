"""The JSONata adapter: AWS's bindings, functions, number printing and error causes."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.asl import jsonata_adapter
from app.asl.errors import QUERY_EVALUATION_ERROR, StatesError
from app.asl.jsonata_adapter import (
    check_syntax,
    evaluate_expression,
    expect_type,
    is_expression,
    json_type,
    render,
)
from app.asl.scope import DataScope
from tests.support.shared import case_files

SCOPE = DataScope(
    input={"name": "Ada", "total": 3.0, "items": [1, 2, 3], "nothing": None},
    context={"Execution": {"Id": "arn:exec"}, "Map": {"Item": {"Index": 0}}},
    variables={"limit": 10, "tags": ["a", "b"], "empty": None},
)


def _cause_of(text: str, field: str = "Output", scope: DataScope = SCOPE) -> str:
    with pytest.raises(StatesError) as raised:
        evaluate_expression(text, scope, field=field)
    assert raised.value.error == QUERY_EVALUATION_ERROR
    return raised.value.cause


def _prefix(expression: str, field: str = "Output") -> str:
    return f"The JSONata expression '{expression}' specified for the field '{field}'"


def _threw(expression: str, tail: str) -> str:
    return f"{_prefix(expression)} threw an error during evaluation{tail}"


def _signature(function: str, position: int) -> str:
    return f'. T0410: Argument {position} of function "{function}" does not match function signature'


# --------------------------------------------------------------------------------------------
# Recognising and evaluating expressions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{% $states.input %}", True),
        ("{%$x%}", True),
        ("{%%}", True),
        (" {% $x %}", False),
        ("{% $x %} ", False),
        ("{%}", False),
        ("$.name", False),
        (42, False),
        (None, False),
        (["{% $x %}"], False),
    ],
)
def test_is_expression(value: Any, expected: bool) -> None:
    assert is_expression(value) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% $states.input.name %}", "Ada"),
        ("{%   $states.input.name   %}", "Ada"),
        ("{% $states.input.items[1] %}", 2),
        ("{% $states.context.Execution.Id %}", "arn:exec"),
        ("{% $states.context.Map.Item.Index %}", 0),
        ("{% $limit * 2 %}", 20),
        ("{% $tags %}", ["a", "b"]),
        ("{% $count($tags) %}", 2),
        ("{% $states.input.nothing %}", None),
        ("{% $empty %}", None),
        ("{% $exists($states.input.nothing) %}", True),
        ("{% $type($empty) %}", "null"),
        ("{% {'greeting': 'Hi ' & $states.input.name} %}", {"greeting": "Hi Ada"}),
        ("{% $states.input.items[$ > 1] %}", [2, 3]),
        ("{% ($x := 2; $x * $limit) %}", 20),
        ('{% $contains("hello$world", /^hello\\$/) %}', True),
        ("{% $states.input.total %}", 3),
        ("{% [] %}", []),
        ("{% null %}", None),
        ("$limit + 1", 11),  # bare text is taken as the expression itself
    ],
)
def test_evaluate_with_bindings(text: str, expected: Any) -> None:
    assert evaluate_expression(text, SCOPE, field="Output") == expected


@pytest.mark.parametrize(
    ("text", "extra", "expected"),
    [
        ("{% $states.result.Payload %}", {"result": {"Payload": 7}}, 7),
        ("{% $states.errorOutput.Error %}", {"errorOutput": {"Error": "Boom"}}, "Boom"),
        ("{% $states.result %}", {"result": None}, None),
        ("{% $states.input.name %}", {"result": 1}, "Ada"),
    ],
)
def test_states_extra_adds_members_of_states(text: str, extra: dict[str, Any], expected: Any) -> None:
    assert evaluate_expression(text, SCOPE, field="Output", states_extra=extra) == expected


def test_evaluation_does_not_touch_the_caller_data() -> None:
    scope = DataScope(input={"list": [3, 1, 2], "gone": None})
    evaluate_expression("{% $sort($states.input.list) %}", scope, field="Output")
    assert scope.input == {"list": [3, 1, 2], "gone": None}


# --------------------------------------------------------------------------------------------
# Rendering templates
# --------------------------------------------------------------------------------------------


def test_render_evaluates_every_nested_expression() -> None:
    template = {
        "literal": "plain $states.input",
        "name": "{% $states.input.name %}",
        "nested": {"limit": "{% $limit %}", "flag": True, "none": None},
        "list": [1, "{% $states.input.items[0] %}", {"deep": "{% $tags[1] %}"}],
    }
    assert render(template, SCOPE, field="Arguments") == {
        "literal": "plain $states.input",
        "name": "Ada",
        "nested": {"limit": 10, "flag": True, "none": None},
        "list": [1, 1, {"deep": "b"}],
    }


def test_render_copies_the_scope_once_per_field_and_only_when_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[DataScope] = []
    original = jsonata_adapter._bindings

    def counting(scope: DataScope, extra: Any) -> dict[str, Any]:
        calls.append(scope)
        return original(scope, extra)

    monkeypatch.setattr(jsonata_adapter, "_bindings", counting)
    render({"a": "{% $limit %}", "b": ["{% $tags %}", "{% 1 %}"]}, SCOPE, field="Output")
    render({"a": "literal", "b": [1, 2]}, SCOPE, field="Output")
    assert calls == [SCOPE]


@pytest.mark.parametrize("value", [5, 2.5, True, None, "text", "{ % $x % }"])
def test_render_keeps_literals(value: Any) -> None:
    assert render(value, SCOPE, field="Output") == value


@pytest.mark.parametrize(
    ("template", "field", "path"),
    [
        ("{% $doesNotExist %}", "Output", "Output"),
        ({"result": "{% $doesNotExist %}"}, "Output", "Output/result"),
        ({"result": "{% $doesNotExist %}"}, "Assign", "Assign/result"),
        ({"a": {"b": "{% $doesNotExist %}"}}, "Arguments", "Arguments/a/b"),
        ({"a": [0, "{% $doesNotExist %}"]}, "Output", "Output/a[1]"),
        (["{% $doesNotExist %}"], "Items", "Items[0]"),
    ],
)
def test_render_names_the_field_path_of_a_failure(template: Any, field: str, path: str) -> None:
    with pytest.raises(StatesError) as raised:
        render(template, SCOPE, field=field)
    assert raised.value.cause == f"{_prefix('$doesNotExist', path)} returned nothing (undefined)."


# --------------------------------------------------------------------------------------------
# Results AWS refuses, and type checks
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["{% $doesNotExist %}", "{% $states.input.missing %}", "{% [1, 2][5] %}", "{%  $states.input.a.b  %}"],
)
def test_undefined_result_fails(text: str) -> None:
    expression = text[2:-2].strip()
    assert _cause_of(text) == f"{_prefix(expression)} returned nothing (undefined)."


def test_function_result_is_unsupported() -> None:
    assert _cause_of("{% $uppercase %}") == f"{_prefix('$uppercase')} returned an unsupported result type."


@pytest.mark.parametrize(
    ("value", "expected", "cause"),
    [
        (
            "string",
            "array",
            "The JSONata expression ''string'' specified for the field 'Items' returned an unexpected "
            "result type. Expected 'array', but was 'string' for value: \"string\"",
        ),
        (
            None,
            "array",
            "The JSONata expression ''string'' specified for the field 'Items' returned an unexpected "
            "result type. Expected 'array', but was 'null' for value: null",
        ),
        (
            {"a": [1, 2]},
            "number",
            "The JSONata expression ''string'' specified for the field 'Items' returned an unexpected "
            "result type. Expected 'number', but was 'object' for value: {\"a\":[1,2]}",
        ),
        (
            True,
            "number",
            "The JSONata expression ''string'' specified for the field 'Items' returned an unexpected "
            "result type. Expected 'number', but was 'boolean' for value: true",
        ),
    ],
)
def test_expect_type_fails_as_aws_does(value: Any, expected: str, cause: str) -> None:
    with pytest.raises(StatesError) as raised:
        expect_type(value, expected, "{% 'string' %}", "Items")
    assert (raised.value.error, raised.value.cause) == (QUERY_EVALUATION_ERROR, cause)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([1], "array"),
        ({}, "object"),
        ("s", "string"),
        (1, "number"),
        (1.5, "number"),
        (False, "boolean"),
        (None, "null"),
    ],
)
def test_expect_type_returns_a_matching_value(value: Any, expected: str) -> None:
    assert json_type(value) == expected
    assert expect_type(value, expected, "$x", "Items") is value


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% 6 / 2 %}", 3),
        ("{% 1.5 * 2 %}", 3),
        ("{% 7 / 2 %}", 3.5),
        ("{% $states.input.total %}", 3),
        ("{% [1.0, 2.50, {'x': 4.0}] %}", [1, 2.5, {"x": 4}]),
        ("{% $sum([0.5, 0.5]) %}", 1),
        ("{% 1e300 %}", 1e300),
        ("{% -0.0 %}", 0),
    ],
)
def test_integral_numbers_print_as_integers(text: str, expected: Any) -> None:
    result = evaluate_expression(text, SCOPE, field="Output")
    assert result == expected
    assert json.dumps(result) == json.dumps(expected)


# --------------------------------------------------------------------------------------------
# The functions Step Functions adds
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% $partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3) %}", [[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
        ("{% $partition([0, 1, 2, 3], 2) %}", [[0, 1], [2, 3]]),
        ("{% $partition([0, 1, 2], 4) %}", [[0, 1, 2]]),
        ("{% $partition([0], 3) %}", [[0]]),
        ("{% $partition([1..5], 2) %}", [[1, 2], [3, 4], [5]]),
        ("{% $partition([1, 2, 3], 2.9) %}", [[1, 2], [3]]),
        ("{% $partition([1, 2]) %}", [[1, 2]]),
        ("{% $range(0, 10, 2) %}", [0, 2, 4, 6, 8, 10]),
        ("{% $range(0, 9, 3) %}", [0, 3, 6, 9]),
        ("{% $range(1, 9, 9) %}", 1),
        ("{% $range(5, 1, -2) %}", [5, 3, 1]),
        ("{% $range(1.9, 3.2, 1) %}", [1, 2, 3]),
        ("{% $hash('input', 'SHA-1') %}", "140f86aae51ab9e1cda9b4254fe98a74eb54c1a1"),
        ("{% $hash('input', 'MD5') %}", "a43c1b0aa53a0c908810c06ab1ff3967"),
        (
            "{% $hash('input', 'SHA-256') %}",
            "c96c6d5be8d08a12e7b5cdc1b207fa6b2430974c86803d8891675e76fd992c20",
        ),
        ("{% $random(42) %}", 0.7275636800328681),
        ("{% $random(42.9) %}", 0.7275636800328681),
        ("{% $random(0) %}", 0.730967787376657),
        ("{% $parse('1.1') %}", 1.1),
        ("{% $parse('true') %}", True),
        ("{% $parse('null') %}", None),
        ("{% $parse('[1, 2, \"HelloWorld\"]') %}", [1, 2, "HelloWorld"]),
        ('{% $parse(\'{"a": {"b": 1}}\').a.b %}', 1),
        ("{% $exists($parse('{\"a\": null}').a) %}", True),
    ],
)
def test_aws_functions(text: str, expected: Any) -> None:
    assert evaluate_expression(text, SCOPE, field="Output") == expected


@pytest.mark.parametrize(
    "text",
    [
        "{% $partition([], 2) %}",
        "{% $partition([1], 0) %}",
        "{% $partition([1], 0.5) %}",
        "{% $partition($nothing, 2) %}",
        "{% $range(0, 5, 0) %}",
        "{% $range(5, 0, 1) %}",
        "{% $range(0, 5, -1) %}",
        "{% $range(0, 5) %}",
        "{% $hash('a') %}",
        "{% $parse($nothing) %}",
    ],
)
def test_aws_functions_answer_nothing(text: str) -> None:
    assert _cause_of(text).endswith("returned nothing (undefined).")


@pytest.mark.parametrize(
    ("expression", "tail"),
    [
        ("$partition(1, 2)", '. T0412: Argument 1 of function "partition" must be an array of undefined'),
        ("$partition([1], 'a')", _signature("partition", 2)),
        ("$partition([1], -2)", ". D3137: Second argument must be zero or greater"),
        ("$partition([1], 1, 1)", _signature("partition", 3)),
        ("$range('a', 2, 1)", _signature("range", 1)),
        ("$range(1, null, 1)", _signature("range", 2)),
        ("$range(1, 2, true)", _signature("range", 3)),
        ("$range(1, 2, 1, 1)", _signature("range", 4)),
        (
            "$range(0, 1e9, 1)",
            ": Expression evaluation memory limit exceeded: Check for excessive memory usage",
        ),
        ("$hash(1, 'MD5')", _signature("hash", 1)),
        ("$hash('a', 5)", _signature("hash", 2)),
        (
            "$hash('a', 'sha-1')",
            ". D3137: Hash algorithm 'sha-1' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5",
        ),
        ("$hash('a', 'MD5', 1)", _signature("hash", 3)),
        ("$random('x')", _signature("random", 1)),
        ("$random(1, 2)", _signature("random", 2)),
        ("$uuid(1)", _signature("uuid", 1)),
        ("$parse(1)", _signature("parse", 1)),
        ("$parse('{')", ". D3137: Invalid JSON"),
        ("$parse('')", ". D3137: Invalid JSON"),
        ("$parse('NaN')", ". D3137: Invalid JSON"),
        ('$parse(\'{"a": 1, "a": 2}\')', ". D3137: Invalid JSON"),
        ("$parse('1', 2)", _signature("parse", 2)),
    ],
)
def test_aws_function_argument_errors(expression: str, tail: str) -> None:
    assert _cause_of("{% " + expression + " %}") == _threw(expression, tail)


def test_random_without_a_seed_is_uniform_in_unit_interval() -> None:
    values = {evaluate_expression("{% $random() %}", SCOPE, field="Output") for _ in range(20)}
    assert len(values) > 1
    assert all(0 <= value < 1 for value in values)


def test_uuid_is_a_fresh_version_4_uuid() -> None:
    first = evaluate_expression("{% $uuid() %}", SCOPE, field="Output")
    second = evaluate_expression("{% $uuid() %}", SCOPE, field="Output")
    assert first != second
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", first)


# --------------------------------------------------------------------------------------------
# Evaluation errors, worded as AWS words them
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "tail"),
    [
        ("$eval('1 + 1')", ". T1006: Attempted to invoke a non-function"),
        ("$nope()", ". T1006: Attempted to invoke a non-function"),
        ("$abs('a')", _signature("abs", 1)),
        ("1 + 'a'", '. T2002: The right side of the "+" operator must evaluate to a number'),
        ("'a' * 2", '. T2001: The left side of the "*" operator must evaluate to a number'),
        ("$sum(['a'])", '. T0412: Argument 1 of function "sum" must be an array of "numbers"'),
        (
            "1 < 'a'",
            '. T2009: The values 1 and "a" either side of operator "<" must be of the same data type',
        ),
        ("-'a'", '. D1002: Cannot negate a non-numeric value: "a"'),
        ("$sqrt(-1)", ". D3060: The sqrt function cannot be applied to a negative number: -1"),
        ("{1: 2}", ". T1003: Key in object structure must evaluate to a string; got: 1"),
        ("$error('custom')", ". D3137: custom"),
        ("1 +", ". S0207: Unexpected end of expression"),
    ],
)
def test_engine_errors(expression: str, tail: str) -> None:
    assert _cause_of("{% " + expression + " %}") == _threw(expression, tail)


def test_deep_evaluation_is_refused_past_aws_depth() -> None:
    assert evaluate_expression("{% " + "+".join(["1"] * 100) + " %}", SCOPE, field="Output") == 100
    expression = "+".join(["1"] * 101)
    assert _cause_of("{% " + expression + " %}") == _threw(
        expression,
        ": Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive.",
    )


def test_runaway_evaluation_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonata_adapter, "_TIMEOUT_MILLIS", 50)
    expression = "($loop := function($n){ $loop($n + 1) }; $loop(0))"
    assert _cause_of("{% " + expression + " %}") == _threw(
        expression, ": Expression evaluation timeout: Check for infinite loop"
    )


# --------------------------------------------------------------------------------------------
# Caching and threads
# --------------------------------------------------------------------------------------------


def test_compiled_expressions_are_cached_by_text() -> None:
    text = "{% $limit + 12345 %}"
    evaluate_expression(text, SCOPE, field="Output")
    hits = jsonata_adapter._compile.cache_info().hits
    other = DataScope(input={}, variables={"limit": 1})
    assert evaluate_expression(text, other, field="Output") == 12346
    assert evaluate_expression(text, SCOPE, field="Output") == 12355
    assert jsonata_adapter._compile.cache_info().hits == hits + 2


def test_now_is_taken_at_each_evaluation_of_a_cached_expression() -> None:
    first = evaluate_expression("{% $millis() %}", SCOPE, field="Output")
    check_syntax("{% $millis() + 0 %}")  # compiling another expression must not freeze the clock
    time.sleep(0.02)
    assert evaluate_expression("{% $millis() %}", SCOPE, field="Output") > first


def test_cached_expression_is_safe_across_threads() -> None:
    results: dict[int, Any] = {}

    def work(number: int) -> None:
        scope = DataScope(input={"n": number}, variables={"k": number})
        results[number] = [
            evaluate_expression("{% $states.input.n * 100 + $k %}", scope, field="Output") for _ in range(50)
        ]

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {number: [number * 101] * 50 for number in range(8)}


# --------------------------------------------------------------------------------------------
# Syntax check
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{% $states.input.a %}", None),
        ("{% ($x := 1; $x) %}", None),
        ("{% a[1,2) %}", 'Expected "]", got ","'),
        ('{% "unterminated %}', "String literal must be terminated by a matching quote"),
        ("{% 1 + %}", "Unexpected end of expression"),
        ("{% %}", "Unexpected end of expression"),
        ('{% {"a":} %}', 'The symbol "}" cannot be used as a unary operator'),
        ("{% $match('a', /abc %}", "No terminating / in regular expression"),
    ],
)
def test_check_syntax(text: str, message: str | None) -> None:
    assert check_syntax(text) == message


# --------------------------------------------------------------------------------------------
# AWS-recorded cases
# --------------------------------------------------------------------------------------------

_CAUSE_PREFIX = re.compile(r"^An error occurred while executing the state '[^']*' \(entered at the event id #\d+\)\. ")


def _single_pass_output(case: dict[str, Any]) -> Any:
    """The JSONata ``Output`` of a machine that is one Pass state, else None."""
    definition = case["definition"]
    states = list(definition["States"].values())
    if len(states) != 1 or states[0].get("Type") != "Pass" or "Output" not in states[0]:
        return None
    language = states[0].get("QueryLanguage", definition.get("QueryLanguage", "JSONPath"))
    return states[0]["Output"] if language == "JSONata" else None


def _case_params(pattern: str, wanted: Callable[[Path], bool] = lambda _: True) -> list[pytest.ParameterSet]:
    """One parameter per case file matching ``pattern`` that is ``wanted`` (none without the corpus)."""
    return [
        pytest.param(path, id=path.stem, marks=pytest.mark.conformance) for path in case_files(pattern) if wanted(path)
    ]


def _check_case(case: dict[str, Any], output_template: Any) -> None:
    scope = DataScope(input=json.loads(case["input"]))
    expected = case["expected"]
    if expected["status"] == "SUCCEEDED":
        assert render(output_template, scope, field="Output") == json.loads(expected["output"])
        return
    with pytest.raises(StatesError) as raised:
        render(output_template, scope, field="Output")
    assert raised.value.error == expected["error"]
    assert raised.value.cause == _CAUSE_PREFIX.sub("", expected["cause"])


def _single_pass_case(path: Path) -> bool:
    """A machine of one Pass state with a JSONata Output (the engine's tests cover the other cases)."""
    return _single_pass_output(json.loads(path.read_text())) is not None


@pytest.mark.conformance
@pytest.mark.parametrize("path", _case_params("evaluate_jsonata.*.json", _single_pass_case))
def test_evaluate_jsonata_cases(path: Path) -> None:
    case = json.loads(path.read_text())
    _check_case(case, _single_pass_output(case))


def _other_single_pass_case(path: Path) -> bool:
    """A machine of one Pass state with a JSONata Output, from a case other than ``evaluate_jsonata``."""
    return (
        not path.name.startswith("evaluate_jsonata.") and _single_pass_output(json.loads(path.read_text())) is not None
    )


@pytest.mark.conformance
@pytest.mark.parametrize("path", _case_params("*.json", _other_single_pass_case))
def test_other_single_pass_jsonata_cases(path: Path) -> None:
    case = json.loads(path.read_text())
    _check_case(case, _single_pass_output(case))
