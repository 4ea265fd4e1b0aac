"""Doubles ``n``: a deterministic Lambda-style function for the durability workload."""

from typing import Any


def handler(event: Any, context: Any) -> Any:
    return {"doubled": event["n"] * 2}
