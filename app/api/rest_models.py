"""The request bodies of the REST routes under ``/v1`` as ``/docs`` shows them, and the error body.

A REST body is the AWS request's members (camelCase), except that a definition or an input may be
sent as a JSON value instead of JSON text; the routes turn such values into text and then check
the request against the AWS shape like the AWS JSON endpoint does. These models only document.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from app.api import shapes
from app.api.shapes import MACHINE_ARN, ROLE_ARN

DEFINITION: dict[str, Any] = {
    "StartAt": "Greet",
    "States": {
        "Greet": {
            "Type": "Pass",
            "Parameters": {"greeting.$": "States.Format('Hello, {}!', $.name)"},
            "End": True,
        }
    },
}


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class ErrorBody(BaseModel):
    """The error body of both surfaces: ``__type`` is the AWS error code."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {"__type": "StateMachineDoesNotExist", "message": f"State Machine Does Not Exist: '{MACHINE_ARN}'"}
            ]
        },
    )

    code: str = Field(alias="__type", description="The AWS error code, e.g. `InvalidArn`.")
    message: str = Field(description="What went wrong, in AWS's words.")


class Tag(shapes.Tag):
    """A resource tag."""

    model_config = _examples({"key": "team", "value": "core"})


class CreateStateMachineBody(BaseModel):
    model_config = _examples(
        {"name": "hello", "definition": DEFINITION, "roleArn": ROLE_ARN, "type": "STANDARD", "tags": []}
    )

    name: str = Field(description="1-80 characters, no whitespace, brackets, wildcards or `:/`.")
    definition: dict[str, Any] | str = Field(
        description="The Amazon States Language definition: a JSON object, or its JSON text."
    )
    roleArn: str = Field(min_length=1, max_length=256, description="IAM role ARN (stored, not assumed).")
    type: shapes.StateMachineType = Field(default="STANDARD", description="`STANDARD` or `EXPRESS`.")
    tags: list[Tag] = Field(default_factory=list, description="Tags to put on the new machine.")
    loggingConfiguration: shapes.LoggingConfiguration | None = Field(default=None, description="Stored only.")
    tracingConfiguration: shapes.TracingConfiguration | None = Field(default=None, description="Stored only.")


class UpdateStateMachineBody(BaseModel):
    """Give at least one member; the others keep their values."""

    model_config = _examples({"definition": DEFINITION, "roleArn": ROLE_ARN})

    definition: dict[str, Any] | str | None = Field(
        default=None, description="The new definition: a JSON object, or its JSON text."
    )
    roleArn: str | None = Field(default=None, min_length=1, max_length=256, description="The new role ARN.")
    loggingConfiguration: shapes.LoggingConfiguration | None = None
    tracingConfiguration: shapes.TracingConfiguration | None = None


class ValidateDefinitionBody(BaseModel):
    model_config = _examples({"definition": DEFINITION, "severity": "WARNING"})

    definition: dict[str, Any] | str = Field(description="A definition: a JSON object, or its JSON text.")
    severity: Literal["ERROR", "WARNING"] = Field(default="ERROR", description="The lowest severity to report.")
    maxResults: int | None = Field(default=None, ge=0, le=100, description="At most this many diagnostics.")


class StartExecutionBody(BaseModel):
    model_config = _examples({"stateMachineArn": MACHINE_ARN, "name": "run-1", "input": {"name": "world"}})

    stateMachineArn: str = Field(min_length=1, max_length=256, description="The machine to run.")
    name: str | None = Field(default=None, description="Unique per machine; a UUID when left out.")
    input: JsonValue = Field(
        default=None,
        description='The input: any JSON value, or a string holding JSON text (`"{}"` when left out).',
    )
    traceHeader: str | None = Field(default=None, max_length=256, description="X-Ray trace header.")


class StopExecutionBody(BaseModel):
    """Optional: the error and cause to record."""

    model_config = _examples({"error": "Cancelled", "cause": "Stopped from the REST API"})

    error: str | None = Field(default=None, max_length=256, description="Error code to record.")
    cause: str | None = Field(default=None, max_length=32768, description="Explanation to record.")


