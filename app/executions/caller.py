"""The integrations, as the execution core calls them: one invocation in, the task's news out."""

from __future__ import annotations

import logging
import time
from typing import Protocol

from app import metrics
from app.durable import news
from app.durable.news import Phase, TaskNews
from app.durable.work import Invocation
from app.store.database import unavailable

log = logging.getLogger(__name__)


class Caller(Protocol):
    """Calls the integration a task names (handed in from the top: the core does not import them)."""

    def call(self, execution_arn: str, invocation: Invocation) -> TaskNews | None:
        """The call's news; None when it has nothing to tell (a distributed Map's call that started children)."""
        ...


def call_safely(caller: Caller, execution_arn: str, invocation: Invocation) -> TaskNews | None:
    """The call's news; a bug in an integration fails the task with ``States.Runtime`` instead of losing it.
    A call that found this server's database out of reach (a Map Run's, a nested execution's) raises: the
    task did nothing wrong, and the caller makes the call again later."""
    began = time.perf_counter()
    try:
        answer = caller.call(execution_arn, invocation)
    except Exception as exc:
        if unavailable(exc):
            raise
        log.exception("integration call for %s failed", execution_arn)
        answer = news.call_failed(invocation.task_id, "States.Runtime", f"Internal error calling the task: {exc}")
    metrics.INTEGRATION_CALL_SECONDS.labels(invocation.resource).observe(time.perf_counter() - began)
    if answer is not None and answer.phase == Phase.CALL_FAILED:
        metrics.INTEGRATION_ERRORS.labels(invocation.resource, answer.error or "").inc()
    return answer
