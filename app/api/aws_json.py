"""The AWS JSON 1.0 protocol: ``POST /`` with ``X-Amz-Target: AWSStepFunctions.<Operation>``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.types import Message, Receive, Scope, Send

from app import arns, errors
from app.api.operations import OPERATIONS, AsyncOperation, CallContext
from app.codec import dumps_bytes, loads
from app.executions.runtime import Runtime

TARGET_PREFIX = "AWSStepFunctions."
CONTENT_TYPE = "application/x-amz-json-1.0"


_CONSTRAINTS = {
    "string_too_long": "Member must have length less than or equal to {max_length}",
    "string_too_short": "Member must have length greater than or equal to {min_length}",
    "less_than_equal": "Member must have value less than or equal to {le}",
    "greater_than_equal": "Member must have value greater than or equal to {ge}",
    "literal_error": "Member must satisfy enum value set: [{expected}]",
}


def validation_message(exc: ValidationError) -> str:
    """AWS's wording for constraint failures, one clause per failed member."""
    clauses = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"])
        if error["type"] == "missing":
            clauses.append(f"Value null at '{field}' failed to satisfy constraint: Member must not be null")
            continue
        template = _CONSTRAINTS.get(error["type"])
        constraint = template.format(**error.get("ctx", {})) if template else error["msg"]
        clauses.append(f"Value '{error.get('input')}' at '{field}' failed to satisfy constraint: {constraint}")
    count = len(clauses)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(clauses)


class AwsJsonEndpoint:
    """The server's ASGI app: answers ``POST /`` (and ``POST /_from/<arn>``) itself.

    The protocol has one route, one header that picks the operation and its own error shape, so it
    needs none of the framework's middleware, routing, request objects or exception handling; for
    a cheap call those cost more than the call itself. Every other request, and the lifespan, goes
    to the wrapped app, whose state holds the runtime.
    """

    def __init__(self, app: Starlette) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ours, caller = _route(scope)
        if not ours:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        watcher = _DisconnectWatcher(receive)
        try:
            status, payload, error_type = await dispatch(
                self.app.state.runtime,
                _header(scope, b"x-amz-target"),
                body,
                caller,
                watcher.disconnected,
            )
        finally:
            watcher.close()
        headers = [(b"content-type", CONTENT_TYPE.encode()), (b"content-length", str(len(payload)).encode())]
        if error_type is not None:
            headers.append((b"x-amzn-errortype", error_type.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


def _route(scope: Scope) -> tuple[bool, str | None]:
    """Whether the request is an AWS JSON call, and the calling execution (``POST /_from/<arn>``)."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return False, None
    path: str = scope["path"]
    if path == "/":
        return True, None
    caller = arns.caller_of_path(path)
    return caller is not None, caller


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


class _DisconnectWatcher:
    """Tells a long poll whether its client has gone, by listening for ``http.disconnect``."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._task: asyncio.Task[Message] | None = None

    async def disconnected(self) -> bool:
        if self._task is None:
            self._task = asyncio.ensure_future(self._receive())
            await asyncio.sleep(0)  # let it see a disconnect that has already happened
        return self._task.done() and self._task.result().get("type") == "http.disconnect"

    def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()


async def dispatch(
    runtime: Runtime, target: str, body: bytes, caller: str | None, disconnected: Callable[[], Awaitable[bool]]
) -> tuple[int, bytes, str | None]:
    """Run the operation ``target`` names: the status, the JSON body and, for an error, its type."""
    operation = OPERATIONS.get(target.removeprefix(TARGET_PREFIX)) if target.startswith(TARGET_PREFIX) else None
    if operation is None:
        return error(errors.UnknownOperationException(f"Unknown operation: '{target}'"))
    try:
        payload: Any = loads(body) if body.strip() else {}
    except ValueError:
        return error(errors.SerializationException("Request body is not valid JSON"))
    if not isinstance(payload, dict):
        return error(errors.SerializationException("Request body must be a JSON object"))
    try:
        parsed = operation.shape.model_validate(payload)
    except ValidationError as exc:
        return error(errors.ValidationException(validation_message(exc)))
    context = CallContext(caller=caller, disconnected=disconnected)
    try:
        if isinstance(operation, AsyncOperation):
            result = await operation.call(runtime, parsed, context)
        elif operation.read_only and runtime.db.dialect.reads_without_waiting:
            result = operation.call(runtime, parsed, context)
        else:
            result = await run_in_threadpool(operation.call, runtime, parsed, context)
    except errors.ServiceError as exc:
        return error(exc)
    return 200, dumps_bytes(result), None


def error(exc: errors.ServiceError) -> tuple[int, bytes, str]:
    """The error body SDKs read: ``__type`` names the exception class."""
    return exc.status, dumps_bytes({"__type": exc.code, "message": exc.message}), exc.code


def openapi_entry() -> dict[str, Any]:
    """How ``POST /`` appears in the OpenAPI document (the middleware has no route to describe it)."""
    return {
        "post": {
            "summary": "AWS JSON 1.0 endpoint (boto3, AWS CLI, SDKs)",
            "description": "Every Step Functions operation, selected by the `X-Amz-Target` header "
            "(`AWSStepFunctions.<Operation>`); the body is the operation's JSON request. Errors are "
            "400s whose body names the AWS error in `__type`.",
            "operationId": "aws_json_1_0",
            "parameters": [
                {
                    "name": "X-Amz-Target",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string", "enum": [TARGET_PREFIX + name for name in OPERATIONS]},
                }
            ],
            "requestBody": {
                "required": True,
                "content": {CONTENT_TYPE: {"schema": {"type": "object"}, "example": {"stateMachineArn": "..."}}},
            },
            "responses": {
                "200": {
                    "description": "The operation's result",
                    "content": {CONTENT_TYPE: {"schema": {"type": "object"}}},
                },
                "400": {
                    "description": "An AWS error",
                    "content": {
                        CONTENT_TYPE: {
                            "example": {"__type": "StateMachineDoesNotExist", "message": "State Machine Does Not Exist"}
                        }
                    },
                },
            },
        }
    }
