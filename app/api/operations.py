"""Every AWS operation this server speaks: its request shape and the service call behind it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from app.api import shapes
from app.executions.runtime import Runtime
from app.service import activities, callbacks, executions, state_machines


@dataclass(frozen=True)
class CallContext:
    """What a call knows beyond its request body.

    ``caller`` is the execution whose function made the call (requests under ``/_from/<arn>``);
    ``disconnected`` tells a long poll that its client has gone away.
    """

    caller: str | None
    disconnected: Callable[[], Awaitable[bool]]


@dataclass(frozen=True)
class Operation:
    """A request shape and the service call behind it (blocking, run on a worker thread).

    ``read_only`` calls never wait for a writer; on SQLite they run on the event loop itself,
    saving the thread hop (a WAL reader does not block).
    """

    shape: type[BaseModel]
    call: Callable[[Runtime, Any, CallContext], dict[str, Any]]
    read_only: bool = False


@dataclass(frozen=True)
class AsyncOperation:
    """An operation that waits without holding a thread (the activity long poll)."""

    shape: type[BaseModel]
    call: Callable[[Runtime, Any, CallContext], Awaitable[dict[str, Any]]]


def _dump(model: BaseModel | None) -> dict[str, Any] | None:
    return None if model is None else model.model_dump(exclude_none=True)


def _tags(tags: list[shapes.Tag] | None) -> list[dict[str, str]]:
    return [tag.model_dump() for tag in tags or []]


OPERATIONS: dict[str, Operation | AsyncOperation] = {
    "CreateStateMachine": Operation(
        shapes.CreateStateMachineInput,
        lambda rt, r, ctx: state_machines.create(
            rt,
            name=r.name,
            definition=r.definition,
            role_arn=r.roleArn,
            type=r.type,
            tags=_tags(r.tags),
            logging_configuration=_dump(r.loggingConfiguration),
            tracing_configuration=_dump(r.tracingConfiguration),
        ),
    ),
    "DescribeStateMachine": Operation(
        shapes.DescribeStateMachineInput,
        lambda rt, r, ctx: state_machines.describe(rt, r.stateMachineArn),
        read_only=True,
    ),
    "UpdateStateMachine": Operation(
        shapes.UpdateStateMachineInput,
        lambda rt, r, ctx: state_machines.update(
            rt,
            r.stateMachineArn,
            definition=r.definition,
            role_arn=r.roleArn,
            logging_configuration=_dump(r.loggingConfiguration),
            tracing_configuration=_dump(r.tracingConfiguration),
        ),
    ),
    "DeleteStateMachine": Operation(
        shapes.StateMachineArnInput, lambda rt, r, ctx: state_machines.delete(rt, r.stateMachineArn)
    ),
    "ListStateMachines": Operation(
        shapes.ListStateMachinesInput,
        lambda rt, r, ctx: state_machines.list_page(rt, max_results=r.maxResults, next_token=r.nextToken),
        read_only=True,
    ),
    "ValidateStateMachineDefinition": Operation(
        shapes.ValidateStateMachineDefinitionInput,
        lambda rt, r, ctx: state_machines.validate(r.definition, severity=r.severity, max_results=r.maxResults),
        read_only=True,
    ),
    "StartExecution": Operation(
        shapes.StartExecutionInput,
        lambda rt, r, ctx: executions.start(
            rt, r.stateMachineArn, name=r.name, input=r.input, trace_header=r.traceHeader, started_by=ctx.caller
        ),
    ),
    "DescribeExecution": Operation(
        shapes.DescribeExecutionInput, lambda rt, r, ctx: executions.describe(rt, r.executionArn), read_only=True
    ),
    "StopExecution": Operation(
        shapes.StopExecutionInput,
        lambda rt, r, ctx: executions.stop(rt, r.executionArn, error=r.error, cause=r.cause),
    ),
    "ListExecutions": Operation(
        shapes.ListExecutionsInput,
        lambda rt, r, ctx: executions.list_page(
            rt,
            state_machine_arn=r.stateMachineArn,
            status_filter=r.statusFilter,
            max_results=r.maxResults,
            next_token=r.nextToken,
        ),
        read_only=True,
    ),
    "GetExecutionHistory": Operation(
        shapes.GetExecutionHistoryInput,
        lambda rt, r, ctx: executions.history(
            rt,
            r.executionArn,
            max_results=r.maxResults,
            next_token=r.nextToken,
            reverse_order=r.reverseOrder,
            include_execution_data=r.includeExecutionData,
            as_fragments=True,
        ),
        read_only=True,
    ),
    "DescribeStateMachineForExecution": Operation(
        shapes.ExecutionArnInput,
        lambda rt, r, ctx: executions.describe_state_machine(rt, r.executionArn),
        read_only=True,
    ),
    "TagResource": Operation(
        shapes.TagResourceInput, lambda rt, r, ctx: state_machines.tag_resource(rt, r.resourceArn, _tags(r.tags))
    ),
    "UntagResource": Operation(
        shapes.UntagResourceInput, lambda rt, r, ctx: state_machines.untag_resource(rt, r.resourceArn, r.tagKeys)
    ),
    "ListTagsForResource": Operation(
        shapes.ListTagsForResourceInput, lambda rt, r, ctx: state_machines.list_tags(rt, r.resourceArn), read_only=True
    ),
    "CreateActivity": Operation(
        shapes.CreateActivityInput, lambda rt, r, ctx: activities.create(rt, r.name, _tags(r.tags))
    ),
    "DescribeActivity": Operation(
        shapes.ActivityArnInput, lambda rt, r, ctx: activities.describe(rt, r.activityArn), read_only=True
    ),
    "DeleteActivity": Operation(shapes.ActivityArnInput, lambda rt, r, ctx: activities.delete(rt, r.activityArn)),
    "ListActivities": Operation(
        shapes.ListActivitiesInput,
        lambda rt, r, ctx: activities.list_page(rt, max_results=r.maxResults, next_token=r.nextToken),
        read_only=True,
    ),
    "GetActivityTask": AsyncOperation(
        shapes.GetActivityTaskInput,
        lambda rt, r, ctx: activities.get_task(rt, r.activityArn, r.workerName, ctx.disconnected),
    ),
    "SendTaskSuccess": Operation(
        shapes.SendTaskSuccessInput, lambda rt, r, ctx: callbacks.send_success(rt, r.taskToken, r.output)
    ),
    "SendTaskFailure": Operation(
        shapes.SendTaskFailureInput, lambda rt, r, ctx: callbacks.send_failure(rt, r.taskToken, r.error, r.cause)
    ),
    "SendTaskHeartbeat": Operation(
        shapes.SendTaskHeartbeatInput, lambda rt, r, ctx: callbacks.send_heartbeat(rt, r.taskToken)
    ),
}
