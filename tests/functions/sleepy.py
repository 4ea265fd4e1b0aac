"""Sleeps as long as its event says, so a test can catch a call in flight."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for the checker only: a function file imports nothing of the server when it runs
    from app.integrations.functions.context import LambdaContext


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    time.sleep(float(event.get("seconds", 1)))
    return {"slept": event.get("seconds", 1)}
