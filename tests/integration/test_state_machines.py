"""State machine operations through boto3 against a live server, on every database backend."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_stepfunctions import SFNClient

from tests.conftest import ROLE_ARN, CreateMachine

PASS_MACHINE = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def unique(prefix: str = "m") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def test_create_then_describe(sfn: SFNClient) -> None:
    name = unique()
    created = sfn.create_state_machine(
        name=name,
        definition=json.dumps(PASS_MACHINE),
        roleArn=ROLE_ARN,
        tags=[{"key": "team", "value": "core"}],
    )
    assert created["stateMachineArn"] == f"arn:aws:states:us-east-1:123456789012:stateMachine:{name}"
    described = sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
    assert described["name"] == name
    assert described["status"] == "ACTIVE"
    assert described["type"] == "STANDARD"
    assert json.loads(described["definition"]) == PASS_MACHINE
    assert described["roleArn"] == ROLE_ARN
    assert described["creationDate"] == created["creationDate"]
    assert described["loggingConfiguration"]["level"] == "OFF"


def test_create_is_idempotent_for_identical_request(sfn: SFNClient) -> None:
    name = unique()
    first = sfn.create_state_machine(name=name, definition=json.dumps(PASS_MACHINE), roleArn=ROLE_ARN)
    second = sfn.create_state_machine(name=name, definition=json.dumps(PASS_MACHINE), roleArn=ROLE_ARN)
    assert first["stateMachineArn"] == second["stateMachineArn"]


def test_create_with_other_definition_under_same_name_is_refused(sfn: SFNClient) -> None:
    name = unique()
    sfn.create_state_machine(name=name, definition=json.dumps(PASS_MACHINE), roleArn=ROLE_ARN)
    other = {"StartAt": "Q", "States": {"Q": {"Type": "Succeed"}}}
    with pytest.raises(sfn.exceptions.StateMachineAlreadyExists):
        sfn.create_state_machine(name=name, definition=json.dumps(other), roleArn=ROLE_ARN)


@pytest.mark.parametrize(
    ("definition", "fragment"),
    [
        ("not json", "INVALID_JSON_DESCRIPTION"),
        (
            json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}),
            "MISSING_TRANSITION_TARGET",
        ),
        (
            json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True, "Foo": 1}}}),
            "SCHEMA_VALIDATION",
        ),
    ],
)
def test_invalid_definition_is_refused(sfn: SFNClient, definition: str, fragment: str) -> None:
    with pytest.raises(sfn.exceptions.InvalidDefinition) as excinfo:
        sfn.create_state_machine(name=unique(), definition=definition, roleArn=ROLE_ARN)
    assert fragment in str(excinfo.value)


@pytest.mark.parametrize("name", ["has space", "a/b", "star*", "x" * 81, 'quote"d'])
def test_invalid_name_is_refused(sfn: SFNClient, name: str) -> None:
    with pytest.raises(sfn.exceptions.InvalidName):
        sfn.create_state_machine(name=name, definition=json.dumps(PASS_MACHINE), roleArn=ROLE_ARN)


def test_invalid_role_arn_is_refused(sfn: SFNClient) -> None:
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.create_state_machine(name=unique(), definition=json.dumps(PASS_MACHINE), roleArn="not-an-arn")


def test_describe_unknown_and_malformed(sfn: SFNClient) -> None:
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:nope")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_state_machine(stateMachineArn="arn:aws:states:us-east-1:123456789012:execution:a:b")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_state_machine(stateMachineArn="garbage")


def test_update_changes_definition_and_revision(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine(PASS_MACHINE)
    before = sfn.describe_state_machine(stateMachineArn=arn)
    new_definition = {"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}
    updated = sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(new_definition))
    after = sfn.describe_state_machine(stateMachineArn=arn)
    assert json.loads(after["definition"]) == new_definition
    assert updated["revisionId"] == after["revisionId"] != before["revisionId"]
    role = "arn:aws:iam::123456789012:role/other"
    sfn.update_state_machine(stateMachineArn=arn, roleArn=role)
    assert sfn.describe_state_machine(stateMachineArn=arn)["roleArn"] == role


def test_update_errors(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine(PASS_MACHINE)
    with pytest.raises(ClientError) as excinfo:
        sfn.update_state_machine(stateMachineArn=arn)
    assert error_code(excinfo) == "MissingRequiredParameter"
    with pytest.raises(sfn.exceptions.InvalidDefinition):
        sfn.update_state_machine(stateMachineArn=arn, definition="{}")
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.update_state_machine(stateMachineArn=arn + "-missing", definition=json.dumps(PASS_MACHINE))
    # The failed updates left the machine as it was.
    assert json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"]) == PASS_MACHINE


def test_delete_idle_machine(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine(PASS_MACHINE)
    sfn.delete_state_machine(stateMachineArn=arn)
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=arn)
    sfn.delete_state_machine(stateMachineArn=arn)  # deleting again is not an error
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.delete_state_machine(stateMachineArn="arn:nope")


def test_list_state_machines_paginates(sfn: SFNClient) -> None:
    prefix = unique("page")
    arns = {
        sfn.create_state_machine(name=f"{prefix}-{i}", definition=json.dumps(PASS_MACHINE), roleArn=ROLE_ARN)[
            "stateMachineArn"
        ]
        for i in range(5)
    }
    seen: list[str] = []
    token = None
    while True:
        kwargs: dict[str, Any] = {"maxResults": 2}
        if token:
            kwargs["nextToken"] = token
        page = sfn.list_state_machines(**kwargs)
        assert len(page["stateMachines"]) <= 2
        seen.extend(item["stateMachineArn"] for item in page["stateMachines"])
        token = page.get("nextToken")
        if not token:
            break
    assert arns <= set(seen)
    assert len(seen) == len(set(seen))
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.list_state_machines(nextToken="not-a-token")


def test_validate_definition(sfn: SFNClient) -> None:
    assert sfn.validate_state_machine_definition(definition=json.dumps(PASS_MACHINE))["result"] == "OK"
    bad = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}
    result = sfn.validate_state_machine_definition(definition=json.dumps(bad))
    assert result["result"] == "FAIL"
    assert result["diagnostics"][0]["code"] == "MISSING_TRANSITION_TARGET"
    assert result["diagnostics"][0]["location"] == "/States/A/Next"
    assert result["diagnostics"][0]["severity"] == "ERROR"


def test_tags(sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = create_machine(PASS_MACHINE)
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "1"}, {"key": "b", "value": "2"}])
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "3"}])
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "a", "value": "3"},
        {"key": "b", "value": "2"},
    ]
    sfn.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "b", "value": "2"}]
    with pytest.raises(sfn.exceptions.TooManyTags):
        sfn.tag_resource(resourceArn=arn, tags=[{"key": f"k{i}", "value": "v"} for i in range(51)])
    missing = arn + "-missing"
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.list_tags_for_resource(resourceArn=missing)
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.tag_resource(resourceArn=missing, tags=[{"key": "a", "value": "1"}])
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.untag_resource(resourceArn=missing, tagKeys=["a"])
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.list_tags_for_resource(resourceArn="bogus")
