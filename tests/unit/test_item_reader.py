"""The ItemReader's parsing and bounds, without S3: CSV rows, JSON lines, the byte bound, refused requests."""

from __future__ import annotations

import io
from typing import Any

import pytest

from app.integrations.aws import item_reader
from app.integrations.aws.clients import Clients
from app.integrations.aws.item_reader import MAX_ITEMS_BYTES, Items, ReadFailedError
from app.integrations.results import TaskFailure


def rows(text: str, **config: Any) -> list[dict[str, str]]:
    return list(item_reader._csv_rows(io.StringIO(text), config))


def test_csv_rows_are_objects_of_strings_named_by_the_first_row() -> None:
    assert rows('a,b\n1,"x\ny"\n2\n') == [{"a": "1", "b": "x\ny"}, {"a": "2", "b": ""}]


def test_csv_rows_with_given_headers_and_a_tab_delimiter() -> None:
    assert rows("1\t2\n", CSVHeaderLocation="GIVEN", CSVHeaders=["a", "b"], CSVDelimiter="TAB") == [
        {"a": "1", "b": "2"}
    ]


@pytest.mark.parametrize(
    ("text", "config", "message"),
    [
        ("a\n1,2\n", {}, "Row 1 of the CSV object has more fields than its 1 headers"),
        ("1\n", {"CSVHeaderLocation": "GIVEN"}, "CSVHeaders must be a list"),
        ("1\n", {"CSVDelimiter": "DASH"}, "CSVDelimiter must be one of"),
    ],
)
def test_csv_that_cannot_be_read(text: str, config: dict[str, Any], message: str) -> None:
    with pytest.raises(ReadFailedError, match=message):
        rows(text, **config)


def test_json_lines_skip_blank_lines() -> None:
    assert list(item_reader._json_lines(io.StringIO('{"a": 1}\n\n[2]\n'))) == [{"a": 1}, [2]]


def test_an_inline_maps_items_fail_past_the_byte_bound() -> None:
    items = Items([])
    assert items.take(iter(range(3))) == [0, 1, 2]
    unbounded = Items([])
    with pytest.raises(ReadFailedError, match=f"exceed the {MAX_ITEMS_BYTES} bytes"):
        unbounded.take("x" * 1000 for _ in range(MAX_ITEMS_BYTES))
    assert unbounded.size <= MAX_ITEMS_BYTES + 1003


def test_a_json_array_is_read_an_item_at_a_time() -> None:
    items = item_reader._json_array(io.BytesIO(b'[1, {"a": 2.5}, [3], "x"]'))
    assert next(items) == 1
    assert list(items) == [{"a": 2.5}, [3], "x"]
    with pytest.raises(ReadFailedError, match="must hold an array"):
        list(item_reader._json_array(io.BytesIO(b'{"a": 1}')))


def test_an_item_of_a_json_array_past_the_bound_is_refused_before_it_is_read_whole() -> None:
    many = io.BytesIO(b"[" + b",".join(b'"' + b"x" * 1000 + b'"' for _ in range(3000)) + b"]")
    assert sum(1 for _ in item_reader._json_array(many)) == 3000  # 3 MB in all: only one item is bounded
    huge = io.BytesIO(b'[1, "' + b"x" * (50 * MAX_ITEMS_BYTES) + b'"]')
    items = item_reader._json_array(huge)
    assert next(items) == 1
    with pytest.raises(ReadFailedError, match=f"exceeds {MAX_ITEMS_BYTES} bytes"):
        next(items)
    assert huge.tell() < 2 * MAX_ITEMS_BYTES, "the read stopped near the bound"


@pytest.mark.parametrize(
    ("request_", "cause"),
    [
        ({"Resource": "arn:aws:states:::s3:putObject"}, "is not supported"),
        ({"Resource": "arn:aws:states:::s3:getObject", "Arguments": [1]}, "must be objects"),
        (
            {"Resource": "arn:aws:states:::s3:getObject", "Arguments": {}, "ReaderConfig": {}},
            "InputType must be one of",
        ),
    ],
)
def test_requests_refused_before_any_call(request_: dict[str, Any], cause: str) -> None:
    clients = Clients()
    try:
        result = item_reader.read_items(clients, "us-east-1", request_)
    finally:
        clients.close()
    assert isinstance(result, TaskFailure)
    assert result.error == "States.ItemReaderFailed"
    assert cause in result.cause
