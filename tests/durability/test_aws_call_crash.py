"""A server killed just after an AWS service call returned, before its answer was recorded.

The execution ends as it would have: a fresh server makes the call again (a call whose answer was lost is
made at least once, as AWS's own service integrations are) and records one answer in the history.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest

from tests.conftest import ROLE_ARN, make_client
from tests.durability.conftest import Fleet
from tests.durability.servers import KILLED
from tests.support.moto_server import CREDENTIALS, MotoServer
from tests.support.waiting import history_types, wait_for_status, wait_until


def _sqs(moto: MotoServer) -> Any:
    return botocore.session.get_session().create_client(
        "sqs",
        endpoint_url=moto.endpoint,
        region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_server_killed_after_an_aws_call_finishes_the_execution_with_one_answer(
    fleet: Fleet, moto: MotoServer
) -> None:
    sqs = _sqs(moto)
    queue = sqs.create_queue(QueueName=f"crash-{fleet.backend}")["QueueUrl"]
    aws = {**CREDENTIALS, "AWS_ENDPOINT_URL": moto.endpoint}
    armed = fleet.server("armed", SFN_CRASH_POINT="after_integration_call", **aws)
    task = {"QueueUrl": queue, "MessageBody.$": "$.body"}
    definition = {
        "StartAt": "Send",
        "States": {
            "Send": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:sqs:sendMessage",
                "Parameters": task,
                "End": True,
            }
        },
    }
    client = make_client(armed.endpoint)
    machine = client.create_state_machine(name="send", definition=json.dumps(definition), roleArn=ROLE_ARN)
    execution = client.start_execution(stateMachineArn=machine["stateMachineArn"], input='{"body": "hello"}')

    wait_until(lambda: not armed.alive(), timeout=30, what="the server never reached after_integration_call")
    assert armed.returncode == KILLED, armed.log_tail()
    fresh = fleet.server("fresh", **aws)
    described = wait_for_status(make_client(fresh.endpoint), execution["executionArn"], "SUCCEEDED", timeout=60)

    assert set(json.loads(described["output"])) >= {"MessageId", "Md5OfMessageBody"}
    types = history_types(make_client(fresh.endpoint), execution["executionArn"])
    assert types.count("TaskSucceeded") == 1 and types[-1] == "ExecutionSucceeded"
    received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    assert [message["Body"] for message in received] == ["hello", "hello"], "sent, its answer lost, sent again"
