"""The AWS JSON 1.0 protocol: ``POST /`` with ``X-Amz-Target: AWSStepFunctions.<Operation>``."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import orjson
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import ValidationError

from app.api.operations import OPERATIONS, AsyncOperation, CallContext
from app.integrations.functions.environment import CALLER_PATH_PREFIX
from app.service.errors import ServiceError

TARGET_PREFIX = "AWSStepFunctions."
CONTENT_TYPE = "application/x-amz-json-1.0"

router = APIRouter()


def error_response(code: str, message: str, status: int = 400) -> Response:
    """The error body SDKs read: ``__type`` names the exception class."""
    body = json.dumps({"__type": code, "message": message})
    return Response(body, status_code=status, media_type=CONTENT_TYPE, headers={"x-amzn-ErrorType": code})


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


@router.post("/", include_in_schema=True, summary="AWS JSON 1.0 endpoint (boto3, AWS CLI, SDKs)")
async def dispatch(request: Request) -> Response:
    """Every Step Functions operation, selected by the ``X-Amz-Target`` header."""
    return await _dispatch(request, caller=None)


@router.post(CALLER_PATH_PREFIX + "{caller:path}", include_in_schema=False)
async def dispatch_for_execution(request: Request, caller: str) -> Response:
    """The same endpoint for functions called by an execution: executions they start record it as their starter."""
    # SDKs may quote the already-quoted ARN of the endpoint URL once more.
    return await _dispatch(request, caller=unquote(caller.rstrip("/")))


async def _dispatch(request: Request, caller: str | None) -> Response:
    target = request.headers.get("x-amz-target", "")
    operation = OPERATIONS.get(target.removeprefix(TARGET_PREFIX)) if target.startswith(TARGET_PREFIX) else None
    if operation is None:
        return error_response("UnknownOperationException", f"Unknown operation: '{target}'")
    body = await request.body()
    try:
        payload: Any = orjson.loads(body) if body.strip() else {}
    except ValueError:
        return error_response("SerializationException", "Request body is not valid JSON")
    if not isinstance(payload, dict):
        return error_response("SerializationException", "Request body must be a JSON object")
    try:
        parsed = operation.shape.model_validate(payload)
    except ValidationError as exc:
        return error_response("ValidationException", validation_message(exc))
    runtime = request.app.state.runtime
    context = CallContext(caller=caller, disconnected=request.is_disconnected)
    try:
        if isinstance(operation, AsyncOperation):
            result = await operation.call(runtime, parsed, context)
        else:
            if operation.read_only and runtime.db.is_sqlite:
                result = operation.call(runtime, parsed, context)
            else:
                result = await run_in_threadpool(operation.call, runtime, parsed, context)
    except ServiceError as exc:
        return error_response(exc.code, exc.message, exc.status_code)
    return Response(orjson.dumps(result), media_type=CONTENT_TYPE)
