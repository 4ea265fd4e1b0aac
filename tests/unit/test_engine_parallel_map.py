"""Parallel and Map on the pure interpreter: result order, item selection, concurrency, tolerated failures."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.durable import snapshot as snapshots
from app.durable.statuses import ExecutionStatus
from app.engine.types import EngineOptions
from tests.unit.test_engine_harness import ACTIVITY_ARN, Driver, details_of, echo, execute, machine


def branch(*states: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {"StartAt": states[0][0], "States": dict(states)}


def wait_then(seconds: int, result: Any) -> dict[str, Any]:
    return branch(
        ("W", {"Type": "Wait", "Seconds": seconds, "Next": "R"}), ("R", {"Type": "Pass", "Result": result, "End": True})
    )


# --- Parallel ------------------------------------------------------------------------------------
def test_parallel_results_follow_branch_order_not_completion_order() -> None:
    definition = machine(
        {
            "P": {
                "Type": "Parallel",
                "Branches": [wait_then(30, "slow"), wait_then(1, "fast"), wait_then(10, "mid")],
                "End": True,
            }
        }
    )
    driver = Driver(definition).run(fire_timers=False)
    assert sorted(timer.due - driver.now for timer in driver.timers) == [1, 10, 30]
    driver.run()
    assert driver.result == ["slow", "fast", "mid"]
    assert driver.types[:3] == ["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted"]
    assert driver.types[-2:] == ["ParallelStateExited", "ExecutionSucceeded"]
    exits = [details_of(event)["stateExitedEventDetails"]["output"] for event in driver.of_type("PassStateExited")]
    assert exits == ['"fast"', '"mid"', '"slow"']  # completion order in the history


def test_parallel_branches_get_the_effective_input_and_result_path_applies() -> None:
    echo = branch(("E", {"Type": "Pass", "End": True}))
    definition = machine(
        {
            "P": {
                "Type": "Parallel",
                "Branches": [echo, branch(("X", {"Type": "Pass", "Parameters": {"x.$": "$.v"}, "End": True}))],
                "Parameters": {"v.$": "$.a"},
                "ResultSelector": {"first.$": "$[0]", "second.$": "$[1].x"},
                "ResultPath": "$.out",
                "End": True,
            }
        }
    )
    assert execute(definition, {"a": 7}).result == {"a": 7, "out": {"first": {"v": 7}, "second": 7}}


def test_a_failing_branch_fails_the_parallel() -> None:
    definition = machine(
        {
            "P": {
                "Type": "Parallel",
                "Branches": [wait_then(5, "ok"), branch(("F", {"Type": "Fail", "Error": "Oops", "Cause": "bad"}))],
                "End": True,
            }
        }
    )
    run = execute(definition)
    assert run.status == ExecutionStatus.FAILED
    assert (run.error, run.cause) == ("Oops", "bad")
    assert run.types[-2:] == ["ParallelStateFailed", "ExecutionFailed"]
    assert "ParallelStateExited" not in run.types


def test_a_failing_parallel_closes_the_tokens_of_its_other_branches() -> None:
    activity = branch(("T", {"Type": "Task", "Resource": ACTIVITY_ARN, "End": True}))
    definition = machine(
        {"P": {"Type": "Parallel", "Branches": [activity, branch(("F", {"Type": "Fail", "Error": "E"}))], "End": True}}
    )
    run = execute(definition)
    assert run.status == ExecutionStatus.FAILED
    assert [task.token for task in run.tasks] == run.closed_tokens


def test_a_caught_parallel_failure_closes_the_tokens_of_its_other_branches() -> None:
    activity = branch(("T", {"Type": "Task", "Resource": ACTIVITY_ARN, "End": True}))
    definition = machine(
        {
            "P": {
                "Type": "Parallel",
                "Branches": [activity, branch(("F", {"Type": "Fail", "Error": "E"}))],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Pass", "End": True},
        }
    )
    run = execute(definition)
    assert run.status == ExecutionStatus.SUCCEEDED
    assert len(run.tasks) == 1
    assert run.closed_tokens == [run.tasks[0].token]


def test_nested_parallel_output() -> None:
    inner = {"Type": "Parallel", "Branches": [branch(("I", {"Type": "Pass", "End": True}))], "End": True}
    definition = machine({"Outer": {"Type": "Parallel", "Branches": [branch(("Inner", inner))], "End": True}})
    assert execute(definition, {"k": 1}).result == [[{"k": 1}]]


# --- Map -----------------------------------------------------------------------------------------
def item_wait_map(**fields: Any) -> dict[str, Any]:
    processor = branch(
        ("W", {"Type": "Wait", "SecondsPath": "$.s", "Next": "R"}),
        ("R", {"Type": "Pass", "InputPath": "$.v", "End": True}),
    )
    return machine({"M": {"Type": "Map", "ItemProcessor": processor, "End": True, **fields}})


def test_map_results_follow_item_order() -> None:
    items = [{"s": 30, "v": "a"}, {"s": 1, "v": "b"}, {"s": 10, "v": "c"}]
    run = execute(item_wait_map(), items)
    assert run.result == ["a", "b", "c"]
    assert run.details("MapStateStarted") == {"length": 3}
    assert [run.details("MapIterationStarted", i) for i in range(3)] == [{"name": "M", "index": i} for i in range(3)]
    finished = [run.details("MapIterationSucceeded", i)["index"] for i in range(3)]
    assert finished == [1, 2, 0]
    assert run.types[-3:] == ["MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]


def test_map_max_concurrency_one_runs_iterations_one_after_another() -> None:
    items = [{"s": 3, "v": 1}, {"s": 1, "v": 2}, {"s": 2, "v": 3}]
    driver = Driver(item_wait_map(MaxConcurrency=1), json.dumps(items)).run(fire_timers=False)
    assert len(driver.timers) == 1
    assert driver.types.count("MapIterationStarted") == 1
    driver.run()
    assert driver.result == [1, 2, 3]
    map_events = [
        (event.type, next(iter(details_of(event).values()))["index"])
        for event in driver.events
        if event.type.startswith("MapIteration")
    ]
    assert map_events == [
        ("MapIterationStarted", 0),
        ("MapIterationSucceeded", 0),
        ("MapIterationStarted", 1),
        ("MapIterationSucceeded", 1),
        ("MapIterationStarted", 2),
        ("MapIterationSucceeded", 2),
    ]


def test_map_max_concurrency_two_keeps_two_running() -> None:
    items = [{"s": 5, "v": 1}, {"s": 1, "v": 2}, {"s": 1, "v": 3}, {"s": 1, "v": 4}]
    driver = Driver(item_wait_map(MaxConcurrency=2), json.dumps(items)).run(fire_timers=False)
    assert driver.types.count("MapIterationStarted") == 2
    driver.fire(min(driver.timers, key=lambda timer: timer.due))
    assert driver.types.count("MapIterationStarted") == 3
    assert driver.run().result == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "last_state",
    [
        {"Type": "Wait", "Seconds": 1, "End": True},
        {"Type": "Task", "Resource": ACTIVITY_ARN, "End": True},
    ],
    ids=["wait", "task"],
)
def test_an_iteration_that_ends_on_a_trigger_is_recorded_and_makes_room(last_state: dict[str, Any]) -> None:
    """The last state of an iteration ends when its timer fires or its task answers, outside any drive of
    the Map: the iteration's end is still recorded, and the next item starts."""
    processor = branch(("Last", last_state))
    definition = machine({"M": {"Type": "Map", "MaxConcurrency": 1, "ItemProcessor": processor, "End": True}})
    run = Driver(definition, json.dumps([1, 2, 3]), responder=echo).run()
    assert run.result == [1, 2, 3]
    assert run.types.count("MapIterationSucceeded") == 3
    assert run.types.index("MapIterationSucceeded") < run.types.index("MapIterationStarted", 4)


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        (
            {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value", "tag.$": "$.tag"},
            [{"index": 0, "value": "x", "tag": "T"}, {"index": 1, "value": "y", "tag": "T"}],
        ),
        ({"v.$": "$$.Map.Item.Value", "name.$": "$$.State.Name"}, [{"v": "x", "name": "M"}, {"v": "y", "name": "M"}]),
    ],
)
def test_map_item_selector_sees_the_map_item_and_the_state_input(selector: dict[str, Any], expected: Any) -> None:
    definition = machine(
        {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": selector,
                "ItemProcessor": branch(("P", {"Type": "Pass", "End": True})),
                "End": True,
            }
        }
    )
    assert execute(definition, {"items": ["x", "y"], "tag": "T"}).result == expected


