"""The one JSON codec: compact AWS text, exact big integers, lone surrogates, no NaN."""

from __future__ import annotations

import ast
import math
from pathlib import Path
from typing import Any

import pytest

from app import codec

APP = Path(__file__).resolve().parents[2] / "app"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"a": [1, 2.5, None, True]}, '{"a":[1,2.5,null,true]}'),
        ("é", '"é"'),
        (0, "0"),
        (2**70, "1180591620717411303424"),
        ({"big": -(2**64)}, '{"big":-18446744073709551616}'),
    ],
)
def test_dumps_writes_compact_text_as_aws_does(value: Any, text: str) -> None:
    assert codec.dumps(value) == text
    assert codec.loads(text) == value


def test_loads_keeps_integers_past_64_bits_exact() -> None:
    value = codec.loads('{"n": 123456789012345678901234567890, "f": 1.5}')
    assert value == {"n": 123456789012345678901234567890, "f": 1.5}
    assert isinstance(value["n"], int)
    assert codec.loads(b"[12345678901234567890123]") == [12345678901234567890123]


def test_loads_accepts_lone_surrogates_as_json_allows() -> None:
    assert codec.loads('{"a": "\\ud800x"}') == {"a": "\ud800x"}


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", "{", "", "[1,]", '{"a": -Infinity}'])
def test_loads_refuses_what_is_not_json(text: str) -> None:
    with pytest.raises(ValueError):
        codec.loads(text)


def test_loads_members_sees_duplicates_and_may_read_constants() -> None:
    seen: list[list[tuple[str, Any]]] = []

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen.append(pairs)
        return dict(pairs)

    assert codec.loads_members('{"a": 1, "a": 2}', hook) == {"a": 2}
    assert seen == [[("a", 1), ("a", 2)]]
    with pytest.raises(ValueError):
        codec.loads_members("[NaN]", hook)
    assert math.isnan(codec.loads_members("[NaN]", hook, refuse_constants=False)[0])


def test_canonical_and_spaced_forms() -> None:
    assert codec.dumps_canonical({"b": 1, "a": [1, 2]}) == codec.dumps_canonical({"a": [1, 2], "b": 1})
    assert codec.dumps_spaced({"a": [1, 2]}) == '{"a": [1, 2]}'


def test_no_other_module_imports_a_json_library() -> None:
    """One codec: every module reads and writes JSON text through ``app.codec``."""
    offenders = []
    for path in APP.rglob("*.py"):
        if path == APP / "codec.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(APP)}: {name}" for name in names if name in ("json", "orjson")]
    assert not offenders


def test_stored_text_marks_what_needs_the_careful_reader() -> None:
    plain = codec.dumps_stored({"a": [1, 2.5]})
    assert plain == '{"a":[1,2.5]}'
    assert codec.loads_stored(plain) == {"a": [1, 2.5]}
    big = {"n": 2**70}
    marked = codec.dumps_stored(big)
    assert marked.startswith(" ")
    assert codec.loads_stored(marked) == big
    assert isinstance(codec.loads_stored(marked)["n"], int)


def test_a_snapshot_of_format_1_keeps_its_long_numbers() -> None:
    """Format 1 was stored without the mark, so it is read with the careful reader."""
    from app.executions.deliveries import read_snapshot

    old = '{"state":"S","input":{"n":123456789012345678901234567890},"vars":{},"last_event_id":3,"seq":0}'
    assert read_snapshot(old)["input"]["n"] == 123456789012345678901234567890
    current = codec.dumps_stored({"format": 2, "root": {"input": {"n": 2**80}}})
    assert read_snapshot(current)["root"]["input"]["n"] == 2**80
