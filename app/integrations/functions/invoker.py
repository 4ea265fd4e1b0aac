"""What a Lambda task's integration calls: resolve a function reference, pick its source, invoke it.

Sources are tried in a fixed order (a function deployed to the server by ``sfn deploy``, Python module, URL,
Lambda Invoke API), so a local file can stand in for a function of AWS without touching the state machine.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import httpx

from app.arns import caller_endpoint
from app.codec import dumps
from app.integrations.results import TaskFailure, TaskSuccess

from .call import Call
from .deployed import DeployedLookup
from .environment import base_environment
from .errors import invalid_invocation_type, invalid_name, new_request_id, not_found
from .lambda_api import LambdaApi, sdk_lambda_api
from .local import LocalFunctions, run_in_pool
from .names import FunctionRef, InvalidFunctionNameError, parse_function_ref
from .outcome import FunctionOutcome
from .pool import WorkerPool
from .settings import FunctionSettings
from .url import UrlFunctions

log = logging.getLogger(__name__)

# Lambda's maximum function timeout: a function with no Task TimeoutSeconds still cannot run forever.
DEFAULT_FUNCTION_TIMEOUT = 900.0
INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")


class FunctionInvoker:
    """Runs functions for Task states; thread-safe, blocking, and never raises for a failed call."""

    def __init__(
        self,
        settings: FunctionSettings,
        *,
        workers: int = 4,
        function_timeout_seconds: float = DEFAULT_FUNCTION_TIMEOUT,
        http_client: httpx.Client | None = None,
        deployed: DeployedLookup | None = None,
    ) -> None:
        self.settings = settings
        self._deployed = deployed
        self._function_timeout = function_timeout_seconds
        self._own_client = http_client is None
        self._client = http_client or httpx.Client()
        self._pool = WorkerPool(
            workers,
            base_environment(
                region=settings.region,
                self_endpoint=settings.self_endpoint,
                functions_dir=settings.functions_dir,
                callback_credentials=settings.callback_credentials,
            ),
        )
        self._local = LocalFunctions(settings.functions_dir, self._pool) if settings.functions_dir else None
        if self._local is not None:
            self._pool.warm()
        self._urls = UrlFunctions(settings.function_urls, self._client)
        self._lambda = (
            LambdaApi(settings.lambda_endpoint, settings.region, self._client) if settings.lambda_endpoint else None
        )
        self._background = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sfn-function-event")

    def resolve(self, function: str) -> FunctionRef:
        """Parse a name, ``name:qualifier``, partial or full ARN; raises ``InvalidFunctionNameError``."""
        return parse_function_ref(function, region=self.settings.region, account_id=self.settings.account_id)

    def invoke(
        self,
        function: str,
        payload: Any,
        *,
        timeout_seconds: float | None = None,
        invocation_type: str = "RequestResponse",
        caller: str | None = None,
    ) -> FunctionOutcome:
        """Invoke ``function`` with ``payload`` (a JSON value); every failed call comes back as a ``TaskFailure``.

        ``timeout_seconds`` is the Task's ``TimeoutSeconds``: past it the call is abandoned (a Python handler's
        worker is killed) and the result is ``States.Timeout``. ``caller`` is the ARN of the calling execution.
        """
        request_id = new_request_id()
        if invocation_type not in INVOCATION_TYPES:
            return FunctionOutcome(invalid_invocation_type(invocation_type, request_id), "$LATEST", 400)
        try:
            ref = self.resolve(function)
        except InvalidFunctionNameError:
            return FunctionOutcome(invalid_name(function, request_id), "$LATEST", 400)
        deployed = self._deployed(ref.name) if self._deployed is not None else None
        function_timeout = deployed.timeout if deployed is not None else self._function_timeout
        call = Call(ref, dumps(payload), request_id, timeout_seconds, function_timeout, self._caller_endpoint(caller))
        if deployed is not None:
            pool = self._pool

            def run_deployed(call: Call) -> FunctionOutcome:
                return run_in_pool(pool, call, deployed.path, deployed.handler, deployed.environment)

            return self._run_here(run_deployed, call, invocation_type)
        if self._local is not None and self._local.has(ref):
            return self._run_here(self._local.invoke, call, invocation_type)
        if self._urls.has(ref):
            return self._run_here(self._urls.invoke, call, invocation_type)
        remote = self._lambda or self._sdk_lambda
        if remote is not None:
            return remote.invoke(call, invocation_type)
        return FunctionOutcome(not_found(ref, request_id), ref.version, 404)

    @functools.cached_property
    def _sdk_lambda(self) -> LambdaApi | None:
        """Resolved at the first call that needs it: the credential chain may probe the network."""
        return sdk_lambda_api(self.settings.region, self._client)

    def _caller_endpoint(self, caller: str | None) -> str | None:
        endpoint = self.settings.self_endpoint
        if not endpoint or not caller:
            return None
        return caller_endpoint(endpoint, caller, self.settings.caller_key())

    def close(self) -> None:
        """Stop background calls and worker processes; close the HTTP client if this invoker made it."""
        self._background.shutdown(wait=False, cancel_futures=True)
        self._pool.close()
        if self._own_client:
            self._client.close()

    def _run_here(self, run: Callable[[Call], FunctionOutcome], call: Call, invocation_type: str) -> FunctionOutcome:
        """Run a local or URL call, in the background for ``Event`` (202 at once) and not at all for ``DryRun``."""
        if invocation_type == "DryRun":
            return FunctionOutcome(TaskSuccess(""), call.function.version, 204)
        if invocation_type == "RequestResponse":
            return run(call)
        future = self._background.submit(run, call)
        future.add_done_callback(_log_event_failure)
        return FunctionOutcome(TaskSuccess(""), call.function.version, 202)


def _log_event_failure(future: Future[FunctionOutcome]) -> None:
    """An ``Event`` call has nobody waiting for it; its failure is only logged, as Lambda logs it."""
    if future.cancelled():
        return
    error = future.exception()
    if error is not None:
        log.error("asynchronous function call raised: %r", error)
        return
    result = future.result().result
    if isinstance(result, TaskFailure):
        log.warning("asynchronous function call failed: %s: %s", result.error, result.cause)
