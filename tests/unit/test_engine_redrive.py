"""Redrive on the pure engine: what runs again, what is kept, and the events it writes."""

from __future__ import annotations

from typing import Any

from app.durable.statuses import ExecutionStatus
from app.durable.work import MAP_CHILD, RESULT_WRITER
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


def test_a_distributed_map_redrives_the_unsuccessful_children_of_its_map_run() -> None:
    processor = {
        "ProcessorConfig": {"Mode": "DISTRIBUTED"},
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "End": True}},
    }
    definition = {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "ItemProcessor": processor, "End": True}}}
    driver = Driver(definition, raw_input="[0, 1, 2]").run(fire_timers=False)
    [start] = [task for task in driver.tasks if task.resource == MAP_CHILD]
    assert (start.input["Action"], start.input["From"], start.input["To"]) == ("Start", 0, 3)
    driver.news(start, "succeeded", items=1)
    driver.news(start, "failed", error="Odd", cause="one", items=1)  # the run fails; child 2 is stopped with it
    assert driver.status == ExecutionStatus.FAILED
    stop = driver.tasks[-1]
    assert (stop.resource, stop.input["Action"], stop.input["To"]) == (MAP_CHILD, "Stop", 3)
    redriven = driver.redrive()
    assert [event.type for event in redriven.events] == ["ExecutionRedriven", "MapRunRedriven"]
    run_arn = start.input["MapRunArn"]
    assert redriven.events[1].details == {"mapRunRedrivenEventDetails": {"mapRunArn": run_arn, "redriveCount": 1}}
    assert redriven.reopened_map_runs == [run_arn]  # kept and reopened in the store with the redrive
    [again] = [task for task in redriven.tasks if task.resource == MAP_CHILD]
    assert (again.input["Action"], again.input["From"], again.input["To"]) == ("Redrive", 0, 3)
    assert again.task_id != start.task_id  # the children redriven report to the run's new task
    driver.news(again, "succeeded", items=1)
    driver.news(again, "succeeded", items=1)
    assert str(driver.status) == ExecutionStatus.RUNNING  # until the answer tells how many had succeeded
    driver.news(again, "submitted", output={"Succeeded": 1, "Items": 1})
    [gather] = [task for task in driver.tasks[-1:] if task.resource == RESULT_WRITER]
    assert gather.input == {
        "Resource": None,
        "MapRunArn": run_arn,
        "Children": 3,
        "Gather": True,
        "ExecutionType": "STANDARD",
        "StateName": "Fan",
    }
    driver.news(gather, "succeeded", output=[0, 1, 2])
    assert ended_as(driver) == ExecutionStatus.SUCCEEDED
    assert driver.result == [0, 1, 2]
    assert [event.type for event in driver.events[-3:]] == ["MapRunSucceeded", "MapStateExited", "ExecutionSucceeded"]


def test_a_redriven_map_run_runs_its_children_again_within_max_concurrency() -> None:
    processor = {
        "ProcessorConfig": {"Mode": "DISTRIBUTED"},
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "End": True}},
    }
    state = {"Type": "Map", "ItemProcessor": processor, "MaxConcurrency": 100, "End": True}
    driver = Driver({"StartAt": "Fan", "States": {"Fan": state}}, raw_input=str(list(range(300)))).run(
        fire_timers=False
    )
    [start] = [task for task in driver.tasks if task.resource == MAP_CHILD]
    for _ in range(5):
        driver.news(start, "succeeded", items=1)
    driver.news(start, "failed", error="E", cause="c", items=1)  # 6 ended of 110 started; the run fails
    assert driver.status == ExecutionStatus.FAILED
    redriven = driver.redrive()

    def ranges() -> list[tuple[int, int]]:
        return [
            (task.input["From"], task.input["To"])
            for task in driver.tasks
            if task.resource == MAP_CHILD and task.input["Action"] == "Redrive"
        ]

    assert ranges() == [(0, 100)], "no more than MaxConcurrency at once, as when the run began"
    [again] = [task for task in redriven.tasks if task.resource == MAP_CHILD]
    driver.news(again, "submitted", output={"Succeeded": 5, "Items": 5})  # the range's children that had succeeded
    assert ranges() == [(0, 100)], "five free: fewer than a tenth of MaxConcurrency"
    for _ in range(5):
        driver.news(again, "succeeded", items=1)
    assert ranges() == [(0, 100), (100, 110)]
    [record] = driver.snapshot.map_runs
    assert (record.started, record.ended, record.failures, record.succeeded_items) == (110, 10, 0, 10)
