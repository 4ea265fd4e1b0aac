"""SubmitJob: submit the job described by ``event["job"]`` to the pretend batch service; return its id."""

from __future__ import annotations

from typing import Any

import fake_batch


def handler(event: dict[str, Any], context: Any) -> str:
    """Submit ``{"name", "outcome", "checks_until_done"}`` (all optional) and return the job id (the ``guid``)."""
    job = event.get("job", {})
    return fake_batch.submit(
        name=str(job.get("name", "example-job")),
        outcome=str(job.get("outcome", "SUCCEEDED")),
        checks_until_done=int(job.get("checks_until_done", 3)),
    )
