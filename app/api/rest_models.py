"""Request and response models of the REST routes under ``/v1``, with examples for ``/docs``.

Member names are AWS's (camelCase), so a REST answer reads like the AWS JSON one. Timestamps are
epoch seconds (a float, UTC), as in the AWS API. Definitions, inputs and outputs come back as JSON
text, exactly as stored; requests may send them as JSON values instead.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue
from pydantic.alias_generators import to_camel

from app.api import shapes
from app.codec import dumps_spaced

# The examples form one walk through the API: create "hello", start "run-1" of it, look at both.
MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:hello"
EXECUTION_ARN = "arn:aws:states:us-east-1:123456789012:execution:hello:run-1"
ROLE_ARN = "arn:aws:iam::123456789012:role/any"
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
REVISION_ID = "0f6a4a0e-8c1e-4bd0-9a8f-3c2f5a0b7e21"
WHEN = 1718000000.123
LATER = 1718000000.456

Timestamp = Annotated[float, Field(description="Epoch seconds (UTC), as in the AWS API.", examples=[WHEN])]
JsonText = Annotated[str, Field(description="JSON text, as stored.")]


def json_text(value: JsonValue) -> str:
    """A JSON value as the JSON text the service takes; a string is taken to be JSON text already."""
    return value if isinstance(value, str) else dumps_spaced(value)


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class Shape(BaseModel):
    """Base of every model: snake_case in Python, AWS's camelCase on the wire and in the docs."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Reply(Shape):
    """Base of every answer: members the service adds later pass through rather than vanish."""

    model_config = ConfigDict(extra="allow")


