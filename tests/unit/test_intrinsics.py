"""Intrinsic functions: the parser, every function's results, and every way to misuse one."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest

from app.asl.errors import RUNTIME, StatesError
from app.asl.intrinsics import (
    FUNCTIONS,
    IntrinsicCall,
    IntrinsicSyntaxError,
    Literal,
    PathArgument,
    evaluate_intrinsic,
    parse_intrinsic,
)
from app.asl.scope import DataScope

_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['([^']*)'\]")
_ROOT = re.compile(r"\$\$|\$[A-Za-z_][A-Za-z0-9_]*|\$")


def fake_resolve(path: str, scope: DataScope) -> Any:
    """Test-only resolver for ``$``, ``$$`` and ``$var`` roots followed by ``.name``/``[0]``/``['k']``."""
    root = _ROOT.match(path)
    assert root is not None, path
    value = _root_value(root.group(), scope)
    position = root.end()
    while position < len(path):
        step = _STEP.match(path, position)
        assert step is not None, path
        name, index, quoted = step.groups()
        key: str | int = int(index) if index is not None else (name if name is not None else quoted)
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            raise StatesError(
                RUNTIME, f"The JsonPath argument for the field '{path}' could not be found in the input"
            ) from None
        position = step.end()
    return value


def _root_value(root: str, scope: DataScope) -> Any:
    if root == "$":
        return scope.input
    if root == "$$":
        return scope.context
    return scope.variables[root[1:]]


def run(expression: str, data: Any = None) -> Any:
    return evaluate_intrinsic(expression, DataScope(data), fake_resolve)


# --- parser ----------------------------------------------------------------------------------------

PARSED = [
    ("States.UUID()", IntrinsicCall("States.UUID", ())),
    (
        "States.Array('a', 1, -2.5, 3e2, true, false, null)",
        IntrinsicCall(
            "States.Array",
            (
                Literal("a"),
                Literal(1),
                Literal(-2.5),
                Literal(300.0),
                Literal(True),
                Literal(False),
                Literal(None),
            ),
        ),
    ),
    (
        "  States.Format( '{}' ,  $.a.b[0]['c d'] )  ",
        IntrinsicCall("States.Format", (Literal("{}"), PathArgument("$.a.b[0]['c d']"))),
    ),
    (
        "States.Array($$.Execution.Id, $myVar.x, $, $$, $myVar)",
        IntrinsicCall(
            "States.Array",
            (
                PathArgument("$$.Execution.Id"),
                PathArgument("$myVar.x"),
                PathArgument("$"),
                PathArgument("$$"),
                PathArgument("$myVar"),
            ),
        ),
    ),
    (
        "States.ArrayLength(States.StringSplit($.s, ','))",
        IntrinsicCall(
            "States.ArrayLength",
            (IntrinsicCall("States.StringSplit", (PathArgument("$.s"), Literal(","))),),
        ),
    ),
    (
        "States.Array($.a[?(@.x == 'a,b)')], $.b)",
        IntrinsicCall("States.Array", (PathArgument("$.a[?(@.x == 'a,b)')]"), PathArgument("$.b"))),
    ),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_parse_builds_the_call_tree(text: str, expected: IntrinsicCall) -> None:
    assert parse_intrinsic(text) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (r"States.Format('it\'s')", "it's"),
        (r"States.Format('a \\ b')", "a \\ b"),
        (r"States.Format('\{\}')", "{}"),
        ("States.Format('line\nbreak')", "line\nbreak"),
        ("States.Format('')", ""),
    ],
)
def test_string_literal_escapes_are_decoded(text: str, value: str) -> None:
    argument = parse_intrinsic(text).args[0]
    assert isinstance(argument, Literal)
    assert argument.value == value


def test_numbers_keep_their_json_type() -> None:
    args = parse_intrinsic("States.Array(7, -0, 1.5, -2E-1)").args
    values = [arg.value for arg in args if isinstance(arg, Literal)]
    assert values == [7, 0, 1.5, -0.2]
    assert [type(value) for value in values] == [int, int, float, float]


SYNTAX_ERRORS = [
    ("", "expected a function name"),
    ("$.a", "expected a function name"),
    ("States.Array", "expected '('"),
    ("States.Array(", "expected an argument"),
    ("States.Array(1", "expected ','"),
    ("States.Array(1 2)", "expected ','"),
    ("States.Array(1,)", "expected an argument"),
    ("States.Array(, 1)", "expected an argument"),
    ("States.Array(1) trailing", "unexpected 't'"),
    ("States.Array('open)", "unterminated string"),
    (r"States.Format('a\nb')", "a backslash may only escape"),
    ("States.Format('a\\", "a backslash may only escape"),
    ('States.Format("double")', "expected an argument"),
    ("States.Array(1.)", "malformed number"),
    ("States.Array(.5)", "expected an argument"),
    ("States.Array(01)", "malformed number"),
    ("States.Array(-)", "malformed number"),
    ("States.Array([1,2])", "expected an argument"),
    ("States.Array(nope)", "expected '('"),
    ("States.Nope(1)", "unknown intrinsic function States.Nope"),
    ("States.Array(States.Nope())", "unknown intrinsic function States.Nope"),
    ("States.Formatt('{}', 1)", "unknown intrinsic function States.Formatt (did you mean States.Format?)"),
]


@pytest.mark.parametrize(("text", "message"), SYNTAX_ERRORS)
def test_malformed_text_is_a_syntax_error(text: str, message: str) -> None:
    with pytest.raises(IntrinsicSyntaxError, match=re.escape(message)):
        parse_intrinsic(text)


def test_syntax_error_names_the_position_and_text() -> None:
    with pytest.raises(IntrinsicSyntaxError) as caught:
        parse_intrinsic("States.Array(1 2)")
    assert "at position 15 in intrinsic function 'States.Array(1 2)'" in str(caught.value)
    assert isinstance(caught.value, ValueError)


# --- evaluation ------------------------------------------------------------------------------------

RESULTS: list[tuple[str, Any, Any]] = [
    # States.Format
    ("States.Format('Hello {}', $.name)", {"name": "Ada"}, "Hello Ada"),
    ("States.Format('no placeholders')", None, "no placeholders"),
    (
        "States.Format('{}|{}|{}|{}|{}', $.a, $.b, $.c, $.d, $.e)",
        {"a": None, "b": False, "c": -1, "d": 3.5, "e": 9007199254740991},
        "null|false|-1|3.5|9007199254740991",
    ),
    ("States.Format('{}', $.o)", {"o": {"Arg1": 1, "Arg2": []}}, "{Arg1=1, Arg2=[]}"),
    ("States.Format('{}', $.l)", {"l": [1, "x", None, {"k": True}]}, "[1, x, null, {k=true}]"),
    (r"States.Format('\{{}\} \'q\'', 'v')", None, "{v} 'q'"),
    ("States.Format('{}-{}', States.ArrayLength($.a), $.t)", {"a": [1], "t": "x"}, "1-x"),
    # States.StringToJson / JsonToString
    ("States.StringToJson($.s)", {"s": '{"Arg1": 1, "Arg2": []}'}, {"Arg1": 1, "Arg2": []}),
    ("States.StringToJson($.s)", {"s": "-0"}, 0),
    ("States.StringToJson($.s)", {"s": "null"}, None),
    ("States.StringToJson($.s)", {"s": " "}, None),
    ("States.StringToJson($.s)", {"s": ""}, None),
    ("States.StringToJson($.s)", {"s": '"HelloWorld"'}, "HelloWorld"),
    ("States.JsonToString($.v)", {"v": {"a": 1, "b": [1, 2, "é"]}}, '{"a":1,"b":[1,2,"é"]}'),
    ("States.JsonToString($.v)", {"v": 1.1}, "1.1"),
    ("States.JsonToString($.v)", {"v": None}, "null"),
    # States.Array
    ("States.Array()", None, []),
    ("States.Array(1, States.Array(2, 3), $.o)", {"o": {"k": 1}}, [1, [2, 3], {"k": 1}]),
    # States.ArrayPartition
    ("States.ArrayPartition($.a, 4)", {"a": [1, 2, 3, 4, 5, 6, 7, 8, 9]}, [[1, 2, 3, 4], [5, 6, 7, 8], [9]]),
    ("States.ArrayPartition($.a, 3)", {"a": []}, []),
    ("States.ArrayPartition($.a, 2.6)", {"a": [1, 2, 3, 4, 5]}, [[1, 2], [3, 4], [5]]),
    ("States.ArrayPartition($.a, 2147483647)", {"a": [1, 2]}, [[1, 2]]),
    # States.ArrayContains
    ("States.ArrayContains($.a, 2)", {"a": [1, 2, 3]}, True),
    ("States.ArrayContains($.a, 5)", {"a": [1, 2, 3]}, False),
    ("States.ArrayContains($.a, $.v)", {"a": [[1, 2, 3], 2], "v": [1, 2, 3]}, True),
    ("States.ArrayContains($.a, $.v)", {"a": [{"1": 2, "2": []}], "v": {"1": 2, "2": []}}, True),
    ("States.ArrayContains($.a, $.v)", {"a": [{"a": 1, "b": 2}], "v": {"b": 2, "a": 1}}, False),
    ("States.ArrayContains($.a, null)", {"a": []}, False),
    ("States.ArrayContains($.a, true)", {"a": ["true"]}, True),
    ("States.ArrayContains($.a, false)", {"a": [0, 1]}, False),
    # States.ArrayRange
    ("States.ArrayRange(1, 9, 2)", None, [1, 3, 5, 7, 9]),
    ("States.ArrayRange(0, 10, 3)", None, [0, 3, 6, 9]),
    ("States.ArrayRange(5, 1, -2)", None, [5, 3, 1]),
    ("States.ArrayRange(3, 3, -1)", None, [3]),
    ("States.ArrayRange(5, 1, 1)", None, []),
    ("States.ArrayRange(1.6, 1.4, 1)", None, [1]),
    ("States.ArrayRange(5.4, -0.6, -2.4)", None, [5, 3, 1]),
    # States.ArrayGetItem
    ("States.ArrayGetItem($.a, 5)", {"a": [1, 2, 3, 4, 5, 6, 7, 8, 9]}, 6),
    ("States.ArrayGetItem($.a, 1.2)", {"a": [10, 20, 30]}, 20),
    ("States.ArrayGetItem($.a, 999)", {"a": []}, None),
    ("States.ArrayGetItem($.a, 0)", {"a": [None]}, None),
    # States.ArrayLength
    ("States.ArrayLength($.a)", {"a": [[1], [2], [3]]}, 3),
    ("States.ArrayLength(States.Array())", None, 0),
    # States.ArrayUnique
    (
        "States.ArrayUnique($.a)",
        {"a": [None, None, True, True, 1, 1, 1.1, 0, "x", "x", [], [], {"a": 1, "b": 2}, {"b": 2, "a": 1}]},
        [None, True, 1, 1.1, 0, "x", [], {"a": 1, "b": 2}],
    ),
    ("States.ArrayUnique($.a)", {"a": [1, True, "1"]}, [1, True, "1"]),
    # States.Base64Encode / Base64Decode
    ("States.Base64Encode($.s)", {"s": "Data to encode"}, "RGF0YSB0byBlbmNvZGU="),
    ("States.Base64Encode($.s)", {"s": ""}, ""),
    ("States.Base64Encode('🚀')", None, "8J+agA=="),
    ("States.Base64Decode($.s)", {"s": "RGF0YSB0byBlbmNvZGU="}, "Data to encode"),
    ("States.Base64Decode('44GT44KT44Gr44Gh44Gv')", None, "こんにちは"),
    ("States.Base64Decode(' YWJjZA== ')", None, "abcd"),
    ("States.Base64Decode('YWJjZA')", None, "abcd"),
    ("States.Base64Decode('abc')", None, "i\ufffd"),
    ("States.Base64Decode('')", None, ""),
    # States.Hash
    ("States.Hash('hello', 'MD5')", None, "5d41402abc4b2a76b9719d911017c592"),
    ("States.Hash('input data', 'SHA-1')", None, "aaff4a450a104cd177d28d18d74485e8cae074b7"),
    (
        "States.Hash('input data', 'SHA-256')",
        None,
        "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3",
    ),
    (
        "States.Hash('hello', 'SHA-384')",
        None,
        "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f",
    ),
    (
        "States.Hash('hello', 'SHA-512')",
        None,
        "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7"
        "2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
    ),
    ("States.Hash(123, 'MD5')", None, "202cb962ac59075b964b07152d234b70"),
    # States.JsonMerge
    (
        "States.JsonMerge($.a, $.b, false)",
        {"a": {"a": {"a1": 1}, "b": 2, "d": 3}, "b": {"a": {"a3": 1}, "c": 3, "d": 4}},
        {"a": {"a3": 1}, "b": 2, "d": 4, "c": 3},
    ),
    # States.MathAdd: each argument rounds half up first
    ("States.MathAdd(-9, 3)", None, -6),
    ("States.MathAdd(1.49, 1.5)", None, 3),
    ("States.MathAdd(-0.5, 0.5)", None, 1),
    ("States.MathAdd(-3.5, 0)", None, -3),
    ("States.MathAdd(2.5, 0)", None, 3),
    ("States.MathAdd(1.49, -1.49)", None, 0),
    ("States.MathAdd($.v, -1)", {"v": 111}, 110),
    # States.StringSplit
    ("States.StringSplit($.s, ',')", {"s": "1,2,3,4,5"}, ["1", "2", "3", "4", "5"]),
    ("States.StringSplit($.s, ',')", {"s": ",,,,"}, []),
    ("States.StringSplit($.s, ',')", {"s": " , "}, [" ", " "]),
    ("States.StringSplit($.s, ', ')", {"s": "a, b,c d"}, ["a", "b", "c", "d"]),
    ("States.StringSplit($.s, ']')", {"s": "a]b"}, ["a", "b"]),
    ("States.StringSplit($.s, '')", {"s": "ab"}, ["ab"]),
    ("States.StringSplit('Hello\nWorld', '\n')", None, ["Hello", "World"]),
]


@pytest.mark.parametrize(("expression", "data", "expected"), RESULTS)
def test_function_results(expression: str, data: Any, expected: Any) -> None:
    result = run(expression, data)
    assert result == expected
    assert type(result) is type(expected)


def test_base64_accepts_exactly_ten_thousand_characters() -> None:
    encoded = run("States.Base64Encode($.s)", {"s": "a" * 10_000})
    assert run("States.Base64Decode($.s)", {"s": encoded[:10_000]}) == "a" * 7500
    assert len(run("States.Hash($.s, 'SHA-256')", {"s": "a" * 10_000})) == 64


def test_path_arguments_see_context_and_variables() -> None:
    scope = DataScope({"a": 1}, context={"Execution": {"Id": "exec-1"}}, variables={"v": {"x": [5]}})
    result = evaluate_intrinsic("States.Array($, $$.Execution.Id, $v.x[0])", scope, fake_resolve)
    assert result == [{"a": 1}, "exec-1", 5]


def test_evaluate_accepts_a_parsed_call() -> None:
    call = parse_intrinsic("States.MathAdd($.n, 1)")
    assert evaluate_intrinsic(call, DataScope({"n": 41}), fake_resolve) == 42


def test_math_random_stays_in_its_half_open_range() -> None:
    values = {run("States.MathRandom(1.6, 5.4)") for _ in range(200)}
    assert values <= {1, 2, 3, 4}
    assert len(values) > 1


def test_math_random_with_a_seed_is_repeatable() -> None:
    first = run("States.MathRandom(1, 1000, 42)")
    assert 1 <= first < 1000
    assert all(run("States.MathRandom(1, 1000, $.seed)", {"seed": 42}) == first for _ in range(5))


def test_uuid_is_a_fresh_version_4_uuid() -> None:
    first, second = run("States.UUID()"), run("States.UUID()")
    assert uuid.UUID(first).version == 4
    assert first != second


def test_json_to_string_round_trips_through_string_to_json() -> None:
    data = {"v": {"nested": [1, 2.5, None, "é", {"k": False}]}}
    assert run("States.StringToJson(States.JsonToString($.v))", data) == data["v"]
    assert json.loads(run("States.JsonToString($.v)", data)) == data["v"]


def test_json_merge_does_not_modify_its_arguments() -> None:
    data = {"a": {"k": 1}, "b": {"k": 2}}
    assert run("States.JsonMerge($.a, $.b, false)", data) == {"k": 2}
    assert data == {"a": {"k": 1}, "b": {"k": 2}}


# --- misuse --------------------------------------------------------------------------------------

INVALID: list[tuple[str, Any]] = [
    ("States.Format('{} {}', 'x')", None),
    ("States.Format('{}', 'x', 'y')", None),
    ("States.Format($.t, 'x')", {"t": 123}),
    ("States.Format('Hello {', 'x')", None),
    ("States.Format('Hello {{}}', 'x')", None),
    ("States.Format('}')", None),
    (r"States.Format('\{}', 'x')", None),
    ("States.Format()", None),
    ("States.StringToJson($.s)", {"s": "{not json"}),
    ("States.StringToJson($.s)", {"s": "NaN"}),
    ("States.StringToJson(1)", None),
    ("States.StringToJson('1', '2')", None),
    ("States.JsonToString()", None),
    ("States.ArrayPartition('not-array', 2)", None),
    ("States.ArrayPartition($.a, 0)", {"a": [1]}),
    ("States.ArrayPartition($.a, 0.6)", {"a": [1]}),
    ("States.ArrayPartition($.a, -1)", {"a": [1]}),
    ("States.ArrayPartition($.a, '2')", {"a": [1]}),
    ("States.ArrayPartition($.a, null)", {"a": [1]}),
    ("States.ArrayPartition($.a, true)", {"a": [1]}),
    ("States.ArrayPartition($.a)", {"a": [1]}),
    ("States.ArrayPartition($.a, 2, 999)", {"a": [1]}),
    ("States.ArrayContains('not-array', 'x')", None),
    ("States.ArrayContains($.a)", {"a": [1]}),
    ("States.ArrayContains($.a, 2, 999)", {"a": [1]}),
    ("States.ArrayRange('a', 5, 1)", None),
    ("States.ArrayRange(1, 'b', 1)", None),
    ("States.ArrayRange(1, 5, 'c')", None),
    ("States.ArrayRange(1, 10, 0)", None),
    ("States.ArrayRange(1, 10, 0.49)", None),
    ("States.ArrayRange(1, 1001, 1)", None),
    ("States.ArrayRange(1001, 1, -1)", None),
    ("States.ArrayRange(1, 5)", None),
    ("States.ArrayGetItem('not-array', 0)", None),
    ("States.ArrayGetItem($.a, 3)", {"a": [10, 20, 30]}),
    ("States.ArrayGetItem($.a, -1)", {"a": [10, 20, 30]}),
    ("States.ArrayGetItem($.a, '1')", {"a": [10, 20, 30]}),
    ("States.ArrayGetItem($.a)", {"a": [10]}),
    ("States.ArrayLength('not-array')", None),
    ("States.ArrayLength($.o)", {"o": {"k": 1}}),
    ("States.ArrayLength()", None),
    ("States.ArrayUnique(1)", None),
    ("States.Base64Encode(123)", None),
    ("States.Base64Encode($.s)", {"s": "a" * 10_001}),
    ("States.Base64Encode('a', 'b')", None),
    ("States.Base64Decode($.o)", {"o": {}}),
    ("States.Base64Decode($.s)", {"s": "A" * 10_001}),
    ("States.Base64Decode()", None),
    ("States.Hash($.s, 'SHA-256')", {"s": "a" * 10_001}),
    ("States.Hash('hello', 123)", None),
    ("States.Hash('data', 'sha-256')", None),
    ("States.Hash('data', 'SHA256')", None),
    ("States.Hash('data', 'MD-5')", None),
    ("States.Hash('data', '')", None),
    ("States.Hash('hello')", None),
    ("States.JsonMerge($.a, $.b, true)", {"a": {}, "b": {}}),
    ("States.JsonMerge($.a, $.b, 'false')", {"a": {}, "b": {}}),
    ("States.JsonMerge($.a, $.b, false)", {"a": [], "b": {}}),
    ("States.JsonMerge($.a, $.b, false)", {"a": {}, "b": 1}),
    ("States.JsonMerge($.a, $.b)", {"a": {}, "b": {}}),
    ("States.MathRandom(1, 1)", None),
    ("States.MathRandom(10, 5)", None),
    ("States.MathRandom(1.4, 1.6)", None),
    ("States.MathRandom('a', 10)", None),
    ("States.MathRandom(1, 'b')", None),
    ("States.MathRandom(1, 10, 'seed')", None),
    ("States.MathRandom(1, 10, null)", None),
    ("States.MathRandom(1)", None),
    ("States.MathRandom(1, 10, 5, 99)", None),
    ("States.MathAdd(1, 'NOT A NUMBER')", None),
    ("States.MathAdd(true, 1)", None),
    ("States.MathAdd(2147483648, 0)", None),
    ("States.MathAdd(0, -2147483649)", None),
    ("States.MathAdd(1)", None),
    ("States.StringSplit(1, ',')", None),
    ("States.StringSplit('a', 1)", None),
    ("States.StringSplit('a')", None),
    ("States.UUID(1)", None),
]


@pytest.mark.parametrize(("expression", "data"), INVALID)
def test_misused_arguments_fail_like_aws(expression: str, data: Any) -> None:
    name = expression.split("(", 1)[0]
    with pytest.raises(StatesError) as caught:
        run(expression, data)
    assert (caught.value.error, caught.value.cause) == (RUNTIME, f"Invalid arguments in {name}")


def test_math_add_accepts_the_int32_bounds() -> None:
    assert run("States.MathAdd(2147483647, -2147483648)") == -1


def test_a_missing_path_fails_with_the_resolver_error() -> None:
    with pytest.raises(StatesError, match="could not be found"):
        run("States.Base64Encode($.missing)", {})


def test_malformed_text_at_run_time_fails_the_state() -> None:
    with pytest.raises(StatesError) as caught:
        run("States.Array(1")
    assert caught.value.error == RUNTIME
    assert "expected ','" in caught.value.cause


def test_an_unknown_function_in_a_built_call_fails_the_state() -> None:
    call = IntrinsicCall("States.Nope", ())
    with pytest.raises(StatesError, match=r"Unknown intrinsic function States\.Nope"):
        evaluate_intrinsic(call, DataScope(None), fake_resolve)


def test_the_registry_holds_every_documented_function() -> None:
    assert set(FUNCTIONS) == {
        "States.Format",
        "States.StringToJson",
        "States.JsonToString",
        "States.Array",
        "States.ArrayPartition",
        "States.ArrayContains",
        "States.ArrayRange",
        "States.ArrayGetItem",
        "States.ArrayLength",
        "States.ArrayUnique",
        "States.Base64Encode",
        "States.Base64Decode",
        "States.Hash",
        "States.JsonMerge",
        "States.MathRandom",
        "States.MathAdd",
        "States.StringSplit",
        "States.UUID",
    }
