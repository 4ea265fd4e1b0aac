"""Iterator: move the loop index one step and say whether the loop goes on (the tutorial's Iterator, in Python)."""

from __future__ import annotations

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Read ``event["iterator"]`` (count, index, step); return it with the next index and ``continue``."""
    iterator = event["iterator"]
    count, step = iterator["count"], iterator["step"]
    index = iterator["index"] + step
    return {"index": index, "step": step, "count": count, "continue": index < count}
