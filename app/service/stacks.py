"""Stacks deployed from templates (REST ``/v1/stacks``, ``sfn deploy``, ``sfn stacks``).

``sfn deploy`` makes a stack's resources through the API and then records the stack: each resource with its
logical id, type, and what it is here (an ARN or a name), or why it was skipped. Deleting a stack deletes
what it made (state machines, activities, functions, schedules), then the record.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from app import errors
from app.codec import dumps, loads
from app.executions.runtime import Runtime
from app.service import activities, functions, schedules, state_machines
from app.store import stacks
from app.store.records import StackRecord

NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]{0,127}")
#: What a resource is here, and how deleting its stack deletes it.
KINDS = ("stateMachine", "activity", "function", "schedule")
MAX_RESOURCES = 500


def put(runtime: Runtime, name: str, body: dict[str, Any]) -> dict[str, Any]:
    """Record a deployment: ``{Resources: [...], Outputs: {...}, Parameters: {...}}``."""
    require_name(name)
    resources, outputs, parameters = body.get("Resources", []), body.get("Outputs", {}), body.get("Parameters", {})
    if not isinstance(resources, list) or len(resources) > MAX_RESOURCES:
        raise errors.ValidationException(f"Resources must be a list of at most {MAX_RESOURCES} resources.")
    for resource in resources:
        _check_resource(resource)
    if not isinstance(outputs, dict) or not isinstance(parameters, dict):
        raise errors.ValidationException("Outputs and Parameters must be objects.")
    now = runtime.clock.now()
    with runtime.db.write() as conn:
        stacks.put(
            conn,
            {
                "name": name,
                "resources": dumps(resources),
                "outputs": dumps(outputs),
                "parameters": dumps(parameters),
                "created_at": now,
                "updated_at": now,
            },
        )
    return get(runtime, name)


def get(runtime: Runtime, name: str) -> dict[str, Any]:
    require_name(name)
    with runtime.db.read() as conn:
        row = stacks.get(conn, name)
    if row is None:
        raise errors.ResourceNotFound(f"Stack with id {name} does not exist")
    return _view(row)


def list_all(runtime: Runtime) -> dict[str, Any]:
    """Every stack, and the region and account of this server's ARNs (``sfn deploy`` writes them into templates)."""
    with runtime.db.read() as conn:
        listed = [_view(row) for row in stacks.listing(conn)]
    return {"Stacks": listed, "Region": runtime.settings.region, "AccountId": runtime.settings.account_id}


def delete(runtime: Runtime, name: str) -> dict[str, Any]:
    """Delete what the stack made, schedules first (they start the machines), then the record."""
    stack = get(runtime, name)
    order = {"schedule": 0, "stateMachine": 1, "activity": 2, "function": 3}
    made = [resource for resource in stack["Resources"] if resource.get("Kind") in order]
    for resource in sorted(made, key=lambda resource: order[resource["Kind"]]):
        with contextlib.suppress(errors.ResourceMissing):  # already gone
            _delete_one(runtime, resource["Kind"], resource["PhysicalId"])
    with runtime.db.write() as conn:
        stacks.delete(conn, name)
    return stack


def require_name(name: str) -> None:
    if not NAME.fullmatch(name):
        raise errors.ValidationException(
            f"Invalid stack name '{name}': a letter, then letters, digits and hyphens, at most 128 characters."
        )


def _delete_one(runtime: Runtime, kind: str, physical_id: str) -> None:
    if kind == "schedule":
        schedules.delete(runtime, physical_id)
    elif kind == "stateMachine":
        state_machines.delete(runtime, physical_id)
    elif kind == "activity":
        activities.delete(runtime, physical_id)
    else:
        functions.delete(runtime, physical_id)


def _check_resource(resource: Any) -> None:
    if not isinstance(resource, dict) or not isinstance(resource.get("LogicalId"), str):
        raise errors.ValidationException("Each resource is an object with a LogicalId, a Type and a Status.")
    kind = resource.get("Kind")
    if kind is not None and (kind not in KINDS or not isinstance(resource.get("PhysicalId"), str)):
        raise errors.ValidationException(f"Resource {resource['LogicalId']}: Kind is one of {', '.join(KINDS)}.")


def _view(row: StackRecord) -> dict[str, Any]:
    return {
        "StackName": row.name,
        "Resources": loads(row.resources),
        "Outputs": loads(row.outputs),
        "Parameters": loads(row.parameters),
        "CreationTime": row.created_at,
        "LastUpdatedTime": row.updated_at,
    }
