"""Readable REST routes over the same service functions, for browsers and the OpenAPI docs.

Every route is a thin ``def`` (FastAPI runs it in its threadpool, as the service is synchronous)
that turns path, query and body into one service call. The service owns every rule; this module
only translates its errors: ``{"__type": code, "message": ...}`` with HTTP 400, or 404 when the
resource does not exist. Malformed requests answer 400 ``ValidationException`` in the same shape.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.api import rest_models as m
from app.errors import ResourceMissing, SerializationException, ServiceError, ValidationException
from app.executions.runtime import Runtime
from app.service import executions, state_machines


# --- error translation ---------------------------------------------------------------------------
def error_response(code: str, message: str, status: int) -> JSONResponse:
    """The AWS error body, so REST and AWS JSON clients read the same codes."""
    return JSONResponse({"__type": code, "message": message}, status, headers={"x-amzn-ErrorType": code})


def service_error_response(exc: ServiceError) -> JSONResponse:
    """A missing resource is a 404 here (REST), while the AWS protocol answers 400 for it."""
    status = 404 if isinstance(exc, ResourceMissing) else exc.status
    return error_response(exc.code, exc.message, status)


def request_error_response(exc: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 for a malformed request becomes AWS's 400 ``ValidationException``."""
    errors = list(exc.errors())
    if any(error["type"] == "json_invalid" for error in errors):
        return error_response(SerializationException.code, "Request body is not valid JSON", 400)
    clauses = [f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in errors]
    noun = "error" if len(clauses) == 1 else "errors"
    message = f"{len(clauses)} validation {noun} detected: " + "; ".join(clauses)
    return error_response(ValidationException.code, message, 400)


class RestRoute(APIRoute):
    """Routes of this router: errors as AWS error bodies, and absent members left out as AWS does.

    Scoped to this router, so the AWS JSON endpoint keeps its own error handling.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **{**kwargs, "response_model_exclude_none": True})

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def translated(request: Request) -> Response:
            try:
                return await handler(request)
            except ServiceError as exc:
                return service_error_response(exc)
            except RequestValidationError as exc:
                return request_error_response(exc)

        return translated


def _error_doc(description: str, code: str, message: str) -> dict[str, Any]:
    example = {"__type": code, "message": message}
    return {
        "model": m.ErrorBody,
        "description": description,
        "content": {"application/json": {"example": example}},
    }


INVALID = _error_doc(
    "Invalid request; `__type` is the AWS error code (`ValidationException`, `InvalidArn`, ...).",
    "InvalidArn",
    "Invalid Arn: 'Resource type not valid in this context: arn:aws:states:us-east-1:123456789012:nope'",
)
# "4XX" documents the 400s and keeps FastAPI from listing a 422 this router never sends.
MACHINE_ERRORS: dict[int | str, dict[str, Any]] = {
    "4XX": INVALID,
    404: _error_doc(
        "No such state machine.",
        "StateMachineDoesNotExist",
        f"State Machine Does Not Exist: '{m.MACHINE_ARN}'",
    ),
}
EXECUTION_ERRORS: dict[int | str, dict[str, Any]] = {
    "4XX": INVALID,
    404: _error_doc("No such execution.", "ExecutionDoesNotExist", f"Execution Does Not Exist: '{m.EXECUTION_ARN}'"),
}
RESOURCE_ERRORS: dict[int | str, dict[str, Any]] = {
    "4XX": INVALID,
    404: _error_doc("No such resource.", "ResourceNotFound", f"Resource not found: '{m.MACHINE_ARN}'"),
}

router = APIRouter(prefix="/v1", route_class=RestRoute, responses={"4XX": INVALID})


# --- parameters ----------------------------------------------------------------------------------
async def get_runtime(request: Request) -> Runtime:
    """The process-wide runtime the lifespan built."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
MachineArn = Annotated[
    str,
    Path(
        min_length=1,
        max_length=256,
        description="State machine ARN; its colons need no escaping.",
        openapi_examples={"hello": {"summary": "the machine of the examples", "value": m.MACHINE_ARN}},
    ),
]
ExecutionArn = Annotated[
    str,
    Path(
        min_length=1,
        max_length=256,
        description="Execution ARN; its colons need no escaping.",
        openapi_examples={"run-1": {"summary": "the execution of the examples", "value": m.EXECUTION_ARN}},
    ),
]
ResourceArn = Annotated[
    str,
    Path(
        min_length=1,
        max_length=256,
        description="ARN of a taggable resource (a state machine).",
        openapi_examples={"hello": {"summary": "the machine of the examples", "value": m.MACHINE_ARN}},
    ),
]
MaxResults = Annotated[
    int | None,
    Query(alias="maxResults", ge=0, le=1000, description="Page size; 0 or absent means 100.", examples=[10]),
]
NextToken = Annotated[
    str | None,
    Query(alias="nextToken", min_length=1, max_length=3096, description="`nextToken` of the previous page."),
]


