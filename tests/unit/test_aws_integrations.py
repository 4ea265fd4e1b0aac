"""The pure parts of the AWS integrations: names, parameter and result shapes, error names, clients."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.response import StreamingBody

from app.integrations.aws.clients import Clients
from app.integrations.aws.errors import optimized_failure, sdk_failure
from app.integrations.aws.names import (
    UnknownServiceError,
    botocore_service,
    java_pascal,
    java_service_name,
    operation_name,
    service_model,
)
from app.integrations.aws.sdk import find_operation
from app.integrations.aws.shapes import BODY_LIMIT, UnknownParameterError, from_botocore, to_botocore
from app.integrations.results import TaskFailure


@pytest.mark.parametrize(
    ("service_id", "name"),
    [
        ("DynamoDB", "DynamoDb"),
        ("SFN", "Sfn"),
        ("SQS", "Sqs"),
        ("S3", "S3"),
        ("ACM PCA", "AcmPca"),
        ("EventBridge", "EventBridge"),
        ("CloudWatch Logs", "CloudWatchLogs"),
        ("Database Migration Service", "DatabaseMigration"),
        ("Elastic Load Balancing v2", "ElasticLoadBalancingV2"),
        ("ElastiCache", "ElastiCache"),
        ("EC2", "Ec2"),
        ("AWSHealth", "Health"),
    ],
)
def test_service_names_as_the_java_sdk_spells_them(service_id: str, name: str) -> None:
    assert java_service_name(service_id) == name


@pytest.mark.parametrize(
    ("member", "name"),
    [
        ("MD5OfMessageBody", "Md5OfMessageBody"),
        ("ETag", "ETag"),
        ("executionArn", "ExecutionArn"),
        ("LastModified", "LastModified"),
        ("BOOL", "Bool"),
        ("KMSKeyId", "KmsKeyId"),
    ],
)
def test_member_names_as_the_java_sdk_spells_them(member: str, name: str) -> None:
    assert java_pascal(member) == name


@pytest.mark.parametrize(
    ("sdk_name", "botocore_name"),
    [
        ("s3", "s3"),
        ("dynamodb", "dynamodb"),
        ("acmpca", "acm-pca"),
        ("sfn", "stepfunctions"),
        ("eventbridge", "events"),
        ("cloudwatchlogs", "logs"),
    ],
)
def test_sdk_service_names_map_to_botocore(sdk_name: str, botocore_name: str) -> None:
    assert botocore_service(sdk_name) == botocore_name


def test_an_unknown_service() -> None:
    with pytest.raises(UnknownServiceError):
        botocore_service("nosuchservice")


def test_actions_match_operations_whatever_their_case() -> None:
    model = service_model("s3")
    assert operation_name(model, "getObject") == "GetObject"
    assert operation_name(model, "listObjectsV2") == "ListObjectsV2"
    assert operation_name(model, "brewCoffee") is None


def _input(service: str, action: str) -> Any:
    operation = find_operation(service, action)
    assert operation is not None
    return operation.shapes.input_shape


def test_parameters_take_the_members_names_and_keep_map_keys() -> None:
    shape = _input("sfn", "startExecution")
    assert to_botocore({"StateMachineArn": "arn", "Input": {"a": 1}}, shape) == {
        "stateMachineArn": "arn",
        "input": '{"a":1}',  # a string member given an object gets its JSON text
    }
    item = {"Id": {"s": "x"}, "lowercase key": {"Bool": True}}
    converted = to_botocore({"TableName": "t", "Item": item}, _input("dynamodb", "putItem"))
    assert converted == {"TableName": "t", "Item": {"Id": {"S": "x"}, "lowercase key": {"BOOL": True}}}


def test_blobs_are_sent_as_json_text() -> None:
    shape = _input("s3", "putObject")
    assert to_botocore({"Bucket": "b", "Key": "k", "Body": "text data"}, shape)["Body"] == b'"text data"'
    assert to_botocore({"Bucket": "b", "Key": "k", "Body": [1, True]}, shape)["Body"] == b"[1,true]"


def test_an_unknown_parameter_is_named_with_its_path() -> None:
    with pytest.raises(UnknownParameterError) as raised:
        to_botocore({"TableName": "t", "Key": {"id": {"Q": "x"}}}, _input("dynamodb", "getItem"))
    assert raised.value.path == "Key.id.Q"


def _output(service: str, action: str) -> Any:
    operation = find_operation(service, action)
    assert operation is not None
    return operation.shapes.output_shape


def test_results_in_step_functions_casing() -> None:
    body = StreamingBody(io.BytesIO("héllo".encode()), len("héllo".encode()))
    response = {
        "ResponseMetadata": {"RequestId": "r"},
        "Body": body,
        "ETag": '"e"',
        "LastModified": datetime(2024, 5, 23, 19, 11, 47, tzinfo=UTC),
        "Metadata": {"lower-case": "kept"},
        "SSEKMSKeyId": "k",
    }
    assert from_botocore(response, _output("s3", "getObject")) == {
        "Body": "héllo",
        "ETag": '"e"',
        "LastModified": "2024-05-23T19:11:47Z",
        "Metadata": {"lower-case": "kept"},
        "SsekmsKeyId": "k",
    }


def test_optimized_results_keep_the_services_names() -> None:
    response = {"MD5OfMessageBody": "m", "MessageId": "i"}
    shape = _output("sqs", "sendMessage")
    assert from_botocore(response, shape, java_names=False) == response
    assert from_botocore(response, shape) == {"Md5OfMessageBody": "m", "MessageId": "i"}


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2024, 1, 2, 3, 4, 5, 123000, tzinfo=UTC), "2024-01-02T03:04:05.123Z"),
        (datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC), "2024-01-02T03:04:05.123456Z"),
        (datetime(2024, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2))), "2024-01-02T03:04:05Z"),
    ],
)
def test_timestamps_as_instants(moment: datetime, text: str) -> None:
    assert from_botocore(moment, None) == text


def test_blobs_come_back_as_base64_and_long_bodies_are_cut_past_the_limit() -> None:
    assert from_botocore(b"\x00\xff", None) == "AP8="
    size = BODY_LIMIT + 100
    body = StreamingBody(io.BytesIO(b"x" * size), size)
    assert len(from_botocore(body, None)) == BODY_LIMIT + 1


def _client_error(code: str, message: str, status: int, query_code: str = "", **metadata: str) -> ClientError:
    """An answer as botocore parses it (a query-compatible service's JSON code kept in ``QueryErrorCode``)."""
    response: Any = {
        "Error": {"Code": code, "Message": message, **({"QueryErrorCode": query_code} if query_code else {})},
        "ResponseMetadata": {"HTTPStatusCode": status, "RequestId": "req-1", **metadata},
    }
    return ClientError(response, "Operation")


@pytest.mark.parametrize(
    ("service", "code", "error"),
    [
        ("sqs", "AWS.SimpleQueueService.NonExistentQueue;QueueDoesNotExist", "Sqs.QueueDoesNotExistException"),
        ("dynamodb", "ConditionalCheckFailedException", "DynamoDb.ConditionalCheckFailedException"),
        ("dynamodb", "AccessDeniedException", "DynamoDb.DynamoDbException"),  # not in DynamoDB's model
        ("s3", "BucketAlreadyExists", "S3.BucketAlreadyExistsException"),
        ("acm-pca", "ResourceNotFoundException", "AcmPca.ResourceNotFoundException"),
        ("stepfunctions", "InvalidToken", "Sfn.InvalidTokenException"),
        ("rds", "DBInstanceNotFound", "Rds.DbInstanceNotFoundException"),
    ],
)
def test_sdk_error_names(service: str, code: str, error: str) -> None:
    wire_code, _, query_code = code.partition(";")
    failure = sdk_failure(_client_error(wire_code, "went wrong", 400, query_code), service_model(service))
    assert failure.error == error


def test_sdk_error_causes() -> None:
    s3 = service_model("s3")
    failure = sdk_failure(_client_error("NoSuchKey", "The key does not exist", 404, HostId="host-1"), s3)
    assert failure == TaskFailure(
        "S3.NoSuchKeyException",
        "The key does not exist (Service: S3, Status Code: 404, Request ID: req-1, Extended Request ID: host-1)",
    )


def test_no_answer_is_a_client_exception() -> None:
    failure = sdk_failure(EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), service_model("dynamodb"))
    assert failure.error == "DynamoDb.SdkClientException"
    assert "http://127.0.0.1:9" in failure.cause


