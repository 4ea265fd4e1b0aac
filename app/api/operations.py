"""Every operation of the Step Functions API this server speaks, in the one table both surfaces come from.

An entry names the operation's AWS request and response shapes (checked against the botocore
model by a test), the errors it may answer with, the use case behind it, and, for those a browser
reaches too, its REST route under ``/v1``. The AWS JSON endpoint (``aws_json``) and the REST
routes (``rest``) both run an operation through :func:`invoke`, so they check, call and answer
the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from app import errors
from app.api import faults, shapes
from app.api import rest_models as bodies
from app.codec import loads
from app.executions.runtime import Runtime
from app.service import (
    activities,
    aliases,
    callbacks,
    executions,
    map_runs,
    redrives,
    state_machines,
    test_state,
    versions,
)

_ARN_ERRORS = (errors.InvalidArn,)


@dataclass(frozen=True)
class CallContext:
    """What a call knows beyond its request.

    ``caller`` is the execution whose function made the call (requests under ``/_from/<arn>``);
    ``disconnected`` tells a long poll that its client has gone away.
    """

    caller: str | None
    disconnected: Callable[[], Awaitable[bool]]


@dataclass(frozen=True)
class Rest:
    """Where an operation sits among the REST routes.

    ``path`` is under ``/v1``; its ``{arn}`` part carries the request member ``arn``. Other members
    come from the query string (GET, DELETE) or the JSON body (POST, PUT), where the members in
    ``json_text`` may be JSON values instead of JSON text. ``body`` documents that body.
    """

    method: str
    path: str
    summary: str
    description: str
    tag: str
    status: int = 200
    arn: str | None = None
    body: type[BaseModel] | None = None
    json_text: tuple[str, ...] = ()


Call = Callable[[Runtime, Any, CallContext], Any]


@dataclass(frozen=True)
class Operation:
    """One operation: shapes, errors, the use case behind it, and its REST route if it has one.

    ``call`` runs on a worker thread (the service is synchronous), except ``waits`` operations,
    whose call is a coroutine that waits without holding a thread (the activity long poll), and
    ``read_only`` ones where reads never wait for a writer (SQLite), which run on the event loop
    unless their answer can be ``large`` (a history page of a thousand 256 KiB events): reading
    that on the event loop would hold every other request back.
    """

    name: str
    request: type[BaseModel]
    response: type[BaseModel]
    call: Call
    errors: tuple[type[errors.ServiceError], ...]
    read_only: bool = False
    waits: bool = False
    large: bool = False
    rest: Rest | None = None


async def invoke(
    runtime: Runtime, operation: Operation, members: dict[str, Any], context: CallContext, *, lax: bool = False
) -> dict[str, Any]:
    """Check ``members`` against the request shape and run the operation; errors raise ``ServiceError``.

    ``lax`` lets strings stand for numbers and booleans (REST query strings); AWS JSON is strict.
    """
    try:
        request = operation.request.model_validate(members, strict=not lax)
    except ValidationError as exc:
        raise errors.ValidationException(validation_message(exc)) from exc
    started = faults.began()
    try:
        if operation.waits:
            result: dict[str, Any] = await operation.call(runtime, request, context)
        elif operation.read_only and not operation.large and runtime.db.dialect.reads_without_waiting:
            result = operation.call(runtime, request, context)
        else:
            result = await run_in_threadpool(operation.call, runtime, request, context)
    except errors.ServiceError:
        raise
    except Exception as exc:
        raise faults.server_fault(exc) from exc
    if not operation.read_only:
        faults.served(started)  # a write went through: an outage of the database (if any) is over
    return result


def json_members(body: bytes) -> dict[str, Any]:
    """A request body's members: a JSON object (an empty body stands for one without members)."""
    try:
        members: Any = loads(body) if body.strip() else {}
    except ValueError as exc:
        raise errors.SerializationException("Request body is not valid JSON") from exc
    if not isinstance(members, dict):
        raise errors.SerializationException("Request body must be a JSON object")
    return members


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


def _dump(model: BaseModel | None) -> dict[str, Any] | None:
    return None if model is None else model.model_dump(exclude_none=True)


def _tags(tags: list[shapes.Tag] | None) -> list[dict[str, str]]:
    return [tag.model_dump() for tag in tags or []]


def _routing(routing: list[shapes.RoutingConfig]) -> list[dict[str, Any]]:
    return [route.model_dump() for route in routing]


