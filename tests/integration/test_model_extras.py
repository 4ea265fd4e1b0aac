"""The members of the model beyond running: encryptionConfiguration, includedData, variableReferences."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient

from tests.conftest import ROLE_ARN
from tests.support.waiting import wait_for_status

CUSTOMER_KEY: Any = {
    "type": "CUSTOMER_MANAGED_KMS_KEY",
    "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234",
    "kmsDataKeyReusePeriodSeconds": 300,
}
PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


def unique() -> str:
    return f"x-{uuid.uuid4().hex[:10]}"


def test_encryption_configuration_is_echoed(sfn: SFNClient) -> None:
    arn = sfn.create_state_machine(
        name=unique(), definition=json.dumps(PASS), roleArn=ROLE_ARN, encryptionConfiguration=CUSTOMER_KEY
    )["stateMachineArn"]
    assert sfn.describe_state_machine(stateMachineArn=arn)["encryptionConfiguration"] == CUSTOMER_KEY
    sfn.update_state_machine(stateMachineArn=arn, encryptionConfiguration={"type": "AWS_OWNED_KEY"})
    assert sfn.describe_state_machine(stateMachineArn=arn)["encryptionConfiguration"] == {"type": "AWS_OWNED_KEY"}
    activity = sfn.create_activity(name=unique(), encryptionConfiguration=CUSTOMER_KEY)["activityArn"]
    assert sfn.describe_activity(activityArn=activity)["encryptionConfiguration"] == CUSTOMER_KEY
    plain = sfn.create_activity(name=unique())["activityArn"]
    assert "encryptionConfiguration" not in sfn.describe_activity(activityArn=plain)


@pytest.mark.parametrize(
    "configuration",
    [{"type": "CUSTOMER_MANAGED_KMS_KEY"}, {"type": "AWS_OWNED_KEY", "kmsKeyId": "arn:aws:kms:us-east-1:1:key/1"}],
)
def test_an_inconsistent_encryption_configuration_is_refused(sfn: SFNClient, configuration: Any) -> None:
    with pytest.raises(sfn.exceptions.InvalidEncryptionConfiguration):
        sfn.create_state_machine(
            name=unique(), definition=json.dumps(PASS), roleArn=ROLE_ARN, encryptionConfiguration=configuration
        )


def test_metadata_only_leaves_out_input_and_output(sfn: SFNClient) -> None:
    arn = sfn.create_state_machine(name=unique(), definition=json.dumps(PASS), roleArn=ROLE_ARN)["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, input='{"secret": 1}')["executionArn"]
    wait_for_status(sfn, execution, "SUCCEEDED")
    described = sfn.describe_execution(executionArn=execution, includedData="METADATA_ONLY")
    assert "input" not in described and "output" not in described
    assert described["inputDetails"] == {"included": False} and described["outputDetails"] == {"included": False}
    full = sfn.describe_execution(executionArn=execution, includedData="ALL_DATA")
    assert full["input"] == '{"secret": 1}' and json.loads(full["output"]) == {"secret": 1}


def test_variable_references(sfn: SFNClient) -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Set",
        "States": {
            "Set": {"Type": "Pass", "Assign": {"total": "{% $count($states.input.items) %}"}, "Next": "Use"},
            "Use": {"Type": "Pass", "Output": "{% $total + $extra %}", "End": True},
        },
    }
    arn = sfn.create_state_machine(name=unique(), definition=json.dumps(definition), roleArn=ROLE_ARN, publish=True)[
        "stateMachineArn"
    ]
    assert sfn.describe_state_machine(stateMachineArn=arn)["variableReferences"] == {"Use": ["total", "extra"]}
    assert sfn.describe_state_machine(stateMachineArn=f"{arn}:1")["variableReferences"] == {"Use": ["total", "extra"]}
    plain = sfn.create_state_machine(name=unique(), definition=json.dumps(PASS), roleArn=ROLE_ARN)["stateMachineArn"]
    assert "variableReferences" not in sfn.describe_state_machine(stateMachineArn=plain)
