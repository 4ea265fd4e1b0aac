"""A Map's ItemBatcher and ItemReader on the pure interpreter: batches by count and bytes, reading items."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.durable.statuses import ExecutionStatus
from app.durable.work import ITEM_READER, WorkKind
from app.engine.types import TaskInvocation
from tests.unit.test_engine_harness import Driver, execute, machine, sequence

ECHO = {"StartAt": "E", "States": {"E": {"Type": "Pass", "End": True}}}


def batched_map(batcher: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return machine({"M": {"Type": "Map", "ItemBatcher": batcher, "ItemProcessor": ECHO, "End": True, **fields}})


def test_each_iteration_takes_a_batch_of_at_most_max_items_per_batch() -> None:
    run = execute(batched_map({"MaxItemsPerBatch": 2}), [1, 2, 3])
    assert run.result == [{"Items": [1, 2]}, {"Items": [3]}]
    started = [event for event in run.types if event == "MapIterationStarted"]
    assert len(started) == 2


def test_items_are_selected_one_by_one_before_they_are_batched_with_the_batch_input() -> None:
    definition = batched_map(
        {"MaxItemsPerBatch": 2, "BatchInput": {"job.$": "$.job", "fixed": 1}},
        ItemsPath="$.xs",
        ItemSelector={"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value", "job.$": "$.job"},
    )
    run = execute(definition, {"xs": ["a", "b", "c"], "job": "J"})
    batch_input = {"job": "J", "fixed": 1}
    assert run.result == [
        {
            "Items": [{"index": 0, "value": "a", "job": "J"}, {"index": 1, "value": "b", "job": "J"}],
            "BatchInput": batch_input,
        },
        {"Items": [{"index": 2, "value": "c", "job": "J"}], "BatchInput": batch_input},
    ]


def test_a_batch_holds_at_most_max_input_bytes_per_batch_of_json() -> None:
    # {"Items":[1,22,333]} is exactly 20 bytes; adding 4444 would pass the limit.
    run = execute(batched_map({"MaxInputBytesPerBatch": 20}), [1, 22, 333, 4444, 55555])
    assert run.result == [{"Items": [1, 22, 333]}, {"Items": [4444]}, {"Items": [55555]}]


def test_both_limits_apply_together() -> None:
    run = execute(batched_map({"MaxItemsPerBatch": 2, "MaxInputBytesPerBatch": 20}), [1, 22, 333, 4444])
    assert run.result == [{"Items": [1, 22]}, {"Items": [333, 4444]}]


def test_an_item_that_cannot_fit_in_a_batch_fails_the_map() -> None:
    run = execute(batched_map({"MaxInputBytesPerBatch": 20}), [1, "a long string that cannot fit"])
    assert run.status == ExecutionStatus.FAILED
    assert run.error == "States.Runtime"
    assert "The item at index 1 takes 31 bytes" in (run.cause or "")
    assert run.types[-2:] == ["MapStateFailed", "ExecutionFailed"]


def test_the_path_forms_read_the_limits_from_the_input() -> None:
    definition = batched_map(
        {"MaxItemsPerBatchPath": "$.per", "MaxInputBytesPerBatchPath": "$.bytes"}, ItemsPath="$.xs"
    )
    run = execute(definition, {"xs": [1, 2, 3, 4, 5], "per": 3, "bytes": 1000})
    assert run.result == [{"Items": [1, 2, 3]}, {"Items": [4, 5]}]


@pytest.mark.parametrize("per", [-1, "2", 1.5, True])
def test_a_path_limit_that_is_not_a_positive_integer_fails_the_map(per: Any) -> None:
    run = execute(batched_map({"MaxItemsPerBatchPath": "$.per"}, ItemsPath="$.xs"), {"xs": [1], "per": per})
    assert run.status == ExecutionStatus.FAILED
    assert run.error == "States.Runtime"
    assert "The value of MaxItemsPerBatch must be a positive integer" in (run.cause or "")


def test_no_items_make_no_batches() -> None:
    assert execute(batched_map({"MaxItemsPerBatch": 2}), []).result == []


def test_jsonata_limits_and_batch_input_are_expressions() -> None:
    definition = batched_map(
        {"MaxItemsPerBatch": "{% $states.input.per %}", "BatchInput": {"total": "{% $count($states.input.xs) %}"}},
        QueryLanguage="JSONata",
        Items="{% $states.input.xs %}",
    )
    run = execute(definition, {"xs": [1, 2, 3], "per": 2})
    assert run.result == [{"Items": [1, 2], "BatchInput": {"total": 3}}, {"Items": [3], "BatchInput": {"total": 3}}]


def test_a_batch_iteration_sees_its_batch_as_the_map_item() -> None:
    processor = {
        "StartAt": "E",
        "States": {"E": {"Type": "Pass", "Parameters": {"i.$": "$$.Map.Item.Index"}, "End": True}},
    }
    definition = machine(
        {"M": {"Type": "Map", "ItemBatcher": {"MaxItemsPerBatch": 1}, "ItemProcessor": processor, "End": True}}
    )
    assert execute(definition, ["x", "y"]).result == [{"i": 0}, {"i": 1}]


# --- ItemReader: the Map waits for its items as a Task waits for its result ------------------------
def reading_map(**fields: Any) -> dict[str, Any]:
    reader = {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSON", "MaxItemsPath": "$.max"},
        "Parameters": {"Bucket": "b", "Key.$": "$.key"},
    }
    return machine({"M": {"Type": "Map", "ItemReader": reader, "ItemProcessor": ECHO, "End": True, **fields}})


def test_the_reader_is_asked_with_its_rendered_parameters_and_the_items_it_answers_run() -> None:
    asked: list[TaskInvocation] = []

    def respond(task: TaskInvocation) -> list[dict[str, Any]]:
        asked.append(task)
        return [{"phase": "succeeded", "output": ["a", "b"]}]

    run = execute(
        reading_map(ItemSelector={"v.$": "$$.Map.Item.Value", "k.$": "$.key"}),
        {"key": "k", "max": 5},
        responder=respond,
    )
    assert run.result == [{"v": "a", "k": "k"}, {"v": "b", "k": "k"}]
    assert [(task.resource, task.input) for task in asked] == [
        (
            ITEM_READER,
            {
                "Resource": "arn:aws:states:::s3:getObject",
                "Arguments": {"Bucket": "b", "Key": "k"},
                "ReaderConfig": {"InputType": "JSON"},
                "MaxItems": 5,
            },
        )
    ]
    assert "TaskScheduled" not in run.types
    assert run.types[:3] == ["ExecutionStarted", "MapStateEntered", "MapStateStarted"]


def test_a_reader_failure_fails_the_map_and_can_be_retried() -> None:
    definition = reading_map(Retry=[{"ErrorEquals": ["States.ItemReaderFailed"], "MaxAttempts": 1}])
    failed = [{"phase": "failed", "error": "States.ItemReaderFailed", "cause": "no such key"}]
    run = execute(definition, {"key": "k", "max": 0}, responder=sequence(failed, failed))
    assert run.status == ExecutionStatus.FAILED
    assert (run.error, run.cause) == ("States.ItemReaderFailed", "no such key")
    run = execute(
        definition, {"key": "k", "max": 0}, responder=sequence(failed, [{"phase": "succeeded", "output": [1]}])
    )
    assert run.result == [1]


def test_a_lost_reader_call_is_made_again_on_recovery() -> None:
    driver = Driver(reading_map(), json.dumps({"key": "k", "max": 0})).run()
    assert driver.status == ExecutionStatus.RUNNING
    recovered = driver.advance(driver.trigger(WorkKind.RECOVER))
    assert [task.resource for task in recovered.tasks] == [ITEM_READER]


def test_a_map_whose_reading_failed_reads_again_when_redriven() -> None:
    failed = [{"phase": "failed", "error": "States.ItemReaderFailed", "cause": "no such key"}]
    driver = Driver(
        reading_map(),
        json.dumps({"key": "k", "max": 0}),
        responder=sequence(failed, [{"phase": "succeeded", "output": [7]}]),
    ).run()
    assert driver.status == ExecutionStatus.FAILED
    driver.redrive()
    driver.run()
    assert driver.result == [7]
