"""REST routes under ``/v1`` for what the Step Functions API has no operation for: schedules, deployed
functions and stacks.

Bodies are checked against their models (``rest_models``) and errors have the AWS body
(``{"__type": code, "message": ...}``), 404 for a resource that does not exist, like every ``/v1`` route.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pydantic
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from app import errors
from app.api import rest_models as bodies
from app.api.operations import json_members
from app.api.rest import PREFIX, error_response
from app.codec import dumps_bytes, dumps_spaced
from app.executions.runtime import Runtime
from app.service import functions, schedules, stacks

JSON = "application/json"
SCHEDULES = "schedules"
FUNCTIONS = "functions"
STACKS = "stacks"
Body = TypeVar("Body", bound=BaseModel)
#: The request bodies these routes document in ``/docs``.
BODIES: list[type[BaseModel]] = [bodies.ScheduleBody, bodies.FunctionBody]


def build_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX)
    routes: list[tuple[str, str, Callable[..., Any], str, str, str, type[BaseModel] | None]] = [
        (
            "GET",
            "/schedules",
            list_schedules,
            SCHEDULES,
            "List schedules",
            "Schedules in name order; `NamePrefix`, `MaxResults` and `NextToken` as ListSchedules.",
            None,
        ),
        (
            "POST",
            "/schedules/{name}",
            create_schedule,
            SCHEDULES,
            "Create a schedule",
            "Starts its target at every due time of its expression (ConflictException if the name is taken).",
            bodies.ScheduleBody,
        ),
        (
            "PUT",
            "/schedules/{name}",
            update_schedule,
            SCHEDULES,
            "Replace a schedule",
            "Every member is replaced, as UpdateSchedule does; a changed expression counts from now.",
            bodies.ScheduleBody,
        ),
        (
            "GET",
            "/schedules/{name}",
            get_schedule,
            SCHEDULES,
            "Describe a schedule",
            "GetSchedule's members, with `NextInvocation`, `LastInvocation` and `LastExecutionArn`.",
            None,
        ),
        ("DELETE", "/schedules/{name}", delete_schedule, SCHEDULES, "Delete a schedule", "It fires no more.", None),
        ("GET", "/functions", list_functions, FUNCTIONS, "List deployed functions", "Without their code.", None),
        (
            "PUT",
            "/functions/{name}",
            put_function,
            FUNCTIONS,
            "Deploy a function",
            "Create or replace a Python function; the next call runs the new code, in every process.",
            bodies.FunctionBody,
        ),
        (
            "GET",
            "/functions/{name}",
            get_function,
            FUNCTIONS,
            "Describe a deployed function",
            "Without its code.",
            None,
        ),
        (
            "DELETE",
            "/functions/{name}",
            delete_function,
            FUNCTIONS,
            "Delete a deployed function",
            "Calls of its name go to the next source (SFN_FUNCTIONS_DIR, SFN_FUNCTION_URLS, LAMBDA_ENDPOINT).",
            None,
        ),
        ("GET", "/stacks", list_stacks, STACKS, "List stacks", "The stacks `sfn deploy` recorded.", None),
        (
            "PUT",
            "/stacks/{name}",
            put_stack,
            STACKS,
            "Record a stack",
            "What a deployment made: `Resources` (LogicalId, Type, Status, Kind, PhysicalId, Reason), `Outputs`, "
            "`Parameters`.",
            None,
        ),
        ("GET", "/stacks/{name}", get_stack, STACKS, "Describe a stack", "Its resources and outputs.", None),
        (
            "DELETE",
            "/stacks/{name}",
            delete_stack,
            STACKS,
            "Delete a stack",
            "Deletes its schedules, state machines, activities and functions, then the record.",
            None,
        ),
    ]
    for method, path, endpoint, tag, summary, description, body in routes:
        router.add_api_route(
            path,
            endpoint,
            methods=[method],
            tags=[tag],
            summary=summary,
            description=description,
            status_code=204 if method == "DELETE" and tag == SCHEDULES else 200,
            response_class=Response,
            openapi_extra=None if body is None else _body_doc(body),
        )
    return router


async def list_schedules(request: Request) -> Response:
    query = request.query_params
    max_results = query.get("MaxResults")
    if max_results is not None and not max_results.isdigit():
        return error_response(errors.ValidationException("MaxResults must be a whole number."))
    return await _answer(
        request,
        lambda runtime: schedules.list_page(
            runtime,
            prefix=query.get("NamePrefix"),
            max_results=None if max_results is None else int(max_results),
            next_token=query.get("NextToken"),
        ),
    )


async def create_schedule(name: str, request: Request) -> Response:
    body = await _read(request, bodies.ScheduleBody)
    if isinstance(body, Response):
        return body
    return await _answer(request, lambda runtime: schedules.create(runtime, spec_of(name, body)))


async def update_schedule(name: str, request: Request) -> Response:
    body = await _read(request, bodies.ScheduleBody)
    if isinstance(body, Response):
        return body
    return await _answer(request, lambda runtime: schedules.update(runtime, spec_of(name, body)))


async def get_schedule(name: str, request: Request) -> Response:
    return await _answer(request, lambda runtime: schedules.get(runtime, name))


async def delete_schedule(name: str, request: Request) -> Response:
    return await _answer(request, lambda runtime: schedules.delete(runtime, name), status=204)


async def list_functions(request: Request) -> Response:
    return await _answer(request, functions.list_all)


async def put_function(name: str, request: Request) -> Response:
    body = await _read(request, bodies.FunctionBody)
    if isinstance(body, Response):
        return body
    return await _answer(request, lambda runtime: functions.put(runtime, name, body.model_dump()))


async def get_function(name: str, request: Request) -> Response:
    return await _answer(request, lambda runtime: functions.get(runtime, name))


async def delete_function(name: str, request: Request) -> Response:
    return await _answer(request, lambda runtime: functions.delete(runtime, name), status=204)


async def list_stacks(request: Request) -> Response:
    return await _answer(request, stacks.list_all)


async def put_stack(name: str, request: Request) -> Response:
    try:
        body = json_members(await request.body())
    except errors.ServiceError as exc:
        return error_response(exc)
    return await _answer(request, lambda runtime: stacks.put(runtime, name, body))


async def get_stack(name: str, request: Request) -> Response:
    return await _answer(request, lambda runtime: stacks.get(runtime, name))


async def delete_stack(name: str, request: Request) -> Response:
    """The deleted stack, as it was: what its resources were."""
    return await _answer(request, lambda runtime: stacks.delete(runtime, name))


def spec_of(name: str, body: bodies.ScheduleBody) -> schedules.ScheduleSpec:
    """The schedule a body describes; an input given as a JSON value stands for its JSON text."""
    target_input = body.Target.Input
    return schedules.ScheduleSpec(
        name=name,
        expression=body.ScheduleExpression,
        target_arn=body.Target.Arn,
        timezone=body.ScheduleExpressionTimezone,
        input=_json_text(target_input),
        state=body.State,
        description=body.Description,
        start_date=schedules.parse_date(body.StartDate, "StartDate"),
        end_date=schedules.parse_date(body.EndDate, "EndDate"),
        stack_name=body.StackName,
    )


def _json_text(value: Any) -> str | None:
    return None if value is None else value if isinstance(value, str) else dumps_spaced(value)


async def _read(request: Request, model: type[Body]) -> Body | Response:
    """The body as ``model``, or the AWS error answer for a body that is not one."""
    try:
        return model.model_validate(json_members(await request.body()))
    except errors.ServiceError as exc:
        return error_response(exc)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return error_response(errors.ValidationException(f"{where}: {first['msg']}"))


async def _answer(request: Request, call: Callable[[Runtime], Any], status: int = 200) -> Response:
    """Run a use case on a worker thread; its result as JSON, or its error in the AWS shape."""
    runtime: Runtime = request.app.state.runtime
    try:
        result = await run_in_threadpool(call, runtime)
    except errors.ServiceError as exc:
        return error_response(exc)
    if status == 204:
        return Response(status_code=204)
    return Response(dumps_bytes(result), status, media_type=JSON)


def _body_doc(model: type[BaseModel]) -> dict[str, Any]:
    reference = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"required": True, "content": {JSON: {"schema": reference}}}}
