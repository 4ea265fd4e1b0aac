"""The server's log lines: one format for all of them, JSON objects with SFN_LOG_FORMAT=json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import FUNCTIONS_DIR, ROLE_ARN, make_client
from tests.support.databases import sqlite_url
from tests.support.server import new_server
from tests.support.waiting import wait_for_status, wait_until

# A Wait, then enough states to cross half of a 20-event history in one scheduler step, then a Wait:
# the step that crosses it leaves the execution RUNNING, which is when the server warns.
PASSES = {f"P{index}": {"Type": "Pass", "Next": f"P{index + 1}"} for index in range(6)}
DEFINITION = {
    "StartAt": "First",
    "States": {
        "First": {"Type": "Wait", "Seconds": 50, "Next": "P0"},
        **PASSES,
        "P6": {"Type": "Wait", "Seconds": 50, "End": True},
    },
}


def test_json_log_lines(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    env = {
        "SFN_LOG_FORMAT": "json",
        "SFN_MAX_HISTORY_EVENTS": "20",
        "SFN_LIMIT_WARNING_SHARE": "0.5",
        "WAIT_TIME_SCALE": "0.01",
    }
    server = new_server(sqlite_url(tmp_path), log, env).start()
    try:
        sfn = make_client(server.endpoint)
        machine = sfn.create_state_machine(name="long", definition=json.dumps(DEFINITION), roleArn=ROLE_ARN)
        execution = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
        wait_for_status(sfn, execution, "SUCCEEDED")
        wait_until(lambda: "history events" in log.read_text(), 5, "the history warning in the log")
    finally:
        server.stop()
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line, the server's and uvicorn's, is JSON
    warning = next(record for record in records if "history events" in record["message"])
    assert warning["level"] == "WARNING" and warning["logger"] == "app.executions.deliveries"
    assert execution in warning["message"] and "asctime" in warning


FAILING = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "raise_custom", "Payload": {}},
            "End": True,
        }
    },
}
SUCCEEDING = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_startup_and_execution_lines(tmp_path: Path, log_format: str) -> None:
    """Startup names the database and the functions; each execution logs its start and end, a failed
    task its resource and error; in JSON the same facts are members of the line's object."""
    log = tmp_path / "server.log"
    env = {"SFN_LOG_FORMAT": log_format, "SFN_FUNCTIONS_DIR": str(FUNCTIONS_DIR)}
    database = sqlite_url(tmp_path)
    server = new_server(database, log, env, log_level="info").start()
    try:
        sfn = make_client(server.endpoint)
        failing = sfn.create_state_machine(name="fails", definition=json.dumps(FAILING), roleArn=ROLE_ARN)
        succeeding = sfn.create_state_machine(name="works", definition=json.dumps(SUCCEEDING), roleArn=ROLE_ARN)
        failed = sfn.start_execution(stateMachineArn=failing["stateMachineArn"], name="run-1")["executionArn"]
        sfn.start_execution(stateMachineArn=succeeding["stateMachineArn"], name="run-2")
        wait_for_status(sfn, failed, "FAILED")
        wait_until(lambda: log.read_text().count("after ") >= 2, 5, "both executions' end lines")
    finally:
        server.stop()
    messages = _messages(log.read_text(), log_format)
    database_file = str(Path(database.removeprefix("sqlite:///")).resolve())
    assert any(message == f"database: SQLite file {database_file}" for message in messages)
    assert any(message.startswith("functions: ") and "raise_custom" in message for message in messages)
    assert "started fails/run-1" in messages and "started works/run-2" in messages
    task = next(message for message in messages if message.startswith("task "))
    assert task.startswith("task lambda:invoke failed in fails/run-1: CustomError (")
    assert any(re.fullmatch(r"fails/run-1 FAILED after \d+\.\d{3} s: CustomError \(.+\)", m) for m in messages)
    assert any(re.fullmatch(r"works/run-2 SUCCEEDED after \d+\.\d{3} s", m) for m in messages)
    if log_format == "json":
        records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        end = next(record for record in records if record["message"].startswith("fails/run-1 FAILED"))
        assert end["status"] == "FAILED" and end["error"] == "CustomError" and end["execution_arn"] == failed
        assert end["logger"] == "sfn.executions" and end["level"] == "WARNING"
        assert isinstance(end["duration_seconds"], float)


def _messages(text: str, log_format: str) -> list[str]:
    """Each line's message: the JSON member, or the text after ``LEVEL logger: ``."""
    lines = [line for line in text.splitlines() if line.strip()]
    if log_format == "json":
        return [json.loads(line)["message"] for line in lines]
    return [line.split(": ", 1)[1] for line in lines if ": " in line]
