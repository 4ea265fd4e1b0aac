"""Make a plan real on a running server, through its API: functions, activities, state machines, schedules.

State machines and activities go through the Step Functions API (boto3), functions, schedules and the stack's
record through ``/v1``. A deployment to an existing stack updates in place and deletes what the template no
longer has; the stack is recorded even when a step fails, with what was made so far, so that a later deployment
or ``--delete`` finds it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from app.deploy import resources, template
from app.deploy.errors import DeployError
from app.remote.client import ApiError, RestClient


@dataclass
class Row:
    """One line of a deployment's report."""

    logical_id: str
    type: str
    status: str  # CREATED, UPDATED, DELETED, SKIPPED
    detail: str  # the ARN or name here, or why it was skipped
    kind: str | None = None

    def record(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"LogicalId": self.logical_id, "Type": self.type, "Status": self.status}
        if self.kind is not None:
            entry |= {"Kind": self.kind, "PhysicalId": self.detail}
        else:
            entry["Reason"] = self.detail
        return entry


@dataclass
class Outcome:
    rows: list[Row] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)


def deploy(path: Path, stack_name: str, overrides: Mapping[str, str], api: RestClient, sfn: Any) -> Outcome:
    """Deploy the template at ``path`` as ``stack_name`` to the server behind ``api`` and ``sfn``."""
    loaded = template.load(path)
    server = api.call("GET", "/stacks")
    place = resources.Place(stack_name, server["Region"], server["AccountId"])
    scope = template.base_scope(loaded, stack_name, place.region, place.account, overrides)
    plan = resources.plan(loaded, scope, place)
    previous = _previous(api, stack_name)
    outcome = Outcome(outputs=plan.outputs)
    try:
        for function in plan.functions:
            with _about(function.logical_id):
                existed = _exists(api, f"/functions/{function.name}")
                api.call("PUT", f"/functions/{function.name}", function.body | {"StackName": stack_name})
            outcome.rows.append(_made(function.logical_id, function.type, existed, function.name, "function"))
        for activity in plan.activities:
            with _about(activity.logical_id):
                sfn.create_activity(name=activity.name)
            outcome.rows.append(_made(activity.logical_id, resources.ACTIVITY, False, activity.arn, "activity"))
        for machine in plan.machines:
            with _about(machine.logical_id):
                outcome.rows.append(_machine(sfn, machine))
        for schedule in plan.schedules:
            with _about(schedule.logical_id):
                existed = _exists(api, f"/schedules/{schedule.name}")
                body = schedule.body | {"StackName": stack_name}
                api.call("PUT" if existed else "POST", f"/schedules/{schedule.name}", body)
            outcome.rows.append(_made(schedule.logical_id, schedule.type, existed, schedule.name, "schedule"))
        outcome.rows += _delete_removed(api, sfn, previous, outcome.rows)
    finally:
        made = [row.record() for row in outcome.rows if row.status != "DELETED"]
        kept = _kept(previous, outcome.rows)
        skipped = [Row(item.logical_id, item.type, "SKIPPED", item.reason).record() for item in plan.skipped]
        record = {
            "Resources": kept + made + skipped,
            "Outputs": plan.outputs,
            "Parameters": template.parameter_values(loaded, scope),
        }
        api.call("PUT", f"/stacks/{stack_name}", record)
    outcome.rows += [Row(item.logical_id, item.type, "SKIPPED", item.reason) for item in plan.skipped]
    return outcome


def delete(api: RestClient, stack_name: str) -> list[Row]:
    """Delete a stack and everything it made."""
    stack = api.call("DELETE", f"/stacks/{stack_name}")
    return [
        Row(item["LogicalId"], item["Type"], "DELETED", item["PhysicalId"], item["Kind"])
        for item in stack["Resources"]
        if item.get("Kind")
    ]


@contextmanager
def _about(logical_id: str) -> Iterator[None]:
    """An error of the server's about one resource, as a ``DeployError`` naming it."""
    try:
        yield
    except ApiError as exc:
        raise DeployError(f"resource {logical_id}: {exc.code}: {exc.message}") from exc
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise DeployError(f"resource {logical_id}: {error.get('Code')}: {error.get('Message')}") from exc


