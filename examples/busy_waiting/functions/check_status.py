"""check_status: report whether a piece of work (say, an Athena query) has finished.

A real function would ask the service that runs the work. This one pretends: the work is done once it has been
checked ``ready_after`` times. It carries its own counter in what it returns, because the Task's
``OutputPath: $.Payload`` makes this function's result the whole state for the next round.
"""

from __future__ import annotations

from typing import Any


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Return ``{"status": "running" | "success", "checks": n, "ready_after": k, "message": ...}``."""
    ready_after = int(event.get("ready_after", 3))
    checks = int(event.get("checks", 0)) + 1
    done = checks >= ready_after
    return {
        "status": "success" if done else "running",
        "checks": checks,
        "ready_after": ready_after,
        "message": "Hello, World!" if done else f"still working ({checks}/{ready_after})",
    }
