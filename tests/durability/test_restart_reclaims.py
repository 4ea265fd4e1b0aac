"""A single SQLite server killed with a call in flight: the restarted server takes that work back at
once, instead of waiting for the dead process's lease to run out."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import FUNCTIONS_DIR, ROLE_ARN, make_client
from tests.support.databases import sqlite_url
from tests.support.server import new_server
from tests.support.waiting import wait_for_status, wait_until

pytestmark = pytest.mark.slow
LEASE_SECONDS = 60
SLEEPY = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "sleepy", "Payload": {"seconds": 2}},
            "End": True,
        }
    },
}


def test_claimed_work_resumes_at_restart_not_after_the_lease(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    env = {"SFN_FUNCTIONS_DIR": str(FUNCTIONS_DIR), "SFN_LEASE_SECONDS": str(LEASE_SECONDS)}
    first = new_server(url, tmp_path / "first.log", env).start()
    sfn = make_client(first.endpoint)
    machine = sfn.create_state_machine(name="sleepy", definition=json.dumps(SLEEPY), roleArn=ROLE_ARN)
    execution = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]

    engine = sa.create_engine(url)

    def calling() -> bool:
        with engine.connect() as conn:
            return bool(conn.execute(sa.text("SELECT count(*) FROM work_items WHERE lease_owner IS NOT NULL")).scalar())

    wait_until(calling, 10, "the call in flight")
    engine.dispose()
    first.kill()

    second = new_server(url, tmp_path / "second.log", env, log_level="info")
    restarted = time.monotonic()
    second.start()
    try:
        described = wait_for_status(make_client(second.endpoint), execution, "SUCCEEDED", timeout=LEASE_SECONDS)
        assert time.monotonic() - restarted < LEASE_SECONDS / 2, "the work waited for the dead process's lease"
        assert json.loads(described["output"])["Payload"] == {"slept": 2}
        assert "took back 1 work items claimed before a crash" in (tmp_path / "second.log").read_text()
    finally:
        second.stop()
