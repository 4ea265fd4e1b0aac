"""Health for orchestrators, load balancers and people: is this server able to do its work?

``/healthz`` and ``/readyz`` both answer 200 only when migrations are applied, the scheduler runs
and the database takes a write; ``/readyz`` is the name load balancers look for. A database that
stopped taking writes (a read-only file, a full disk, a lost PostgreSQL) makes both 503, with the
reason, so that an orchestrator restarts or drains this server instead of sending it work.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State

from app.executions.runtime import Runtime
from app.failure_log import describe

router = APIRouter(tags=["health"])

#: How long one write probe's answer stands, so frequent probes cost one transaction a second.
PROBE_SECONDS = 1.0


@router.get("/healthz", summary="Able to do its work: ready, and the database takes writes")
async def healthz(request: Request) -> JSONResponse:
    """200 ``{"status": "ok"}``; 503 while starting or when the database does not take writes."""
    return await _health(request)


@router.get("/readyz", summary="Ready for traffic (for load balancers)")
async def readyz(request: Request) -> JSONResponse:
    """The same answer as ``/healthz``, under the name load balancers look for."""
    return await _health(request)


async def _health(request: Request) -> JSONResponse:
    state = request.app.state
    if not getattr(state, "ready", False):
        return JSONResponse({"status": "starting"}, status_code=503)
    problem = await _database_problem(state)
    if problem is not None:
        return JSONResponse({"status": "unhealthy", "reason": f"database does not take writes: {problem}"}, 503)
    return JSONResponse({"status": "ok"})


async def _database_problem(state: State) -> str | None:
    """Why the database does not take writes, or None; probed at most once per :data:`PROBE_SECONDS`."""
    now = time.monotonic()
    checked: tuple[float, str | None] | None = getattr(state, "write_probe", None)
    if checked is not None and now - checked[0] < PROBE_SECONDS:
        return checked[1]
    runtime: Runtime = state.runtime
    try:
        await run_in_threadpool(runtime.db.check_writable)
        problem = None
    except Exception as exc:  # any failure to write is the answer, not an error of the probe
        problem = describe(getattr(exc, "orig", None) or exc)
    state.write_probe = (now, problem)
    return problem
