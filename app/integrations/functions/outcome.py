"""What one function call comes back with, in the terms of Lambda's Invoke response."""

from __future__ import annotations

from dataclasses import dataclass

from app.integrations.results import TaskResult


@dataclass(frozen=True)
class FunctionOutcome:
    """The task result plus the Invoke response fields ``lambda:invoke`` puts in its output.

    ``status_code`` is 200 for RequestResponse (also when the function raised, as Lambda answers), 202 for
    Event and 204 for DryRun; ``function_error`` is Lambda's ``X-Amz-Function-Error`` (``"Unhandled"``).
    """

    result: TaskResult
    executed_version: str
    status_code: int = 200
    function_error: str | None = None
