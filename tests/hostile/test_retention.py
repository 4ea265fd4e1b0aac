"""Retention: closed executions go with their history after SFN_RETENTION_DAYS; running ones stay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import errors
from app.clock import FakeClock
from app.executions.runtime import build_runtime
from app.scheduler.loop import RETENTION_BATCH, Scheduler
from app.scheduler.tasks import TaskRunner
from app.service import executions, state_machines
from app.settings import Settings
from app.store import migrate
from tests.conftest import ROLE_ARN

DAY = 86_400.0


def test_closed_executions_are_deleted_after_the_retention(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'retention.db'}"
    migrate.upgrade(url)
    clock = FakeClock()
    runtime = build_runtime(Settings(database_url=url, retention_days=90), clock)
    try:
        done = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
        waiting = json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 99999999, "End": True}}})
        short = state_machines.create(runtime, name="short", definition=done, role_arn=ROLE_ARN)["stateMachineArn"]
        long = state_machines.create(runtime, name="long", definition=waiting, role_arn=ROLE_ARN)["stateMachineArn"]
        old = [executions.start(runtime, short)["executionArn"] for _ in range(RETENTION_BATCH + 5)]
        running = executions.start(runtime, long)["executionArn"]
        clock.advance(60 * DAY)
        recent = executions.start(runtime, short)["executionArn"]
        clock.advance(31 * DAY)  # the old ones closed 91 days ago, the recent one 31
        scheduler = Scheduler(runtime, TaskRunner(runtime, caller=None, threads=1))  # type: ignore[arg-type]
        assert scheduler.sweep() is True  # a full batch: more are waiting
        assert scheduler.sweep() is False  # the rest
        assert scheduler.sweep() is False  # not due again before a minute
        for arn in old[:3] + old[-3:]:
            with pytest.raises(errors.ExecutionDoesNotExist):
                executions.describe(runtime, arn)
            with pytest.raises(errors.ExecutionDoesNotExist):
                executions.history(runtime, arn)
        assert executions.describe(runtime, recent)["status"] == "SUCCEEDED"
        assert executions.describe(runtime, running)["status"] == "RUNNING"
        listed = executions.list_page(runtime, state_machine_arn=short)["executions"]
        assert [item["executionArn"] for item in listed] == [recent]
    finally:
        runtime.close()