# --- state machines ------------------------------------------------------------------------------
SM = "state machines"


@router.get("/state-machines", tags=[SM], summary="List state machines", response_model=m.StateMachineList)
def list_state_machines(runtime: RuntimeDep, max_results: MaxResults = None, next_token: NextToken = None) -> Any:
    """A page of state machines, ordered by ARN (ListStateMachines)."""
    return state_machines.list_page(runtime, max_results=max_results, next_token=next_token)


@router.post(
    "/state-machines",
    tags=[SM],
    summary="Create a state machine",
    status_code=201,
    response_model=m.StateMachineCreated,
)
def create_state_machine(runtime: RuntimeDep, body: m.CreateStateMachineRequest) -> Any:
    """CreateStateMachine; repeating an identical request answers the existing machine."""
    return state_machines.create(
        runtime,
        name=body.name,
        definition=m.json_text(body.definition),
        role_arn=body.role_arn,
        type=body.type,
        tags=[tag.model_dump() for tag in body.tags],
        logging_configuration=_dump(body.logging_configuration),
        tracing_configuration=_dump(body.tracing_configuration),
    )


@router.post(
    "/state-machines/validate",
    tags=[SM],
    summary="Validate a definition",
    response_model=m.ValidationResult,
)
def validate_definition(body: m.ValidateDefinitionRequest) -> Any:
    """ValidateStateMachineDefinition: diagnostics instead of an error, to check a draft."""
    definition = m.json_text(body.definition)
    return state_machines.validate(definition, severity=body.severity, max_results=body.max_results)


@router.get(
    "/state-machines/{arn:path}",
    tags=[SM],
    summary="Describe a state machine",
    response_model=m.StateMachineDetail,
    responses=MACHINE_ERRORS,
)
def describe_state_machine(runtime: RuntimeDep, arn: MachineArn) -> Any:
    """DescribeStateMachine: the current definition and settings."""
    return state_machines.describe(runtime, arn)


@router.put(
    "/state-machines/{arn:path}",
    tags=[SM],
    summary="Update a state machine",
    response_model=m.StateMachineUpdated,
    responses=MACHINE_ERRORS,
)
def update_state_machine(runtime: RuntimeDep, arn: MachineArn, body: m.UpdateStateMachineRequest) -> Any:
    """UpdateStateMachine: new executions use the new revision, running ones keep theirs."""
    return state_machines.update(
        runtime,
        arn,
        definition=None if body.definition is None else m.json_text(body.definition),
        role_arn=body.role_arn,
        logging_configuration=_dump(body.logging_configuration),
        tracing_configuration=_dump(body.tracing_configuration),
    )


@router.delete(
    "/state-machines/{arn:path}",
    tags=[SM],
    summary="Delete a state machine",
    status_code=204,
    response_class=Response,
)
def delete_state_machine(runtime: RuntimeDep, arn: MachineArn) -> None:
    """DeleteStateMachine: idempotent; running executions are stopped first."""
    state_machines.delete(runtime, arn)


# --- executions ----------------------------------------------------------------------------------
# The suffixed routes come before GET /executions/{arn}, whose path converter would swallow them.
EX = "executions"


@router.post(
    "/executions",
    tags=[EX],
    summary="Start an execution",
    status_code=201,
    response_model=m.ExecutionStarted,
    responses=MACHINE_ERRORS,
)
def start_execution(runtime: RuntimeDep, body: m.StartExecutionRequest) -> Any:
    """StartExecution; repeating it with the same name and input while it runs is idempotent."""
    return executions.start(
        runtime,
        body.state_machine_arn,
        name=body.name,
        input=None if body.input is None else m.json_text(body.input),
        trace_header=body.trace_header,
    )


