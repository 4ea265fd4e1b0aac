"""Map Runs: DescribeMapRun, ListMapRuns and UpdateMapRun.

A Map Run is what a Distributed Map state starts. This server runs every Map inline, so no Map
Run ever exists: the operations answer as AWS does for Map Runs that do not exist, after the
same checks of their ARNs, and ListMapRuns lists none for an execution that exists.
"""

from __future__ import annotations

from typing import Any

from app import arns, errors
from app.executions.runtime import Runtime
from app.service.lookups import require_execution


def describe(runtime: Runtime, map_run_arn: str) -> dict[str, Any]:
    raise _missing(map_run_arn)


def update(runtime: Runtime, map_run_arn: str) -> dict[str, Any]:
    raise _missing(map_run_arn)


def list_page(runtime: Runtime, execution_arn: str) -> dict[str, Any]:
    arns.require_execution(execution_arn)
    with runtime.db.read() as conn:
        require_execution(conn, execution_arn)
    return {"mapRuns": []}


def _missing(map_run_arn: str) -> errors.ResourceNotFound:
    arns.require_map_run(map_run_arn)
    return errors.ResourceNotFound(f"Resource not found: '{map_run_arn}'")
