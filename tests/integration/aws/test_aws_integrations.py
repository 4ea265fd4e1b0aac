"""AWS service integrations against a real AWS API (moto's server): aws-sdk:* and the optimized ones."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from mypy_boto3_stepfunctions import SFNClient

from tests.integration.aws.conftest import RunMachine
from tests.support.moto_server import MotoServer
from tests.support.waiting import wait_for_end, wait_until

Aws = Callable[[str], Any]


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _task(resource: str, parameters: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": f"arn:aws:states:::{resource}", "Parameters": parameters, **extra}


def _chain(*states: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A machine of ``states`` run one after the other, each result kept under its name."""
    named = dict(states)
    names = list(named)
    for index, name in enumerate(names):
        named[name] = {**named[name], "ResultPath": f"$.{name}"}
        named[name].update({"Next": names[index + 1]} if index + 1 < len(names) else {"End": True})
    return {"StartAt": names[0], "States": named}


def _output(description: dict[str, Any]) -> Any:
    assert description["status"] == "SUCCEEDED", description
    return json.loads(description["output"])


def _scheduled(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    details = [event["taskScheduledEventDetails"] for event in events if event["type"] == "TaskScheduled"]
    return [(detail["resourceType"], detail["resource"]) for detail in details]


def _table(aws: Aws) -> str:
    name = _unique("items")
    aws("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def test_dynamodb_items_in_both_forms(run_machine: RunMachine, aws: Aws) -> None:
    table = _table(aws)
    item = {"id": {"S": "a"}, "count": {"N": "1"}}
    definition = _chain(
        ("Put", _task("dynamodb:putItem", {"TableName": table, "Item": item})),
        ("Get", _task("dynamodb:getItem", {"TableName": table, "Key": {"id": {"S": "a"}}})),
        (
            "Update",
            _task(
                "aws-sdk:dynamodb:updateItem",
                {
                    "TableName": table,
                    "Key": {"id": {"S": "a"}},
                    "UpdateExpression": "SET #c = :c",
                    "ExpressionAttributeNames": {"#c": "count"},
                    "ExpressionAttributeValues": {":c": {"N": "2"}},
                    "ReturnValues": "ALL_NEW",
                },
            ),
        ),
        ("SdkGet", _task("aws-sdk:dynamodb:getItem", {"TableName": table, "Key": {"id": {"S": "a"}}})),
        ("Delete", _task("dynamodb:deleteItem", {"TableName": table, "Key": {"id": {"S": "a"}}})),
    )
    description, events = run_machine(definition, {})
    output = _output(description)
    assert output["Get"]["Item"] == item
    assert output["Get"]["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert output["Get"]["SdkResponseMetadata"]["RequestId"]
    assert output["Update"]["Attributes"] == {"id": {"S": "a"}, "count": {"N": "2"}}
    assert output["SdkGet"]["Item"] == {"id": {"S": "a"}, "count": {"N": "2"}}
    assert "SdkHttpMetadata" not in output["SdkGet"]
    assert "Item" not in aws("dynamodb").get_item(TableName=table, Key={"id": {"S": "a"}})
    assert _scheduled(events) == [
        ("dynamodb", "putItem"),
        ("dynamodb", "getItem"),
        ("aws-sdk:dynamodb", "updateItem"),
        ("aws-sdk:dynamodb", "getItem"),
        ("dynamodb", "deleteItem"),
    ]
    succeeded = [event for event in events if event["type"] == "TaskSucceeded"]
    assert json.loads(succeeded[3]["taskSucceededEventDetails"]["output"]) == output["SdkGet"]
    assert succeeded[3]["taskSucceededEventDetails"]["resourceType"] == "aws-sdk:dynamodb"


@pytest.mark.parametrize(
    ("resource", "error"),
    [
        ("dynamodb:putItem", "DynamoDB.ConditionalCheckFailedException"),
        ("aws-sdk:dynamodb:putItem", "DynamoDb.ConditionalCheckFailedException"),
    ],
)
def test_a_failed_condition_is_caught_by_its_name(run_machine: RunMachine, aws: Aws, resource: str, error: str) -> None:
    table = _table(aws)
    aws("dynamodb").put_item(TableName=table, Item={"id": {"S": "taken"}})
    put = _task(
        resource,
        {"TableName": table, "Item": {"id": {"S": "taken"}}, "ConditionExpression": "attribute_not_exists(id)"},
        Catch=[{"ErrorEquals": [error], "Next": "Caught", "ResultPath": "$.error"}],
        End=True,
    )
    definition = {"StartAt": "Put", "States": {"Put": put, "Caught": {"Type": "Pass", "End": True}}}
    description, events = run_machine(definition, {})
    caught = _output(description)["error"]
    assert caught["Error"] == error
    service = (
        "AmazonDynamoDBv2; Status Code: 400;" if resource.startswith("dynamodb") else "DynamoDb, Status Code: 400,"
    )
    assert f"(Service: {service}" in caught["Cause"]
    failed = next(event for event in events if event["type"] == "TaskFailed")["taskFailedEventDetails"]
    assert failed["error"] == error


def test_a_service_error_is_retried(run_machine: RunMachine) -> None:
    get = _task(
        "aws-sdk:dynamodb:getItem",
        {"TableName": _unique("missing"), "Key": {"id": {"S": "a"}}},
        Retry=[{"ErrorEquals": ["DynamoDb.ResourceNotFoundException"], "IntervalSeconds": 1, "MaxAttempts": 2}],
        Catch=[{"ErrorEquals": ["States.ALL"], "Next": "GaveUp"}],
        End=True,
    )
    definition = {"StartAt": "Get", "States": {"Get": get, "GaveUp": {"Type": "Pass", "End": True}}}
    description, events = run_machine(definition, {})
    assert _output(description)["Error"] == "DynamoDb.ResourceNotFoundException"
    assert [event["type"] for event in events].count("TaskFailed") == 3


def test_sqs_messages_sent_and_received(run_machine: RunMachine, aws: Aws) -> None:
    queue = aws("sqs").create_queue(QueueName=_unique("queue"))["QueueUrl"]
    definition = _chain(
        ("Send", _task("sqs:sendMessage", {"QueueUrl": queue, "MessageBody": {"order": 7}})),
        ("Receive", _task("aws-sdk:sqs:receiveMessage", {"QueueUrl": queue, "WaitTimeSeconds": 1})),
    )
    description, _ = run_machine(definition, {})
    output = _output(description)
    assert set(output["Send"]) >= {"MessageId", "MD5OfMessageBody", "SdkHttpMetadata", "SdkResponseMetadata"}
    [message] = output["Receive"]["Messages"]
    assert json.loads(message["Body"]) == {"order": 7}
    assert message["MessageId"] == output["Send"]["MessageId"]
    assert message["Md5OfBody"] == output["Send"]["MD5OfMessageBody"]


def test_wait_for_a_token_sent_through_sqs(aws_sfn: SFNClient, aws: Aws, start_machine: Callable[..., str]) -> None:
    sqs = aws("sqs")
    queue = sqs.create_queue(QueueName=_unique("callbacks"))["QueueUrl"]
    send = _task(
        "sqs:sendMessage.waitForTaskToken",
        {"QueueUrl": queue, "MessageBody": {"token.$": "$$.Task.Token", "order.$": "$.order"}},
        End=True,
    )
    arn = start_machine({"StartAt": "Ask", "States": {"Ask": send}}, {"order": 9})
    received: list[dict[str, Any]] = []

    def message_arrived() -> bool:
        received.extend(sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages", []))
        return bool(received)

    wait_until(message_arrived, 30, "no message with the task token")
    body = json.loads(received[0]["Body"])
    assert body["order"] == 9
    assert aws_sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    aws_sfn.send_task_success(taskToken=body["token"], output=json.dumps({"answered": True}))
    description = wait_for_end(aws_sfn, arn)
    assert _output(dict(description)) == {"answered": True}


def test_sns_publish_reaches_a_subscribed_queue(run_machine: RunMachine, aws: Aws) -> None:
    sqs, sns = aws("sqs"), aws("sns")
    queue = sqs.create_queue(QueueName=_unique("subscriber"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = sns.create_topic(Name=_unique("topic"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    publish = _task("sns:publish", {"TopicArn": topic, "Message": {"hello": "world"}}, End=True)
    description, events = run_machine({"StartAt": "Publish", "States": {"Publish": publish}}, {})
    assert _output(description)["MessageId"]
    assert _scheduled(events) == [("sns", "publish")]
    [message] = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=5)["Messages"]
    assert json.loads(message["Body"]) == {"hello": "world"}


def test_eventbridge_put_events(run_machine: RunMachine) -> None:
    entry = {"Source": "orders", "DetailType": "placed", "Detail": {"order": 1}, "EventBusName": "default"}
    put = _task("events:putEvents", {"Entries": [entry]}, End=True)
    description, _ = run_machine({"StartAt": "Put", "States": {"Put": put}}, {})
    output = _output(description)
    assert output["FailedEntryCount"] == 0
    assert output["Entries"][0]["EventId"]


def test_s3_objects_through_the_sdk(run_machine: RunMachine, aws: Aws) -> None:
    bucket = _unique("bucket")
    definition = _chain(
        ("Create", _task("aws-sdk:s3:createBucket", {"Bucket": bucket})),
        ("PutText", _task("aws-sdk:s3:putObject", {"Bucket": bucket, "Key": "text", "Body": "text data"})),
        ("PutJson", _task("aws-sdk:s3:putObject", {"Bucket": bucket, "Key": "json", "Body": {"Dict": "Value"}})),
        ("Get", _task("aws-sdk:s3:getObject", {"Bucket": bucket, "Key": "json"})),
    )
    description, events = run_machine(definition, {})
    output = _output(description)
    s3 = aws("s3")
    # As on AWS, a string Body is stored as its JSON text, quotes included.
    assert s3.get_object(Bucket=bucket, Key="text")["Body"].read() == b'"text data"'
    assert s3.get_object(Bucket=bucket, Key="json")["Body"].read() == b'{"Dict":"Value"}'
    assert output["PutText"]["ETag"] == '"2b5df3712557f503a9977a8ea893b2c9"'
    got = output["Get"]
    assert got["Body"] == '{"Dict":"Value"}'
    assert got["ContentLength"] == len('{"Dict":"Value"}')
    assert got["LastModified"].endswith("Z")
    assert ("aws-sdk:s3", "getObject") in _scheduled(events)


def test_s3_error_names(run_machine: RunMachine) -> None:
    get = _task("aws-sdk:s3:getObject", {"Bucket": _unique("nobucket"), "Key": "k"}, End=True)
    description, _ = run_machine({"StartAt": "Get", "States": {"Get": get}}, {})
    assert description["status"] == "FAILED"
    assert description["error"] == "S3.NoSuchBucketException"
    assert "(Service: S3, Status Code: 404, Request ID: " in description["cause"]


def test_parameters_the_operation_does_not_have(run_machine: RunMachine) -> None:
    get = _task("aws-sdk:dynamodb:getItem", {"TableName": "t", "Key": {}, "Colour": "red"}, End=True)
    description, _ = run_machine({"StartAt": "Get", "States": {"Get": get}}, {})
    assert (description["error"], description["cause"]) == (
        "States.Runtime",
        'The field "Colour" is not supported by Step Functions',
    )


def test_operations_botocore_does_not_know(run_machine: RunMachine) -> None:
    task = _task("aws-sdk:dynamodb:brewCoffee", {}, End=True)
    description, _ = run_machine({"StartAt": "Brew", "States": {"Brew": task}}, {})
    assert (description["error"], description["cause"]) == (
        "States.Runtime",
        "The resource 'arn:aws:states:::aws-sdk:dynamodb:brewCoffee' is not supported.",
    )


def test_a_task_with_credentials_calls_as_the_role_it_names(run_machine: RunMachine) -> None:
    """The server assumes the role through STS and calls with its temporary credentials, as AWS does."""
    role = "arn:aws:iam::123456789012:role/reader"
    who = _task("aws-sdk:sts:getCallerIdentity", {}, Credentials={"RoleArn.$": "$.role"})
    me = _task("aws-sdk:sts:getCallerIdentity", {})
    description, events = run_machine(_chain(("AsRole", who), ("AsServer", me)), {"role": role})
    output = _output(description)
    assert output["AsRole"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/reader/StepFunctions"
    assert "assumed-role" not in output["AsServer"]["Arn"]
    scheduled = [event["taskScheduledEventDetails"] for event in events if event["type"] == "TaskScheduled"]
    assert [detail.get("taskCredentials") for detail in scheduled] == [{"roleArn": role}, None]


def test_credentials_without_a_role_arn_fail_the_state(run_machine: RunMachine) -> None:
    who = _task("aws-sdk:sts:getCallerIdentity", {}, Credentials={"RoleArn.$": "$.missing"}, End=True)
    description, _ = run_machine({"StartAt": "Who", "States": {"Who": who}}, {"missing": 7})
    assert (description["status"], description["error"]) == ("FAILED", "States.Runtime")


def _remote_function(aws: Aws, moto_endpoint: str, answers: list[str]) -> str:
    """A function deployed in the (moto) Lambda service, answering ``answers`` in turn; its name."""
    httpx.post(f"{moto_endpoint}/moto-api/config", json={"lambda": {"use_docker": False}}).raise_for_status()
    queued = {"results": answers, "region": "us-east-1"}
    httpx.post(f"{moto_endpoint}/moto-api/static/lambda-simple/response", json=queued).raise_for_status()
    role = aws("iam").create_role(RoleName=_unique("lambda"), AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as code:
        code.writestr("app.py", "def handler(event, context):\n    return event\n")
    name = _unique("remote")
    aws("lambda").create_function(
        FunctionName=name, Runtime="python3.11", Role=role, Handler="app.handler", Code={"ZipFile": archive.getvalue()}
    )
    return name


def test_a_function_found_nowhere_locally_is_invoked_in_the_lambda_service(
    run_machine: RunMachine, aws: Aws, moto: MotoServer
) -> None:
    """With AWS credentials and no LAMBDA_ENDPOINT, a Lambda task goes where the SDK sends Lambda calls (without
    credentials it is ResourceNotFound at once: ``test_function_tasks.test_missing_function``)."""
    name = _remote_function(aws, moto.endpoint, ['{"from": "the lambda service"}'])
    call = _task("lambda:invoke", {"FunctionName": name, "Payload": {"a": 1}}, End=True)
    description, _ = run_machine({"StartAt": "Call", "States": {"Call": call}}, {})
    output = _output(description)
    assert (output["StatusCode"], output["Payload"]) == (200, {"from": "the lambda service"})
