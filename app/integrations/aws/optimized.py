"""Optimized integrations: DynamoDB items, SQS sendMessage, SNS publish, EventBridge putEvents.

They call the same operations as their ``aws-sdk`` twins but answer in the shape AWS documents
for them: the service's own member names plus ``SdkHttpMetadata`` and ``SdkResponseMetadata``,
and errors named as in their documentation (``DynamoDB.ConditionalCheckFailedException``).
``events:putEvents`` adds the state machine's and the execution's ARNs to each entry's
``Resources`` and fails with ``EventBridge.FailedEntry`` when an entry was not taken.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from app import arns
from app.codec import dumps
from app.integrations.aws.clients import AssumeRoleError, Clients
from app.integrations.aws.errors import optimized_failure
from app.integrations.aws.sdk import Call, find_operation, invoke, parameter_failure, role_failure
from app.integrations.aws.shapes import UnknownParameterError, from_botocore
from app.integrations.results import TaskFailure, TaskResult, TaskSuccess


@dataclass(frozen=True)
class Optimized:
    """One optimized integration: its botocore service, its error prefix and the service its causes name."""

    service: str
    prefix: str
    cause_service: str
    prepare: Callable[[Any, str], Any] = lambda parameters, _: parameters
    check: Callable[[dict[str, Any]], TaskFailure | None] = lambda _: None
    #: Members named in the Java SDK's casing (``TaskArn``), as AWS shows the jobs' answers, not the service's own.
    java_names: bool = False


def _with_resources(parameters: Any, execution_arn: str) -> Any:
    """putEvents entries carry the state machine's and the execution's ARNs in ``Resources``, as on AWS."""
    if not isinstance(parameters, dict) or not isinstance(parameters.get("Entries"), list):
        return parameters
    origin = [arns.state_machine_of_execution(execution_arn), execution_arn]
    entries = [
        {**entry, "Resources": [*(entry.get("Resources") or []), *origin]} if isinstance(entry, dict) else entry
        for entry in parameters["Entries"]
    ]
    return {**parameters, "Entries": entries}


def _failed_entries(response: dict[str, Any]) -> TaskFailure | None:
    if not response.get("FailedEntryCount"):
        return None
    return TaskFailure(
        "EventBridge.FailedEntry", dumps({key: response[key] for key in ("Entries", "FailedEntryCount")})
    )


_DYNAMODB = Optimized("dynamodb", "DynamoDB", "AmazonDynamoDBv2")
OPTIMIZED: dict[tuple[str, str], Optimized] = {
    ("dynamodb", "getItem"): _DYNAMODB,
    ("dynamodb", "putItem"): _DYNAMODB,
    ("dynamodb", "updateItem"): _DYNAMODB,
    ("dynamodb", "deleteItem"): _DYNAMODB,
    ("sqs", "sendMessage"): Optimized("sqs", "SQS", "AmazonSQS"),
    ("sns", "publish"): Optimized("sns", "SNS", "AmazonSNS"),
    ("events", "putEvents"): Optimized(
        "events", "EventBridge", "AmazonEventBridge", prepare=_with_resources, check=_failed_entries
    ),
}


def call_optimized(
    clients: Clients,
    integration: Optimized,
    action: str,
    parameters: Any,
    *,
    execution_arn: str,
    call: Call,
) -> TaskResult:
    operation = find_operation(integration.service, action)
    assert operation is not None, (integration.service, action)
    try:
        response = invoke(clients, operation, integration.prepare(parameters, execution_arn), call)
    except (UnknownParameterError, ParamValidationError) as exc:
        return parameter_failure(exc)
    except AssumeRoleError as exc:
        return role_failure(exc)
    except (ClientError, BotoCoreError) as exc:
        return optimized_failure(exc, operation.model, integration.prefix, integration.cause_service)
    failure = integration.check(response)
    if failure is not None:
        return failure
    output = from_botocore(response, operation.shapes.output_shape, java_names=integration.java_names)
    return TaskSuccess({**output, **_sdk_metadata(response.get("ResponseMetadata") or {})})


def _sdk_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """The HTTP facts of the answer, in the members the AWS SDK for Java adds to optimized integrations' output."""
    headers = {str(name): str(value) for name, value in (metadata.get("HTTPHeaders") or {}).items()}
    return {
        "SdkHttpMetadata": {
            "AllHttpHeaders": {name: [value] for name, value in headers.items()},
            "HttpHeaders": headers,
            "HttpStatusCode": metadata.get("HTTPStatusCode"),
        },
        "SdkResponseMetadata": {"RequestId": metadata.get("RequestId")},
    }
