"""Request shapes of the AWS JSON API, with the constraints of the botocore model.

Field names are AWS's (camelCase); a request that breaks a constraint is answered with
``ValidationException`` before any service code runs.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Arn = Annotated[str, Field(min_length=1, max_length=256)]
# Name length is checked by the service, which answers InvalidName as AWS does.
Name = str
Definition = Annotated[str, Field(min_length=1, max_length=1_048_576)]
PageSize = Annotated[int, Field(ge=0, le=1000)]
PageToken = Annotated[str, Field(min_length=1, max_length=1024)]
ExecutionStatus = Literal["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]
StateMachineType = Literal["STANDARD", "EXPRESS"]


class Request(BaseModel):
    """Base of every request: strict types, unknown members ignored (as AWS ignores them)."""

    model_config = ConfigDict(strict=True, extra="ignore")


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
