"""The shapes of the Step Functions API: requests with the constraints of the botocore model, and
the responses, with examples for the OpenAPI document.

Member names are AWS's (camelCase), and a test checks them against the botocore model; a request
that breaks a constraint is answered with ``ValidationException`` before any service code runs.
Timestamps are epoch seconds (a float, UTC), as in the AWS API.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Arn = Annotated[str, Field(min_length=1, max_length=256)]
# Name length is checked by the service, which answers InvalidName as AWS does.
Name = str
Definition = Annotated[str, Field(min_length=1, max_length=1_048_576)]
PageSize = Annotated[int, Field(ge=0, le=1000)]
PageToken = Annotated[str, Field(min_length=1, max_length=1024)]
ExecutionStatus = Literal["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]
StateMachineType = Literal["STANDARD", "EXPRESS"]


class Request(BaseModel):
    """Base of every request: strict types, unknown members ignored (as AWS ignores them), and no
    text that cannot be stored as it is (NUL, unpaired surrogates)."""

    model_config = ConfigDict(strict=True, extra="ignore")

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        if isinstance(value, str) and _UNSTORABLE.search(value):
            raise ValueError("Member must not contain NUL or unpaired surrogate characters")
        return value


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class Tag(Request):
    key: Annotated[str, Field(min_length=1, max_length=128)]
    value: Annotated[str, Field(max_length=256)] = ""


class LogDestination(Request):
    cloudWatchLogsLogGroup: dict[str, str] | None = None


class LoggingConfiguration(Request):
    level: Literal["ALL", "ERROR", "FATAL", "OFF"] | None = None
    includeExecutionData: bool | None = None
    destinations: list[LogDestination] | None = None


class TracingConfiguration(Request):
    enabled: bool | None = None


class EncryptionConfiguration(Request):
    kmsKeyId: Annotated[str, Field(min_length=1, max_length=2048)] | None = None
    kmsDataKeyReusePeriodSeconds: Annotated[int, Field(ge=60, le=900)] | None = None
    type: Literal["AWS_OWNED_KEY", "CUSTOMER_MANAGED_KMS_KEY"]


class CreateStateMachineInput(Request):
    name: Name
    definition: Definition
    roleArn: Arn
    type: StateMachineType = "STANDARD"
    loggingConfiguration: LoggingConfiguration | None = None
    tags: list[Tag] | None = None
    tracingConfiguration: TracingConfiguration | None = None
    publish: bool | None = None
    versionDescription: Annotated[str, Field(max_length=256)] | None = None
    encryptionConfiguration: EncryptionConfiguration | None = None


class StateMachineArnInput(Request):
    stateMachineArn: Arn


class DescribeStateMachineInput(StateMachineArnInput):
    includedData: Literal["ALL_DATA", "METADATA_ONLY"] | None = None


class UpdateStateMachineInput(StateMachineArnInput):
    definition: Definition | None = None
    roleArn: Arn | None = None
    loggingConfiguration: LoggingConfiguration | None = None
    tracingConfiguration: TracingConfiguration | None = None
    publish: bool | None = None
    versionDescription: Annotated[str, Field(max_length=256)] | None = None
    encryptionConfiguration: EncryptionConfiguration | None = None


class PublishStateMachineVersionInput(StateMachineArnInput):
    revisionId: str | None = None
    description: Annotated[str, Field(max_length=256)] | None = None


class PagedByStateMachineInput(StateMachineArnInput):
    nextToken: PageToken | None = None
    maxResults: PageSize | None = None


class DeleteStateMachineVersionInput(Request):
    stateMachineVersionArn: Annotated[str, Field(min_length=1, max_length=2000)]


class RoutingConfig(Request):
    stateMachineVersionArn: Arn
    weight: Annotated[int, Field(ge=0, le=100)]


Routing = Annotated[list[RoutingConfig], Field(min_length=1, max_length=2)]


class CreateStateMachineAliasInput(Request):
    description: Annotated[str, Field(max_length=256)] | None = None
    name: Annotated[str, Field(min_length=1, max_length=80)]
    routingConfiguration: Routing


class StateMachineAliasArnInput(Request):
    stateMachineAliasArn: Arn


class UpdateStateMachineAliasInput(StateMachineAliasArnInput):
    description: Annotated[str, Field(max_length=256)] | None = None
    routingConfiguration: Routing | None = None


class ListStateMachinesInput(Request):
    maxResults: PageSize | None = None
    nextToken: PageToken | None = None


class ValidateStateMachineDefinitionInput(Request):
    definition: Definition
    type: StateMachineType | None = None
    severity: Literal["ERROR", "WARNING"] = "ERROR"
    maxResults: Annotated[int, Field(ge=0, le=100)] | None = None


class StartExecutionInput(StateMachineArnInput):
    name: Name | None = None
    input: str | None = None
    traceHeader: Annotated[str, Field(max_length=256)] | None = None


class StartSyncExecutionInput(StartExecutionInput):
    includedData: Literal["ALL_DATA", "METADATA_ONLY"] | None = None


class TestStateInput(Request):
    definition: Definition
    roleArn: Arn | None = None
    input: str | None = None
    inspectionLevel: Literal["INFO", "DEBUG", "TRACE"] | None = None
    revealSecrets: bool | None = None
    variables: str | None = None
    stateName: Annotated[str, Field(min_length=1, max_length=80)] | None = None


MapRunArn = Annotated[str, Field(min_length=1, max_length=2000)]


class MapRunArnInput(Request):
    mapRunArn: MapRunArn


class UpdateMapRunInput(MapRunArnInput):
    maxConcurrency: Annotated[int, Field(ge=0)] | None = None
    toleratedFailurePercentage: Annotated[float, Field(ge=0, le=100)] | None = None
    toleratedFailureCount: Annotated[int, Field(ge=0)] | None = None


class ListMapRunsInput(Request):
    executionArn: Arn
    maxResults: PageSize | None = None
    nextToken: PageToken | None = None


class ExecutionArnInput(Request):
    executionArn: Arn


class DescribeExecutionInput(ExecutionArnInput):
    includedData: Literal["ALL_DATA", "METADATA_ONLY"] | None = None


class StopExecutionInput(ExecutionArnInput):
    error: Annotated[str, Field(max_length=256)] | None = None
    cause: Annotated[str, Field(max_length=32768)] | None = None


class ListExecutionsInput(Request):
    stateMachineArn: Arn | None = None
    statusFilter: ExecutionStatus | None = None
    maxResults: PageSize | None = None
    nextToken: Annotated[str, Field(min_length=1, max_length=3096)] | None = None
    mapRunArn: Annotated[str, Field(min_length=1, max_length=2000)] | None = None
    redriveFilter: Literal["REDRIVEN", "NOT_REDRIVEN"] | None = None


class RedriveExecutionInput(ExecutionArnInput):
    clientToken: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class GetExecutionHistoryInput(ExecutionArnInput):
    maxResults: PageSize | None = None
    reverseOrder: bool = False
    nextToken: PageToken | None = None
    includeExecutionData: bool = True


class TagResourceInput(Request):
    resourceArn: Arn
    tags: list[Tag]


class UntagResourceInput(Request):
    resourceArn: Arn
    tagKeys: list[Annotated[str, Field(min_length=1, max_length=128)]]


class ListTagsForResourceInput(Request):
    resourceArn: Arn


class CreateActivityInput(Request):
    name: Name
    tags: list[Tag] | None = None
    encryptionConfiguration: EncryptionConfiguration | None = None


class ActivityArnInput(Request):
    activityArn: Arn


class ListActivitiesInput(Request):
    maxResults: PageSize | None = None
    nextToken: PageToken | None = None


class GetActivityTaskInput(ActivityArnInput):
    workerName: Annotated[str, Field(min_length=1, max_length=80)] | None = None


TaskToken = Annotated[str, Field(min_length=1, max_length=2048)]


class SendTaskSuccessInput(Request):
    taskToken: TaskToken
    output: str


class SendTaskFailureInput(Request):
    taskToken: TaskToken
    error: Annotated[str, Field(max_length=256)] | None = None
    cause: Annotated[str, Field(max_length=32768)] | None = None


class SendTaskHeartbeatInput(Request):
    taskToken: TaskToken


# --- responses -----------------------------------------------------------------------------------
# The examples form one walk through the API: create "hello", start "run-1" of it, look at both.
MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:hello"
EXECUTION_ARN = "arn:aws:states:us-east-1:123456789012:execution:hello:run-1"
EXPRESS_EXECUTION_ARN = "arn:aws:states:us-east-1:123456789012:express:hello:run-1:8f6c7a8e-1d52-4b7e-9d8c"
ACTIVITY_ARN = "arn:aws:states:us-east-1:123456789012:activity:work"
ROLE_ARN = "arn:aws:iam::123456789012:role/any"
DEFINITION_TEXT = (
    '{"StartAt": "Greet", "States": {"Greet": {"Type": "Pass", '
    '"Parameters": {"greeting.$": "States.Format(\'Hello, {}!\', $.name)"}, "End": true}}}'
)
REVISION_ID = "0f6a4a0e-8c1e-4bd0-9a8f-3c2f5a0b7e21"
WHEN = 1718000000.123
LATER = 1718000000.456
DEFAULT_LOGGING = {"level": "OFF", "includeExecutionData": False}

Timestamp = Annotated[float, Field(description="Epoch seconds (UTC), as in the AWS API.", examples=[WHEN])]
JsonText = Annotated[str, Field(description="JSON text, as stored.")]
NextToken = Annotated[str | None, Field(description="Pass as `nextToken` for the next page.")]


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="allow", json_schema_extra={"examples": list(examples)})


class Response(BaseModel):
    """Base of every answer: members the service adds later pass through rather than vanish."""

    model_config = ConfigDict(extra="allow")


class Empty(Response):
    """An operation that answers with no members."""


class CreateStateMachineOutput(Response):
    model_config = _examples({"stateMachineArn": MACHINE_ARN, "creationDate": WHEN})

    stateMachineArn: str
    creationDate: Timestamp
    stateMachineVersionArn: str | None = Field(default=None, description="Version 1, when `publish` was true.")


class DescribeStateMachineOutput(Response):
    model_config = _examples(
        {
            "stateMachineArn": MACHINE_ARN,
            "name": "hello",
            "status": "ACTIVE",
            "definition": DEFINITION_TEXT,
            "roleArn": ROLE_ARN,
            "type": "STANDARD",
            "creationDate": WHEN,
            "revisionId": REVISION_ID,
            "loggingConfiguration": DEFAULT_LOGGING,
            "tracingConfiguration": {"enabled": False},
        }
    )

    stateMachineArn: str
    name: str
    status: str = Field(description="`ACTIVE`, or `DELETING` while running executions stop.")
    definition: JsonText
    roleArn: str
    type: str
    creationDate: Timestamp
    revisionId: str
    loggingConfiguration: dict[str, Any]
    tracingConfiguration: dict[str, Any]
    description: str | None = Field(default=None, description="A version's description.")
    encryptionConfiguration: dict[str, Any] | None = Field(default=None, description="As given; not applied.")
    variableReferences: dict[str, list[str]] | None = Field(
        default=None, description="The variables each state reads, for the states that read any."
    )


class UpdateStateMachineOutput(Response):
    model_config = _examples({"updateDate": LATER, "revisionId": REVISION_ID})

    updateDate: Timestamp
    revisionId: str
    stateMachineVersionArn: str | None = Field(default=None, description="The version published, if asked.")


class PublishStateMachineVersionOutput(Response):
    model_config = _examples({"stateMachineVersionArn": f"{MACHINE_ARN}:1", "creationDate": WHEN})

    stateMachineVersionArn: str
    creationDate: Timestamp


class StateMachineVersionListItem(Response):
    stateMachineVersionArn: str
    creationDate: Timestamp


class ListStateMachineVersionsOutput(Response):
    model_config = _examples(
        {"stateMachineVersions": [{"stateMachineVersionArn": f"{MACHINE_ARN}:1", "creationDate": WHEN}]}
    )

    stateMachineVersions: list[StateMachineVersionListItem]
    nextToken: NextToken = None


class CreateStateMachineAliasOutput(Response):
    model_config = _examples({"stateMachineAliasArn": f"{MACHINE_ARN}:PROD", "creationDate": WHEN})

    stateMachineAliasArn: str
    creationDate: Timestamp


class DescribeStateMachineAliasOutput(Response):
    model_config = _examples(
        {
            "stateMachineAliasArn": f"{MACHINE_ARN}:PROD",
            "name": "PROD",
            "routingConfiguration": [
                {"stateMachineVersionArn": f"{MACHINE_ARN}:1", "weight": 90},
                {"stateMachineVersionArn": f"{MACHINE_ARN}:2", "weight": 10},
            ],
            "creationDate": WHEN,
            "updateDate": LATER,
        }
    )

    stateMachineAliasArn: str
    name: str
    description: str | None = None
    routingConfiguration: list[dict[str, Any]]
    creationDate: Timestamp
    updateDate: Timestamp


class UpdateStateMachineAliasOutput(Response):
    model_config = _examples({"updateDate": LATER})

    updateDate: Timestamp


class StateMachineAliasListItem(Response):
    stateMachineAliasArn: str
    creationDate: Timestamp


class ListStateMachineAliasesOutput(Response):
    model_config = _examples(
        {"stateMachineAliases": [{"stateMachineAliasArn": f"{MACHINE_ARN}:PROD", "creationDate": WHEN}]}
    )

    stateMachineAliases: list[StateMachineAliasListItem]
    nextToken: NextToken = None


class StateMachineListItem(Response):
    stateMachineArn: str
    name: str
    type: str
    creationDate: Timestamp


class ListStateMachinesOutput(Response):
    model_config = _examples(
        {"stateMachines": [{"stateMachineArn": MACHINE_ARN, "name": "hello", "type": "STANDARD", "creationDate": WHEN}]}
    )

    stateMachines: list[StateMachineListItem]
    nextToken: NextToken = None


class Diagnostic(Response):
    severity: str
    code: str
    message: str
    location: str | None = None


class ValidateStateMachineDefinitionOutput(Response):
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


class StartExecutionOutput(Response):
    model_config = _examples({"executionArn": EXECUTION_ARN, "startDate": WHEN})

    executionArn: str
    startDate: Timestamp


class DescribeExecutionOutput(Response):
    """An execution; the last four members go beyond AWS's shape (SDKs ignore members they do not know)."""

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
            "historyEventCount": 4,
            "historyEventLimit": 25000,
        }
    )

    executionArn: str
    stateMachineArn: str
    name: str
    status: ExecutionStatus
    startDate: Timestamp
    stopDate: Timestamp | None = Field(default=None, description="Present once the execution has ended.")
    input: JsonText | None = Field(default=None, description="Left out with includedData METADATA_ONLY.")
    inputDetails: dict[str, Any]
    output: str | None = Field(default=None, description="JSON text; present when it succeeded.")
    outputDetails: dict[str, Any] | None = None
    error: str | None = Field(default=None, description="Present when it failed, timed out or was stopped.")
    cause: str | None = None
    traceHeader: str | None = None
    redriveCount: int = 0
    redriveDate: Timestamp | None = Field(default=None, description="When it was last redriven.")
    redriveStatus: Literal["REDRIVABLE", "NOT_REDRIVABLE", "REDRIVABLE_BY_MAP_RUN"] | None = None
    redriveStatusReason: str | None = None
    stateMachineVersionArn: str | None = Field(default=None, description="The version that runs, if one was named.")
    stateMachineAliasArn: str | None = Field(default=None, description="The alias that chose the version, if any.")
    startedByExecutionArn: str | None = Field(default=None, description="The execution that started this one.")
    startedExecutionArns: list[str] | None = Field(default=None, description="Executions this one started.")
    historyEventCount: int = Field(description="Events in its history so far.")
    historyEventLimit: int = Field(description="Events its history may hold; continue as new before it.")


