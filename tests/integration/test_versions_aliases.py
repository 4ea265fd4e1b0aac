"""State machine versions and aliases through boto3: publish, describe, start, route, list, delete."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient
from mypy_boto3_stepfunctions.type_defs import CreateStateMachineOutputTypeDef, RoutingConfigurationListItemTypeDef

from app.executions.runtime import Runtime, build_runtime
from app.service import aliases, state_machines, versions
from app.settings import Settings
from app.store import migrate
from tests.conftest import ROLE_ARN
from tests.support.waiting import wait_for_status


def pass_machine(result: str) -> dict[str, Any]:
    return {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": result, "End": True}}}


def route(*pairs: tuple[str, int]) -> list[RoutingConfigurationListItemTypeDef]:
    return [{"stateMachineVersionArn": version, "weight": weight} for version, weight in pairs]


def unique(prefix: str = "v") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def machine(sfn: SFNClient) -> CreateStateMachineOutputTypeDef:
    """A machine created with version 1 published."""
    return sfn.create_state_machine(
        name=unique(),
        definition=json.dumps(pass_machine("one")),
        roleArn=ROLE_ARN,
        publish=True,
        versionDescription="the first",
    )


def update_and_publish(sfn: SFNClient, machine_arn: str, result: str) -> str:
    updated = sfn.update_state_machine(stateMachineArn=machine_arn, definition=json.dumps(pass_machine(result)))
    published = sfn.publish_state_machine_version(stateMachineArn=machine_arn, revisionId=updated["revisionId"])
    return str(published["stateMachineVersionArn"])


def output_of(sfn: SFNClient, execution_arn: str) -> Any:
    return json.loads(wait_for_status(sfn, execution_arn, "SUCCEEDED")["output"])


# --- versions ------------------------------------------------------------------------------------
def test_create_with_publish_makes_version_1(sfn: SFNClient, machine: CreateStateMachineOutputTypeDef) -> None:
    arn = machine["stateMachineArn"]
    assert machine["stateMachineVersionArn"] == f"{arn}:1"
    described = sfn.describe_state_machine(stateMachineArn=f"{arn}:1")
    assert described["stateMachineArn"] == f"{arn}:1"
    assert described["description"] == "the first"
    assert json.loads(described["definition"]) == pass_machine("one")
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.create_state_machine(
            name=unique(), definition=json.dumps(pass_machine("x")), roleArn=ROLE_ARN, versionDescription="no"
        )


def test_publishing_is_idempotent_and_numbers_grow(sfn: SFNClient, machine: CreateStateMachineOutputTypeDef) -> None:
    arn = machine["stateMachineArn"]
    again = sfn.publish_state_machine_version(stateMachineArn=arn)
    assert again["stateMachineVersionArn"] == f"{arn}:1", "the unchanged revision has its version already"
    second = update_and_publish(sfn, arn, "two")
    assert second == f"{arn}:2"
    listed = sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"]
    assert [item["stateMachineVersionArn"] for item in listed] == [f"{arn}:2", f"{arn}:1"]
    page = sfn.list_state_machine_versions(stateMachineArn=arn, maxResults=1)
    rest = sfn.list_state_machine_versions(stateMachineArn=arn, maxResults=1, nextToken=page["nextToken"])
    assert [item["stateMachineVersionArn"] for item in rest["stateMachineVersions"]] == [f"{arn}:1"]
    sfn.delete_state_machine_version(stateMachineVersionArn=f"{arn}:2")
    third = update_and_publish(sfn, arn, "three")
    assert third == f"{arn}:3", "numbers are never reused"


def test_publish_checks_the_revision(sfn: SFNClient, machine: CreateStateMachineOutputTypeDef) -> None:
    arn = machine["stateMachineArn"]
    assert sfn.publish_state_machine_version(stateMachineArn=arn, revisionId="INITIAL")["stateMachineVersionArn"]
    sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(pass_machine("moved on")))
    for stale in ("INITIAL", "not-the-current-revision"):
        with pytest.raises(sfn.exceptions.ConflictException):
            sfn.publish_state_machine_version(stateMachineArn=arn, revisionId=stale)
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.publish_state_machine_version(stateMachineArn=arn + "-missing")


def test_an_update_without_a_change_keeps_the_revision(
    sfn: SFNClient, machine: CreateStateMachineOutputTypeDef
) -> None:
    arn = machine["stateMachineArn"]
    before = sfn.describe_state_machine(stateMachineArn=arn)["revisionId"]
    same = sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(pass_machine("one")), publish=True)
    assert same["revisionId"] == before
    assert same["stateMachineVersionArn"] == f"{arn}:1"


def test_an_execution_of_a_version_runs_that_version(sfn: SFNClient, machine: CreateStateMachineOutputTypeDef) -> None:
    arn = machine["stateMachineArn"]
    update_and_publish(sfn, arn, "two")
    started = sfn.start_execution(stateMachineArn=f"{arn}:1")
    assert started["executionArn"].startswith(arn.replace(":stateMachine:", ":execution:") + ":")
    assert output_of(sfn, started["executionArn"]) == "one"
    described = sfn.describe_execution(executionArn=started["executionArn"])
    assert described["stateMachineArn"] == arn
    assert described["stateMachineVersionArn"] == f"{arn}:1"
    assert "stateMachineAliasArn" not in described
    latest = sfn.start_execution(stateMachineArn=arn)
    assert output_of(sfn, latest["executionArn"]) == "two"
    assert "stateMachineVersionArn" not in sfn.describe_execution(executionArn=latest["executionArn"])
    listed = sfn.list_executions(stateMachineArn=f"{arn}:1")["executions"]
    assert [item["executionArn"] for item in listed] == [started["executionArn"]]
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.start_execution(stateMachineArn=f"{arn}:99")


# --- aliases -------------------------------------------------------------------------------------
def test_alias_life_cycle(sfn: SFNClient, machine: CreateStateMachineOutputTypeDef) -> None:
    arn = machine["stateMachineArn"]
    v1, v2 = f"{arn}:1", update_and_publish(sfn, arn, "two")
    routing = route((v1, 100))
    created = sfn.create_state_machine_alias(name="PROD", routingConfiguration=routing, description="live")
    alias = created["stateMachineAliasArn"]
    assert alias == f"{arn}:PROD"
    again = sfn.create_state_machine_alias(name="PROD", routingConfiguration=routing, description="live")
    assert again["creationDate"] == created["creationDate"], "an identical create is idempotent"
    with pytest.raises(sfn.exceptions.ConflictException):
        sfn.create_state_machine_alias(name="PROD", routingConfiguration=route((v2, 100)))
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert (described["name"], described["description"]) == ("PROD", "live")
    assert described["routingConfiguration"] == routing

    execution = sfn.start_execution(stateMachineArn=alias)["executionArn"]
    assert output_of(sfn, execution) == "one"
    info = sfn.describe_execution(executionArn=execution)
    assert (info["stateMachineAliasArn"], info["stateMachineVersionArn"]) == (alias, v1)
    assert [e["executionArn"] for e in sfn.list_executions(stateMachineArn=alias)["executions"]] == [execution]

    with pytest.raises(sfn.exceptions.ConflictException):
        sfn.delete_state_machine_version(stateMachineVersionArn=v1)
    sfn.update_state_machine_alias(stateMachineAliasArn=alias, routingConfiguration=route((v2, 100)))
    assert output_of(sfn, sfn.start_execution(stateMachineArn=alias)["executionArn"]) == "two"
    sfn.delete_state_machine_version(stateMachineVersionArn=v1)
    sfn.delete_state_machine_version(stateMachineVersionArn=v1)  # already gone: fine
    listed = sfn.list_state_machine_aliases(stateMachineArn=arn)["stateMachineAliases"]
    assert [item["stateMachineAliasArn"] for item in listed] == [alias]
    assert sfn.list_state_machine_aliases(stateMachineArn=v2)["stateMachineAliases"] == listed
    sfn.delete_state_machine_alias(stateMachineAliasArn=alias)
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.describe_state_machine_alias(stateMachineAliasArn=alias)


@pytest.mark.slow
def test_an_alias_splits_starts_by_weight(sfn: SFNClient, machine: CreateStateMachineOutputTypeDef) -> None:
    arn = machine["stateMachineArn"]
    v1, v2 = f"{arn}:1", update_and_publish(sfn, arn, "two")
    routing = route((v1, 70), (v2, 30))
    alias = sfn.create_state_machine_alias(name="SPLIT", routingConfiguration=routing)["stateMachineAliasArn"]
    starts = 1000
    for _ in range(starts):
        sfn.start_execution(stateMachineArn=alias)
    counts: Counter[str] = Counter()
    for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=alias):
        counts.update(item["stateMachineVersionArn"] for item in page["executions"])
    assert sum(counts.values()) == starts
    # Binomial(1000, 0.7): a standard deviation of about 14.5; 5 of them is about 0.07 of 1000.
    assert abs(counts[v1] / starts - 0.7) < 0.075, counts


@pytest.mark.parametrize(
    ("routing", "error"),
    [
        (lambda v1, v2: route((v1, 60)), "ValidationException"),
        (lambda v1, v2: route((v1, 50), (v1, 50)), "ValidationException"),
        (lambda v1, v2: route((v1 + "0", 100)), "ResourceNotFound"),
        (lambda v1, v2: [{"stateMachineVersionArn": v1.rsplit(":", 1)[0], "weight": 100}], "InvalidArn"),
    ],
    ids=["weights-not-100", "same-version-twice", "missing-version", "not-a-version"],
)
def test_alias_routing_errors(
    sfn: SFNClient,
    machine: CreateStateMachineOutputTypeDef,
    routing: Callable[[str, str], list[RoutingConfigurationListItemTypeDef]],
    error: str,
) -> None:
    arn = machine["stateMachineArn"]
    with pytest.raises(getattr(sfn.exceptions, error)):
        sfn.create_state_machine_alias(name="BAD", routingConfiguration=routing(f"{arn}:1", f"{arn}:2"))


def test_alias_names_and_missing_aliases(sfn: SFNClient, machine: CreateStateMachineOutputTypeDef) -> None:
    arn = machine["stateMachineArn"]
    routing = route((f"{arn}:1", 100))
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.create_state_machine_alias(name="123", routingConfiguration=routing)
    for call in (sfn.describe_state_machine_alias, sfn.delete_state_machine_alias):
        with pytest.raises(sfn.exceptions.ResourceNotFound):
            call(stateMachineAliasArn=f"{arn}:NOPE")
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.start_execution(stateMachineArn=f"{arn}:NOPE")
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.update_state_machine_alias(stateMachineAliasArn=f"{arn}:NOPE")


def test_deleting_a_machine_deletes_its_versions_and_aliases(
    sfn: SFNClient, machine: CreateStateMachineOutputTypeDef
) -> None:
    arn = machine["stateMachineArn"]
    routing = route((f"{arn}:1", 100))
    alias = sfn.create_state_machine_alias(name="GONE", routingConfiguration=routing)["stateMachineAliasArn"]
    sfn.delete_state_machine(stateMachineArn=arn)
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=f"{arn}:1")
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"] == []


# --- quotas, in process ---------------------------------------------------------------------------
@pytest.fixture
def small_runtime(tmp_path: Path) -> Iterator[Runtime]:
    url = f"sqlite:///{tmp_path / 'sfn.db'}"
    migrate.upgrade(url)
    runtime = build_runtime(Settings(database_url=url, run_scheduler=False, max_versions=2, max_aliases=1))
    yield runtime
    runtime.close()


def test_version_and_alias_quotas(small_runtime: Runtime) -> None:
    from app import errors

    arn = state_machines.create(
        small_runtime, name="q", definition=json.dumps(pass_machine("0")), role_arn=ROLE_ARN, publish=True
    )["stateMachineArn"]
    state_machines.update(small_runtime, arn, definition=json.dumps(pass_machine("1")), publish=True)
    state_machines.update(small_runtime, arn, definition=json.dumps(pass_machine("2")))
    with pytest.raises(errors.ServiceQuotaExceededException):
        versions.publish(small_runtime, arn)
    aliases.create(small_runtime, "A", [{"stateMachineVersionArn": f"{arn}:1", "weight": 100}])
    with pytest.raises(errors.ServiceQuotaExceededException):
        aliases.create(small_runtime, "B", [{"stateMachineVersionArn": f"{arn}:2", "weight": 100}])
