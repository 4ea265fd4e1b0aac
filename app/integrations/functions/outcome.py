"""What one function call comes back with, in the terms of Lambda's Invoke response."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.codec import loads
from app.integrations.results import TaskResult, TaskSuccess


@dataclass(frozen=True)
class FunctionOutcome:
    """The task result plus the Invoke response fields ``lambda:invoke`` puts in its output.

    ``status_code`` is 200 for RequestResponse (also when the function raised, as Lambda answers), 202 for
    Event and 204 for DryRun; ``function_error`` is Lambda's ``X-Amz-Function-Error`` (``"Unhandled"``);
    ``body_bytes`` is the size of the response body, Lambda's ``Content-Length``.
    """

    result: TaskResult
    executed_version: str
    status_code: int = 200
    function_error: str | None = None
    body_bytes: int = 0


def body_result(body: str) -> TaskSuccess:
    """A response body as the task's result: its JSON value, ``null`` when empty, the text itself when not JSON.

    Lambda passes a function's body through unchecked, so a body need not be JSON at all.
    """
    value: Any
    if not body.strip():
        value = None
    else:
        try:
            value = loads(body)
        except ValueError:
            value = body
    return TaskSuccess(value)


def answered(body: str, executed_version: str, status_code: int = 200) -> FunctionOutcome:
    """A successful call that answered with ``body``."""
    return FunctionOutcome(body_result(body), executed_version, status_code, body_bytes=len(body.encode()))