def test_map_jsonata_items_and_item_selector() -> None:
    definition = machine(
        {
            "M": {
                "Type": "Map",
                "Items": "{% $states.input.list %}",
                "ItemSelector": {
                    "i": "{% $states.context.Map.Item.Index %}",
                    "v": "{% $states.context.Map.Item.Value * 2 %}",
                },
                "ItemProcessor": branch(("P", {"Type": "Pass", "End": True})),
                "End": True,
            }
        },
        QueryLanguage="JSONata",
    )
    assert execute(definition, {"list": [5, 6]}).result == [{"i": 0, "v": 10}, {"i": 1, "v": 12}]


def test_empty_map() -> None:
    run = execute(item_wait_map(), [])
    assert run.result == []
    assert run.details("MapStateStarted") == {"length": 0}
    assert run.types == [
        "ExecutionStarted",
        "MapStateEntered",
        "MapStateStarted",
        "MapStateSucceeded",
        "MapStateExited",
        "ExecutionSucceeded",
    ]


def test_map_over_a_non_array_is_a_runtime_error() -> None:
    run = execute(item_wait_map(ItemsPath="$.x"), {"x": {"not": "a list"}})
    assert run.status == ExecutionStatus.FAILED
    assert run.error == "States.Runtime"
    assert run.types == ["ExecutionStarted", "MapStateEntered", "MapStateFailed", "ExecutionFailed"]


