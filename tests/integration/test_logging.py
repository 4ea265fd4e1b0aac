"""The server's log lines: one format for all of them, JSON objects with SFN_LOG_FORMAT=json."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROLE_ARN, make_client
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
