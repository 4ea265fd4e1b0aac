"""One call as every source sees it, and which timeout applies to it."""

from __future__ import annotations

from dataclasses import dataclass

from app.integrations.results import TaskFailure

from .errors import sandbox_timeout, state_timeout
from .names import FunctionRef


@dataclass(frozen=True)
class Call:
    """A function, its event as JSON text, the request id, and the two limits on its duration.

    ``timeout_seconds`` is the Task's ``TimeoutSeconds`` (``States.Timeout`` when it expires);
    ``function_timeout`` is the function's own limit, as Lambda's configured timeout (``Sandbox.Timedout``).
    """

    function: FunctionRef
    payload_json: str
    request_id: str
    timeout_seconds: float | None
    function_timeout: float
    caller_endpoint: str | None = None

    @property
    def limit(self) -> float:
        """Seconds the call may take before it is cut off."""
        if self.timeout_seconds is None:
            return self.function_timeout
        return min(self.timeout_seconds, self.function_timeout)

    def timed_out(self) -> TaskFailure:
        """The failure to report when ``limit`` passed: whichever of the two limits was the shorter."""
        if self.timeout_seconds is not None and self.timeout_seconds <= self.function_timeout:
            return state_timeout()
        return sandbox_timeout(self.request_id, self.function_timeout)
