"""Readable REST routes over the same service functions, for browsers and the OpenAPI docs."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["rest"])
