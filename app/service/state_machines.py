"""State machine use cases: create, describe, update, delete, list, validate, tag."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from app import arns, errors
from app.asl.validation.diagnostics import Diagnostic, format_invalid_definition
from app.asl.validation.machine import validate_definition
from app.asl.variables import variable_references
from app.codec import dumps
from app.durable.statuses import StateMachineStatus
from app.durable.work import WorkKind
from app.executions.runtime import Runtime
from app.service import encryption, pagination, versions
from app.service.lookups import configurations, require_machine
from app.service.names import require_valid_name
from app.store import activities, executions, state_machines, work_items
from app.store import tags as tag_store
from app.store.records import StateMachineRecord

MAX_TAGS = 50


def require_valid_definition(definition: str, machine_type: str = "STANDARD") -> None:
    """Raise ``InvalidDefinition`` with AWS's message when the definition has errors."""
    problems = [d for d in validate_definition(definition, machine_type) if d.severity == "ERROR"]
    if problems:
        raise errors.InvalidDefinition(format_invalid_definition(problems))


def create(
    runtime: Runtime,
    *,
    name: str,
    definition: str,
    role_arn: str,
    type: str = "STANDARD",
    tags: list[dict[str, str]] | None = None,
    logging_configuration: dict[str, Any] | None = None,
    tracing_configuration: dict[str, Any] | None = None,
    publish: bool = False,
    version_description: str | None = None,
    encryption_configuration: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """CreateStateMachine; ``publish`` also publishes version 1."""
    require_valid_name(name)
    require_role_arn(role_arn)
    _require_publish_for_description(publish, version_description)
    require_valid_definition(definition, type)
    encryption_text = encryption.stored(encryption_configuration)
    tag_map = tag_list_to_map(tags or [])
    settings = runtime.settings
    arn = arns.state_machine(settings.region, settings.account_id, name)
    now = runtime.clock.now()
    with runtime.db.write() as conn:
        existing = state_machines.get(conn, arn)
        if existing is not None:
            created = _existing_if_identical(conn, existing, definition, role_arn)
            return _published_too(conn, runtime, existing, created, now, publish, version_description)
        revision_id = _new_revision(conn, arn, definition, role_arn, now)
        state_machines.insert(
            conn,
            {
                "arn": arn,
                "name": name,
                "type": type,
                "status": StateMachineStatus.ACTIVE,
                "revision_id": revision_id,
                "role_arn": role_arn,
                "logging_configuration": _json_or_none(logging_configuration),
                "tracing_configuration": _json_or_none(tracing_configuration),
                "created_at": now,
                "encryption_configuration": encryption_text,
            },
        )
        tag_store.put(conn, arn, tag_map)
        created = {"stateMachineArn": arn, "creationDate": now}
        return _published_too(conn, runtime, require_machine(conn, arn), created, now, publish, version_description)


def describe(runtime: Runtime, arn: str) -> dict[str, Any]:
    """DescribeStateMachine of a machine, or of one of its versions."""
    qualified = arns.require_qualified(arn)
    if qualified.version is not None:
        return versions.describe(runtime, arn)
    if qualified.alias is not None:
        raise errors.InvalidArn(f"Invalid Arn: 'Resource type not valid in this context: {arn}'")
    with runtime.db.read() as conn:
        machine = require_machine(conn, arn)
        revision = state_machines.get_revision(conn, machine.revision_id)
    assert revision is not None
    return {
        "stateMachineArn": machine.arn,
        "name": machine.name,
        "status": machine.status,
        "definition": revision.definition,
        "roleArn": machine.role_arn,
        "type": machine.type,
        "creationDate": machine.created_at,
        "revisionId": machine.revision_id,
        **configurations(machine),
        **variable_references(revision.definition),
    }


def update(
    runtime: Runtime,
    arn: str,
    *,
    definition: str | None = None,
    role_arn: str | None = None,
    logging_configuration: dict[str, Any] | None = None,
    tracing_configuration: dict[str, Any] | None = None,
    publish: bool = False,
    version_description: str | None = None,
    encryption_configuration: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """UpdateStateMachine: a new revision when the definition or role changes; ``publish`` also publishes it."""
    arns.require_state_machine(arn)
    _require_publish_for_description(publish, version_description)
    encryption_text = encryption.stored(encryption_configuration)
    changes = (definition, role_arn, logging_configuration, tracing_configuration, encryption_configuration)
    if all(change is None for change in changes):
        raise errors.MissingRequiredParameter(
            "Either the definition, the role ARN, the LoggingConfiguration, "
            "or the TracingConfiguration must be specified",
        )
    if role_arn is not None:
        require_role_arn(role_arn)
    now = runtime.clock.now()
    with runtime.db.write() as conn:
        machine = require_machine(conn, arn)
        if definition is not None:
            require_valid_definition(definition, machine.type)
        if machine.status == StateMachineStatus.DELETING:
            raise errors.StateMachineDeleting(f"State Machine is being deleted: '{arn}'")
        values: dict[str, Any] = {"updated_at": now}
        if definition is not None or role_arn is not None:
            current = state_machines.get_revision(conn, machine.revision_id)
            assert current is not None
            new_definition = definition if definition is not None else current.definition
            new_role = role_arn if role_arn is not None else machine.role_arn
            if (new_definition, new_role) != (current.definition, current.role_arn):
                values["revision_id"] = _new_revision(conn, arn, new_definition, new_role, now)
                values["role_arn"] = new_role
        if logging_configuration is not None:
            values["logging_configuration"] = dumps(logging_configuration)
        if tracing_configuration is not None:
            values["tracing_configuration"] = dumps(tracing_configuration)
        if encryption_text is not None:
            values["encryption_configuration"] = encryption_text
        state_machines.update(conn, arn, values)
        updated = {"updateDate": now, "revisionId": values.get("revision_id", machine.revision_id)}
        return _published_too(conn, runtime, require_machine(conn, arn), updated, now, publish, version_description)


def delete(runtime: Runtime, arn: str) -> dict[str, Any]:
    """Delete at once when idle; otherwise mark DELETING and stop every running execution.

    The scheduler removes the machine when its last execution has stopped, as AWS does.
    """
    arns.require_state_machine(arn)
    now = runtime.clock.now()
    with runtime.db.write() as conn:
        if state_machines.status_locked(conn, arn, exclusive=True) is None:
            return {}
        running = executions.running_arns(conn, arn)
        if not running:
            state_machines.delete(conn, arn)
            return {}
        state_machines.update(conn, arn, {"status": StateMachineStatus.DELETING})
        for execution_arn in running:
            work_items.enqueue(conn, execution_arn, WorkKind.STOP, {}, now)
    runtime.signal_work()
    return {}


def list_page(runtime: Runtime, *, max_results: int | None = None, next_token: str | None = None) -> dict[str, Any]:
    after = pagination.decode("state-machines", next_token)
    limit = pagination.page_size(max_results)
    with runtime.db.read() as conn:
        rows = state_machines.page(conn, after, limit + 1)
    return pagination.page(
        "stateMachines",
        rows,
        limit,
        lambda row: {"stateMachineArn": row.arn, "name": row.name, "type": row.type, "creationDate": row.created_at},
        "state-machines",
        lambda row: row.arn,
    )


def validate(
    definition: str, *, machine_type: str | None = None, severity: str = "ERROR", max_results: int | None = None
) -> dict[str, Any]:
    """ValidateStateMachineDefinition: every diagnostic at or above ``severity``."""
    diagnostics = validate_definition(definition, machine_type or "STANDARD")
    if severity == "ERROR":
        diagnostics = [d for d in diagnostics if d.severity == "ERROR"]
    limit = max_results or 100
    has_errors = any(d.severity == "ERROR" for d in diagnostics)
    return {
        "result": "FAIL" if has_errors else "OK",
        "diagnostics": [_diagnostic(d) for d in diagnostics[:limit]],
        "truncated": len(diagnostics) > limit,
    }


# --- tags ----------------------------------------------------------------------------------------
def tag_resource(runtime: Runtime, resource_arn: str, tags: list[dict[str, str]]) -> dict[str, Any]:
    new_tags = tag_list_to_map(tags)
    with runtime.db.write() as conn:
        _require_taggable(conn, resource_arn)
        merged = {**tag_store.get(conn, resource_arn), **new_tags}
        if len(merged) > MAX_TAGS:
            raise errors.TooManyTags(f"Too many tags on resource: {resource_arn}")
        tag_store.put(conn, resource_arn, new_tags)
    return {}


def untag_resource(runtime: Runtime, resource_arn: str, tag_keys: list[str]) -> dict[str, Any]:
    with runtime.db.write() as conn:
        _require_taggable(conn, resource_arn)
        tag_store.remove(conn, resource_arn, tag_keys)
    return {}


def list_tags(runtime: Runtime, resource_arn: str) -> dict[str, Any]:
    with runtime.db.read() as conn:
        _require_taggable(conn, resource_arn)
        found = tag_store.get(conn, resource_arn)
    return {"tags": [{"key": key, "value": value} for key, value in sorted(found.items())]}


def tag_list_to_map(tags: list[dict[str, str]]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise errors.TooManyTags(f"Too many tags: {len(tags)} (at most {MAX_TAGS})")
    return {tag["key"]: tag.get("value", "") for tag in tags}


# --- helpers -------------------------------------------------------------------------------------
def _require_publish_for_description(publish: bool, version_description: str | None) -> None:
    if version_description is not None and not publish:
        raise errors.ValidationException("A versionDescription can only be given when publish is true")


def _published_too(
    conn: sa.Connection,
    runtime: Runtime,
    machine: StateMachineRecord,
    answer: dict[str, Any],
    now: float,
    publish: bool,
    description: str | None,
) -> dict[str, Any]:
    """The answer of a create or update, with the version it published when asked to."""
    if not publish:
        return answer
    published = versions.publish_in(conn, runtime, machine, now, description=description)
    return {**answer, "stateMachineVersionArn": published["stateMachineVersionArn"]}


def require_role_arn(role_arn: str) -> None:
    if not role_arn.startswith("arn:") or role_arn.count(":") < 5:
        raise errors.InvalidArn(f"Invalid Arn: '{role_arn}'")


def _require_taggable(conn: sa.Connection, resource_arn: str) -> None:
    kind = arns.require_any(resource_arn).kind
    found: object = None
    if kind == "stateMachine":
        found = state_machines.get(conn, resource_arn)
    elif kind == "activity":
        found = activities.get(conn, resource_arn)
    if found is None:
        raise errors.ResourceNotFound(f"Resource not found: '{resource_arn}'")


def _existing_if_identical(
    conn: sa.Connection, existing: StateMachineRecord, definition: str, role_arn: str
) -> dict[str, Any]:
    """AWS answers a repeated identical CreateStateMachine with the existing machine."""
    revision = state_machines.get_revision(conn, existing.revision_id)
    if (
        existing.status == StateMachineStatus.ACTIVE
        and revision is not None
        and (revision.definition, existing.role_arn)
        == (
            definition,
            role_arn,
        )
    ):
        return {"stateMachineArn": existing.arn, "creationDate": existing.created_at}
    if existing.status == StateMachineStatus.DELETING:
        raise errors.StateMachineDeleting(f"State Machine is being deleted: '{existing.arn}'")
    raise errors.StateMachineAlreadyExists(f"State Machine Already Exists: '{existing.arn}'")


def _new_revision(conn: sa.Connection, arn: str, definition: str, role_arn: str, now: float) -> str:
    revision_id = str(uuid.uuid4())
    state_machines.insert_revision(
        conn,
        {
            "revision_id": revision_id,
            "state_machine_arn": arn,
            "definition": definition,
            "role_arn": role_arn,
            "created_at": now,
        },
    )
    return revision_id


def _json_or_none(value: dict[str, Any] | None) -> str | None:
    return None if value is None else dumps(value)


def _diagnostic(diagnostic: Diagnostic) -> dict[str, str]:
    return {
        "severity": diagnostic.severity,
        "code": diagnostic.code,
        "message": diagnostic.message,
        "location": diagnostic.location,
    }
