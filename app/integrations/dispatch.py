"""Calls the integration a Task resource names, and turns its outcome into the task's news.

News is what the engine's Task state takes: ``{"phase": "succeeded", "output": …}``,
``{"phase": "failed", "error": …, "cause": …}``, or ``{"phase": "submitted", "output": …}`` for
tasks that go on waiting (``.sync`` children, ``.waitForTaskToken`` callbacks).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from app.asl.resources import Resource, parse_resource
from app.codec import dumps, loads
from app.integrations.connections import ConnectionStore
from app.integrations.http_task import invoke_http
from app.integrations.results import TaskFailure, TaskResult, TaskSuccess

STARTED_BY_KEY = "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"
CALL_TIMEOUT_MARGIN = 2.0


class FunctionCaller(Protocol):
    """The local function registry (``app.integrations.functions``), as this module uses it."""

    def invoke(
        self,
        function: str,
        payload: Any,
        *,
        timeout_seconds: float | None = None,
        invocation_type: str = ...,
        caller: str | None = None,
    ) -> Any: ...

    def close(self) -> None: ...


class ExecutionStarter(Protocol):
    """Starts an execution on this server; raises an error carrying ``code`` and ``message``."""

    def __call__(
        self,
        state_machine_arn: str,
        *,
        name: str | None,
        input: str,
        started_by: str,
        parent_task: dict[str, Any] | None,
    ) -> dict[str, Any]: ...


@dataclass
class Integrations:
    functions: FunctionCaller
    connections: ConnectionStore
    http: httpx.Client
    start_execution: ExecutionStarter
    service_error: type[Exception]
    region: str = "us-east-1"

    def close(self) -> None:
        self.functions.close()
        self.http.close()

    def call(self, execution_arn: str, invocation: Mapping[str, Any]) -> dict[str, Any]:
        """Run one task invocation; never raises for the task's own failures."""
        resource = parse_resource(invocation["resource"])
        if resource is None:
            return _failed(TaskFailure("States.Runtime", f"Unsupported resource: {invocation['resource']}"))
        if resource.kind == "lambda_function":
            return self._lambda_function(execution_arn, resource, invocation)
        handler = self._services().get((resource.service, resource.action))
        if handler is None:
            return _failed(TaskFailure("States.Runtime", f"The resource '{resource.arn}' is not supported."))
        return handler(execution_arn, resource, invocation)

    def _services(self) -> dict[tuple[str, str], Callable[[str, Resource, Mapping[str, Any]], dict[str, Any]]]:
        return {
            ("lambda", "invoke"): self._lambda_invoke,
            ("states", "startExecution"): self._start_execution,
            ("http", "invoke"): self._http_invoke,
        }

    # --- Lambda ------------------------------------------------------------------------------
    def _lambda_function(self, execution_arn: str, resource: Resource, invocation: Mapping[str, Any]) -> dict[str, Any]:
        outcome = self.functions.invoke(
            resource.arn, invocation["input"], timeout_seconds=_call_timeout(invocation), caller=execution_arn
        )
        return _news(outcome.result)

    def _lambda_invoke(self, execution_arn: str, resource: Resource, invocation: Mapping[str, Any]) -> dict[str, Any]:
        arguments = invocation["input"]
        if not isinstance(arguments, dict) or "FunctionName" not in arguments:
            return _failed(TaskFailure("States.Runtime", "The field 'FunctionName' is required by lambda:invoke."))
        function = str(arguments["FunctionName"])
        if arguments.get("Qualifier"):
            function = f"{function}:{arguments['Qualifier']}"
        outcome = self.functions.invoke(
            function,
            arguments.get("Payload"),
            timeout_seconds=_call_timeout(invocation),
            invocation_type=str(arguments.get("InvocationType", "RequestResponse")),
            caller=execution_arn,
        )
        if isinstance(outcome.result, TaskFailure):
            return _failed(outcome.result)
        wrapped = _lambda_response(outcome.result.output, outcome.executed_version, outcome.status_code)
        return _succeeded_or_submitted(resource, wrapped)

    # --- nested executions ---------------------------------------------------------------------
    def _start_execution(self, execution_arn: str, resource: Resource, invocation: Mapping[str, Any]) -> dict[str, Any]:
        arguments = invocation["input"]
        if not isinstance(arguments, dict) or "StateMachineArn" not in arguments:
            return _failed(TaskFailure("States.Runtime", "The field 'StateMachineArn' is required by startExecution."))
        parent_task = None
        if resource.pattern in ("sync", "sync2"):
            parent_task = {
                "execution_arn": execution_arn,
                "task_id": invocation["task_id"],
                "pattern": resource.pattern,
            }
        try:
            started = self.start_execution(
                str(arguments["StateMachineArn"]),
                name=arguments.get("Name"),
                input=_child_input(arguments.get("Input"), execution_arn),
                started_by=execution_arn,
                parent_task=parent_task,
            )
        except self.service_error as exc:
            code = getattr(exc, "code", type(exc).__name__)
            message = getattr(exc, "message", str(exc))
            cause = (
                f"{message} (Service: AWSStepFunctions; Status Code: 400; Error Code: {code}; "
                f"Request ID: {uuid.uuid4()}; Proxy: null)"
            )
            return _failed(TaskFailure(f"StepFunctions.{code}Exception", cause))
        response = {"ExecutionArn": started["executionArn"], "StartDate": int(started["startDate"] * 1000)}
        if resource.pattern in ("sync", "sync2", "wait_for_task_token"):
            return {"phase": "submitted", "output": response}
        return {"phase": "succeeded", "output": response}

    # --- HTTP ----------------------------------------------------------------------------------
    def _http_invoke(self, _: str, resource: Resource, invocation: Mapping[str, Any]) -> dict[str, Any]:
        arguments = invocation["input"]
        if not isinstance(arguments, dict):
            return _failed(TaskFailure("States.Runtime", "http:invoke needs an object of arguments."))
        result = invoke_http(arguments, self.connections, self.http, region=self.region)
        if isinstance(result, TaskFailure):
            return _failed(result)
        return _succeeded_or_submitted(resource, result.output)