class ErrorBody(BaseModel):
    """The error body of both surfaces: ``__type`` is the AWS error code."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "__type": "StateMachineDoesNotExist",
                    "message": f"State Machine Does Not Exist: '{MACHINE_ARN}'",
                }
            ]
        },
    )

    code: str = Field(alias="__type", description="The AWS error code, e.g. `InvalidArn`.")
    message: str = Field(description="What went wrong, in AWS's words.")


class Tag(shapes.Tag):
    """A resource tag."""

    model_config = _examples({"key": "team", "value": "core"})


# --- state machines ------------------------------------------------------------------------------
class CreateStateMachineRequest(Shape):
    model_config = _examples(
        {"name": "hello", "definition": DEFINITION, "roleArn": ROLE_ARN, "type": "STANDARD", "tags": []}
    )

    name: str = Field(description="1-80 characters, no whitespace, brackets, wildcards or `:/`.")
    definition: dict[str, Any] | str = Field(
        description="The Amazon States Language definition: a JSON object, or its JSON text."
    )
    role_arn: str = Field(min_length=1, max_length=256, description="IAM role ARN (stored, not assumed).")
    type: shapes.StateMachineType = Field(default="STANDARD", description="`STANDARD` or `EXPRESS`.")
    tags: list[Tag] = Field(default_factory=list, description="Tags to put on the new machine.")
    logging_configuration: shapes.LoggingConfiguration | None = Field(default=None, description="Stored only.")
    tracing_configuration: shapes.TracingConfiguration | None = Field(default=None, description="Stored only.")


class StateMachineCreated(Reply):
    model_config = _examples({"stateMachineArn": MACHINE_ARN, "creationDate": WHEN})

    state_machine_arn: str
    creation_date: Timestamp


class StateMachineSummary(Reply):
    state_machine_arn: str
    name: str
    type: str
    creation_date: Timestamp


class StateMachineList(Reply):
    model_config = _examples(
        {"stateMachines": [{"stateMachineArn": MACHINE_ARN, "name": "hello", "type": "STANDARD", "creationDate": WHEN}]}
    )

    state_machines: list[StateMachineSummary]
    next_token: str | None = Field(default=None, description="Pass as `nextToken` for the next page.")


class StateMachineDetail(Reply):
    model_config = _examples(
        {
            "stateMachineArn": MACHINE_ARN,
            "name": "hello",
            "status": "ACTIVE",
            "definition": dumps_spaced(DEFINITION),
            "roleArn": ROLE_ARN,
            "type": "STANDARD",
            "creationDate": WHEN,
            "revisionId": REVISION_ID,
            "loggingConfiguration": {"level": "OFF", "includeExecutionData": False},
            "tracingConfiguration": {"enabled": False},
        }
    )

    state_machine_arn: str
    name: str
    status: str = Field(description="`ACTIVE`, or `DELETING` while running executions stop.")
    definition: JsonText
    role_arn: str
    type: str
    creation_date: Timestamp
    revision_id: str
    logging_configuration: dict[str, Any]
    tracing_configuration: dict[str, Any]


class UpdateStateMachineRequest(Shape):
    """Give at least one member; the others keep their values."""

    model_config = _examples({"definition": DEFINITION, "roleArn": ROLE_ARN})

    definition: dict[str, Any] | str | None = Field(
        default=None, description="The new definition: a JSON object, or its JSON text."
    )
    role_arn: str | None = Field(default=None, min_length=1, max_length=256, description="The new role ARN.")
    logging_configuration: shapes.LoggingConfiguration | None = None
    tracing_configuration: shapes.TracingConfiguration | None = None


class StateMachineUpdated(Reply):
    model_config = _examples({"updateDate": LATER, "revisionId": REVISION_ID})

    update_date: Timestamp
    revision_id: str


class ValidateDefinitionRequest(Shape):
    model_config = _examples({"definition": DEFINITION, "severity": "WARNING"})

    definition: dict[str, Any] | str = Field(description="A definition: a JSON object, or its JSON text.")
    severity: Literal["ERROR", "WARNING"] = Field(default="ERROR", description="The lowest severity to report.")
    max_results: int | None = Field(default=None, ge=0, le=100, description="At most this many diagnostics.")


class Diagnostic(Reply):
    severity: str
    code: str
    message: str
    location: str | None = None


class ValidationResult(Reply):
    model_config = _examples(
        {
            "result": "FAIL",
            "diagnostics": [
                {
                    "severity": "ERROR",
                    "code": "MISSING_TRANSITION_TARGET",
                    "message": "Missing 'Next' target: Nowhere",
                    "location": "/States/Greet/Next",
                }
            ],
            "truncated": False,
        }
    )

    result: Literal["OK", "FAIL"]
    diagnostics: list[Diagnostic]
    truncated: bool


# --- executions ----------------------------------------------------------------------------------
class StartExecutionRequest(Shape):
    model_config = _examples({"stateMachineArn": MACHINE_ARN, "name": "run-1", "input": {"name": "world"}})

    state_machine_arn: str = Field(min_length=1, max_length=256, description="The machine to run.")
    name: str | None = Field(default=None, description="Unique per machine; a UUID when left out.")
    input: JsonValue = Field(
        default=None,
        description='The input: any JSON value, or a string holding JSON text (`"{}"` when left out).',
    )
    trace_header: str | None = Field(default=None, max_length=256, description="X-Ray trace header.")


class ExecutionStarted(Reply):
    model_config = _examples({"executionArn": EXECUTION_ARN, "startDate": WHEN})

    execution_arn: str
    start_date: Timestamp


ExecutionStatus = shapes.ExecutionStatus


class ExecutionSummary(Reply):
    execution_arn: str
    state_machine_arn: str
    name: str
    status: ExecutionStatus
    start_date: Timestamp
    stop_date: Timestamp | None = None
    redrive_count: int = 0


class ExecutionList(Reply):
    model_config = _examples(
        {
            "executions": [
                {
                    "executionArn": EXECUTION_ARN,
                    "stateMachineArn": MACHINE_ARN,
                    "name": "run-1",
                    "status": "SUCCEEDED",
                    "startDate": WHEN,
                    "stopDate": LATER,
                    "redriveCount": 0,
                }
            ]
        }
    )

    executions: list[ExecutionSummary]
    next_token: str | None = Field(default=None, description="Pass as `nextToken` for the next page.")


class ExecutionDetail(Reply):
    model_config = _examples(
        {
            "executionArn": EXECUTION_ARN,
            "stateMachineArn": MACHINE_ARN,
            "name": "run-1",
            "status": "SUCCEEDED",
            "startDate": WHEN,
            "stopDate": LATER,
            "input": '{"name": "world"}',
            "inputDetails": {"included": True},
            "output": '{"greeting":"Hello, world!"}',
            "outputDetails": {"included": True},
            "redriveCount": 0,
        }
    )

    execution_arn: str
    state_machine_arn: str
    name: str
    status: ExecutionStatus
    start_date: Timestamp
    stop_date: Timestamp | None = Field(default=None, description="Present once the execution has ended.")
    input: JsonText
    input_details: dict[str, Any]
    output: str | None = Field(default=None, description="JSON text; present when it succeeded.")
    output_details: dict[str, Any] | None = None
    error: str | None = Field(default=None, description="Present when it failed, timed out or was stopped.")
    cause: str | None = None
    trace_header: str | None = None
    redrive_count: int = 0


class StopExecutionRequest(Shape):
    model_config = _examples({"error": "Cancelled", "cause": "Stopped from the REST API"})

    error: str | None = Field(default=None, max_length=256, description="Error code to record.")
    cause: str | None = Field(default=None, max_length=32768, description="Explanation to record.")


class ExecutionStopped(Reply):
    model_config = _examples({"stopDate": LATER})

    stop_date: Timestamp


class HistoryEvent(Reply):
    """One event; its ``...EventDetails`` member is named after its type, as in AWS."""

    timestamp: Timestamp
    type: str
    id: int
    previous_event_id: int


class History(Reply):
    model_config = _examples(
        {
            "events": [
                {
                    "timestamp": WHEN,
                    "type": "ExecutionStarted",
                    "id": 1,
                    "previousEventId": 0,
                    "executionStartedEventDetails": {
                        "input": '{"name": "world"}',
                        "inputDetails": {"truncated": False},
                        "roleArn": ROLE_ARN,
                    },
                }
            ]
        }
    )

    events: list[HistoryEvent]
    next_token: str | None = Field(default=None, description="Pass as `nextToken` for the next page.")


class ExecutionStateMachine(Reply):
    """The revision an execution runs, which outlives later updates of its machine."""

    model_config = _examples(
        {
            "stateMachineArn": MACHINE_ARN,
            "name": "hello",
            "definition": dumps_spaced(DEFINITION),
            "roleArn": ROLE_ARN,
            "updateDate": WHEN,
            "revisionId": REVISION_ID,
            "loggingConfiguration": {"level": "OFF", "includeExecutionData": False},
            "tracingConfiguration": {"enabled": False},
        }
    )

    state_machine_arn: str
    name: str
    definition: JsonText
    role_arn: str
    update_date: Timestamp
    revision_id: str
    logging_configuration: dict[str, Any] | None = None
    tracing_configuration: dict[str, Any] | None = None


# --- tags ----------------------------------------------------------------------------------------
class TagResourceRequest(Shape):
    model_config = _examples({"tags": [{"key": "team", "value": "core"}]})

    tags: list[Tag] = Field(description="Tags to add or overwrite, at most 50 on a resource.")


class TagList(Reply):
    model_config = _examples({"tags": [{"key": "team", "value": "core"}]})

    tags: list[Tag]
