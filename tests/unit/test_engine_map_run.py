"""A distributed Map's Map Run on the pure engine: its children go to the store, the parent keeps counts."""

from __future__ import annotations

from typing import Any

from app.codec import dumps
from app.durable import snapshot as snapshots
from app.durable.statuses import ExecutionStatus
from app.durable.work import MAP_CHILD, RESULT_WRITER, WorkKind
from app.engine.types import TaskInvocation
from tests.unit.test_engine_harness import Driver


def distributed(extra: dict[str, Any] | None = None, *, selector: Any = None) -> dict[str, Any]:
    state: dict[str, Any] = {
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED"},
            "StartAt": "P",
            "States": {"P": {"Type": "Pass", "End": True}},
        },
        "End": True,
        **(extra or {}),
    }
    if selector is not None:
        state["ItemSelector"] = selector
    return {"StartAt": "Fan", "States": {"Fan": state}}


def calls(driver: Driver, action: str) -> list[TaskInvocation]:
    return [task for task in driver.tasks if task.resource == MAP_CHILD and task.input["Action"] == action]


def test_the_children_go_to_the_store_selected_and_the_snapshot_stays_the_same_size() -> None:
    sizes = []
    for count in (10, 2_000):
        items = [{"v": index} for index in range(count)]
        driver = Driver(distributed(selector={"at.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value.v"}), dumps(items))
        driver.run(fire_timers=False)
        [begun] = [children for transition in driver.transitions for children in transition.map_children]
        assert begun.inputs == [{"at": index, "v": index} for index in range(count)]
        assert begun.items == [1] * count
        assert driver.snapshot.root.children is None
        sizes.append(len(dumps(snapshots.encode(driver.snapshot))) - len(dumps(items)))  # but for the Map's input
    assert sizes[1] - sizes[0] < 50, sizes


def test_batches_are_children_and_count_their_items() -> None:
    driver = Driver(distributed({"ItemBatcher": {"MaxItemsPerBatch": 2}}), "[1, 2, 3]").run(fire_timers=False)
    [begun] = [children for transition in driver.transitions for children in transition.map_children]
    assert begun.inputs == [{"Items": [1, 2]}, {"Items": [3]}]
    assert begun.items == [2, 1]
    [record] = driver.snapshot.map_runs
    assert (record.items, record.children) == (3, 2)


def test_children_start_a_range_at_a_time_within_max_concurrency() -> None:
    driver = Driver(distributed({"MaxConcurrency": 150}), dumps(list(range(400)))).run(fire_timers=False)
    assert [(task.input["From"], task.input["To"]) for task in calls(driver, "Start")] == [(0, 100), (100, 150)]
    start = calls(driver, "Start")[0]
    for _ in range(30):
        driver.news(start, "succeeded", items=1)
    # a tenth of the concurrency ends before more start: 15 at a time, not one call per end
    assert [(task.input["From"], task.input["To"]) for task in calls(driver, "Start")][2:] == [(150, 165), (165, 180)]
    [record] = driver.snapshot.map_runs
    assert (record.started, record.ended, record.succeeded_items) == (180, 30, 30)


def test_the_last_children_start_without_waiting_for_a_tenth_of_the_concurrency_to_end() -> None:
    driver = Driver(distributed({"MaxConcurrency": 100}), dumps(list(range(103)))).run(fire_timers=False)
    start = calls(driver, "Start")[0]
    for _ in range(3):
        driver.news(start, "succeeded", items=1)
    assert [(task.input["From"], task.input["To"]) for task in calls(driver, "Start")] == [(0, 100), (100, 103)]


def test_update_map_run_takes_effect_in_its_transition() -> None:
    driver = Driver(distributed({"MaxConcurrency": 1}), "[1, 2, 3]").run(fire_timers=False)
    arn = driver.snapshot.map_runs[0].arn
    driver.advance(driver.trigger(WorkKind.UPDATE_MAP_RUN, update={"map_run_arn": arn, "max_concurrency": 5}))
    assert [(task.input["From"], task.input["To"]) for task in calls(driver, "Start")] == [(0, 1), (1, 3)]
    driver.news(calls(driver, "Start")[0], "failed", error="E", cause="c", items=1)
    assert driver.status == ExecutionStatus.FAILED
    assert driver.error == "States.ExceedToleratedFailureThreshold"


def test_the_run_fails_exactly_when_its_failures_cross_the_threshold() -> None:
    driver = Driver(distributed({"ToleratedFailureCount": 2}), dumps(list(range(5)))).run(fire_timers=False)
    start = calls(driver, "Start")[0]
    for _ in range(2):
        driver.news(start, "failed", error="E", cause="c", items=1)
    assert driver.status == ExecutionStatus.RUNNING
    driver.news(start, "failed", error="E", cause="c", items=1)
    assert [event.type for event in driver.events[-3:]] == ["MapRunFailed", "MapStateFailed", "ExecutionFailed"]
    assert driver.snapshot.map_runs[0].status == ExecutionStatus.FAILED
    assert calls(driver, "Stop")[0].task_id != start.task_id  # nobody waits for its answer


def test_a_succeeded_run_gathers_its_results_and_a_stale_child_is_ignored() -> None:
    driver = Driver(distributed(), "[1, 2]").run(fire_timers=False)
    start = calls(driver, "Start")[0]
    driver.news(start, "succeeded", items=1)
    driver.news(start, "succeeded", items=1)
    [gather] = [task for task in driver.tasks if task.resource == RESULT_WRITER]
    late = driver.news(start, "succeeded", items=1)  # its task is over: the news finds nobody waiting
    assert late.events == [] and not late.changed
    driver.news(gather, "failed", error="States.DataLimitExceeded", cause="too large")
    assert (driver.status, driver.error) == (ExecutionStatus.FAILED, "States.DataLimitExceeded")


def test_an_empty_run_succeeds_at_once() -> None:
    driver = Driver(distributed(), "[]").run(fire_timers=False)
    assert calls(driver, "Start") == []
    [gather] = [task for task in driver.tasks if task.resource == RESULT_WRITER]
    driver.news(gather, "succeeded", output=[])
    assert driver.result == []


def test_a_recovery_starts_again_only_express_children() -> None:
    for execution_type, expected in (("STANDARD", []), ("EXPRESS", [(0, 2)])):
        definition = distributed()
        definition["States"]["Fan"]["ItemProcessor"]["ProcessorConfig"]["ExecutionType"] = execution_type
        driver = Driver(definition, "[1, 2]").run(fire_timers=False)
        driver.advance(driver.trigger(WorkKind.RECOVER))
        assert [(task.input["From"], task.input["To"]) for task in calls(driver, "Recover")] == expected