SM = "state machines"
VERSIONS = "versions and aliases"
EX = "executions"
TAGS = "tags"

_TABLE: tuple[Operation, ...] = (
    # --- state machines --------------------------------------------------------------------------
    Operation(
        "ListStateMachines",
        shapes.ListStateMachinesInput,
        shapes.ListStateMachinesOutput,
        lambda rt, r, ctx: state_machines.list_page(rt, max_results=r.maxResults, next_token=r.nextToken),
        (errors.InvalidToken,),
        read_only=True,
        rest=Rest("GET", "/state-machines", "List state machines", "A page of state machines, ordered by ARN.", SM),
    ),
    Operation(
        "CreateStateMachine",
        shapes.CreateStateMachineInput,
        shapes.CreateStateMachineOutput,
        lambda rt, r, ctx: state_machines.create(
            rt,
            name=r.name,
            definition=r.definition,
            role_arn=r.roleArn,
            type=r.type,
            tags=_tags(r.tags),
            logging_configuration=_dump(r.loggingConfiguration),
            tracing_configuration=_dump(r.tracingConfiguration),
            publish=bool(r.publish),
            version_description=r.versionDescription,
            encryption_configuration=_dump(r.encryptionConfiguration),
        ),
        (
            errors.ConflictException,
            errors.InvalidArn,
            errors.InvalidDefinition,
            errors.InvalidEncryptionConfiguration,
            errors.InvalidName,
            errors.StateMachineAlreadyExists,
            errors.StateMachineDeleting,
            errors.TooManyTags,
        ),
        rest=Rest(
            "POST",
            "/state-machines",
            "Create a state machine",
            "Repeating an identical request answers the existing machine.",
            SM,
            status=201,
            body=bodies.CreateStateMachineBody,
            json_text=("definition",),
        ),
    ),
    Operation(
        "ValidateStateMachineDefinition",
        shapes.ValidateStateMachineDefinitionInput,
        shapes.ValidateStateMachineDefinitionOutput,
        lambda rt, r, ctx: state_machines.validate(
            r.definition, machine_type=r.type, severity=r.severity, max_results=r.maxResults
        ),
        (),
        read_only=True,
        rest=Rest(
            "POST",
            "/state-machines/validate",
            "Validate a definition",
            "Diagnostics instead of an error, to check a draft.",
            SM,
            body=bodies.ValidateDefinitionBody,
            json_text=("definition",),
        ),
    ),
    # Routes under a machine's ARN with a suffix come before the routes of the ARN alone.
    Operation(
        "PublishStateMachineVersion",
        shapes.PublishStateMachineVersionInput,
        shapes.PublishStateMachineVersionOutput,
        lambda rt, r, ctx: versions.publish(rt, r.stateMachineArn, revision_id=r.revisionId, description=r.description),
        (
            errors.ConflictException,
            errors.InvalidArn,
            errors.ServiceQuotaExceededException,
            errors.StateMachineDeleting,
            errors.StateMachineDoesNotExist,
        ),
        rest=Rest(
            "POST",
            "/state-machines/{arn}/versions",
            "Publish a version",
            "The machine's current revision as a numbered version; publishing it again returns that version.",
            VERSIONS,
            status=201,
            arn="stateMachineArn",
            body=bodies.PublishVersionBody,
        ),
    ),
    Operation(
        "ListStateMachineVersions",
        shapes.PagedByStateMachineInput,
        shapes.ListStateMachineVersionsOutput,
        lambda rt, r, ctx: versions.list_page(rt, r.stateMachineArn, max_results=r.maxResults, next_token=r.nextToken),
        (errors.InvalidArn, errors.InvalidToken),
        read_only=True,
        rest=Rest(
            "GET",
            "/state-machines/{arn}/versions",
            "List a machine's versions",
            "Newest first.",
            VERSIONS,
            arn="stateMachineArn",
        ),
    ),
    Operation(
        "ListStateMachineAliases",
        shapes.PagedByStateMachineInput,
        shapes.ListStateMachineAliasesOutput,
        lambda rt, r, ctx: aliases.list_page(rt, r.stateMachineArn, max_results=r.maxResults, next_token=r.nextToken),
        (errors.InvalidArn, errors.InvalidToken, errors.ResourceNotFound, errors.StateMachineDoesNotExist),
        read_only=True,
        rest=Rest(
            "GET",
            "/state-machines/{arn}/aliases",
            "List a machine's aliases",
            "Newest first; of a version's ARN, the aliases that route to it.",
            VERSIONS,
            arn="stateMachineArn",
        ),
    ),
    Operation(
        "DescribeStateMachine",
        shapes.DescribeStateMachineInput,
        shapes.DescribeStateMachineOutput,
        lambda rt, r, ctx: state_machines.describe(rt, r.stateMachineArn),
        (errors.InvalidArn, errors.StateMachineDoesNotExist),
        read_only=True,
        rest=Rest(
            "GET",
            "/state-machines/{arn}",
            "Describe a state machine",
            "The current definition and settings.",
            SM,
            arn="stateMachineArn",
        ),
    ),
    Operation(
        "UpdateStateMachine",
        shapes.UpdateStateMachineInput,
        shapes.UpdateStateMachineOutput,
        lambda rt, r, ctx: state_machines.update(
            rt,
            r.stateMachineArn,
            definition=r.definition,
            role_arn=r.roleArn,
            logging_configuration=_dump(r.loggingConfiguration),
            tracing_configuration=_dump(r.tracingConfiguration),
            publish=bool(r.publish),
            version_description=r.versionDescription,
            encryption_configuration=_dump(r.encryptionConfiguration),
        ),
        (
            errors.ConflictException,
            errors.InvalidArn,
            errors.InvalidDefinition,
            errors.InvalidEncryptionConfiguration,
            errors.MissingRequiredParameter,
            errors.ServiceQuotaExceededException,
            errors.StateMachineDeleting,
            errors.StateMachineDoesNotExist,
        ),
        rest=Rest(
            "PUT",
            "/state-machines/{arn}",
            "Update a state machine",
            "New executions use the new revision; running ones keep theirs.",
            SM,
            arn="stateMachineArn",
            body=bodies.UpdateStateMachineBody,
            json_text=("definition",),
        ),
    ),
    Operation(
        "DeleteStateMachine",
        shapes.StateMachineArnInput,
        shapes.Empty,
        lambda rt, r, ctx: state_machines.delete(rt, r.stateMachineArn),
        _ARN_ERRORS,
        rest=Rest(
            "DELETE",
            "/state-machines/{arn}",
            "Delete a state machine",
            "Idempotent; running executions are stopped first.",
            SM,
            status=204,
            arn="stateMachineArn",
        ),
    ),
    # --- versions and aliases --------------------------------------------------------------------
    Operation(
        "DeleteStateMachineVersion",
        shapes.DeleteStateMachineVersionInput,
        shapes.Empty,
        lambda rt, r, ctx: versions.delete(rt, r.stateMachineVersionArn),
        (errors.ConflictException, errors.InvalidArn),
        rest=Rest(
            "DELETE",
            "/versions/{arn}",
            "Delete a version",
            "Refused while an alias routes to it; running executions of it go on.",
            VERSIONS,
            status=204,
            arn="stateMachineVersionArn",
        ),
    ),
    Operation(
        "CreateStateMachineAlias",
        shapes.CreateStateMachineAliasInput,
        shapes.CreateStateMachineAliasOutput,
        lambda rt, r, ctx: aliases.create(rt, r.name, _routing(r.routingConfiguration), r.description),
        (
            errors.ConflictException,
            errors.InvalidArn,
            errors.ResourceNotFound,
            errors.ServiceQuotaExceededException,
            errors.StateMachineDeleting,
        ),
        rest=Rest(
            "POST",
            "/aliases",
            "Create an alias",
            "A name that starts executions of one version, or splits them between two by weight.",
            VERSIONS,
            status=201,
            body=bodies.CreateAliasBody,
        ),
    ),
    Operation(
        "DescribeStateMachineAlias",
        shapes.StateMachineAliasArnInput,
        shapes.DescribeStateMachineAliasOutput,
        lambda rt, r, ctx: aliases.describe(rt, r.stateMachineAliasArn),
        (errors.InvalidArn, errors.ResourceNotFound),
        read_only=True,
        rest=Rest(
            "GET",
            "/aliases/{arn}",
            "Describe an alias",
            "Its routing configuration.",
            VERSIONS,
            arn="stateMachineAliasArn",
        ),
    ),
    Operation(
        "UpdateStateMachineAlias",
        shapes.UpdateStateMachineAliasInput,
        shapes.UpdateStateMachineAliasOutput,
        lambda rt, r, ctx: aliases.update(
            rt,
            r.stateMachineAliasArn,
            description=r.description,
            routing=None if r.routingConfiguration is None else _routing(r.routingConfiguration),
        ),
        (errors.InvalidArn, errors.ResourceNotFound),
        rest=Rest(
            "PUT",
            "/aliases/{arn}",
            "Update an alias",
            "A new description, routing configuration, or both.",
            VERSIONS,
            arn="stateMachineAliasArn",
            body=bodies.UpdateAliasBody,
        ),
    ),
    Operation(
        "DeleteStateMachineAlias",
        shapes.StateMachineAliasArnInput,
        shapes.Empty,
        lambda rt, r, ctx: aliases.delete(rt, r.stateMachineAliasArn),
        (errors.InvalidArn, errors.ResourceNotFound),
        rest=Rest(
            "DELETE",
            "/aliases/{arn}",
            "Delete an alias",
            "The versions it routed to stay.",
            VERSIONS,
            status=204,
            arn="stateMachineAliasArn",
        ),
    ),
    # --- executions ------------------------------------------------------------------------------
    Operation(
        "StartExecution",
        shapes.StartExecutionInput,
        shapes.StartExecutionOutput,
        lambda rt, r, ctx: executions.start(
            rt, r.stateMachineArn, name=r.name, input=r.input, trace_header=r.traceHeader, started_by=ctx.caller
        ),
        (
            errors.ExecutionAlreadyExists,
            errors.ExecutionLimitExceeded,
            errors.InvalidArn,
            errors.InvalidExecutionInput,
            errors.InvalidName,
            errors.StateMachineDeleting,
            errors.StateMachineDoesNotExist,
        ),
        rest=Rest(
            "POST",
            "/executions",
            "Start an execution",
            "Repeating it with the same name and input while it runs is idempotent.",
            EX,
            status=201,
            body=bodies.StartExecutionBody,
            json_text=("input",),
        ),
    ),
    Operation(
        "StartSyncExecution",
        shapes.StartSyncExecutionInput,
        shapes.StartSyncExecutionOutput,
        lambda rt, r, ctx: executions.start_sync(
            rt,
            r.stateMachineArn,
            name=r.name,
            input=r.input,
            trace_header=r.traceHeader,
            metadata_only=r.includedData == "METADATA_ONLY",
        ),
        (
            errors.InvalidArn,
            errors.InvalidExecutionInput,
            errors.InvalidName,
            errors.StateMachineDeleting,
            errors.StateMachineDoesNotExist,
            errors.StateMachineTypeNotSupported,
        ),
        waits=True,
        rest=Rest(
            "POST",
            "/executions/sync",
            "Run an Express execution to its end",
            "Answers with the execution's status and output once it has ended (EXPRESS machines only).",
            EX,
            body=bodies.StartExecutionBody,
            json_text=("input",),
        ),
    ),
    Operation(
        "ListExecutions",
        shapes.ListExecutionsInput,
        shapes.ListExecutionsOutput,
        lambda rt, r, ctx: executions.list_page(
            rt,
            state_machine_arn=r.stateMachineArn,
            map_run_arn=r.mapRunArn,
            status_filter=r.statusFilter,
            redrive_filter=r.redriveFilter,
            max_results=r.maxResults,
            next_token=r.nextToken,
        ),
        (
            errors.InvalidArn,
            errors.InvalidToken,
            errors.ResourceNotFound,
            errors.StateMachineDoesNotExist,
            errors.StateMachineTypeNotSupported,
        ),
        read_only=True,
        rest=Rest("GET", "/executions", "List executions of a state machine or a Map Run", "Newest first.", EX),
    ),
    # The suffixed routes come before GET /executions/{arn}, whose path converter would swallow them.
    Operation(
        "StopExecution",
        shapes.StopExecutionInput,
        shapes.StopExecutionOutput,
        lambda rt, r, ctx: executions.stop(rt, r.executionArn, error=r.error, cause=r.cause),
        (errors.ExecutionDoesNotExist, errors.InvalidArn),
        rest=Rest(
            "POST",
            "/executions/{arn}/stop",
            "Stop an execution",
            "The execution is ABORTED when this returns; the body is optional.",
            EX,
            arn="executionArn",
            body=bodies.StopExecutionBody,
        ),
    ),
    Operation(
        "RedriveExecution",
        shapes.RedriveExecutionInput,
        shapes.RedriveExecutionOutput,
        lambda rt, r, ctx: redrives.redrive(rt, r.executionArn, r.clientToken),
        (errors.ExecutionDoesNotExist, errors.ExecutionNotRedrivable, errors.ExecutionLimitExceeded, errors.InvalidArn),
        rest=Rest(
            "POST",
            "/executions/{arn}/redrive",
            "Redrive an execution",
            "A FAILED, TIMED_OUT or ABORTED execution goes on from the state that did not succeed.",
            EX,
            arn="executionArn",
        ),
    ),
    Operation(
        "GetExecutionHistory",
        shapes.GetExecutionHistoryInput,
        shapes.GetExecutionHistoryOutput,
        lambda rt, r, ctx: executions.history(
            rt,
            r.executionArn,
            max_results=r.maxResults,
            next_token=r.nextToken,
            reverse_order=r.reverseOrder,
            include_execution_data=r.includeExecutionData,
        ),
        (errors.ExecutionDoesNotExist, errors.InvalidArn, errors.InvalidToken),
        read_only=True,
        large=True,
        rest=Rest(
            "GET",
            "/executions/{arn}/history",
            "Get an execution's history",
            "The events AWS would record, a page at a time.",
            EX,
            arn="executionArn",
        ),
    ),
    Operation(
        "DescribeStateMachineForExecution",
        shapes.ExecutionArnInput,
        shapes.DescribeStateMachineForExecutionOutput,
        lambda rt, r, ctx: executions.describe_state_machine(rt, r.executionArn),
        (errors.ExecutionDoesNotExist, errors.InvalidArn),
        read_only=True,
        rest=Rest(
            "GET",
            "/executions/{arn}/state-machine",
            "Describe the state machine an execution runs",
            "The revision it started with, even after an update.",
            EX,
            arn="executionArn",
        ),
    ),
    Operation(
        "DescribeExecution",
        shapes.DescribeExecutionInput,
        shapes.DescribeExecutionOutput,
        lambda rt, r, ctx: executions.describe(rt, r.executionArn, metadata_only=r.includedData == "METADATA_ONLY"),
        (errors.ExecutionDoesNotExist, errors.InvalidArn),
        read_only=True,
        rest=Rest(
            "GET",
            "/executions/{arn}",
            "Describe an execution",
            "Status, input and, once ended, output or error.",
            EX,
            arn="executionArn",
        ),
    ),
    # --- tags ------------------------------------------------------------------------------------
    Operation(
        "ListTagsForResource",
        shapes.ListTagsForResourceInput,
        shapes.ListTagsForResourceOutput,
        lambda rt, r, ctx: state_machines.list_tags(rt, r.resourceArn),
        (errors.InvalidArn, errors.ResourceNotFound),
        read_only=True,
        rest=Rest("GET", "/tags/{arn}", "List a resource's tags", "Sorted by key.", TAGS, arn="resourceArn"),
    ),
    Operation(
        "TagResource",
        shapes.TagResourceInput,
        shapes.Empty,
        lambda rt, r, ctx: state_machines.tag_resource(rt, r.resourceArn, _tags(r.tags)),
        (errors.InvalidArn, errors.ResourceNotFound, errors.TooManyTags),
        rest=Rest(
            "POST",
            "/tags/{arn}",
            "Add or overwrite tags",
            "Keys already present get the new value.",
            TAGS,
            status=204,
            arn="resourceArn",
            body=bodies.TagResourceBody,
        ),
    ),
    Operation(
        "UntagResource",
        shapes.UntagResourceInput,
        shapes.Empty,
        lambda rt, r, ctx: state_machines.untag_resource(rt, r.resourceArn, r.tagKeys),
        (errors.InvalidArn, errors.ResourceNotFound),
        rest=Rest(
            "DELETE",
            "/tags/{arn}",
            "Remove tags",
            "Keys the resource does not have are ignored.",
            TAGS,
            status=204,
            arn="resourceArn",
        ),
    ),
    # --- activities and task callbacks (workers speak AWS JSON) ----------------------------------
    Operation(
        "CreateActivity",
        shapes.CreateActivityInput,
        shapes.CreateActivityOutput,
        lambda rt, r, ctx: activities.create(rt, r.name, _tags(r.tags), _dump(r.encryptionConfiguration)),
        (errors.InvalidEncryptionConfiguration, errors.InvalidName, errors.TooManyTags),
    ),
    Operation(
        "DescribeActivity",
        shapes.ActivityArnInput,
        shapes.DescribeActivityOutput,
        lambda rt, r, ctx: activities.describe(rt, r.activityArn),
        (errors.ActivityDoesNotExist, errors.InvalidArn),
        read_only=True,
    ),
    Operation(
        "DeleteActivity",
        shapes.ActivityArnInput,
        shapes.Empty,
        lambda rt, r, ctx: activities.delete(rt, r.activityArn),
        _ARN_ERRORS,
    ),
    Operation(
        "ListActivities",
        shapes.ListActivitiesInput,
        shapes.ListActivitiesOutput,
        lambda rt, r, ctx: activities.list_page(rt, max_results=r.maxResults, next_token=r.nextToken),
        (errors.InvalidToken,),
        read_only=True,
    ),
    Operation(
        "TestState",
        shapes.TestStateInput,
        shapes.TestStateOutput,
        lambda rt, r, ctx: test_state.test_state(
            rt,
            definition=r.definition,
            role_arn=r.roleArn,
            input=r.input,
            inspection_level=r.inspectionLevel,
            variables=r.variables,
            state_name=r.stateName,
        ),
        (errors.InvalidArn, errors.InvalidDefinition, errors.InvalidExecutionInput),
        waits=True,
        rest=Rest(
            "POST",
            "/test-state",
            "Test one state",
            "Runs one state (integrations included) and answers with its output, status and data flow.",
            SM,
        ),
    ),
    Operation(
        "DescribeMapRun",
        shapes.MapRunArnInput,
        shapes.DescribeMapRunOutput,
        lambda rt, r, ctx: map_runs.describe(rt, r.mapRunArn),
        (errors.InvalidArn, errors.ResourceNotFound),
    ),
    Operation(
        "UpdateMapRun",
        shapes.UpdateMapRunInput,
        shapes.Empty,
        lambda rt, r, ctx: map_runs.update(
            rt,
            r.mapRunArn,
            max_concurrency=r.maxConcurrency,
            tolerated_count=r.toleratedFailureCount,
            tolerated_percent=r.toleratedFailurePercentage,
        ),
        (errors.InvalidArn, errors.ResourceNotFound, errors.ValidationException),
    ),
    Operation(
        "ListMapRuns",
        shapes.ListMapRunsInput,
        shapes.ListMapRunsOutput,
        lambda rt, r, ctx: map_runs.list_page(rt, r.executionArn, max_results=r.maxResults, next_token=r.nextToken),
        (errors.ExecutionDoesNotExist, errors.InvalidArn, errors.InvalidToken),
        read_only=True,
    ),
    Operation(
        "GetActivityTask",
        shapes.GetActivityTaskInput,
        shapes.GetActivityTaskOutput,
        lambda rt, r, ctx: activities.get_task(rt, r.activityArn, r.workerName, ctx.disconnected),
        (errors.ActivityDoesNotExist, errors.InvalidArn),
        waits=True,
    ),
    Operation(
        "SendTaskSuccess",
        shapes.SendTaskSuccessInput,
        shapes.Empty,
        lambda rt, r, ctx: callbacks.send_success(rt, r.taskToken, r.output),
        (errors.InvalidOutput, errors.InvalidToken, errors.TaskDoesNotExist, errors.TaskTimedOut),
        rest=Rest(
            "POST",
            "/tasks/success",
            "Complete a waiting task",
            "The task holding this token succeeds with the output (a manual approval, an outside job's answer).",
            EX,
            status=204,
            body=bodies.SendTaskSuccessBody,
            json_text=("output",),
        ),
    ),
    Operation(
        "SendTaskFailure",
        shapes.SendTaskFailureInput,
        shapes.Empty,
        lambda rt, r, ctx: callbacks.send_failure(rt, r.taskToken, r.error, r.cause),
        (errors.InvalidToken, errors.TaskDoesNotExist, errors.TaskTimedOut),
        rest=Rest(
            "POST",
            "/tasks/failure",
            "Fail a waiting task",
            "The task holding this token fails with the error and cause, which its Retry and Catch see.",
            EX,
            status=204,
            body=bodies.SendTaskFailureBody,
        ),
    ),
    Operation(
        "SendTaskHeartbeat",
        shapes.SendTaskHeartbeatInput,
        shapes.Empty,
        lambda rt, r, ctx: callbacks.send_heartbeat(rt, r.taskToken),
        (errors.InvalidToken, errors.TaskDoesNotExist, errors.TaskTimedOut),
    ),
)

OPERATIONS: dict[str, Operation] = {operation.name: operation for operation in _TABLE}