def failing_map(**fields: Any) -> dict[str, Any]:
    processor = branch(
        ("C", {"Type": "Choice", "Choices": [{"Variable": "$", "NumericLessThan": 0, "Next": "F"}], "Default": "OK"}),
        ("F", {"Type": "Fail", "Error": "Negative", "Cause": "below zero"}),
        ("OK", {"Type": "Pass", "End": True}),
    )
    return machine({"M": {"Type": "Map", "ItemProcessor": processor, "MaxConcurrency": 1, "End": True, **fields}})


def test_a_failed_iteration_fails_the_map_with_its_error() -> None:
    run = execute(failing_map(), [1, -1, 2])
    assert run.status == ExecutionStatus.FAILED
    assert (run.error, run.cause) == ("Negative", "below zero")
    assert run.types[-3:] == ["MapIterationFailed", "MapStateFailed", "ExecutionFailed"]
    assert run.details("MapIterationFailed") == {"name": "M", "index": 1}
    assert run.types.count("MapIterationStarted") == 2  # item 2 never starts


@pytest.mark.parametrize(
    ("fields", "items", "status"),
    [
        ({"ToleratedFailureCount": 1}, [1, -1, 2], ExecutionStatus.SUCCEEDED),
        ({"ToleratedFailureCount": 1}, [-1, -1, 2], ExecutionStatus.FAILED),
        ({"ToleratedFailureCount": 0}, [1, -1], ExecutionStatus.FAILED),
        ({"ToleratedFailurePercentage": 50}, [1, -1, 2, -2], ExecutionStatus.SUCCEEDED),
        ({"ToleratedFailurePercentage": 50}, [1, -1, -2, -3], ExecutionStatus.FAILED),
        ({"ToleratedFailurePercentage": 100}, [-1, -2], ExecutionStatus.SUCCEEDED),
    ],
)
def test_tolerated_failures(fields: dict[str, Any], items: list[int], status: str) -> None:
    run = execute(failing_map(**fields), items)
    assert run.status == status
    if status == ExecutionStatus.FAILED:
        assert run.error == "States.ExceedToleratedFailureThreshold"
        assert run.types[-2:] == ["MapStateFailed", "ExecutionFailed"]
    else:
        assert run.types.count("MapIterationFailed") == sum(item < 0 for item in items)
        result = run.result
        assert [entry for entry, item in zip(result, items, strict=True) if item >= 0] == [i for i in items if i >= 0]