class StartSyncExecutionOutput(Response):
    """An Express execution's end, reached within the request."""

    model_config = _examples(
        {
            "executionArn": EXPRESS_EXECUTION_ARN,
            "stateMachineArn": MACHINE_ARN,
            "name": "run-1",
            "status": "SUCCEEDED",
            "startDate": WHEN,
            "stopDate": LATER,
            "input": '{"name": "world"}',
            "inputDetails": {"included": True},
            "output": '{"greeting":"Hello, world!"}',
            "outputDetails": {"included": True},
            "billingDetails": {"billedDurationInMilliseconds": 100, "billedMemoryUsedInMB": 64},
        }
    )

    executionArn: str
    stateMachineArn: str
    name: str
    status: Literal["SUCCEEDED", "FAILED", "TIMED_OUT"]
    startDate: Timestamp
    stopDate: Timestamp
    input: JsonText | None = None
    inputDetails: dict[str, Any] | None = None
    output: str | None = Field(default=None, description="JSON text; present when it succeeded.")
    outputDetails: dict[str, Any] | None = None
    error: str | None = None
    cause: str | None = None
    traceHeader: str | None = None
    billingDetails: dict[str, Any]


class RedriveExecutionOutput(Response):
    model_config = _examples({"redriveDate": LATER})

    redriveDate: Timestamp


