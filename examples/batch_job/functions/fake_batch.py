"""A pretend batch service shared by SubmitJob and CheckJob: one JSON file per job.

Not a function itself (it has no handler); it sits next to them and is imported the way a helper module in a
Lambda deployment package is. Jobs live in ``$BATCH_JOBS_DIR`` (default: ``<tmp>/sfn-example-batch-jobs``), so any
worker process of the server sees the same jobs.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

# What a job reports while it is not done yet, in order (AWS Batch's own status names).
PROGRESS = ("RUNNABLE", "STARTING", "RUNNING")
OUTCOMES = ("SUCCEEDED", "FAILED")


def jobs_dir() -> Path:
    """Where job files are kept."""
    default = Path(tempfile.gettempdir()) / "sfn-example-batch-jobs"
    directory = Path(os.environ.get("BATCH_JOBS_DIR", default))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def submit(name: str, outcome: str, checks_until_done: int) -> str:
    """Record a new job that ends with ``outcome`` on its ``checks_until_done``-th status check; return its id."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
    job_id = str(uuid.uuid4())
    _save({"jobId": job_id, "jobName": name, "outcome": outcome, "checksUntilDone": checks_until_done, "checks": 0})
    return job_id


def check(job_id: str) -> str:
    """Count one status check of the job and return its status now."""
    job = _load(job_id)
    job["checks"] += 1
    _save(job)
    if job["checks"] >= job["checksUntilDone"]:
        return str(job["outcome"])
    return PROGRESS[min(job["checks"], len(PROGRESS)) - 1]


def _load(job_id: str) -> dict[str, Any]:
    path = jobs_dir() / f"{uuid.UUID(job_id)}.json"  # a UUID, so the id can never name another file
    if not path.is_file():
        raise LookupError(f"no such job: {job_id}")
    job: dict[str, Any] = json.loads(path.read_text())
    return job


def _save(job: dict[str, Any]) -> None:
    path = jobs_dir() / f"{job['jobId']}.json"
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(job))
    partial.replace(path)
