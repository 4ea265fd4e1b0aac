"""Answers with bytes, which the Lambda runtime passes through as the response body: ``text`` repeated ``times``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for the checker only: a function file imports nothing of the server when it runs
    from app.integrations.functions.context import LambdaContext


def handler(event: dict[str, Any], context: LambdaContext) -> bytes:
    text: str = event["text"] * event.get("times", 1)
    return text.encode()