def _machine(sfn: Any, machine: resources.Machine) -> Row:
    """Create or update a state machine (a new type means a new machine), then move its alias if it has one."""
    configuration: dict[str, Any] = {}
    if machine.logging is not None:
        configuration["loggingConfiguration"] = machine.logging
    if machine.tracing is not None:
        configuration["tracingConfiguration"] = machine.tracing
    current = _describe(sfn, machine.arn)
    if current is not None and current["type"] != machine.type:
        sfn.delete_state_machine(stateMachineArn=machine.arn)
        current = None
    if current is None:
        sfn.create_state_machine(
            name=machine.name,
            definition=machine.definition,
            roleArn=machine.role_arn,
            type=machine.type,
            **configuration,
        )
    else:
        sfn.update_state_machine(
            stateMachineArn=machine.arn, definition=machine.definition, roleArn=machine.role_arn, **configuration
        )
    if machine.alias is not None:
        _publish_alias(sfn, machine)
    return _made(machine.logical_id, machine.resource_type, current is not None, machine.arn, "stateMachine")


def _publish_alias(sfn: Any, machine: resources.Machine) -> None:
    """SAM's AutoPublishAlias: publish the current revision as a version and point the alias at it."""
    version = sfn.publish_state_machine_version(stateMachineArn=machine.arn)["stateMachineVersionArn"]
    routing = [{"stateMachineVersionArn": version, "weight": 100}]
    alias_arn = f"{machine.arn}:{machine.alias}"
    try:
        sfn.update_state_machine_alias(stateMachineAliasArn=alias_arn, routingConfiguration=routing)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ResourceNotFound":
            raise
        sfn.create_state_machine_alias(name=machine.alias, routingConfiguration=routing)


def _describe(sfn: Any, arn: str) -> dict[str, Any] | None:
    try:
        return dict(sfn.describe_state_machine(stateMachineArn=arn))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "StateMachineDoesNotExist":
            return None
        raise


def _delete_removed(api: RestClient, sfn: Any, previous: list[dict[str, Any]], rows: list[Row]) -> list[Row]:
    """Delete what the previous deployment made that this one did not (schedules first: they start machines)."""
    now = {(row.kind, row.detail) for row in rows}
    gone = [item for item in previous if item.get("Kind") and (item["Kind"], item["PhysicalId"]) not in now]
    order = {"schedule": 0, "stateMachine": 1, "activity": 2, "function": 3}
    deleted = []
    for item in sorted(gone, key=lambda item: order[item["Kind"]]):
        kind, physical_id = item["Kind"], item["PhysicalId"]
        if kind == "schedule":
            _delete_quietly(api, f"/schedules/{physical_id}")
        elif kind == "function":
            _delete_quietly(api, f"/functions/{physical_id}")
        elif kind == "stateMachine":
            sfn.delete_state_machine(stateMachineArn=physical_id)
        else:
            sfn.delete_activity(activityArn=physical_id)
        deleted.append(Row(item["LogicalId"], item["Type"], "DELETED", physical_id, kind))
    return deleted


def _kept(previous: list[dict[str, Any]], rows: list[Row]) -> list[dict[str, Any]]:
    """Resources of the previous deployment that this one has neither made again nor deleted (it failed first)."""
    seen = {(row.kind, row.detail) for row in rows}
    return [item for item in previous if item.get("Kind") and (item["Kind"], item["PhysicalId"]) not in seen]


def _delete_quietly(api: RestClient, path: str) -> None:
    try:
        api.call("DELETE", path)
    except ApiError as exc:
        if exc.code != "ResourceNotFound":
            raise


def _previous(api: RestClient, stack_name: str) -> list[dict[str, Any]]:
    try:
        return list(api.call("GET", f"/stacks/{stack_name}")["Resources"])
    except ApiError as exc:
        if exc.code == "ResourceNotFound":
            return []
        raise


def _exists(api: RestClient, path: str) -> bool:
    try:
        api.call("GET", path)
    except ApiError as exc:
        if exc.code == "ResourceNotFound":
            return False
        raise
    return True


def _made(logical_id: str, type_: str, existed: bool, detail: str, kind: str) -> Row:
    return Row(logical_id, type_, "UPDATED" if existed else "CREATED", detail, kind)
