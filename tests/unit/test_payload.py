"""Payload templates (Parameters, ResultSelector, ItemSelector) in the JSONPath language."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.asl.errors import RUNTIME, StatesError
from app.asl.payload import missing_field_message, render_template
from app.asl.scope import DataScope

INPUT = {"int-literal": 0, "items": [{"item_key": 0}, {"item_key": 1}], "name": "n"}
CONTEXT = {"Execution": {"Id": "arn:exec", "Input": {"int-literal": 0}}, "Map": {"Item": {"Index": 3}}}
SCOPE = DataScope(INPUT, CONTEXT, {"result": "foobar"})


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ({"Arg1": "argument1"}, {"Arg1": "argument1"}),
        ({"Comment": "Comment text", "constant": 1}, {"Comment": "Comment text", "constant": 1}),
        ({"item.$": "$.items[0]"}, {"item": {"item_key": 0}}),
        ({"keys.$": "$.items[*].item_key"}, {"keys": [0, 1]}),
        ({"FromInput.$": "$", "Arg": "a"}, {"FromInput": INPUT, "Arg": "a"}),
        ({"id.$": "$$.Execution.Id", "index.$": "$$.Map.Item.Index"}, {"id": "arn:exec", "index": 3}),
        ({"result.$": "$result"}, {"result": "foobar"}),
        ({"result": "$result"}, {"result": "$result"}),
        ({"outer": {"inner.$": "$.name", "list": [{"x.$": "$.int-literal"}, "$.name", 2]}},
         {"outer": {"inner": "n", "list": [{"x": 0}, "$.name", 2]}}),
        ([{"a.$": "$.name"}, None, True], [{"a": "n"}, None, True]),
        ("plain", "plain"),
        (None, None),
        ({}, {}),
    ],
)  # fmt: skip
def test_render_template(template: Any, expected: Any) -> None:
    assert render_template(template, SCOPE) == expected


def test_intrinsics_go_to_the_callback() -> None:
    calls: list[tuple[str, DataScope]] = []

    def intrinsic(expression: str, scope: DataScope) -> Any:
        calls.append((expression, scope))
        return "formatted"

    template = {"f.$": "States.Format('Hi {}', $.name)", "nested": {"g.$": "States.UUID()"}}
    assert render_template(template, SCOPE, intrinsic) == {"f": "formatted", "nested": {"g": "formatted"}}
    assert calls == [("States.Format('Hi {}', $.name)", SCOPE), ("States.UUID()", SCOPE)]


def test_intrinsic_without_evaluator_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no intrinsic evaluator"):
        render_template({"f.$": "States.UUID()"}, SCOPE)


@pytest.mark.parametrize("value", [1, None, {"a": "$.x"}])
def test_dynamic_field_needs_a_string(value: Any) -> None:
    with pytest.raises(TypeError):
        render_template({"f.$": value}, SCOPE)


def test_template_is_not_mutated() -> None:
    template = {"a.$": "$.name", "b": {"c.$": "$.int-literal"}}
    before = copy.deepcopy(template)
    render_template(template, SCOPE)
    assert template == before


@pytest.mark.parametrize(
    ("template", "cause"),
    [
        (
            {"value.$": "$.no_such_jsonpath"},
            "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found "
            """in the input '{"int-literal":0,"items":[{"item_key":0},{"item_key":1}],"name":"n"}'""",
        ),
        (
            {"outer": [{"deep.$": "$.items[7]"}]},
            "The JSONPath '$.items[7]' specified for the field 'deep.$' could not be found "
            """in the input '{"int-literal":0,"items":[{"item_key":0},{"item_key":1}],"name":"n"}'""",
        ),
        (
            {"value.$": "$$.Execution.Input.no_such_jsonpath"},
            "The JSONPath '$$.Execution.Input.no_such_jsonpath' specified for the field 'value.$' "
            """could not be found in the input '{"Execution":{"Id":"arn:exec","Input":{"int-literal":0}},"""
            """"Map":{"Item":{"Index":3}}}'""",
        ),
    ],
)
def test_missing_path_fails_with_aws_cause(template: dict[str, Any], cause: str) -> None:
    with pytest.raises(StatesError) as caught:
        render_template(template, SCOPE)
    assert caught.value.error == RUNTIME
    assert caught.value.cause == cause


def test_missing_variable_fails_with_states_runtime() -> None:
    with pytest.raises(StatesError) as caught:
        render_template({"v.$": "$undefined"}, SCOPE)
    assert caught.value.error == RUNTIME
    assert caught.value.cause.startswith("The JSONPath '$undefined' specified for the field 'v.$'")


def test_missing_field_message_for_other_fields() -> None:
    assert (
        missing_field_message("$.ErrorX", "ErrorPath", {"Error": "error-value"})
        == """The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input """
        """'{"Error":"error-value"}'"""
    )
