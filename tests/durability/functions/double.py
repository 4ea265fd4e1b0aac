"""Doubles ``n``: a deterministic Lambda-style function for the durability workload."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for the checker only: a function file imports nothing of the server when it runs
    from app.integrations.functions.context import LambdaContext


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return {"doubled": event["n"] * 2}
