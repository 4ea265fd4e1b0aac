"""JSONPath evaluation, InputPath/OutputPath and ResultPath, with AWS's texts."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.asl.errors import RESULT_PATH_MATCH_FAILURE, RUNTIME, StatesError
from app.asl.paths import (
    InvalidPathError,
    PathNotFound,
    apply_io_path,
    evaluate_path,
    invalid_path_message,
    normalized_path,
    path_document,
    set_result_path,
)
from app.asl.scope import DataScope

INPUT = {
    "a": {"b": [10, {"c": None}], "n": 0},
    "items": [{"item_key": 0}, {"item_key": 1}, {"item_key": 2}],
    "users": [{"year": 1997, "status": 0}, {"year": 1998, "status": 1}],
    "delivery-partner": "UQS",
    "ünï": "unicode",
    "a:b": "colon",
    "with space": 1,
}
CONTEXT = {"Execution": {"Id": "arn:exec", "Input": {"input-value": 0}}, "State": {"Name": "S"}}
VARIABLES = {"x": {"k": [5, 6]}, "flag": False, "nothing": None}
SCOPE = DataScope(INPUT, CONTEXT, VARIABLES)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", INPUT),
        ("$.a.n", 0),
        ("$.a.b[0]", 10),
        ("$.a.b[1].c", None),
        ("$.a.b[-1]", {"c": None}),
        ("$['a']['b'][0]", 10),
        ('$["a"]["n"]', 0),
        ("$.items[2]", {"item_key": 2}),
        ("$.delivery-partner", "UQS"),
        ("$.ünï", "unicode"),
        ("$.a:b", "colon"),
        ("$['with space']", 1),
        ("$$", CONTEXT),
        ("$$.Execution.Id", "arn:exec"),
        ("$$.Execution.Input", {"input-value": 0}),
        ("$x", {"k": [5, 6]}),
        ("$x.k[1]", 6),
        ("$flag", False),
        ("$nothing", None),
    ],
)
def test_definite_path_selects_one_value(path: str, expected: Any) -> None:
    assert evaluate_path(path, SCOPE) == expected


@pytest.mark.parametrize(
    ("path", "data", "expected"),
    [
        ("$.items[*].item_key", INPUT, [0, 1, 2]),
        ("$.items[1:3]", INPUT, [{"item_key": 1}, {"item_key": 2}]),
        ("$.items[0,2].item_key", INPUT, [0, 2]),
        ("$..item_key", INPUT, [0, 1, 2]),
        ("$.users[?(@.status == 0)]", INPUT, [{"year": 1997, "status": 0}]),
        ("$.users[?(@.year > 1997)].year", INPUT, [1998]),
        ("$.a.*", {"a": {"x": 1, "y": 2}}, [1, 2]),
        # AWS returns an empty list, not an error, when a list-valued path finds nothing.
        ("$[*]", {}, []),
        ("$.item.items[:1]", {}, []),
        ("$.missing[*]", INPUT, []),
    ],
)
def test_indefinite_path_selects_a_list(path: str, data: Any, expected: list[Any]) -> None:
    assert evaluate_path(path, DataScope(data)) == expected


@pytest.mark.parametrize("path", ["$x.k[*]", "$$.Execution.Input[*]"])
def test_indefinite_path_on_variables_and_context(path: str) -> None:
    assert isinstance(evaluate_path(path, SCOPE), list)


@pytest.mark.parametrize(
    "path",
    ["$.missing", "$.a.missing", "$.a.b[5]", "$.a.n.deep", "$.a.b[1].c.d", "$$.Execution.Nope", "$undefined"],
)
def test_definite_miss_raises_path_not_found_with_the_path(path: str) -> None:
    with pytest.raises(PathNotFound) as caught:
        evaluate_path(path, SCOPE)
    assert caught.value.path == path


@pytest.mark.parametrize("path", ["a.b", "", "$.a b", "$[", "$.a.length()", "$.a[?(@.b >)]"])
def test_malformed_path_is_rejected(path: str) -> None:
    with pytest.raises(InvalidPathError):
        evaluate_path(path, SCOPE)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", "$"),
        ("$.NoSuchInputPath", "$['NoSuchInputPath']"),
        ("$.a.b[0]", "$['a']['b'][0]"),
        ("$['a'].b", "$['a']['b']"),
        ("$$.Execution.Id", "$$['Execution']['Id']"),
        ("$var.a", "$var['a']"),
        ("$.a[*]", "$.a[*]"),
    ],
)
def test_normalized_path(path: str, expected: str) -> None:
    assert normalized_path(path) == expected


def test_invalid_path_message_matches_aws() -> None:
    assert (
        invalid_path_message("$.NoSuchInputPath")
        == "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (None, {}),
        ("$", INPUT),
        ("$.a.n", 0),
        ("$$.Execution.Input", {"input-value": 0}),
        ("$x", {"k": [5, 6]}),
    ],
)
def test_apply_io_path(path: str | None, expected: Any) -> None:
    assert apply_io_path(path, SCOPE) == expected


def test_apply_io_path_miss_fails_with_aws_cause() -> None:
    with pytest.raises(StatesError) as caught:
        apply_io_path("$.NoSuchInputPath", DataScope({"int-literal": 0}))
    assert caught.value.error == RUNTIME
    assert caught.value.cause == invalid_path_message("$.NoSuchInputPath")


@pytest.mark.parametrize(
    ("path", "data", "result", "expected"),
    [
        (None, {"a": 1}, {"r": 1}, {"a": 1}),
        ("$", {"a": 1}, {"r": 1}, {"r": 1}),
        ("$", "text", [1], [1]),
        ("$.result", {}, {"result": "foobar"}, {"result": {"result": "foobar"}}),
        ("$.a", {"a": 1}, 2, {"a": 2}),
        ("$.x.y.z", {"a": 1}, True, {"a": 1, "x": {"y": {"z": True}}}),
        ("$.detail.out", {"detail": {"k": 1}}, [1], {"detail": {"k": 1, "out": [1]}}),
        ("$['q r']", {}, 1, {"q r": 1}),
        ("$.list[1]", {"list": [0, 0]}, 9, {"list": [0, 9]}),
        ("$.list[0].k", {"list": [{}]}, 9, {"list": [{"k": 9}]}),
    ],
)
def test_set_result_path(path: str | None, data: Any, result: Any, expected: Any) -> None:
    assert set_result_path(path, data, result) == expected


def test_set_result_path_never_mutates_the_input() -> None:
    data = {"a": {"b": 1}}
    before = copy.deepcopy(data)
    output = set_result_path("$.a.c", data, {"r": 1})
    assert data == before
    assert output == {"a": {"b": 1, "c": {"r": 1}}}


@pytest.mark.parametrize(
    ("path", "data", "cause"),
    [
        ("$.a", "hello", 'Unable to apply ReferencePath $.a to input "hello"'),
        ("$.s.t", {"s": "str"}, 'Unable to apply ReferencePath $.s.t to input {"s":"str"}'),
        ("$.n.t", {"n": None}, 'Unable to apply ReferencePath $.n.t to input {"n":null}'),
        ("$.a", [1, 2], "Unable to apply ReferencePath $.a to input [1,2]"),
        ("$.list[5]", {"list": []}, 'Unable to apply ReferencePath $.list[5] to input {"list":[]}'),
    ],
)
def test_set_result_path_on_a_non_object_fails(path: str, data: Any, cause: str) -> None:
    with pytest.raises(StatesError) as caught:
        set_result_path(path, data, 1)
    assert caught.value.error == RESULT_PATH_MATCH_FAILURE
    assert caught.value.cause == cause


@pytest.mark.parametrize("path", ["$.a[*]", "$$.Execution", "$var.a", "$..a"])
def test_result_path_must_be_a_definite_input_path(path: str) -> None:
    with pytest.raises(InvalidPathError):
        set_result_path(path, {}, 1)


@pytest.mark.parametrize(("path", "expected"), [("$$.Execution", CONTEXT), ("$.a", INPUT), ("$x", INPUT)])
def test_path_document(path: str, expected: Any) -> None:
    assert path_document(path, SCOPE) == expected
