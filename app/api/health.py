"""Liveness and readiness for orchestrators and tests."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Ready to take requests")
async def healthz(request: Request) -> JSONResponse:
    """200 once migrations are applied and the scheduler runs; 503 before that."""
    if getattr(request.app.state, "ready", False):
        return JSONResponse({"status": "ok"})
    return JSONResponse({"status": "starting"}, status_code=503)
