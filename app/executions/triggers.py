"""Triggers as the execution core makes them: the one place randomness enters a transition."""

from __future__ import annotations

import secrets
from typing import Any

from app.durable.news import TaskNews
from app.durable.work import WorkKind
from app.engine.types import Trigger

ENTROPY_BYTES = 32


def new_trigger(
    kind: WorkKind,
    *,
    timer_id: int | None = None,
    error: str | None = None,
    cause: str | None = None,
    news: TaskNews | None = None,
    update: dict[str, Any] | None = None,
) -> Trigger:
    """A trigger with fresh entropy: the one place randomness enters a transition (task tokens)."""
    entropy = secrets.token_bytes(ENTROPY_BYTES)
    return Trigger(kind, timer_id=timer_id, error=error, cause=cause, news=news, entropy=entropy, update=update)


def trigger_for(kind: WorkKind, payload: dict[str, Any]) -> Trigger:
    """The engine trigger that a work item of this kind and payload stands for."""
    return new_trigger(
        kind,
        timer_id=payload.get("timer_id"),
        error=payload.get("error"),
        cause=payload.get("cause"),
        news=TaskNews.from_json(payload) if kind == WorkKind.TASK else None,
        update=payload if kind == WorkKind.UPDATE_MAP_RUN else None,
    )
