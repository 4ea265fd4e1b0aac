"""The Map state (inline): runs its item processor once per item of an array."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.asl.states.base import MISSING, StateSpec, common_fields

if TYPE_CHECKING:
    from app.asl.model import SubMachine

SubMachineParser = Callable[[Mapping[str, Any], str], "SubMachine"]


@dataclass(frozen=True)
class MapSpec(StateSpec):
    processor: SubMachine | None = None
    items_path: str = "$"
    items: Any = MISSING
    item_selector: Any = MISSING
    max_concurrency: Any = 0
    max_concurrency_path: str | None = None
    tolerated_failure_count: Any = MISSING
    tolerated_failure_count_path: str | None = None
    tolerated_failure_percentage: Any = MISSING
    tolerated_failure_percentage_path: str | None = None
    label: str | None = None


def parse(name: str, raw: Mapping[str, Any], machine_language: str, sub: SubMachineParser) -> MapSpec:
    processor = raw.get("ItemProcessor", raw.get("Iterator"))
    fields = common_fields(name, raw, machine_language)
    # The legacy ``Parameters`` of a Map is its item selector, not a state-input template.
    item_selector = raw.get("ItemSelector", fields.pop("parameters"))
    return MapSpec(
        **fields,
        processor=sub(processor, machine_language),
        items_path=raw.get("ItemsPath", "$"),
        items=raw.get("Items", MISSING),
        item_selector=item_selector,
        max_concurrency=raw.get("MaxConcurrency", 0),
        max_concurrency_path=raw.get("MaxConcurrencyPath"),
        tolerated_failure_count=raw.get("ToleratedFailureCount", MISSING),
        tolerated_failure_count_path=raw.get("ToleratedFailureCountPath"),
        tolerated_failure_percentage=raw.get("ToleratedFailurePercentage", MISSING),
        tolerated_failure_percentage_path=raw.get("ToleratedFailurePercentagePath"),
        label=raw.get("Label"),
    )
