"""Readable REST routes under ``/v1``, made from the operation table, for browsers and the OpenAPI docs.

Each route gathers its operation's members from the path (``{arn}``), the query string or the
JSON body, and runs the operation through the same :func:`invoke` as the AWS JSON endpoint: the
same checks, the same use case, the same answer. Errors have the AWS body
(``{"__type": code, "message": ...}``) with HTTP 400, or 404 when the resource does not exist.
"""

from __future__ import annotations

import typing
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from app import errors
from app.api import rest_models as bodies
from app.api.operations import OPERATIONS, CallContext, Operation, Rest, invoke, json_members
from app.api.shapes import EXECUTION_ARN, MACHINE_ARN
from app.api.views import VIEWS
from app.codec import dumps_bytes, dumps_spaced
from app.executions.runtime import Runtime

PREFIX = "/v1"
JSON = "application/json"
_NOT_FOUND_EXAMPLES = {
    "stateMachineArn": (
        "No such state machine.",
        errors.StateMachineDoesNotExist,
        f"State Machine Does Not Exist: '{MACHINE_ARN}'",
    ),
    "executionArn": (
        "No such execution.",
        errors.ExecutionDoesNotExist,
        f"Execution Does Not Exist: '{EXECUTION_ARN}'",
    ),
    "resourceArn": ("No such resource.", errors.ResourceNotFound, f"Resource not found: '{MACHINE_ARN}'"),
    "stateMachineAliasArn": ("No such alias.", errors.ResourceNotFound, f"Resource not found: '{MACHINE_ARN}:PROD'"),
}
_ARN_EXAMPLES = {
    "stateMachineArn": MACHINE_ARN,
    "executionArn": EXECUTION_ARN,
    "resourceArn": MACHINE_ARN,
    "stateMachineVersionArn": f"{MACHINE_ARN}:1",
    "stateMachineAliasArn": f"{MACHINE_ARN}:PROD",
}


def error_response(exc: errors.ServiceError) -> Response:
    """The AWS error body; a missing resource is a 404 here, while the AWS protocol answers 400."""
    status = 404 if isinstance(exc, errors.ResourceMissing) else exc.status
    body = dumps_bytes({"__type": exc.code, "message": exc.message})
    return Response(body, status, headers={"x-amzn-ErrorType": exc.code}, media_type=JSON)


def build_router() -> APIRouter:
    """One route per operation of the table that has a REST place, in the table's order, then the views."""
    router = APIRouter(prefix=PREFIX)
    for operation in (*OPERATIONS.values(), *VIEWS.values()):
        rest = operation.rest
        if rest is None:
            continue
        router.add_api_route(
            rest.path.replace("{arn}", "{arn:path}"),
            _endpoint(operation, rest),
            methods=[rest.method],
            summary=rest.summary,
            description=f"{operation.name}: {rest.description}",
            tags=[rest.tag],
            status_code=rest.status,
            response_model=None if rest.status == 204 else operation.response,
            response_class=Response,
            responses=_error_docs(rest),
            openapi_extra=_request_docs(operation, rest),
            operation_id=operation.name,
        )
    return router


def document_bodies(schema: dict[str, Any], more: list[type[BaseModel]]) -> None:
    """Add the documented request bodies (the table's and ``more``) to an OpenAPI document's components
    (the routes point at them)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    documented: list[type[BaseModel]] = [bodies.ErrorBody, *more]
    every = (*OPERATIONS.values(), *VIEWS.values())
    documented += [op.rest.body for op in every if op.rest is not None and op.rest.body is not None]
    for model in documented:
        definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(definition.pop("$defs", {}))
        components[model.__name__] = definition


def _endpoint(operation: Operation, rest: Rest) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        context = CallContext(caller=None, disconnected=request.is_disconnected)
        try:
            members = await _members(request, operation, rest)
            result = await invoke(runtime, operation, members, context, lax=True)
        except errors.ServiceError as exc:
            return error_response(exc)
        if rest.status == 204:
            return Response(status_code=204)
        return Response(dumps_bytes(result), rest.status, media_type=JSON)

    endpoint.__name__ = operation.name
    return endpoint


async def _members(request: Request, operation: Operation, rest: Rest) -> dict[str, Any]:
    """The operation's members from the path, the query string or the body."""
    members: dict[str, Any] = {}
    if rest.method in ("POST", "PUT"):
        members.update(await _body(request, rest))
    else:
        for name in operation.request.model_fields:
            if name in request.query_params:
                many = _is_list(operation.request, name)
                members[name] = request.query_params.getlist(name) if many else request.query_params[name]
    if rest.arn is not None:
        members[rest.arn] = request.path_params["arn"]
    return members


async def _body(request: Request, rest: Rest) -> dict[str, Any]:
    body = json_members(await request.body())
    for name in rest.json_text:
        value = body.get(name)
        if value is None:
            body.pop(name, None)
        elif not isinstance(value, str):
            body[name] = dumps_spaced(value)  # a JSON value stands for its JSON text
    return body


def _is_list(model: type[BaseModel], name: str) -> bool:
    annotation = model.model_fields[name].annotation
    return typing.get_origin(annotation) is list


# --- documentation -------------------------------------------------------------------------------
def _error_docs(rest: Rest) -> dict[int | str, dict[str, Any]]:
    """A 4XX entry with an AWS error body, and a 404 entry for routes that name a resource."""
    invalid = _error_doc(
        "Invalid request; `__type` is the AWS error code (`ValidationException`, `InvalidArn`, ...).",
        errors.InvalidArn,
        f"Invalid Arn: 'Resource type not valid in this context: {MACHINE_ARN.replace('stateMachine', 'nope')}'",
    )
    docs: dict[int | str, dict[str, Any]] = {"4XX": invalid}
    missing = _NOT_FOUND_EXAMPLES.get(rest.arn or "")
    if missing is not None:
        docs[404] = _error_doc(*missing)
    return docs


def _error_doc(description: str, error: type[errors.ServiceError], message: str) -> dict[str, Any]:
    example = {"__type": error.code, "message": message}
    return {"model": bodies.ErrorBody, "description": description, "content": {JSON: {"example": example}}}


def _request_docs(operation: Operation, rest: Rest) -> dict[str, Any]:
    """The route's parameters and body as the OpenAPI document shows them."""
    parameters: list[dict[str, Any]] = []
    if rest.arn is not None:
        parameters.append(
            {
                "name": "arn",
                "in": "path",
                "required": True,
                "description": f"The `{rest.arn}`; its colons need no escaping.",
                "schema": {"type": "string", "minLength": 1, "maxLength": 256},
                "examples": {"example": {"value": _ARN_EXAMPLES[rest.arn]}},
            }
        )
    docs: dict[str, Any] = {}
    if rest.method in ("GET", "DELETE"):
        schema = operation.request.model_json_schema()
        needed = set(schema.get("required", []))
        for name, field in schema["properties"].items():
            if name != rest.arn:
                parameters.append({"name": name, "in": "query", "required": name in needed, "schema": field})
    if parameters:
        docs["parameters"] = parameters
    if rest.body is not None:
        reference = {"$ref": f"#/components/schemas/{rest.body.__name__}"}
        required = bool(rest.body.model_json_schema().get("required"))
        docs["requestBody"] = {"required": required, "content": {JSON: {"schema": reference}}}
    return docs
