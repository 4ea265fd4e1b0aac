"""The AWS JSON 1.0 protocol: ``POST /`` with ``X-Amz-Target: AWSStepFunctions.<Operation>``."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.types import Message, Receive, Scope, Send

from app import arns, errors
from app.api.auth import Request as SignedRequest
from app.api.auth import Verifier
from app.api.operations import OPERATIONS, CallContext, invoke, json_members
from app.codec import dumps_bytes
from app.executions.runtime import Runtime

TARGET_PREFIX = "AWSStepFunctions."
CONTENT_TYPE = "application/x-amz-json-1.0"
REST_PREFIX = "/v1/"
REST_REFUSED = 403


class AwsJsonEndpoint:
    """The server's ASGI app: answers ``POST /`` (and ``POST /_from/<arn>``) itself.

    The protocol has one route, one header that picks the operation and its own error shape, so it
    needs none of the framework's middleware, routing, request objects or exception handling; for
    a cheap call those cost more than the call itself. Every other request, and the lifespan, goes
    to the wrapped app, whose state holds the runtime.
    """

    def __init__(self, app: Starlette, verifier: Verifier | None = None) -> None:
        self.app = app
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ours, caller = _route(scope, lambda: self.app.state.runtime.caller_key())
        if not ours:
            if self.verifier is not None and _guarded(scope):
                await self._guard_rest(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if self.verifier is not None:
            try:
                self.verifier.check_signature(_signed(scope, body), dt.datetime.now(dt.UTC))
            except errors.ServiceError as exc:
                await _respond(send, *error(exc))
                return
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
        await _respond(send, status, payload, error_type)

    async def _guard_rest(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A REST call goes on with a bearer key or a valid signature; otherwise it gets a 403."""
        assert self.verifier is not None
        body = await _read_body(receive)
        if self.verifier.check_bearer(_header(scope, b"authorization")) is None:
            try:
                self.verifier.check_signature(_signed(scope, body), dt.datetime.now(dt.UTC))
            except errors.ServiceError as exc:
                _, payload, error_type = error(exc)
                await _respond(send, REST_REFUSED, payload, error_type, "application/json")
                return
        await self.app(scope, _replay(body, receive), send)


async def _respond(
    send: Send, status: int, payload: bytes, error_type: str | None, content_type: str = CONTENT_TYPE
) -> None:
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(payload)).encode())]
    if error_type is not None:
        headers.append((b"x-amzn-errortype", error_type.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def _guarded(scope: Scope) -> bool:
    """The REST routes are guarded; health, the docs and the OpenAPI document stay open."""
    return scope["type"] == "http" and str(scope["path"]).startswith(REST_PREFIX)


def _signed(scope: Scope, body: bytes) -> SignedRequest:
    headers = {bytes(key).decode("latin-1").lower(): bytes(value).decode("latin-1") for key, value in scope["headers"]}
    query = bytes(scope.get("query_string", b"")).decode("latin-1")
    return SignedRequest(str(scope["method"]), str(scope["path"]), query, headers, body)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the already-read body to the app, then whatever comes after."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _route(scope: Scope, caller_key: Callable[[], bytes]) -> tuple[bool, str | None]:
    """Whether the request is an AWS JSON call, and the calling execution (``POST /_from/<arn>/<proof>``)."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return False, None
    path: str = scope["path"]
    if path == "/":
        return True, None
    if not path.startswith(arns.CALLER_PATH_PREFIX):
        return False, None
    caller = arns.caller_of_path(path, caller_key())
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
    try:
        if operation is None:
            raise errors.UnknownOperationException(f"Unknown operation: '{target}'")
        result = await invoke(runtime, operation, json_members(body), CallContext(caller, disconnected))
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
