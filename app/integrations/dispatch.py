"""Calls the integration a Task resource names (or reads the items of a Map's ItemReader), and turns its outcome
into the task's news.

The news is SUCCEEDED with the output, FAILED with an error and cause, or SUBMITTED with the
call's output for tasks that go on waiting (``.sync`` children, ``.waitForTaskToken`` callbacks).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from app.asl.errors import DATA_LIMIT_EXCEEDED, oversized_result
from app.asl.resources import Resource, parse_resource
from app.codec import dumps, loads
from app.durable import news
from app.durable.news import MAX_PAYLOAD_BYTES, Phase, TaskNews
from app.durable.work import AWAIT_JOB, ITEM_READER, MAP_CHILD, RESULT_WRITER, STOP_JOB, Invocation
from app.errors import ServiceError
from app.integrations.api_gateway import invoke_api_gateway
from app.integrations.aws.item_reader import read_items
from app.integrations.aws.result_writer import write_results
from app.integrations.aws.services import AwsServices
from app.integrations.connections import ConnectionStore
from app.integrations.functions.errors import invalid_request_content
from app.integrations.functions.response import lambda_response
from app.integrations.http_task import invoke_http
from app.integrations.results import TaskFailure, TaskResult

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


class MapRuns(Protocol):
    """A distributed Map's children, which the service keeps: the calls of its run (``MAP_CHILD``: start,
    redrive, recover or stop a range of them) and its results once it succeeded."""

    def call(self, parent_arn: str, task_id: int, request: dict[str, Any]) -> TaskNews | None: ...

    def results(self, request: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Each child as its ResultWriter writes it (as DescribeExecution tells it), in their items' order."""
        ...

    def gathered(self, request: dict[str, Any]) -> TaskResult:
        """The children's results as the Map's output, within the payload quota."""
        ...

    def store_items(self, run: dict[str, Any], items: Iterator[Any]) -> TaskResult:
        """The items an ItemReader reads, as they stream in, turned into the run's children (its rows)."""
        ...


