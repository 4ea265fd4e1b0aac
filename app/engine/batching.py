"""A Map's ItemBatcher: its (selected) items grouped into the inputs its iterations or children take.

Each batch is ``{"Items": [...]}``, with ``"BatchInput"`` when the batcher has one, as AWS passes it to a
child workflow. A batch holds at most ``MaxItemsPerBatch`` items and its JSON at most
``MaxInputBytesPerBatch`` bytes (never more than the payload quota, whatever the batcher says); an item
that alone cannot fit in a batch fails the Map. The limits are resolved once (:func:`limits`), so the
items can then be cut as a stream (:func:`cut`), outside the transition when an ItemReader reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from app.asl import errors
from app.asl.states.base import MISSING
from app.asl.states.map_ import BatcherSpec
from app.codec import dumps
from app.durable.news import MAX_PAYLOAD_BYTES
from app.engine import dataflow
from app.engine.run import Run


@dataclass(frozen=True)
class BatchLimits:
    """A batcher's limits and the members every batch shares (``{"BatchInput": …}``, or none)."""

    max_items: int | None
    max_bytes: int
    shared: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"max_items": self.max_items, "max_bytes": self.max_bytes, "shared": self.shared}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BatchLimits:
        return cls(data["max_items"], int(data["max_bytes"]), dict(data["shared"]))


def limits(run: Run, batcher: BatcherSpec, effective: Any) -> BatchLimits:
    """The batcher's fields evaluated against the Map's effective input."""
    max_items = dataflow.count(run, batcher.max_items, batcher.max_items_path, effective, "MaxItemsPerBatch")
    max_bytes = dataflow.count(run, batcher.max_bytes, batcher.max_bytes_path, effective, "MaxInputBytesPerBatch")
    shared = _batch_input(run, batcher, effective)
    return BatchLimits(
        max_items,
        MAX_PAYLOAD_BYTES if max_bytes is None else min(max_bytes, MAX_PAYLOAD_BYTES),
        {} if shared is MISSING else {"BatchInput": shared},
    )


def cut(items: Iterable[Any], limits: BatchLimits) -> Iterator[dict[str, Any]]:
    """``items`` in order, cut into the batches the limits allow, each as soon as it is full."""
    empty_bytes = _size({"Items": [], **limits.shared})
    current: list[Any] = []
    current_bytes = empty_bytes
    for index, item in enumerate(items):
        item_bytes = _size(item)
        if empty_bytes + item_bytes > limits.max_bytes:
            raise errors.StatesError(
                errors.RUNTIME,
                f"The item at index {index} takes {item_bytes} bytes: with the batch's own it exceeds the "
                f"{limits.max_bytes} bytes a batch may hold (MaxInputBytesPerBatch).",
            )
        full = limits.max_items is not None and len(current) == limits.max_items
        if current and (full or current_bytes + 1 + item_bytes > limits.max_bytes):  # 1: the comma before it
            yield {"Items": current, **limits.shared}
            current, current_bytes = [], empty_bytes
        current_bytes += item_bytes + (1 if current else 0)
        current.append(item)
    if current:
        yield {"Items": current, **limits.shared}


def _batch_input(run: Run, batcher: BatcherSpec, effective: Any) -> Any:
    template = batcher.batch_input
    if template is MISSING:
        return MISSING
    if run.state.is_jsonata:
        return dataflow.jsonata_value(run, template, "BatchInput")
    return dataflow.render(run, template, effective)


def _size(value: Any) -> int:
    return len(dumps(value).encode())
