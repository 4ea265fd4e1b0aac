"""State machine versions: publish, list, delete, describe, and which revision a qualified ARN runs.

A version is a numbered, immutable pointer to one revision of a machine. Numbers start at 1 and
are never reused; publishing a revision that already has a version returns that version.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app import arns, errors
from app.asl.variables import variable_references
from app.codec import loads
from app.durable.statuses import StateMachineStatus
from app.executions.runtime import Runtime
from app.service import pagination
from app.service.lookups import configurations, require_machine
from app.store import state_machines, versions
from app.store.records import StateMachineRecord, VersionRecord

INITIAL_REVISION = "INITIAL"


@dataclass(frozen=True)
class Target:
    """What a (possibly qualified) state machine ARN starts: a machine's revision, through a version or an alias."""

    machine: StateMachineRecord
    revision_id: str
    version_arn: str | None = None
    alias_arn: str | None = None


def publish(
    runtime: Runtime, state_machine_arn: str, *, revision_id: str | None = None, description: str | None = None
) -> dict[str, Any]:
    """PublishStateMachineVersion."""
    arns.require_state_machine(state_machine_arn)
    with runtime.db.write() as conn:
        machine = require_machine(conn, state_machine_arn)
        return publish_in(conn, runtime, machine, runtime.clock.now(), revision_id, description)


def publish_in(
    conn: sa.Connection,
    runtime: Runtime,
    machine: StateMachineRecord,
    now: float,
    revision_id: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """Publish the machine's current revision inside the caller's transaction (idempotent)."""
    if machine.status == StateMachineStatus.DELETING:
        raise errors.StateMachineDeleting(f"State Machine is being deleted: '{machine.arn}'")
    if revision_id is not None and not _is_current(conn, machine, revision_id):
        raise errors.ConflictException(
            f"Failed to publish the State Machine version: revision '{revision_id}' is not the current revision "
            f"'{machine.revision_id}' of '{machine.arn}'"
        )
    existing = versions.version_of_revision(conn, machine.arn, machine.revision_id)
    if existing is not None:
        return _published(existing)
    if versions.count_versions(conn, machine.arn) >= runtime.settings.max_versions:
        raise errors.ServiceQuotaExceededException(
            f"The state machine '{machine.arn}' has reached the limit of {runtime.settings.max_versions} versions"
        )
    number = versions.next_version_number(conn, machine.arn)
    record = VersionRecord(
        arns.version(machine.arn, number), machine.arn, number, machine.revision_id, description, now
    )
    versions.insert_version(conn, record._asdict())
    return _published(record)


def list_page(
    runtime: Runtime, state_machine_arn: str, *, max_results: int | None = None, next_token: str | None = None
) -> dict[str, Any]:
    """ListStateMachineVersions: newest first."""
    arns.require_state_machine(state_machine_arn)
    kind = f"versions:{state_machine_arn}"
    after = pagination.decode(kind, next_token, int)
    limit = pagination.page_size(max_results)
    with runtime.db.read() as conn:
        rows = versions.version_page(conn, state_machine_arn, after, limit + 1)
    return pagination.page(
        "stateMachineVersions",
        rows,
        limit,
        lambda row: {"stateMachineVersionArn": row.arn, "creationDate": row.created_at},
        kind,
        lambda row: row.version,
    )


def delete(runtime: Runtime, version_arn: str) -> dict[str, Any]:
    """DeleteStateMachineVersion: refused while an alias routes to it; a version already gone is fine."""
    qualified = arns.require_version(version_arn)
    with runtime.db.write() as conn:
        users = [
            alias.arn
            for alias in versions.aliases_of(conn, qualified.state_machine_arn)
            if any(route["stateMachineVersionArn"] == version_arn for route in loads(alias.routing))
        ]
        if users:
            raise errors.ConflictException(
                "Version to be deleted must not be referenced by an alias. "
                f"Current list of aliases referencing this version: [{', '.join(users)}]"
            )
        versions.delete_version(conn, version_arn)
    return {}


def describe(runtime: Runtime, version_arn: str) -> dict[str, Any]:
    """DescribeStateMachine of a version: the revision it froze, with its number's ARN and description."""
    qualified = arns.require_version(version_arn)
    with runtime.db.read() as conn:
        version = require_version(conn, version_arn)
        machine = require_machine(conn, qualified.state_machine_arn)
        revision = state_machines.get_revision(conn, version.revision_id)
    assert revision is not None
    result: dict[str, Any] = {
        "stateMachineArn": version.arn,
        "name": machine.name,
        "status": machine.status,
        "definition": revision.definition,
        "roleArn": revision.role_arn,
        "type": machine.type,
        "creationDate": version.created_at,
        "revisionId": version.revision_id,
        **configurations(machine),
        **variable_references(revision.definition),
    }
    if version.description is not None:
        result["description"] = version.description
    return result


def require_version(conn: sa.Connection, version_arn: str) -> VersionRecord:
    version = versions.get_version(conn, version_arn)
    if version is None:
        raise errors.StateMachineDoesNotExist(f"State Machine Does Not Exist: '{version_arn}'")
    return version


def target(conn: sa.Connection, arn: str) -> Target:
    """What StartExecution of ``arn`` runs: the machine's revision, a version's, or a version an alias picks."""
    qualified = arns.require_qualified(arn)
    machine = require_machine(conn, qualified.state_machine_arn)
    if qualified.version is not None:
        version = require_version(conn, arn)
        return Target(machine, version.revision_id, version_arn=version.arn)
    if qualified.alias is not None:
        alias = versions.get_alias(conn, arn)
        if alias is None:
            raise errors.StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
        version = require_version(conn, pick_version(loads(alias.routing)))
        return Target(machine, version.revision_id, version_arn=version.arn, alias_arn=alias.arn)
    return Target(machine, machine.revision_id)


def pick_version(routing: list[dict[str, Any]]) -> str:
    """The version an alias sends one execution to, chosen at random by the routes' weights."""
    arns_ = [route["stateMachineVersionArn"] for route in routing]
    weights = [route["weight"] for route in routing]
    return str(random.choices(arns_, weights=weights)[0])


def _is_current(conn: sa.Connection, machine: StateMachineRecord, revision_id: str) -> bool:
    """Whether ``revision_id`` names the machine's current revision (INITIAL: it was never updated)."""
    if revision_id == INITIAL_REVISION:
        return state_machines.first_revision_id(conn, machine) == machine.revision_id
    return revision_id == machine.revision_id


def _published(version: VersionRecord) -> dict[str, Any]:
    return {"stateMachineVersionArn": version.arn, "creationDate": version.created_at}
