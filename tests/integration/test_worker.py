"""``sfn worker``: a scheduler without the API runs what a server that schedules nothing accepted,
Express children included, and stops on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROLE_ARN, make_client
from tests.support.databases import create_postgres_database, drop_postgres_database
from tests.support.server import POLL_SECONDS, new_server
from tests.support.waiting import wait_for_status

pytestmark = pytest.mark.postgres  # SQLite serves one process
CHILD = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "child", "End": True}}}


def test_a_worker_runs_what_the_server_accepted(tmp_path: Path) -> None:
    url = create_postgres_database()
    server = new_server(url, tmp_path / "server.log", {"SFN_RUN_SCHEDULER": "false"}).start()
    env = {**os.environ, "SFN_DATABASE_URL": url, "SFN_POLL_SECONDS": POLL_SECONDS, "SFN_PUBLIC_URL": server.endpoint}
    with (tmp_path / "worker.log").open("wb") as log:
        worker = subprocess.Popen([sys.executable, "-m", "app.cli", "worker"], env=env, stdout=log, stderr=log)
    try:
        sfn = make_client(server.endpoint)
        child = sfn.create_state_machine(name="child", definition=json.dumps(CHILD), roleArn=ROLE_ARN, type="EXPRESS")
        parent = {
            "StartAt": "Start",
            "States": {
                "Start": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::states:startExecution",
                    "Parameters": {"StateMachineArn": child["stateMachineArn"]},
                    "End": True,
                }
            },
        }
        machine = sfn.create_state_machine(name="parent", definition=json.dumps(parent), roleArn=ROLE_ARN)
        execution = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
        output = json.loads(wait_for_status(sfn, execution, "SUCCEEDED")["output"])
        assert ":express:child:" in output["ExecutionArn"]
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
        server.stop()
        drop_postgres_database(url)
