"""Returns its event, with a marker, so tests can see what the Task passed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for the checker only: a function file imports nothing of the server when it runs
    from app.integrations.functions.context import LambdaContext


def handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    return {"echo": event, "function": context.function_name}
