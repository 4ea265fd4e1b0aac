"""Payloads and failures that must not wedge an execution: lone surrogates, unreadable state, repeated failure."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from mypy_boto3_stepfunctions import SFNClient

from app.codec import MAX_DEPTH, dumps, dumps_stored, loads, loads_stored
from app.durable.news import TaskNews, succeeded
from app.durable.work import MAX_ATTEMPTS, Invocation
from app.executions.runtime import build_runtime
from app.integrations.functions.loader import shown_path
from app.scheduler.loop import Scheduler
from app.scheduler.tasks import TaskRunner
from app.server_process import free_port
from app.service import executions as execution_service
from app.service import state_machines
from app.settings import Settings
from app.store import executions, migrate, work_items
from app.store.tables import executions as executions_table
from tests.conftest import ROLE_ARN, CreateMachine
from tests.support.waiting import wait_for_status, wait_until

SURROGATE_ARN = "arn:aws:lambda:us-east-1:123456789012:function:surrogate"


def test_a_lone_surrogate_is_written_as_an_escape() -> None:
    value = {"text": "a\ud800b"}
    for text in (dumps(value), dumps_stored(value)):
        text.encode("utf-8")  # valid UTF-8: any database stores it
        assert "\\ud800" in text
    assert loads(dumps(value)) == value
    assert loads_stored(dumps_stored(value)) == value


def test_a_function_result_with_a_lone_surrogate_ends_the_execution(
    sfn: SFNClient, create_machine: CreateMachine
) -> None:
    machine = create_machine(
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": SURROGATE_ARN, "End": True}}}
    )
    execution = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    done = wait_for_status(sfn, execution, "SUCCEEDED", timeout=20)
    assert json.loads(done["output"]) == {"text": "\ud800"}
    assert sfn.get_execution_history(executionArn=execution)["events"][-1]["type"] == "ExecutionSucceeded"


def test_an_execution_that_cannot_advance_fails_after_bounded_retries(tmp_path: Path) -> None:
    """Its snapshot unreadable, the execution's work fails every time: after MAX_ATTEMPTS it is FAILED."""
    url = f"sqlite:///{tmp_path / 'poison.db'}"
    migrate.upgrade(url)
    runtime = build_runtime(Settings(database_url=url, wait_time_scale=0.001))
    try:
        definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": True}}}
        machine = state_machines.create(runtime, name="poison", definition=json.dumps(definition), role_arn=ROLE_ARN)
        arn = execution_service.start(runtime, machine["stateMachineArn"])["executionArn"]
        with runtime.db.write() as conn:
            conn.execute(sa.update(executions_table).where(executions_table.c.arn == arn).values(snapshot="{broken"))
        scheduler = Scheduler(runtime, TaskRunner(runtime, caller=None, threads=1))  # type: ignore[arg-type]
        for _ in range(MAX_ATTEMPTS):
            with runtime.db.write() as conn:  # make the timer due now, as the clock would
                conn.execute(sa.text("UPDATE work_items SET visible_at = 0"))
            items = scheduler._claim()
            assert items, "the failing work stays queued until the last attempt"
            scheduler._process(items)
        with runtime.db.read() as conn:
            row = executions.get(conn, arn)
            assert row is not None and row.status == "FAILED" and row.error == "States.Runtime"
            assert "could not take its next step" in (row.cause or "")
            assert work_items.next_due(conn) is None
        history = execution_service.history(runtime, arn, include_execution_data=False)["events"]
        assert [event["type"] for event in history][-1] == "ExecutionFailed"
    finally:
        runtime.close()


def test_values_nested_past_the_bound_are_refused() -> None:
    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    for text in (deep, deep.encode(), '{"n": 12345678901234567890, "x": ' + deep + "}"):
        with pytest.raises(ValueError, match="too deep"):
            loads(text)
    within = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert loads(dumps(loads(within))) == loads(within)


def test_a_function_s_stack_trace_tells_no_host_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LAMBDA_TASK_ROOT", str(tmp_path))
    assert shown_path(str(tmp_path / "pkg" / "handler.py")) == "/var/task/pkg/handler.py"
    assert shown_path("/usr/lib/python3.11/json/decoder.py") == "decoder.py"


class _UnreachableAtFirst:
    """A caller whose first calls meet a database that refuses connections (a closed port), then answer."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.calls = 0

    def call(self, execution_arn: str, invocation: Invocation) -> TaskNews | None:
        self.calls += 1
        if self.calls <= self.refusals:
            with sa.create_engine(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none").connect():
                pass
        return succeeded(invocation.task_id, {"called": self.calls})


def _called(caller: _UnreachableAtFirst, tasks: TaskRunner, times: int) -> bool:
    """The caller was called ``times`` times and the runner is done with the call's news."""
    return caller.calls == times and not tasks._in_flight


def test_a_task_call_that_finds_the_database_out_of_reach_is_made_again_not_failed(tmp_path: Path) -> None:
    """The server's fault is not the task's: the call is made again later (a bounded number of times)."""
    url = f"sqlite:///{tmp_path / 'unreachable.db'}"
    migrate.upgrade(url)
    runtime = build_runtime(Settings(database_url=url))
    caller = _UnreachableAtFirst(refusals=2)
    tasks = TaskRunner(runtime, caller=caller, threads=1)
    try:
        resource = "arn:aws:lambda:us-east-1:123456789012:function:anything"
        definition = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True}}}
        machine = state_machines.create(
            runtime, name="unreachable", definition=json.dumps(definition), role_arn=ROLE_ARN
        )
        arn = execution_service.start(runtime, machine["stateMachineArn"])["executionArn"]
        scheduler = Scheduler(runtime, tasks)
        for attempt in range(1, 4):
            with runtime.db.write() as conn:  # the retry is due now, as the clock would make it
                conn.execute(sa.text("UPDATE work_items SET visible_at = 0, lease_owner = NULL WHERE kind = 'invoke'"))
            scheduler._process(scheduler._claim())
            wait_until(functools.partial(_called, caller, tasks, attempt), 10, f"call {attempt}")
            with runtime.db.read() as conn:
                row = executions.get(conn, arn)
                assert row is not None
            assert row.status == ("RUNNING" if attempt < 3 else "SUCCEEDED"), attempt
        assert row is not None and row.output is not None and loads(row.output) == {"called": 3}
    finally:
        tasks.stop()
        runtime.close()
