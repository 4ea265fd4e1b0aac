"""Redrive on the pure engine: what runs again, what is kept, and the events it writes."""

from __future__ import annotations

from typing import Any

from app.durable.statuses import ExecutionStatus
from app.engine.types import TaskInvocation
from tests.unit.test_engine_harness import Driver

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:work"


def flaky_until_redriven(failures: dict[str, int]) -> Any:
    """A responder whose tasks named in ``failures`` fail that many times, then echo their input."""
    calls: dict[str, int] = {}

    def respond(task: TaskInvocation) -> list[dict[str, Any]]:
        name = str(task.input["name"])
        calls[name] = calls.get(name, 0) + 1
        if calls[name] <= failures.get(name, 0):
            return [{"phase": "failed", "error": "Flaky", "cause": name}]
        return [{"phase": "succeeded", "output": {"done": name, "call": calls[name]}}]

    respond.calls = calls  # type: ignore[attr-defined]
    return respond


def ended_as(driver: Driver) -> ExecutionStatus:
    """The driver's status, read through a call (the checker would keep an earlier assert's narrowing)."""
    return driver.status


def task(name: str) -> dict[str, Any]:
    return {"Type": "Task", "Resource": LAMBDA, "Parameters": {"name": name}, "End": True}


def test_a_parallel_runs_only_its_failed_branch_again() -> None:
    responder = flaky_until_redriven({"b": 1})
    definition = {
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "A", "States": {"A": task("a")}},
                    {"StartAt": "B", "States": {"B": task("b")}},
                ],
                "End": True,
            }
        },
    }
    driver = Driver(definition, responder=responder).run()
    assert driver.status == ExecutionStatus.FAILED
    failed_events = len(driver.events)
    redriven = driver.redrive()
    assert [event.type for event in redriven.events] == ["ExecutionRedriven"]
    assert redriven.events[0].details == {"executionRedrivenEventDetails": {"redriveCount": 1}}
    driver.run()
    assert ended_as(driver) == ExecutionStatus.SUCCEEDED
    assert responder.calls == {"a": 1, "b": 2}
    assert driver.output is not None and '"call":1' in driver.output and '"call":2' in driver.output
    after = [event.type for event in driver.events[failed_events:]]
    assert after.count("TaskStateEntered") == 1 and "ParallelStateEntered" not in after


def test_a_map_keeps_its_successful_iterations() -> None:
    responder = flaky_until_redriven({"2": 1})
    item_task = {"Type": "Task", "Resource": LAMBDA, "Parameters": {"name.$": "$.name"}, "End": True}
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "MaxConcurrency": 1,
                "ItemSelector": {"name.$": "States.Format('{}', $$.Map.Item.Value)"},
                "ItemProcessor": {"StartAt": "T", "States": {"T": item_task}},
                "End": True,
            }
        },
    }
    driver = Driver(definition, raw_input="[1, 2, 3]", responder=responder).run()
    assert driver.status == ExecutionStatus.FAILED
    assert responder.calls == {"1": 1, "2": 1}  # item 3 never started: the Map failed first
    driver.redrive()
    driver.run()
    assert ended_as(driver) == ExecutionStatus.SUCCEEDED
    assert responder.calls == {"1": 1, "2": 2, "3": 1}


def test_a_redrive_arms_a_deadline_of_its_own() -> None:
    driver = Driver(
        {"TimeoutSeconds": 10, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}}
    )
    driver.run()
    assert driver.status == ExecutionStatus.TIMED_OUT
    driver.now += 3600
    redriven = driver.redrive()
    deadlines = [timer.due for timer in redriven.timers if timer.timer_id == 0]
    assert deadlines == [driver.now + 10]