def _call_timeout(invocation: Mapping[str, Any]) -> float | None:
    """A little past the Task's own timeout, so the state's timer (TaskTimedOut) ends it first, as on AWS."""
    timeout = invocation.get("timeout_seconds")
    return None if timeout is None else float(timeout) + CALL_TIMEOUT_MARGIN


def _child_input(value: Any, parent_arn: str) -> str:
    """The child's input, with the parent's ARN added to an object input as AWS does."""
    if isinstance(value, str):
        text = value
        try:
            value = loads(text)
        except ValueError:
            return text
    if value is None:
        value = {}
    if isinstance(value, dict):
        value = {**value, STARTED_BY_KEY: parent_arn}
    return dumps(value)


def _lambda_response(payload: Any, executed_version: str, status_code: int) -> dict[str, Any]:
    """The lambda:invoke output, shaped as the AWS SDK response Step Functions returns."""
    request_id = str(uuid.uuid4())
    headers = {
        "Connection": "keep-alive",
        "Content-Type": "application/json",
        "X-Amz-Executed-Version": executed_version,
        "x-amzn-Remapped-Content-Length": "0",
        "x-amzn-RequestId": request_id,
    }
    return {
        "ExecutedVersion": executed_version,
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {key: [value] for key, value in headers.items()},
            "HttpHeaders": headers,
            "HttpStatusCode": status_code,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": status_code,
    }


def _succeeded_or_submitted(resource: Resource, output: Any) -> dict[str, Any]:
    phase = "submitted" if resource.pattern == "wait_for_task_token" else "succeeded"
    return {"phase": phase, "output": output}


def _news(result: TaskResult) -> dict[str, Any]:
    if isinstance(result, TaskSuccess):
        return {"phase": "succeeded", "output": result.output}
    return _failed(result)


def _failed(failure: TaskFailure) -> dict[str, Any]:
    return {"phase": "failed", "error": failure.error, "cause": failure.cause}