class TagResourceBody(BaseModel):
    model_config = _examples({"tags": [{"key": "team", "value": "core"}]})

    tags: list[Tag] = Field(description="Tags to add or overwrite, at most 50 on a resource.")


class PublishVersionBody(BaseModel):
    """Optional: publish only if the current revision is this one, and describe the version."""

    model_config = _examples({"description": "first release"})

    revisionId: str | None = Field(default=None, description="Publish only if this is the current revision.")
    description: str | None = Field(default=None, max_length=256, description="The version's description.")


class RoutingConfig(shapes.RoutingConfig):
    model_config = _examples({"stateMachineVersionArn": f"{MACHINE_ARN}:1", "weight": 100})


class CreateAliasBody(BaseModel):
    model_config = _examples(
        {"name": "PROD", "routingConfiguration": [{"stateMachineVersionArn": f"{MACHINE_ARN}:1", "weight": 100}]}
    )

    name: str = Field(description="Letters, digits, `_`, `-` and `.`, not only digits.")
    description: str | None = Field(default=None, max_length=256)
    routingConfiguration: list[RoutingConfig] = Field(description="One version, or two with weights adding up to 100.")


class UpdateAliasBody(BaseModel):
    """Give at least one member."""

    model_config = _examples(
        {
            "routingConfiguration": [
                {"stateMachineVersionArn": f"{MACHINE_ARN}:1", "weight": 90},
                {"stateMachineVersionArn": f"{MACHINE_ARN}:2", "weight": 10},
            ]
        }
    )

    description: str | None = Field(default=None, max_length=256)
    routingConfiguration: list[RoutingConfig] | None = None


class ScheduleTarget(BaseModel):
    """What a schedule starts: a state machine, a version or an alias, with the execution's input."""

    model_config = ConfigDict(extra="forbid")

    Arn: str = Field(min_length=1, max_length=256, description="The state machine (version, alias) to start.")
    Input: JsonValue = Field(default=None, description="The execution's input: a JSON value or its JSON text.")
    RoleArn: str | None = Field(default=None, max_length=256, description="Stored as given, not assumed.")


class ScheduleBody(BaseModel):
    """EventBridge Scheduler's CreateSchedule and UpdateSchedule members (the name is in the path)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "ScheduleExpression": "cron(0 9 ? * MON-FRI *)",
                    "ScheduleExpressionTimezone": "Europe/Paris",
                    "Target": {"Arn": MACHINE_ARN, "Input": {"report": "daily"}},
                    "State": "ENABLED",
                }
            ]
        },
    )

    ScheduleExpression: str = Field(
        description="`rate(N minutes|hours|days)`, `cron(min hour day-of-month month day-of-week year)` "
        "(with `?`, `L`, `W`, `#`) or `at(yyyy-mm-ddThh:mm:ss)`."
    )
    ScheduleExpressionTimezone: str = Field(default="UTC", description="An IANA time zone for cron and at.")
    Target: ScheduleTarget
    State: Literal["ENABLED", "DISABLED"] = "ENABLED"
    Description: str | None = Field(default=None, max_length=512)
    StartDate: float | str | None = Field(default=None, description="Epoch seconds or ISO 8601: not before.")
    EndDate: float | str | None = Field(default=None, description="Epoch seconds or ISO 8601: not after.")
    FlexibleTimeWindow: dict[str, Any] | None = Field(
        default=None, description="Accepted for compatibility; this server fires at the due time (`OFF`)."
    )
    StackName: str | None = Field(default=None, max_length=128, description="The stack that owns the schedule.")


class FunctionBody(BaseModel):
    """A Python function for the server to run (what ``sfn deploy`` sends for a template's function)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "Handler": "app.lambda_handler",
                    "Runtime": "python3.11",
                    "ZipFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==",
                    "Environment": {"TABLE": "orders"},
                    "Timeout": 30,
                }
            ]
        },
    )

    Handler: str = Field(description="MODULE.FUNCTION in the archive, e.g. `app.lambda_handler` for app.py.")
    Runtime: str = Field(description="`python3.x`: the server runs Python functions.")
    ZipFile: str = Field(description="The code: a zip archive, base64-encoded (at most 50 MB).")
    Environment: dict[str, str] = Field(default_factory=dict, description="The function's own variables.")
    Timeout: float = Field(default=3, gt=0, le=900, description="Seconds a call may take (Lambda's default: 3).")
    StackName: str | None = Field(default=None, max_length=128, description="The stack that owns the function.")


