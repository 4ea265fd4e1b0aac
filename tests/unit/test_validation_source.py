"""Diagnostic locations found in the definition's text as lines and columns."""

from __future__ import annotations

import json
import time

import pytest

from app.asl.validation.source import SourceMap

TEXT = """{
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Task",
      "Retry": [ {"ErrorEquals": ["X"]},
                 {"ErrorEquals": ["Y"]} ],
      "Next": "B/C"
    },
    "B/C": {"Type": "Succeed"},
    "B": {"Type": "Pass", "Note": "\\"}[,", "End": true}
  }
}"""


@pytest.mark.parametrize(
    ("location", "position"),
    [
        ("", (1, 1)),
        ("/StartAt", (2, 3)),
        ("/States/A", (4, 5)),
        ("/States/A/Next", (8, 7)),
        ("/States/A/Retry[0]", (6, 18)),
        ("/States/A/Retry[1]/ErrorEquals", (7, 19)),
        ("/States/A/Retry[1]/ErrorEquals[0]", (7, 35)),
        ("/States/B/C", (10, 5)),  # a state named "B/C", not member C of state B
        ("/States/B/End", (11, 44)),  # past a string holding quotes, brackets and commas
        ("/States/A/Missing", (4, 5)),  # the deepest place that exists
        ("/States/A/Retry[7]", (6, 7)),
        ("/States/A/Type/deeper", (5, 7)),
    ],
)
def test_position(location: str, position: tuple[int, int]) -> None:
    assert SourceMap(TEXT).position(location) == position


def test_a_key_given_twice_is_found_where_its_last_value_is() -> None:
    text = '{"States": {"A": 1,\n"A": 2}}'
    assert SourceMap(text).position("/States/A") == (2, 1)


def test_columns_count_characters_not_bytes() -> None:
    assert SourceMap('{"é": {"ü": 1}}').position("/é/ü") == (1, 8)


def test_text_that_is_not_json_has_no_positions() -> None:
    assert SourceMap('{"States": {"A": ').position("/States/A") is None


def test_many_lookups_in_a_large_text_are_quick() -> None:
    states = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(20_000)}
    source = SourceMap(json.dumps({"StartAt": "S0", "States": states}, indent=2))
    began = time.monotonic()
    positions = [source.position(f"/States/S{i}/Next") for i in range(20_000)]
    assert time.monotonic() - began < 5
    assert positions[-1] == (4 * 19_999 + 6, 7)
