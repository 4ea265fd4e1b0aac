"""``sfn run``: one execution in the command's own process, mocked or real, its result and history printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from tests.support.moto_server import NO_AWS

MOCKS = Path(__file__).resolve().parents[1] / "support" / "mocks"
DEFINITION = MOCKS / "LambdaSQSIntegration.json"
MOCK_FILE = MOCKS / "MockConfigFile.json"


def sfn_run(*arguments: str) -> int:
    return main(["run", str(DEFINITION), "--mock", str(MOCK_FILE), "--wait-time-scale", "0.01", *arguments])


def test_a_test_case_that_succeeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert sfn_run("--test-case", "RetryPath", "--input", '{"n": 1}') == 0
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    assert lines[0] == "status: SUCCEEDED"
    sqs = json.loads(MOCK_FILE.read_text())["MockedResponses"]["MockedSQSSuccess"]["0"]["Return"]
    assert json.loads(lines[1].removeprefix("output: ")) == sqs
    assert printed.count("TaskFailed") == 3 and "ExecutionSucceeded" in printed


def test_an_execution_that_fails_exits_1(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for variable, value in NO_AWS.items():
        monkeypatch.setenv(variable, value)
    assert sfn_run("--test-case", "HybridPath") == 1, "SQSState is not mocked, and there is no SQS to call"
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["status: FAILED", "error: SQS.SdkClientException"]
    assert lines[2].startswith("cause: ")


def test_an_unknown_test_case_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert sfn_run("--test-case", "SadPath") == 2
    error = capsys.readouterr().err
    assert error.startswith("sfn: InvalidName: Invalid mock test case name 'SadPath'")


def test_a_broken_mock_file_exits_2_naming_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "mocks.json"
    broken.write_text(json.dumps({"MockedResponses": {"R": {"0-x": {"Return": 1}}}}))
    assert main(["run", str(DEFINITION), "--mock", str(broken), "--test-case", "HappyPath"]) == 2
    assert "MockedResponses.R.0-x" in capsys.readouterr().err


def test_without_a_test_case_the_tasks_run_for_real(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    functions = tmp_path / "functions"
    functions.mkdir()
    (functions / "double.py").write_text("def handler(event, context):\n    return event['n'] * 2\n")
    definition = tmp_path / "Double.json"
    function = "arn:aws:lambda:us-east-1:123456789012:function:double"
    definition.write_text(
        json.dumps({"StartAt": "D", "States": {"D": {"Type": "Task", "Resource": function, "End": True}}})
    )
    assert main(["run", str(definition), "--input", '{"n": 21}', "--functions-dir", str(functions)]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["status: SUCCEEDED", "output: 42"]