# --- the views of the console (no AWS operation answers these) ----------------------------------
class SendTaskSuccessBody(BaseModel):
    model_config = _examples({"taskToken": "AQCEAAAAKgAAAAMAAAAA...", "output": {"approved": True}})

    taskToken: str = Field(min_length=1, max_length=1024, description="The token the waiting task was given.")
    output: JsonValue = Field(description="The task's result: any JSON value, or a string holding JSON text.")


class SendTaskFailureBody(BaseModel):
    model_config = _examples({"taskToken": "AQCEAAAAKgAAAAMAAAAA...", "error": "Rejected", "cause": "Not approved"})

    taskToken: str = Field(min_length=1, max_length=1024, description="The token the waiting task was given.")
    error: str | None = Field(default=None, max_length=256, description="The error the task fails with.")
    cause: str | None = Field(default=None, max_length=32768, description="Its explanation.")


class MachinesOverviewInput(shapes.Request):
    nameContains: str | None = Field(
        default=None, max_length=80, description="Only machines whose name holds this (any case)."
    )
    maxResults: shapes.PageSize | None = None
    nextToken: shapes.PageToken | None = None


class ExecutionsOverviewInput(shapes.Request):
    stateMachineArn: shapes.Arn | None = Field(default=None, description="Only this machine's executions.")
    statusFilter: shapes.ExecutionStatus | None = Field(default=None, description="Only executions in this status.")
    nameContains: str | None = Field(default=None, max_length=80, description="Only names holding this (any case).")
    startedAfter: float | None = Field(default=None, description="Started at or after (seconds since 1970).")
    startedBefore: float | None = Field(default=None, description="Started before (seconds since 1970).")
    maxResults: shapes.PageSize | None = None
    nextToken: Annotated[str, Field(min_length=1, max_length=3096)] | None = None


class ExecutionViewInput(shapes.ExecutionArnInput):
    pass


class DraftInput(shapes.Request):
    definition: str = Field(min_length=1, max_length=1_048_576, description="The definition's JSON text, as typed.")
    type: shapes.StateMachineType = Field(default="STANDARD", description="`STANDARD` or `EXPRESS`.")


class DraftBody(BaseModel):
    model_config = _examples({"definition": DEFINITION, "type": "STANDARD"})

    definition: dict[str, Any] | str = Field(description="A definition: its JSON text as typed, or a JSON object.")
    type: shapes.StateMachineType = Field(default="STANDARD", description="`STANDARD` or `EXPRESS`.")


class ActivitiesOverviewInput(shapes.Request):
    maxResults: shapes.PageSize | None = None
    nextToken: shapes.PageToken | None = None


class MachinesOverview(shapes.Response):
    """Machines with `runningCount` and `failedCount` of their executions."""

    stateMachines: list[dict[str, Any]]
    nextToken: str | None = None


class ExecutionsOverview(shapes.Response):
    """Executions of every machine, each with its machine's name and its history's event count."""

    executions: list[dict[str, Any]]
    nextToken: str | None = None


class ExecutionView(shapes.Response):
    """`execution` (as DescribeExecution), `definition`, `graph` (boxes and arrows in pixels),
    `progress` (each state's status and visits, Map iterations), `tokens` it waits on, `lineage`."""

    execution: dict[str, Any]
    definition: str | None
    graph: dict[str, Any]
    progress: dict[str, Any]
    tokens: list[dict[str, Any]]
    lineage: dict[str, Any]


class DraftCheck(shapes.Response):
    """`diagnostics` with the `line` and `column` each points at, and the draft's `graph` once it is an object."""

    result: Literal["OK", "FAIL"]
    diagnostics: list[dict[str, Any]]
    truncated: bool
    graph: dict[str, Any] | None


class ActivitiesOverview(shapes.Response):
    """Activities with `scheduledCount` (no worker took them yet), `startedCount` and `recentWorkers`."""

    activities: list[dict[str, Any]]
    nextToken: str | None = None
