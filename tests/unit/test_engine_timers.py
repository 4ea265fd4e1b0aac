"""Stop, the execution's TimeoutSeconds, and stale timers on the pure interpreter."""

from __future__ import annotations

from app.durable.statuses import ExecutionStatus
from app.durable.work import WorkKind
from app.engine.types import EngineOptions
from tests.unit.test_engine_harness import ACTIVITY_ARN, T0, Driver, machine

CALLBACK = "arn:aws:states:::lambda:invoke.waitForTaskToken"


def test_stop_aborts_with_error_and_cause_and_closes_tokens() -> None:
    definition = machine(
        {
            "Par": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": ACTIVITY_ARN, "End": True}}},
                    {
                        "StartAt": "B",
                        "States": {
                            "B": {
                                "Type": "Task",
                                "Resource": CALLBACK,
                                "Parameters": {"FunctionName": "f"},
                                "End": True,
                            }
                        },
                    },
                ],
                "End": True,
            }
        }
    )
    driver = Driver(definition).run()
    assert driver.status == ExecutionStatus.RUNNING
    tokens = [task.token for task in driver.tasks]
    assert len(tokens) == 2 and all(tokens)
    stopped = driver.stop("user.Stop", "no longer needed")
    assert stopped.status == ExecutionStatus.ABORTED
    assert [event.type for event in stopped.events] == ["ParallelStateAborted", "ExecutionAborted"]
    assert driver.details("ExecutionAborted") == {"error": "user.Stop", "cause": "no longer needed"}
    assert sorted(stopped.closed_tokens) == sorted(filter(None, tokens))
    assert (driver.error, driver.cause) == ("user.Stop", "no longer needed")
    root = stopped.snapshot.root
    assert root.state is None and root.failed_at == "Par"  # where a redrive would take it up
    assert root.children is not None and [child.timers for child in root.children.frames] == [{}, {}]


def test_stop_aborts_running_map_iterations_innermost_first() -> None:
    definition = machine(
        {
            "M": {
                "Type": "Map",
                "MaxConcurrency": 2,
                "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 50, "End": True}}},
                "End": True,
            }
        }
    )
    driver = Driver(definition, "[1, 2, 3]").run(fire_timers=False)
    stopped = driver.stop()
    assert [event.type for event in stopped.events] == [
        "MapIterationAborted",
        "MapIterationAborted",
        "MapStateAborted",
        "ExecutionAborted",
    ]
    assert [event.details for event in stopped.events[:2]] == [
        {"mapIterationAbortedEventDetails": {"name": "M", "index": 0}},
        {"mapIterationAbortedEventDetails": {"name": "M", "index": 1}},
    ]


def test_stop_without_error_or_cause() -> None:
    driver = Driver(machine({"W": {"Type": "Wait", "Seconds": 50, "End": True}})).run(fire_timers=False)
    driver.stop()
    assert driver.status == ExecutionStatus.ABORTED
    assert driver.details("ExecutionAborted") == {}


def test_execution_timeout_arms_a_timer_at_start() -> None:
    driver = Driver(machine({"W": {"Type": "Wait", "Seconds": 100, "End": True}}, TimeoutSeconds=30))
    first = driver.start()
    assert [(timer.kind, timer.due, timer.warn_at) for timer in first.timers] == [("timeout", T0 + 30, T0 + 24)]


def test_the_service_maximum_duration_applies_without_timeout_seconds() -> None:
    driver = Driver(
        machine({"W": {"Type": "Wait", "Seconds": 100, "End": True}}), options=EngineOptions(max_execution_seconds=50)
    )
    first = driver.start()
    assert [(timer.kind, timer.due, timer.warn_at) for timer in first.timers] == [("timeout", T0 + 50, T0 + 40)]


def test_execution_timeout_fires_before_a_longer_wait() -> None:
    driver = Driver(machine({"W": {"Type": "Wait", "Seconds": 100, "End": True}}, TimeoutSeconds=30)).run()
    assert driver.status == ExecutionStatus.TIMED_OUT
    assert driver.types == ["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"]
    assert driver.details("ExecutionTimedOut") == {"error": "States.Timeout"}
    assert driver.events[-1].timestamp == T0 + 30
    assert driver.error == "States.Timeout"
    # the Wait timer is still queued but the execution is over
    assert [timer.due for timer in driver.timers] == [T0 + 100]


def test_execution_timeout_closes_a_pending_token() -> None:
    driver = Driver(machine({"T": {"Type": "Task", "Resource": ACTIVITY_ARN, "End": True}}, TimeoutSeconds=5)).run()
    assert driver.status == ExecutionStatus.TIMED_OUT
    assert driver.closed_tokens == [driver.tasks[0].token]


def test_an_execution_that_ends_first_ignores_its_timeout() -> None:
    driver = Driver(machine({"W": {"Type": "Wait", "Seconds": 3, "End": True}}, TimeoutSeconds=30)).run()
    assert driver.status == "SUCCEEDED"
    assert [timer.kind for timer in driver.timers] == ["timeout"]


def test_wait_time_scale_does_not_scale_the_execution_timeout() -> None:
    driver = Driver(
        machine({"W": {"Type": "Wait", "Seconds": 100, "End": True}}, TimeoutSeconds=30),
        options=EngineOptions(wait_time_scale=0.01),
    ).run()
    assert driver.status == "SUCCEEDED"


def test_timers_of_a_state_that_moved_on_are_stale() -> None:
    definition = machine(
        {
            "T": {"Type": "Task", "Resource": ACTIVITY_ARN, "TimeoutSeconds": 10, "Next": "W"},
            "W": {"Type": "Wait", "Seconds": 10, "End": True},
        }
    )
    driver = Driver(definition).run(fire_timers=False)
    (timeout,) = driver.timers
    driver.news(driver.tasks[0], "succeeded", output={})
    (wait,) = [timer for timer in driver.timers if timer is not timeout]
    assert wait.due == timeout.due  # same instant, different purpose
    stale = driver.advance(driver.trigger(WorkKind.TIMER, timer_id=timeout.timer_id))
    assert stale.events == [] and not stale.changed
    driver.fire(wait)
    assert driver.status == "SUCCEEDED"
