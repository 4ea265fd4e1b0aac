"""The mock file: Step Functions Local's format read as written, mistakes named by field, reloads."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest

from app.asl.errors import StatesError
from app.engine.types import MockedResult
from app.executions.mocks import MockConfigError, MockSource, read
from app.preflight import mock_problems

EXAMPLE = Path(__file__).resolve().parents[1] / "support" / "mocks" / "MockConfigFile.json"
MACHINE = "LambdaSQSIntegration"


def write(path: Path, data: Any) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def problems(tmp_path: Path, data: Any) -> list[str]:
    with pytest.raises(MockConfigError) as raised:
        read(write(tmp_path / "mocks.json", data))
    return raised.value.problems


def test_the_documented_example_reads_as_written() -> None:
    config = read(EXAMPLE)
    assert config.has_test_case(MACHINE, "HybridPath")
    assert not config.has_test_case(MACHINE, "SadPath")
    assert not config.has_test_case("Other", "HappyPath")
    assert config.response(MACHINE, "HybridPath", "SQSState", 0) is None, "not mocked: it runs for real"
    retry = [config.response(MACHINE, "RetryPath", "LambdaState", index) for index in range(4)]
    assert [answer.error if answer else None for answer in retry] == [
        "Lambda.ResourceNotReadyException",
        "Lambda.TimeoutException",
        "Lambda.TimeoutException",
        None,
    ]
    assert retry[3] == MockedResult(
        output={"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}
    )
    assert retry[1] == MockedResult(error="Lambda.TimeoutException", cause="Lambda timed out.")


def test_an_invocation_past_the_responses_is_a_runtime_error() -> None:
    config = read(EXAMPLE)
    with pytest.raises(StatesError) as raised:
        config.response(MACHINE, "HappyPath", "LambdaState", 1)
    assert raised.value.error == "States.Runtime"
    assert "MockedLambdaSuccess" in raised.value.cause and "invocation 1" in raised.value.cause


def test_any_json_value_may_be_returned(tmp_path: Path) -> None:
    data = {
        "StateMachines": {"M": {"TestCases": {"T": {"S": "R"}}}},
        "MockedResponses": {"R": {"0": {"Return": [1, "two"]}, "1": {"Return": None}}},
    }
    config = read(write(tmp_path / "mocks.json", data))
    assert config.response("M", "T", "S", 0) == MockedResult(output=[1, "two"])
    assert config.response("M", "T", "S", 1) == MockedResult(output=None)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([], ["expected a JSON object with StateMachines and MockedResponses"]),
        ({"MockedResponse": {}}, ["MockedResponse: unknown field; expected StateMachines or MockedResponses"]),
        ({"StateMachines": {"M": {"TestCase": {}}}}, ["StateMachines.M.TestCase: unknown field; expected TestCases"]),
        ({"StateMachines": {"M": {"TestCases": {"T": []}}}}, ["StateMachines.M.TestCases.T: expected a JSON object"]),
        (
            {"StateMachines": {"M": {"TestCases": {"Happy": {"S": "Missing"}}}}},
            ["StateMachines.M.TestCases.Happy.S: names the mocked response 'Missing', which MockedResponses lacks"],
        ),
        (
            {"StateMachines": {"M": {"TestCases": {"Happy": {"S": 3}}}}},
            ["StateMachines.M.TestCases.Happy.S: expected the name of a mocked response"],
        ),
        (
            {"MockedResponses": {"R": {"first": {"Return": 1}}}},
            ['MockedResponses.R.first: expected an invocation index such as "0", or a range such as "1-2"'],
        ),
        (
            {"MockedResponses": {"R": {"3-1": {"Return": 1}}}},
            ["MockedResponses.R.3-1: the range ends before it begins"],
        ),
        (
            {"MockedResponses": {"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}},
            ["MockedResponses.R.2: overlaps invocations 0-2"],
        ),
        (
            {"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {"Error": "E", "Cause": "C"}}}}},
            ["MockedResponses.R.0: expected an object with exactly one field, Return or Throw"],
        ),
        (
            {"MockedResponses": {"R": {"0": {"Throw": {"Error": "E"}}}}},
            ["MockedResponses.R.0.Throw: expected an object with the strings Error and Cause"],
        ),
    ],
)
def test_each_mistake_names_its_field(tmp_path: Path, data: Any, expected: list[str]) -> None:
    assert problems(tmp_path, data) == expected


def test_every_mistake_is_told_at_once(tmp_path: Path) -> None:
    data = {"StateMachines": {"M": {"TestCases": {"T": {"A": "Nope", "B": "R"}}}}, "MockedResponses": {"R": {"x": {}}}}
    assert len(problems(tmp_path, data)) == 2


def test_a_file_that_is_missing_or_not_json(tmp_path: Path) -> None:
    assert problems(tmp_path, "{not json")[0].startswith("not JSON")
    with pytest.raises(MockConfigError) as raised:
        read(tmp_path / "absent.json")
    assert raised.value.problems == ["cannot be read (No such file or directory)"]
    assert str(raised.value).startswith(str(tmp_path / "absent.json"))


def test_preflight_names_the_field_of_each_mistake(tmp_path: Path) -> None:
    path = write(tmp_path / "mocks.json", {"MockedResponses": {"R": {"0": {"Throw": "E"}}}})
    assert mock_problems(path) == ["MockedResponses.R.0.Throw: expected an object with the strings Error and Cause"]
    assert mock_problems(EXAMPLE) == []
    assert mock_problems(None) == []


def test_a_changed_file_is_read_again_and_a_broken_one_keeps_the_last(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "mocks.json", EXAMPLE.read_text())
    source = MockSource(path)
    assert source.has_test_case(MACHINE, "HappyPath")
    renamed = json.loads(EXAMPLE.read_text())
    renamed["StateMachines"][MACHINE]["TestCases"]["Renamed"] = renamed["StateMachines"][MACHINE]["TestCases"].pop(
        "HappyPath"
    )
    write(path, renamed)
    assert source.has_test_case(MACHINE, "Renamed") and not source.has_test_case(MACHINE, "HappyPath")
    write(path, "{broken")
    with caplog.at_level(logging.WARNING, logger="app.executions.mocks"):
        assert source.has_test_case(MACHINE, "Renamed"), "the last good contents stay in force"
        assert source.has_test_case(MACHINE, "Renamed")
    assert len(caplog.records) == 1, "a broken file is logged once"
    assert str(path) in caplog.records[0].getMessage()


def test_reload_reads_the_file_even_when_its_time_and_size_look_unchanged(tmp_path: Path) -> None:
    path = write(tmp_path / "mocks.json", {"StateMachines": {"M": {"TestCases": {"A": {}}}}})
    source = MockSource(path)
    stamp = os.stat(path)
    write(path, {"StateMachines": {"M": {"TestCases": {"B": {}}}}})
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert source.has_test_case("M", "A"), "same time and size: not read again on use"
    source.reload()
    assert source.has_test_case("M", "B")
