"""A Map's ItemBatcher: its (selected) items grouped into the inputs its iterations take.

Each batch is ``{"Items": [...]}``, with ``"BatchInput"`` when the batcher has one, as AWS passes it to a
child workflow. A batch holds at most ``MaxItemsPerBatch`` items and its JSON at most
``MaxInputBytesPerBatch`` bytes (never more than the payload quota, whatever the batcher says); an item
that alone cannot fit in a batch fails the Map.
"""

from __future__ import annotations

from typing import Any

from app.asl import errors
from app.asl.states.base import MISSING
from app.asl.states.map_ import BatcherSpec
from app.codec import dumps
from app.durable.news import MAX_PAYLOAD_BYTES
from app.engine import dataflow
from app.engine.run import Run


def batches(run: Run, batcher: BatcherSpec, items: list[Any], effective: Any) -> list[dict[str, Any]]:
    """``items`` in order, cut into the batches the batcher allows."""
    max_items = dataflow.count(run, batcher.max_items, batcher.max_items_path, effective, "MaxItemsPerBatch")
    max_bytes = dataflow.count(run, batcher.max_bytes, batcher.max_bytes_path, effective, "MaxInputBytesPerBatch")
    byte_limit = MAX_PAYLOAD_BYTES if max_bytes is None else min(max_bytes, MAX_PAYLOAD_BYTES)
    shared = _batch_input(run, batcher, effective)
    wrapper = {"Items": []} if shared is MISSING else {"Items": [], "BatchInput": shared}
    empty_bytes = _size(wrapper)
    result: list[dict[str, Any]] = []
    current: list[Any] = []
    current_bytes = empty_bytes
    for index, item in enumerate(items):
        item_bytes = _size(item)
        if empty_bytes + item_bytes > byte_limit:
            raise errors.StatesError(
                errors.RUNTIME,
                f"The item at index {index} takes {item_bytes} bytes: with the batch's own it exceeds the "
                f"{byte_limit} bytes a batch may hold (MaxInputBytesPerBatch).",
            )
        full = max_items is not None and len(current) == max_items
        if current and (full or current_bytes + 1 + item_bytes > byte_limit):  # 1: the comma before it
            result.append({**wrapper, "Items": current})
            current, current_bytes = [], empty_bytes
        current_bytes += item_bytes + (1 if current else 0)
        current.append(item)
    if current:
        result.append({**wrapper, "Items": current})
    return result


def _batch_input(run: Run, batcher: BatcherSpec, effective: Any) -> Any:
    template = batcher.batch_input
    if template is MISSING:
        return MISSING
    if run.state.is_jsonata:
        return dataflow.jsonata_value(run, template, "BatchInput")
    return dataflow.render(run, template, effective)


def _size(value: Any) -> int:
    return len(dumps(value).encode())
