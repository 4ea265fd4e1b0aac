"""The Wait state: holds the execution for a number of seconds or until a timestamp."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.asl.states.base import MISSING, StateSpec, common_fields


@dataclass(frozen=True)
class WaitSpec(StateSpec):
    seconds: Any = MISSING
    timestamp: Any = MISSING
    seconds_path: str | None = None
    timestamp_path: str | None = None


def parse(name: str, raw: Mapping[str, Any], machine_language: str) -> WaitSpec:
    return WaitSpec(
        **common_fields(name, raw, machine_language),
        seconds=raw.get("Seconds", MISSING),
        timestamp=raw.get("Timestamp", MISSING),
        seconds_path=raw.get("SecondsPath"),
        timestamp_path=raw.get("TimestampPath"),
    )
