"""The integrations, as the execution core calls them: one invocation in, the task's news out."""

from __future__ import annotations

import logging
from typing import Protocol

from app.durable import news
from app.durable.news import TaskNews
from app.durable.work import Invocation

log = logging.getLogger(__name__)


class Caller(Protocol):
    """Calls the integration a task names (handed in from the top: the core does not import them)."""

    def call(self, execution_arn: str, invocation: Invocation) -> TaskNews: ...


def call_safely(caller: Caller, execution_arn: str, invocation: Invocation) -> TaskNews:
    """The call's news; a bug in an integration fails the task with ``States.Runtime`` instead of losing it."""
    try:
        return caller.call(execution_arn, invocation)
    except Exception as exc:
        log.exception("integration call for %s failed", execution_arn)
        return news.failed(invocation.task_id, "States.Runtime", f"Internal error calling the task: {exc}")
