"""A Map's ItemBatcher on the pure interpreter: batches by count and by bytes, BatchInput, the Path forms."""

from __future__ import annotations

from typing import Any

import pytest

from app.durable.statuses import ExecutionStatus
from tests.unit.test_engine_harness import execute, machine

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
