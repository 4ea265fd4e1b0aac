"""Returns a text holding a lone surrogate: valid JSON (as an escape), not valid Unicode."""

from __future__ import annotations

from typing import Any


def handler(event: Any, context: Any) -> dict[str, Any]:
    return {"text": "\ud800"}
