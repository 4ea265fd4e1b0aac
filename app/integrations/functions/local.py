"""Python handlers found in the functions directory, run in the worker pool."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

from .call import Call
from .environment import call_environment
from .errors import exit_error, function_error
from .names import FunctionRef
from .outcome import FunctionOutcome, answered
from .pool import TimedOut, WorkerPool
from .protocol import Invocation, Reply


class LocalFunctions:
    """``<functions_dir>/<name>.py`` with ``handler(event, context)`` (or ``lambda_handler``)."""

    def __init__(self, directory: Path, pool: WorkerPool) -> None:
        self._directory = directory
        self._pool = pool

    def path_for(self, function: FunctionRef) -> Path | None:
        """The module file for this function, if it exists (qualifiers all run the same file)."""
        path = self._directory / f"{function.name}.py"
        return path if path.is_file() else None

    def has(self, function: FunctionRef) -> bool:
        return self.path_for(function) is not None

    def invoke(self, call: Call) -> FunctionOutcome:
        """Run the handler in a worker and shape what comes back as Lambda would."""
        path = self.path_for(call.function)
        if path is None:
            raise LookupError(call.function.name)
        return run_in_pool(self._pool, call, path)


def run_in_pool(
    pool: WorkerPool,
    call: Call,
    path: Path,
    handler: str | None = None,
    function_environment: Mapping[str, str] | None = None,
) -> FunctionOutcome:
    """Run the module at ``path`` (its ``handler`` attribute if given) in a worker, shaped as Lambda answers."""
    invocation = Invocation(
        request_id=call.request_id,
        path=str(path),
        function_name=call.function.name,
        function_version=call.function.version,
        invoked_function_arn=call.function.invoked_arn,
        event_json=call.payload_json,
        deadline_ms=int((time.time() + call.limit) * 1000),
        environment=tuple(call_environment(call.function, call.caller_endpoint).items()),
        handler=handler,
        function_environment=tuple((function_environment or {}).items()),
    )
    outcome = pool.run(invocation, call.limit)
    version = call.function.version
    if isinstance(outcome, TimedOut):
        failure = call.timed_out()
        # A Task timeout means no answer at all; Lambda's own timeout is an answer flagged as a function error.
        flag = None if failure.error == "States.Timeout" else "Unhandled"
        return FunctionOutcome(failure, version, function_error=flag)
    if not isinstance(outcome, Reply):
        return FunctionOutcome(exit_error(call.request_id, outcome.exitcode), version, function_error="Unhandled")
    if outcome.error is not None:
        return FunctionOutcome(function_error(outcome.error), version, function_error="Unhandled")
    return answered(outcome.body or "", version)
