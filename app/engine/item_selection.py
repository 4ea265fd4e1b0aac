"""How a Map turns its items into the inputs its iterations or children take: ItemSelector, then ItemBatcher.

An :class:`ItemSelection` holds all it needs (the data and context object ItemSelector sees, the
variables, the batcher's limits resolved and its BatchInput rendered), and is plain JSON, so a distributed
Map's items can be turned a page at a time outside its transition: by the service, as an ItemReader's
items stream in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from app.asl import jsonata_adapter
from app.asl.payload import render_template
from app.asl.scope import DataScope
from app.asl.states.base import MISSING
from app.asl.states.map_ import MapSpec
from app.engine import batching, dataflow
from app.engine.run import Run


@dataclass(frozen=True)
class ItemSelection:
    """ItemSelector (None: the item as it is) with what it sees, and the batcher's limits (None: no batches)."""

    selector: Any
    jsonata: bool
    data: Any
    context: dict[str, Any]
    variables: dict[str, Any]
    batch: batching.BatchLimits | None = None

    @classmethod
    def of(cls, run: Run, spec: MapSpec, effective: Any, *, batched: bool = True) -> ItemSelection:
        """The current Map's selection (with its batcher's limits unless not ``batched``)."""
        data = run.state_input if spec.is_jsonata else effective
        context = {key: value for key, value in run.scope(data).context.items() if key != "Map"}
        limits = None if spec.batcher is None or not batched else batching.limits(run, spec.batcher, effective)
        selector = None if spec.item_selector is MISSING else spec.item_selector
        return cls(selector, spec.is_jsonata, data, context, dict(run.variables), limits)

    def to_json(self) -> dict[str, Any]:
        return {
            "selector": self.selector,
            "jsonata": self.jsonata,
            "data": self.data,
            "context": self.context,
            "variables": self.variables,
            "batch": None if self.batch is None else self.batch.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemSelection:
        batch = data.get("batch")
        return cls(
            data["selector"],
            bool(data["jsonata"]),
            data["data"],
            dict(data["context"]),
            dict(data["variables"]),
            None if batch is None else batching.BatchLimits.from_json(batch),
        )

    def select(self, index: int, item: Any) -> Any:
        """The input item ``index`` gives its iteration: ItemSelector, which sees it as ``$$.Map.Item``."""
        if self.selector is None:
            return item
        context = {**self.context, "Map": {"Item": {"Index": index, "Value": item}}}
        scope = DataScope(input=self.data, context=context, variables=self.variables)
        if self.jsonata:
            return jsonata_adapter.render(self.selector, scope, field="ItemSelector")
        return render_template(self.selector, scope, dataflow.intrinsic)

    def inputs(self, items: Iterable[Any]) -> Iterator[tuple[Any, int]]:
        """The inputs the items make, in order, each with the count of items it holds."""
        selected = (self.select(index, item) for index, item in enumerate(items))
        if self.batch is None:
            for value in selected:
                yield value, 1
            return
        for batch in batching.cut(selected, self.batch):
            yield batch, len(batch["Items"])
