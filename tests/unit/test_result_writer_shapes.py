"""How a ResultWriter shapes its children's results, and which file each status goes to."""

from __future__ import annotations

from typing import Any

import pytest

from app.integrations.aws.result_writer import file_of, shaped

SUCCEEDED = {"ExecutionArn": "arn:1", "Status": "SUCCEEDED", "Output": "[1,2]"}
OBJECT = {"ExecutionArn": "arn:2", "Status": "SUCCEEDED", "Output": '{"a":1}'}
FAILED = {"ExecutionArn": "arn:3", "Status": "FAILED", "Error": "E", "Cause": "c"}


@pytest.mark.parametrize(
    ("transformation", "expected"),
    [
        ("NONE", [SUCCEEDED, OBJECT, FAILED]),
        ("COMPACT", [[1, 2], {"a": 1}, FAILED]),
        ("FLATTEN", [1, 2, {"a": 1}, FAILED]),
    ],
)
def test_each_transformation(transformation: str, expected: list[Any]) -> None:
    assert [value for result in (SUCCEEDED, OBJECT, FAILED) for value in shaped(result, transformation)] == expected


@pytest.mark.parametrize(
    ("status", "file"),
    [
        ("SUCCEEDED", "SUCCEEDED"),
        ("FAILED", "FAILED"),
        ("TIMED_OUT", "FAILED"),
        ("ABORTED", "FAILED"),
        ("RUNNING", "PENDING"),
    ],
)
def test_the_file_of_each_status(status: str, file: str) -> None:
    assert file_of(status) == file
