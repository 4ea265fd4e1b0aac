"""The ``sfn`` command a person learns from: version, help, configuration, and a look at executions."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterator

import pytest
from mypy_boto3_stepfunctions import SFNClient

from app.cli import main
from app.server_process import ServerProcess
from app.settings import get_settings
from tests.conftest import CreateMachine
from tests.support.waiting import wait_for_status

FAILING = {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Oops", "Cause": "on purpose"}}}


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each command reads the environment the test gives it; wide output, so no column is cut."""
    monkeypatch.setenv("COLUMNS", "250")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"sfn {importlib.metadata.version('sfn-server')}\n"


def test_help_names_every_command_and_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    top = capsys.readouterr().out
    for command in ("serve", "worker", "migrate", "config", "validate", "executions", "history"):
        assert f"    {command}" in top
    assert "sfn config" in top, "the help says where the environment variables are explained"
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    serve = " ".join(capsys.readouterr().out.split())
    assert "(default: 127.0.0.1)" in serve and "(default: 8083)" in serve


def test_config_lists_every_variable_with_secrets_masked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SFN_DATABASE_URL", "postgresql://sfn:hunter2@127.0.0.1:9/sfn")
    monkeypatch.setenv("SFN_AUTH", "sigv4")
    monkeypatch.setenv("SFN_CREDENTIALS", '{"AKIDEXAMPLE": "topsecret"}')
    code = main(["config"])
    out, err = capsys.readouterr()
    assert code == 2, "the unreachable database is a problem of this configuration"
    assert "hunter2" not in out + err and "topsecret" not in out + err
    assert "SFN_DATABASE_URL=postgresql+psycopg://sfn:***@127.0.0.1:9/sfn  (set)" in out
    assert "SFN_CREDENTIALS={…}  (set)" in out
    assert "SFN_WORKERS=2  (default)" in out
    for variable in ("SFN_FUNCTIONS_DIR", "SFN_LOG_FORMAT", "SFN_LOG_LEVEL", "WAIT_TIME_SCALE", "AWS_ACCOUNT_ID"):
        assert f"\n{variable}=" in out
    assert err.startswith("sfn: SFN_DATABASE_URL='postgresql+psycopg://sfn:***@127.0.0.1:9/sfn': cannot use")


def test_executions_and_history(
    server: ServerProcess, sfn: SFNClient, create_machine: CreateMachine, capsys: pytest.CaptureFixture[str]
) -> None:
    machine = create_machine(FAILING)
    execution = sfn.start_execution(stateMachineArn=machine, name="look-at-me")["executionArn"]
    wait_for_status(sfn, execution, "FAILED")
    name = machine.rsplit(":", 1)[-1]

    assert main(["executions", "--endpoint", server.endpoint, "--state-machine", name]) == 0
    listing = capsys.readouterr().out
    assert "look-at-me" in listing and "FAILED" in listing and execution in listing

    assert main(["executions", "--endpoint", server.endpoint, "--status", "FAILED", "--limit", "500"]) == 0
    assert execution in capsys.readouterr().out

    assert main(["history", "--endpoint", server.endpoint, execution]) == 0
    history = capsys.readouterr().out
    assert history.startswith("look-at-me: FAILED Oops: on purpose")
    for event in ("ExecutionStarted", "FailStateEntered", "ExecutionFailed"):
        assert event in history
    assert "error=Oops cause=on purpose" in history


def test_a_missing_execution_or_server_is_one_line(server: ServerProcess, capsys: pytest.CaptureFixture[str]) -> None:
    missing = "arn:aws:states:us-east-1:123456789012:execution:nope:nope"
    assert main(["history", "--endpoint", server.endpoint, missing]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("sfn: ExecutionDoesNotExist: ")

    assert main(["executions", "--endpoint", "http://127.0.0.1:9"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("sfn: Could not connect") and "is the server running at http://127.0.0.1:9?" in line