class TestStateOutput(Response):
    """What one state did: its status, output or error, the state it goes to, and its data flow."""

    model_config = _examples({"output": '{"greeting":"Hello"}', "status": "SUCCEEDED", "nextState": "Next"})

    output: str | None = None
    error: str | None = None
    cause: str | None = None
    inspectionData: dict[str, Any] | None = None
    nextState: str | None = None
    status: Literal["SUCCEEDED", "FAILED", "RETRIABLE", "CAUGHT_ERROR"] | None = None


class DescribeMapRunOutput(Response):
    mapRunArn: str
    executionArn: str
    status: str
    startDate: Timestamp
    stopDate: Timestamp | None = None
    maxConcurrency: int
    toleratedFailurePercentage: float
    toleratedFailureCount: int
    itemCounts: dict[str, Any]
    executionCounts: dict[str, Any]
    redriveCount: int | None = None
    redriveDate: Timestamp | None = None


class ListMapRunsOutput(Response):
    model_config = _examples({"mapRuns": []})

    mapRuns: list[dict[str, Any]]
    nextToken: NextToken = None


class StopExecutionOutput(Response):
    model_config = _examples({"stopDate": LATER})

    stopDate: Timestamp


class ExecutionListItem(Response):
    executionArn: str
    stateMachineArn: str
    name: str
    status: ExecutionStatus
    startDate: Timestamp
    stopDate: Timestamp | None = None
    redriveCount: int = 0
    redriveDate: Timestamp | None = None
    stateMachineVersionArn: str | None = None
    stateMachineAliasArn: str | None = None


