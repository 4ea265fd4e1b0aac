"""State machine aliases: a name that starts executions of one version, or splits them between two by weight."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from app import arns, errors
from app.codec import dumps, loads
from app.durable.statuses import StateMachineStatus
from app.executions.runtime import Runtime
from app.service import pagination
from app.service.lookups import require_machine
from app.store import versions
from app.store.records import AliasRecord

# A name of letters, digits, "_", "-" and ".", with at least one that is not a digit (numbers are versions).
_NAME = re.compile(r"^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]{1,80}$")
FULL_WEIGHT = 100

Routing = list[dict[str, Any]]


def create(runtime: Runtime, name: str, routing: Routing, description: str | None = None) -> dict[str, Any]:
    """CreateStateMachineAlias, idempotent for the same name, description and routing."""
    if not _NAME.match(name):
        raise errors.ValidationException(
            f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {_NAME.pattern}"
        )
    machine_arn = _machine_of(routing)
    arn = arns.alias(machine_arn, name)
    now = runtime.clock.now()
    with runtime.db.write() as conn:
        machine = require_machine(conn, machine_arn)
        if machine.status == StateMachineStatus.DELETING:
            raise errors.StateMachineDeleting(f"State Machine is being deleted: '{machine_arn}'")
        _require_versions(conn, routing)
        existing = versions.get_alias(conn, arn)
        if existing is not None:
            if (existing.description, loads(existing.routing)) != (description, routing):
                raise errors.ConflictException(f"Alias already exists with another configuration: '{arn}'")
            return {"stateMachineAliasArn": arn, "creationDate": existing.created_at}
        if len(versions.aliases_of(conn, machine_arn)) >= runtime.settings.max_aliases:
            raise errors.ServiceQuotaExceededException(
                f"The state machine '{machine_arn}' has reached the limit of {runtime.settings.max_aliases} aliases"
            )
        record = AliasRecord(arn, machine_arn, name, description, dumps(routing), now, now)
        versions.insert_alias(conn, record._asdict())
    return {"stateMachineAliasArn": arn, "creationDate": now}


def describe(runtime: Runtime, alias_arn: str) -> dict[str, Any]:
    arns.require_alias(alias_arn)
    with runtime.db.read() as conn:
        alias = _require_alias(conn, alias_arn)
    result: dict[str, Any] = {
        "stateMachineAliasArn": alias.arn,
        "name": alias.name,
        "routingConfiguration": loads(alias.routing),
        "creationDate": alias.created_at,
        "updateDate": alias.updated_at,
    }
    if alias.description is not None:
        result["description"] = alias.description
    return result


def update(
    runtime: Runtime, alias_arn: str, *, description: str | None = None, routing: Routing | None = None
) -> dict[str, Any]:
    """UpdateStateMachineAlias: a new description, routing, or both."""
    qualified = arns.require_alias(alias_arn)
    if description is None and routing is None:
        raise errors.ValidationException("Either the description or the routingConfiguration must be specified")
    if routing is not None and _machine_of(routing) != qualified.state_machine_arn:
        raise errors.ValidationException("The routing configuration must name versions of the alias's state machine")
    now = runtime.clock.now()
    with runtime.db.write() as conn:
        _require_alias(conn, alias_arn)
        values: dict[str, Any] = {"updated_at": now}
        if description is not None:
            values["description"] = description
        if routing is not None:
            _require_versions(conn, routing)
            values["routing"] = dumps(routing)
        versions.update_alias(conn, alias_arn, values)
    return {"updateDate": now}


def delete(runtime: Runtime, alias_arn: str) -> dict[str, Any]:
    arns.require_alias(alias_arn)
    with runtime.db.write() as conn:
        _require_alias(conn, alias_arn)
        versions.delete_alias(conn, alias_arn)
    return {}


def list_page(
    runtime: Runtime, state_machine_arn: str, *, max_results: int | None = None, next_token: str | None = None
) -> dict[str, Any]:
    """ListStateMachineAliases of a machine, or of one of its versions; newest first."""
    qualified = arns.require_qualified(state_machine_arn)
    if qualified.alias is not None:
        raise errors.InvalidArn(f"Invalid Arn: 'Resource type not valid in this context: {state_machine_arn}'")
    kind = f"aliases:{state_machine_arn}"
    after = pagination.decode(kind, next_token)
    limit = pagination.page_size(max_results)
    with runtime.db.read() as conn:
        require_machine(conn, qualified.state_machine_arn)
        if qualified.version is not None and versions.get_version(conn, state_machine_arn) is None:
            raise errors.ResourceNotFound(f"Resource not found: '{state_machine_arn}'")
        found = versions.aliases_of(conn, qualified.state_machine_arn)
    if qualified.version is not None:
        found = [alias for alias in found if _routes_to(alias, state_machine_arn)]
    start = 0 if after is None else next((i + 1 for i, alias in enumerate(found) if alias.arn == after), len(found))
    return pagination.page(
        "stateMachineAliases",
        found[start : start + limit + 1],
        limit,
        lambda alias: {"stateMachineAliasArn": alias.arn, "creationDate": alias.created_at},
        kind,
        lambda alias: alias.arn,
    )


def _machine_of(routing: Routing) -> str:
    """The one machine whose versions a routing configuration names; ``ValidationException`` otherwise."""
    if sum(int(route["weight"]) for route in routing) != FULL_WEIGHT:
        raise errors.ValidationException("The weights of a routing configuration must add up to 100")
    targets = [arns.require_version(route["stateMachineVersionArn"]) for route in routing]
    if len({target.version for target in targets}) != len(targets):
        raise errors.ValidationException("A routing configuration must name different versions")
    machines = {target.state_machine_arn for target in targets}
    if len(machines) != 1:
        raise errors.ValidationException("A routing configuration must name versions of one state machine")
    return machines.pop()


def _require_versions(conn: sa.Connection, routing: Routing) -> None:
    for route in routing:
        if versions.get_version(conn, route["stateMachineVersionArn"]) is None:
            raise errors.ResourceNotFound(f"Resource not found: '{route['stateMachineVersionArn']}'")


def _require_alias(conn: sa.Connection, alias_arn: str) -> AliasRecord:
    alias = versions.get_alias(conn, alias_arn)
    if alias is None:
        raise errors.ResourceNotFound(f"Resource not found: '{alias_arn}'")
    return alias


def _routes_to(alias: AliasRecord, version_arn: str) -> bool:
    return any(route["stateMachineVersionArn"] == version_arn for route in loads(alias.routing))