@dataclass
class Integrations:
    functions: FunctionCaller
    connections: ConnectionStore
    http: httpx.Client
    start_execution: ExecutionStarter
    map_runs: MapRuns
    region: str = "us-east-1"
    aws: AwsServices = field(default_factory=AwsServices)

    def close(self) -> None:
        self.functions.close()
        self.http.close()
        self.aws.close()

    def call(self, execution_arn: str, invocation: Invocation) -> TaskNews | None:
        """Run one task invocation; never raises for the task's own failures. None: the call has nothing to tell
        (a distributed Map's call that started or stopped children)."""
        if invocation.resource == ITEM_READER:  # a Map's items, bounded by the reader rather than the payload quota
            return self._read_items(invocation)
        if invocation.resource == MAP_CHILD:
            return self.map_runs.call(execution_arn, invocation.task_id, invocation.input)
        if invocation.resource == RESULT_WRITER:
            return self._write_results(invocation)
        if invocation.resource == AWAIT_JOB:
            return self._look_at_job(invocation)
        if invocation.resource == STOP_JOB:
            self.aws.stop_job(invocation.input, invocation.role_arn)
            return TaskNews(invocation.task_id, Phase.RUNNING)
        resource = parse_resource(invocation.resource)
        if resource is None:
            return _failed(invocation, TaskFailure("States.Runtime", f"Unsupported resource: {invocation.resource}"))
        if resource.kind == "lambda_function":
            return _within_limit(resource, self._lambda_function(execution_arn, resource, invocation))
        handler = self._services().get((resource.service, resource.action))
        if handler is None and self.aws.supports(resource):
            handler = self._aws
        if handler is None:
            return _failed(
                invocation, TaskFailure("States.Runtime", f"The resource '{resource.arn}' is not supported.")
            )
        return _within_limit(resource, handler(execution_arn, resource, invocation))

    def _services(self) -> dict[tuple[str, str], Callable[[str, Resource, Invocation], TaskNews]]:
        return {
            ("lambda", "invoke"): self._lambda_invoke,
            ("states", "startExecution"): self._start_execution,
            ("http", "invoke"): self._http_invoke,
            ("apigateway", "invoke"): self._api_gateway_invoke,
        }

    # --- Lambda ------------------------------------------------------------------------------
    def _lambda_function(self, execution_arn: str, resource: Resource, invocation: Invocation) -> TaskNews:
        outcome = self.functions.invoke(
            resource.arn, invocation.input, timeout_seconds=_call_timeout(invocation), caller=execution_arn
        )
        if isinstance(outcome.result, TaskFailure):
            return _failed(invocation, outcome.result)
        return news.succeeded(invocation.task_id, outcome.result.output)

    def _lambda_invoke(self, execution_arn: str, resource: Resource, invocation: Invocation) -> TaskNews:
        arguments = invocation.input
        if not isinstance(arguments, dict) or "FunctionName" not in arguments:
            message = "The field 'FunctionName' is required by lambda:invoke."
            return _failed(invocation, TaskFailure("States.Runtime", message))
        function = str(arguments["FunctionName"])
        if arguments.get("Qualifier"):
            function = f"{function}:{arguments['Qualifier']}"
        payload = arguments.get("Payload")
        if isinstance(payload, str):  # Lambda's Payload is a blob: a string is the JSON text of the event
            try:
                payload = loads(payload)
            except ValueError:
                return _failed(invocation, invalid_request_content())
        outcome = self.functions.invoke(
            function,
            payload,
            timeout_seconds=_call_timeout(invocation),
            invocation_type=str(arguments.get("InvocationType", "RequestResponse")),
            caller=execution_arn,
        )
        if isinstance(outcome.result, TaskFailure):
            return _failed(invocation, outcome.result)
        return _succeeded_or_submitted(invocation, resource, lambda_response(outcome.result.output, outcome))

    # --- nested executions ---------------------------------------------------------------------
    def _start_execution(self, execution_arn: str, resource: Resource, invocation: Invocation) -> TaskNews:
        arguments = invocation.input
        if not isinstance(arguments, dict) or "StateMachineArn" not in arguments:
            message = "The field 'StateMachineArn' is required by startExecution."
            return _failed(invocation, TaskFailure("States.Runtime", message))
        parent_task = None
        if resource.pattern in ("sync", "sync2"):
            parent_task = {
                "execution_arn": execution_arn,
                "task_id": invocation.task_id,
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
        except ServiceError as exc:
            cause = (
                f"{exc.message} (Service: AWSStepFunctions; Status Code: {exc.status}; Error Code: {exc.code}; "
                f"Request ID: {uuid.uuid4()}; Proxy: null)"
            )
            return _failed(invocation, TaskFailure(f"StepFunctions.{exc.code}Exception", cause))
        response = {"ExecutionArn": started["executionArn"], "StartDate": int(started["startDate"] * 1000)}
        phase = Phase.SUBMITTED if resource.pattern in ("sync", "sync2", "wait_for_task_token") else Phase.SUCCEEDED
        return TaskNews(invocation.task_id, phase, output=response)

    # --- AWS services (aws-sdk:*, DynamoDB, SQS, SNS, EventBridge) -----------------------------
    def _aws(self, execution_arn: str, resource: Resource, invocation: Invocation) -> TaskNews:
        result = self.aws.call(
            execution_arn, resource, invocation.input, _call_timeout(invocation), invocation.role_arn
        )
        if isinstance(result, TaskFailure):
            return _failed(invocation, result)
        return _succeeded_or_submitted(invocation, resource, result.output)

    def _read_items(self, invocation: Invocation) -> TaskNews:
        """A Map's items: a distributed Map's go to its run's rows as they are read, an inline Map's are the answer."""
        run = invocation.input.get("MapRun")
        sink = None if run is None else functools.partial(self.map_runs.store_items, run)
        result = read_items(self.aws.clients, self.aws.region, invocation.input, sink)
        if isinstance(result, TaskFailure):
            return _failed(invocation, result)
        return news.succeeded(invocation.task_id, result.output)

    def _look_at_job(self, invocation: Invocation) -> TaskNews:
        result = self.aws.look_at_job(invocation.input, invocation.role_arn)
        if result is None:
            return TaskNews(invocation.task_id, Phase.RUNNING)
        if isinstance(result, TaskFailure):
            return news.failed(invocation.task_id, result.error, result.cause)
        return news.succeeded(invocation.task_id, result.output)

    def _write_results(self, invocation: Invocation) -> TaskNews:
        """A Map Run's results gathered into the Map's output, or written by its ResultWriter."""
        request = invocation.input
        if request.get("Gather") is not None:
            result = self.map_runs.gathered(request)
        else:
            result = write_results(self.aws.clients, self.aws.region, request, self.map_runs.results(request))
        if isinstance(result, TaskFailure):
            return _failed(invocation, result)
        return news.succeeded(invocation.task_id, result.output)

    # --- HTTP ----------------------------------------------------------------------------------
    def _http_invoke(self, _: str, resource: Resource, invocation: Invocation) -> TaskNews:
        arguments = invocation.input
        if not isinstance(arguments, dict):
            return _failed(invocation, TaskFailure("States.Runtime", "http:invoke needs an object of arguments."))
        result = invoke_http(arguments, self.connections, self.http, region=self.region)
        if isinstance(result, TaskFailure):
            return _failed(invocation, result)
        return _succeeded_or_submitted(invocation, resource, result.output)

    # --- API Gateway ---------------------------------------------------------------------------
    def _api_gateway_invoke(self, _: str, resource: Resource, invocation: Invocation) -> TaskNews:
        result = invoke_api_gateway(invocation.input, self.http, region=self.region)
        if isinstance(result, TaskFailure):
            return _failed(invocation, result)
        return _succeeded_or_submitted(invocation, resource, result.output)


def _call_timeout(invocation: Invocation) -> float | None:
    """A little past the Task's own timeout, so the state's timer (TaskTimedOut) ends it first, as on AWS."""
    timeout = invocation.timeout_seconds
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


def _succeeded_or_submitted(invocation: Invocation, resource: Resource, output: Any) -> TaskNews:
    waits = resource.pattern == "wait_for_task_token" or resource.polls_job
    phase = Phase.SUBMITTED if waits else Phase.SUCCEEDED
    return TaskNews(invocation.task_id, phase, output=output)


def _within_limit(resource: Resource, answer: TaskNews) -> TaskNews:
    """A result over the payload quota fails the task with ``States.DataLimitExceeded``, as AWS fails it."""
    if answer.phase != Phase.SUCCEEDED or len(dumps(answer.output).encode()) <= MAX_PAYLOAD_BYTES:
        return answer
    return news.call_failed(answer.task_id, DATA_LIMIT_EXCEEDED, oversized_result(resource.service))


def _failed(invocation: Invocation, failure: TaskFailure) -> TaskNews:
    return news.call_failed(invocation.task_id, failure.error, failure.cause)