def test_optimized_error_names_and_causes() -> None:
    exc = _client_error("ConditionalCheckFailedException", "The conditional request failed", 400)
    failure = optimized_failure(exc, service_model("dynamodb"), "DynamoDB", "AmazonDynamoDBv2")
    assert failure == TaskFailure(
        "DynamoDB.ConditionalCheckFailedException",
        "The conditional request failed (Service: AmazonDynamoDBv2; Status Code: 400; "
        "Error Code: ConditionalCheckFailedException; Request ID: req-1; Proxy: null)",
    )
    missing = optimized_failure(
        _client_error("AWS.SimpleQueueService.NonExistentQueue", "no queue", 400, "QueueDoesNotExist"),
        service_model("sqs"),
        "SQS",
        "AmazonSQS",
    )
    assert missing.error == "SQS.QueueDoesNotExistException"


def test_clients_are_kept_per_service_region_and_time_limit() -> None:
    clients = Clients()
    try:
        first = clients.get("sqs", "eu-west-1", 4.2)
        assert clients.get("sqs", "eu-west-1", 4.9) is first
        assert clients.get("sqs", "us-east-1", 4.2) is not first
        assert first.meta.region_name == "eu-west-1"
        assert (first.meta.config.read_timeout, first.meta.config.connect_timeout) == (5, 5)
        assert clients.get("sqs", "eu-west-1", None).meta.config.read_timeout == 60
    finally:
        clients.close()
