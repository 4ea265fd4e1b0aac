"""CheckJob: the status of a job of the pretend batch service (RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED)."""

from __future__ import annotations

from typing import Any

import fake_batch


def handler(event: Any, context: Any) -> str:
    """The Task passes ``InputPath: $.guid``, so the event is the job id itself."""
    return fake_batch.check(str(event))