def test_nested_map_sees_its_own_item() -> None:
    inner = {
        "Type": "Map",
        "ItemSelector": {"outer.$": "$.o", "inner.$": "$$.Map.Item.Index"},
        "ItemsPath": "$.list",
        "ItemProcessor": branch(("P", {"Type": "Pass", "End": True})),
        "End": True,
    }
    definition = machine(
        {
            "Outer": {
                "Type": "Map",
                "ItemSelector": {"o.$": "$$.Map.Item.Index", "list.$": "$$.Map.Item.Value"},
                "ItemProcessor": branch(("Inner", inner)),
                "End": True,
            }
        }
    )
    run = execute(definition, [["a", "b"], ["c"]])
    assert run.result == [[{"outer": 0, "inner": 0}, {"outer": 0, "inner": 1}], [{"outer": 1, "inner": 0}]]
    assert [run.details("MapStateStarted", i)["length"] for i in range(3)] == [2, 2, 1]


def test_map_with_a_waiting_task_keeps_running_until_news() -> None:
    definition = machine(
        {
            "M": {
                "Type": "Map",
                "ItemProcessor": branch(("T", {"Type": "Task", "Resource": ACTIVITY_ARN, "End": True})),
                "End": True,
            }
        }
    )
    driver = Driver(definition, "[1, 2]").run()
    assert driver.status == ExecutionStatus.RUNNING
    assert [task.input for task in driver.tasks] == [1, 2]
    assert all(task.token for task in driver.tasks)
    for task in reversed(driver.tasks):
        driver.news(task, "succeeded", output={"done": task.input})
    assert driver.result == [{"done": 1}, {"done": 2}]


def test_a_retried_parallel_closes_the_tokens_of_its_old_branches() -> None:
    activity = branch(("T", {"Type": "Task", "Resource": ACTIVITY_ARN, "End": True}))
    definition = machine(
        {
            "P": {
                "Type": "Parallel",
                "Branches": [activity, branch(("F", {"Type": "Fail", "Error": "E"}))],
                "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 1}],
                "End": True,
            }
        }
    )
    driver = Driver(definition).run(fire_timers=False)
    assert len(driver.tasks) == 1
    assert driver.closed_tokens == [driver.tasks[0].token]


def test_a_map_failed_by_an_expression_in_an_iteration_records_one_evaluation_failure() -> None:
    iteration = branch(("E", {"Type": "Pass", "Output": "{% $missing %}", "End": True}))
    definition = machine({"M": {"Type": "Map", "Items": [1], "ItemProcessor": iteration, "End": True}})
    definition["QueryLanguage"] = "JSONata"
    run = execute(definition)
    assert run.status == ExecutionStatus.FAILED
    assert run.error == "States.QueryEvaluationError"
    assert run.types.count("EvaluationFailed") == 1
    assert run.types[-4:] == ["EvaluationFailed", "MapIterationFailed", "MapStateFailed", "ExecutionFailed"]


ONE_PASS_MAP = machine(
    {
        "M": {
            "Type": "Map",
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
            "End": True,
        }
    }
)


def test_a_map_whose_iterations_cannot_fit_in_the_history_fails_before_building_them() -> None:
    driver = Driver(ONE_PASS_MAP, json.dumps(list(range(13_000))), EngineOptions(max_history_events=25_000)).run()
    assert (driver.status, driver.error) == (ExecutionStatus.FAILED, "States.Runtime")
    assert "limit of 25000 history events" in (driver.cause or "")
    assert [event.type for event in driver.events][-1] == "ExecutionFailed"
    assert len(driver.events) < 10, "no iteration was started"


def test_a_map_that_fits_in_the_history_runs() -> None:
    driver = Driver(ONE_PASS_MAP, json.dumps(list(range(100))), EngineOptions(max_history_events=25_000)).run()
    assert driver.status == ExecutionStatus.SUCCEEDED


# --- what a Map holds ----------------------------------------------------------------------------
@pytest.mark.parametrize("fields", [{}, {"MaxConcurrency": 0}, {"MaxConcurrency": 100}])
def test_an_inline_map_runs_at_most_40_iterations_at_once(fields: dict[str, Any]) -> None:
    items = [{"s": 1 + index % 7, "v": index} for index in range(100)]
    driver = Driver(item_wait_map(**fields), json.dumps(items)).run(fire_timers=False)
    assert driver.types.count("MapIterationStarted") == 40
    assert driver.run().result == list(range(100))