@router.get(
    "/executions",
    tags=[EX],
    summary="List executions of a state machine",
    response_model=m.ExecutionList,
    responses=MACHINE_ERRORS,
)
def list_executions(
    runtime: RuntimeDep,
    state_machine_arn: Annotated[
        str, Query(alias="stateMachineArn", min_length=1, max_length=256, examples=[m.MACHINE_ARN])
    ],
    status_filter: Annotated[
        m.ExecutionStatus | None, Query(alias="statusFilter", description="Only this status.")
    ] = None,
    max_results: MaxResults = None,
    next_token: NextToken = None,
) -> Any:
    """ListExecutions: newest first."""
    return executions.list_page(
        runtime,
        state_machine_arn=state_machine_arn,
        status_filter=status_filter,
        max_results=max_results,
        next_token=next_token,
    )


@router.post(
    "/executions/{arn:path}/stop",
    tags=[EX],
    summary="Stop an execution",
    response_model=m.ExecutionStopped,
    responses=EXECUTION_ERRORS,
)
def stop_execution(
    runtime: RuntimeDep, arn: ExecutionArn, body: Annotated[m.StopExecutionRequest | None, Body()] = None
) -> Any:
    """StopExecution: the execution is ABORTED when this returns; the body is optional."""
    stop = body or m.StopExecutionRequest()
    return executions.stop(runtime, arn, error=stop.error, cause=stop.cause)


@router.get(
    "/executions/{arn:path}/history",
    tags=[EX],
    summary="Get an execution's history",
    response_model=m.History,
    responses=EXECUTION_ERRORS,
)
def get_execution_history(
    runtime: RuntimeDep,
    arn: ExecutionArn,
    max_results: MaxResults = None,
    next_token: NextToken = None,
    reverse_order: Annotated[bool, Query(alias="reverseOrder", description="Newest event first.")] = False,
    include_execution_data: Annotated[
        bool, Query(alias="includeExecutionData", description="Include inputs and outputs.")
    ] = True,
) -> Any:
    """GetExecutionHistory: the events AWS would record, a page at a time."""
    return executions.history(
        runtime,
        arn,
        max_results=max_results,
        next_token=next_token,
        reverse_order=reverse_order,
        include_execution_data=include_execution_data,
    )


@router.get(
    "/executions/{arn:path}/state-machine",
    tags=[EX],
    summary="Describe the state machine an execution runs",
    response_model=m.ExecutionStateMachine,
    responses=EXECUTION_ERRORS,
)
def describe_state_machine_for_execution(runtime: RuntimeDep, arn: ExecutionArn) -> Any:
    """DescribeStateMachineForExecution: the revision it started with, even after an update."""
    return executions.describe_state_machine(runtime, arn)


@router.get(
    "/executions/{arn:path}",
    tags=[EX],
    summary="Describe an execution",
    response_model=m.ExecutionDetail,
    responses=EXECUTION_ERRORS,
)
def describe_execution(runtime: RuntimeDep, arn: ExecutionArn) -> Any:
    """DescribeExecution: status, input and, once ended, output or error."""
    return executions.describe(runtime, arn)


# --- tags ----------------------------------------------------------------------------------------
TAGS = "tags"


@router.get(
    "/tags/{arn:path}",
    tags=[TAGS],
    summary="List a resource's tags",
    response_model=m.TagList,
    responses=RESOURCE_ERRORS,
)
def list_tags(runtime: RuntimeDep, arn: ResourceArn) -> Any:
    """ListTagsForResource, sorted by key."""
    return state_machines.list_tags(runtime, arn)


@router.post(
    "/tags/{arn:path}",
    tags=[TAGS],
    summary="Add or overwrite tags",
    status_code=204,
    response_class=Response,
    responses=RESOURCE_ERRORS,
)
def tag_resource(runtime: RuntimeDep, arn: ResourceArn, body: m.TagResourceRequest) -> None:
    """TagResource: keys already present get the new value."""
    state_machines.tag_resource(runtime, arn, [tag.model_dump() for tag in body.tags])


@router.delete(
    "/tags/{arn:path}",
    tags=[TAGS],
    summary="Remove tags",
    status_code=204,
    response_class=Response,
    responses=RESOURCE_ERRORS,
)
def untag_resource(
    runtime: RuntimeDep,
    arn: ResourceArn,
    tag_keys: Annotated[
        list[str], Query(alias="tagKeys", min_length=1, description="Keys to remove.", examples=[["team"]])
    ],
) -> None:
    """UntagResource: keys the resource does not have are ignored."""
    state_machines.untag_resource(runtime, arn, tag_keys)


def _dump(model: BaseModel | None) -> dict[str, Any] | None:
    return None if model is None else model.model_dump(exclude_none=True)