class ListExecutionsOutput(Response):
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

    executions: list[ExecutionListItem]
    nextToken: NextToken = None


class HistoryEvent(Response):
    """One event; its ``...EventDetails`` member is named after its type, as in AWS."""

    timestamp: Timestamp
    type: str
    id: int
    previousEventId: int


class GetExecutionHistoryOutput(Response):
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
    nextToken: NextToken = None


class DescribeStateMachineForExecutionOutput(Response):
    """The revision an execution runs, which outlives later updates of its machine."""

    model_config = _examples(
        {
            "stateMachineArn": MACHINE_ARN,
            "name": "hello",
            "definition": DEFINITION_TEXT,
            "roleArn": ROLE_ARN,
            "updateDate": WHEN,
            "revisionId": REVISION_ID,
            "loggingConfiguration": DEFAULT_LOGGING,
            "tracingConfiguration": {"enabled": False},
        }
    )

    stateMachineArn: str
    name: str
    definition: JsonText
    roleArn: str
    updateDate: Timestamp
    revisionId: str
    loggingConfiguration: dict[str, Any] | None = None
    tracingConfiguration: dict[str, Any] | None = None
    encryptionConfiguration: dict[str, Any] | None = None
    variableReferences: dict[str, list[str]] | None = None


class ListTagsForResourceOutput(Response):
    model_config = _examples({"tags": [{"key": "team", "value": "core"}]})

    tags: list[Tag]


class CreateActivityOutput(Response):
    model_config = _examples({"activityArn": ACTIVITY_ARN, "creationDate": WHEN})

    activityArn: str
    creationDate: Timestamp


class DescribeActivityOutput(Response):
    model_config = _examples({"activityArn": ACTIVITY_ARN, "name": "work", "creationDate": WHEN})

    activityArn: str
    name: str
    creationDate: Timestamp
    encryptionConfiguration: dict[str, Any] | None = None


class ActivityListItem(Response):
    activityArn: str
    name: str
    creationDate: Timestamp


class ListActivitiesOutput(Response):
    model_config = _examples({"activities": [{"activityArn": ACTIVITY_ARN, "name": "work", "creationDate": WHEN}]})

    activities: list[ActivityListItem]
    nextToken: NextToken = None


class GetActivityTaskOutput(Response):
    """A task to work on; no members when none came within the long poll."""

    taskToken: str | None = None
    input: str | None = None
