"""A service's error as the Task's error name and cause, named as AWS names it.

SDK integrations (``aws-sdk:*``) name an error ``<Service>.<Exception>`` after the class the AWS
SDK for Java 2.x throws: the service's modeled error in PascalCase with ``Exception`` added when
it lacks it (``S3.BucketAlreadyExistsException``, ``DynamoDb.ConditionalCheckFailedException``),
``<Service>.<Service>Exception`` for a code the model does not know (``DynamoDb.DynamoDbException``),
and ``<Service>.SdkClientException`` when no answer came (refused connection, timeout, no
credentials). The cause is the SDK's message: ``<message> (Service: <Service>, Status Code: <n>,
Request ID: <id>)``. Optimized integrations keep the names of the older SDK their documentation
gives: ``DynamoDB.ConditionalCheckFailedException``, with a cause like ``<message> (Service:
AmazonDynamoDBv2; Status Code: 400; Error Code: <code>; Request ID: <id>; Proxy: null)``.
"""

from __future__ import annotations

import functools
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from botocore.model import ServiceModel

from app.integrations.aws.names import error_prefix, java_pascal
from app.integrations.results import TaskFailure

EXCEPTION = "Exception"
CLIENT_EXCEPTION = "SdkClientException"


def s3_cause(exc: ClientError) -> str:
    """The cause a Map's ItemReader or ResultWriter gives for an error S3 answered with."""
    details = exc.response.get("Error", {})
    return f"{details.get('Message') or details.get('Code')} (Service: S3, Error Code: {details.get('Code')})"


def sdk_failure(exc: ClientError | BotoCoreError, model: ServiceModel) -> TaskFailure:
    """An ``aws-sdk:*`` call's failure."""
    prefix = error_prefix(model)
    if not isinstance(exc, ClientError):
        return TaskFailure(f"{prefix}.{CLIENT_EXCEPTION}", str(exc))
    _, message, status, request_id, host_id = _parts(exc)
    shape = _shape_of(exc, model)
    exception = _java_exception(shape) if shape else f"{prefix}{EXCEPTION}"
    details = [f"Service: {prefix}", f"Status Code: {status}", f"Request ID: {request_id}"]
    if host_id:
        details.append(f"Extended Request ID: {host_id}")
    return TaskFailure(f"{prefix}.{exception}", f"{message} ({', '.join(details)})")


def optimized_failure(exc: ClientError | BotoCoreError, model: ServiceModel, prefix: str, service: str) -> TaskFailure:
    """An optimized integration's failure: ``prefix`` names the error, ``service`` the cause's service."""
    if not isinstance(exc, ClientError):
        return TaskFailure(f"{prefix}.{CLIENT_EXCEPTION}", str(exc))
    code, message, status, request_id, _ = _parts(exc)
    name = _shape_of(exc, model) or code
    name = name if name.endswith(EXCEPTION) else name + EXCEPTION
    cause = (
        f"{message} (Service: {service}; Status Code: {status}; Error Code: {code}; "
        f"Request ID: {request_id}; Proxy: null)"
    )
    return TaskFailure(f"{prefix}.{name}", cause)


def _parts(exc: ClientError) -> tuple[str, str, Any, str, str]:
    error: dict[str, Any] = dict(exc.response.get("Error") or {})
    metadata: dict[str, Any] = dict(exc.response.get("ResponseMetadata") or {})
    return (
        str(error.get("Code") or "Unknown"),
        str(error.get("Message") or ""),
        metadata.get("HTTPStatusCode", "null"),
        str(metadata.get("RequestId") or "null"),
        str(metadata.get("HostId") or ""),
    )


def _shape_of(exc: ClientError, model: ServiceModel) -> str | None:
    """The modeled error an answer names; SQS names it by ``QueryErrorCode`` (botocore keeps its JSON code there)."""
    error = exc.response.get("Error") or {}
    codes = (error.get("QueryErrorCode"), error.get("Code"))
    return next((_modeled(model)[code] for code in codes if code in _modeled(model)), None)


@functools.cache
def _modeled(model: ServiceModel) -> dict[str, str]:
    """The service's error shapes by every code that names them (the shape's name and its wire code)."""
    shapes: dict[str, str] = {}
    for shape in model.error_shapes:
        shapes[shape.name] = shape.name
        code = shape.metadata.get("error", {}).get("code")
        if code:
            shapes.setdefault(code, shape.name)
    return shapes


def _java_exception(shape_name: str) -> str:
    """The Java SDK's class for an error shape: ``Fault`` becomes ``Exception``, which is added if missing."""
    if shape_name.endswith("Fault"):
        return java_pascal(shape_name.removesuffix("Fault")) + EXCEPTION
    name = java_pascal(shape_name)
    return name if name.endswith(EXCEPTION) else name + EXCEPTION