KIB_10 = "x" * 10_240
BIG_PASS = {"Type": "Pass", "Result": KIB_10, "End": True}
BIG_VALUE = "y" * 100_000


def test_a_map_whose_results_outgrow_the_payload_quota_fails_when_they_do() -> None:
    """Results of 10 KiB each: the 26th takes the result array over 256 KiB, and no more iterations start."""
    definition = machine(
        {"M": {"Type": "Map", "MaxConcurrency": 1, "End": True, "ItemProcessor": branch(("R", BIG_PASS))}}
    )
    driver = Driver(definition, json.dumps(list(range(100)))).run()
    assert (driver.status, driver.error) == (ExecutionStatus.FAILED, "States.DataLimitExceeded")
    assert driver.types.count("MapIterationStarted") == driver.types.count("MapIterationSucceeded") == 26
    assert driver.types[-2:] == ["MapStateFailed", "ExecutionFailed"]


def test_a_map_over_the_payload_quota_can_be_caught() -> None:
    definition = machine(
        {
            "M": {
                "Type": "Map",
                "ItemProcessor": branch(("R", BIG_PASS)),
                "Catch": [{"ErrorEquals": ["States.DataLimitExceeded"], "Next": "Handled"}],
                "End": True,
            },
            "Handled": {"Type": "Pass", "Result": "handled", "End": True},
        }
    )
    assert execute(definition, list(range(100))).result == "handled"


def test_an_iteration_that_succeeded_keeps_only_its_result() -> None:
    """An ItemSelector copying a 100 kB value into each of 200 iterations: the snapshot holds the value
    only for the iterations still running, not for the ones that ended."""
    processor = branch(
        ("W", {"Type": "Wait", "SecondsPath": "$.s", "Next": "R"}),
        ("R", {"Type": "Pass", "InputPath": "$.v", "End": True}),
    )
    selector = {"s.$": "$$.Map.Item.Value", "v.$": "$$.Map.Item.Index", "big.$": "$.big"}
    fields = {"ItemsPath": "$.items", "ItemSelector": selector, "MaxConcurrency": 2, "ItemProcessor": processor}
    definition = machine({"M": {"Type": "Map", **fields, "End": True}})
    driver = Driver(definition, json.dumps({"items": [1] * 200, "big": BIG_VALUE})).run(fire_timers=False)
    for _ in range(150):
        driver.fire(min(driver.timers, key=lambda timer: timer.due))
    assert driver.types.count("MapIterationSucceeded") >= 148
    stored = len(json.dumps(snapshots.encode(driver.snapshot)))
    assert stored < 5 * len(BIG_VALUE), "the Map's input, and the inputs of the two running iterations"
    assert driver.run().result == list(range(200))


def test_the_inputs_failed_iterations_keep_for_a_redrive_are_bounded() -> None:
    """Tolerated failures of iterations whose input is 100 kB: past 4 MiB of such inputs the Map fails."""
    selector = {"big.$": "$.big"}
    definition = machine(
        {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": selector,
                "ToleratedFailurePercentage": 100,
                "ItemProcessor": branch(("F", {"Type": "Fail", "Error": "E"})),
                "End": True,
            }
        }
    )
    driver = Driver(definition, json.dumps({"items": [1] * 200, "big": BIG_VALUE})).run()
    assert (driver.status, driver.error) == (ExecutionStatus.FAILED, "States.DataLimitExceeded")
    assert "failed iterations" in (driver.cause or "")
    assert 42 <= driver.types.count("MapIterationFailed") < 100, "42 inputs of 100 kB exceed 4 MiB"


def test_each_iteration_and_branch_follows_from_the_event_that_started_it() -> None:
    each = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    definition = machine(
        {
            "M": {"Type": "Map", "ItemProcessor": each, "Next": "B"},
            "B": {"Type": "Parallel", "Branches": [each, each], "End": True},
        }
    )
    run = execute(definition, [1, 2])
    by_id = {event.id: event for event in run.events}
    for event in run.events:
        if event.type == "PassStateEntered":
            started = by_id[event.previous_event_id]
            assert started.type in ("MapIterationStarted", "ParallelStateStarted"), event
    followed = [by_id[event.previous_event_id].type for event in run.events if event.type == "MapIterationSucceeded"]
    assert followed == ["PassStateExited", "PassStateExited"]
