"""Schedules: create, change, read, list and delete them (REST ``/v1/schedules``, ``sfn schedules``, templates).

A schedule starts an execution of its target (a state machine, a version or an alias) at every due time of
its expression (``app.recurrence``), with its input. Firing is in :mod:`app.service.schedule_firing`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app import arns, errors, recurrence
from app.codec import loads
from app.executions.runtime import Runtime
from app.service import pagination, versions
from app.store import schedules
from app.store.records import ScheduleRecord

NAME = re.compile(r"[0-9a-zA-Z\-_.]{1,64}")
ENABLED = "ENABLED"
STATES = (ENABLED, "DISABLED")
MAX_INPUT_BYTES = 262_144
MAX_DESCRIPTION = 512


@dataclass(frozen=True)
class ScheduleSpec:
    """What a caller says a schedule is; checked by :func:`_check` before anything is stored."""

    name: str
    expression: str
    target_arn: str
    timezone: str = "UTC"
    input: str | None = None
    state: str = "ENABLED"
    description: str | None = None
    start_date: float | None = None
    end_date: float | None = None
    stack_name: str | None = None


def create(runtime: Runtime, spec: ScheduleSpec) -> dict[str, Any]:
    """A new schedule; ``ConflictException`` when the name is taken."""
    recurrence_ = _check(runtime, spec)
    now = runtime.clock.now()
    anchor = spec.start_date if spec.start_date is not None else float(math.ceil(now))  # whole seconds
    with runtime.db.write() as conn:
        if schedules.get(conn, spec.name) is not None:
            raise errors.ConflictException(f"Schedule {spec.name} already exists.")
        values = _values(spec) | {
            "name": spec.name,
            "arn": _arn(runtime, spec.name),
            "created_at": now,
            "updated_at": now,
            "anchor": anchor,
            "next_fire_at": _first_due(recurrence_, spec, anchor, now),
        }
        schedules.insert(conn, values)
    runtime.signal_schedules()
    return {"ScheduleArn": values["arn"]}


def update(runtime: Runtime, spec: ScheduleSpec) -> dict[str, Any]:
    """Replace a schedule's definition; its next due time is computed anew from now (as UpdateSchedule does)."""
    recurrence_ = _check(runtime, spec)
    now = runtime.clock.now()
    with runtime.db.write() as conn:
        existing = _require(conn, spec.name)
        same_rhythm = existing.expression == spec.expression and existing.start_date == spec.start_date
        fresh = spec.start_date if spec.start_date is not None else float(math.ceil(now))
        anchor = existing.anchor if same_rhythm else fresh
        values = _values(spec) | {"updated_at": now, "anchor": anchor}
        values["next_fire_at"] = _first_due(recurrence_, spec, anchor, now)
        pending = existing.next_fire_at
        if same_rhythm and existing.timezone == spec.timezone and pending is not None and pending > now:
            values["next_fire_at"] = pending  # an unchanged rhythm keeps its pending occurrence (not a stale one)
        schedules.update(conn, spec.name, values)
    runtime.signal_schedules()
    return {"ScheduleArn": existing.arn}


def get(runtime: Runtime, name: str) -> dict[str, Any]:
    with runtime.db.read() as conn:
        return view(_require(conn, name))


def delete(runtime: Runtime, name: str) -> None:
    with runtime.db.write() as conn:
        if not schedules.delete(conn, name):
            raise errors.ResourceNotFound(f"Schedule {name} does not exist.")


def list_page(
    runtime: Runtime, *, prefix: str | None = None, max_results: int | None = None, next_token: str | None = None
) -> dict[str, Any]:
    position = pagination.decode("schedules", next_token, (str,))
    limit = pagination.page_size(max_results)
    with runtime.db.read() as conn:
        rows = schedules.page(conn, None if position is None else str(position[0]), limit + 1, prefix)
    return pagination.page("Schedules", rows, limit, view, "schedules", lambda row: [row.name])


def view(row: ScheduleRecord) -> dict[str, Any]:
    """A schedule as the API shows it: GetSchedule's members, and when it fires next and fired last."""
    result: dict[str, Any] = {
        "Name": row.name,
        "Arn": row.arn,
        "GroupName": arns.SCHEDULE_GROUP,
        "ScheduleExpression": row.expression,
        "ScheduleExpressionTimezone": row.timezone,
        "State": row.state,
        "Target": {"Arn": row.target_arn, **({"Input": row.input} if row.input is not None else {})},
        "CreationDate": row.created_at,
        "LastModificationDate": row.updated_at,
        "NextInvocation": _next_invocation(row),
    }
    optional = {
        "Description": row.description,
        "StartDate": row.start_date,
        "EndDate": row.end_date,
        "StackName": row.stack_name,
        "LastInvocation": None if row.last_fired_at is None else recurrence.iso(row.last_fired_at),
        "LastExecutionArn": row.last_execution_arn,
        "LastError": row.last_error,
    }
    result.update({key: value for key, value in optional.items() if value is not None})
    return result


def _next_invocation(row: ScheduleRecord) -> str | None:
    """When the schedule fires next; a disabled one does not."""
    return None if row.next_fire_at is None or row.state != ENABLED else recurrence.iso(row.next_fire_at)


def parse_date(value: Any, member: str) -> float | None:
    """A start or end date given as epoch seconds or ISO 8601 text (UTC unless it says otherwise)."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return parsed.timestamp() if parsed.tzinfo else parsed.replace(tzinfo=UTC).timestamp()
    raise errors.ValidationException(f"Invalid {member} '{value}': epoch seconds or an ISO 8601 date and time.")


def next_due(row: ScheduleRecord, after: float) -> float | None:
    """The due time that follows ``after`` within the schedule's end date."""
    due = recurrence.parse(row.expression, row.timezone).next_after(after, row.anchor)
    return due if due is not None and (row.end_date is None or due <= row.end_date) else None


def _check(runtime: Runtime, spec: ScheduleSpec) -> recurrence.Recurrence:
    if not NAME.fullmatch(spec.name):
        raise errors.ValidationException(f"Invalid schedule name '{spec.name}': 1-64 of [0-9a-zA-Z-_.].")
    if spec.state not in STATES:
        raise errors.ValidationException(f"Invalid State '{spec.state}': ENABLED or DISABLED.")
    if spec.description is not None and len(spec.description) > MAX_DESCRIPTION:
        raise errors.ValidationException(f"A Description has at most {MAX_DESCRIPTION} characters.")
    if spec.start_date is not None and spec.end_date is not None and spec.end_date <= spec.start_date:
        raise errors.ValidationException("The EndDate must be later than the StartDate.")
    if spec.input is not None:
        if len(spec.input.encode()) > MAX_INPUT_BYTES:
            raise errors.ValidationException(f"A schedule's Input has at most {MAX_INPUT_BYTES} bytes.")
        try:
            loads(spec.input)
        except ValueError as exc:
            raise errors.ValidationException(f"The schedule's Input is not JSON: {exc}") from exc
    try:
        parsed = recurrence.parse(spec.expression, spec.timezone)
    except recurrence.ExpressionError as exc:
        raise errors.ValidationException(str(exc)) from exc
    with runtime.db.read() as conn:
        versions.target(conn, spec.target_arn)
    return parsed


def _first_due(parsed: recurrence.Recurrence, spec: ScheduleSpec, anchor: float, now: float) -> float | None:
    """The first due time not before now and the start date; a schedule with none left is refused."""
    after = now if spec.start_date is None else max(now, spec.start_date - 1e-3)
    if parsed.period is not None and spec.start_date is not None and spec.start_date > now:
        due: float | None = spec.start_date  # a rate with a future start date fires first at the start date
    else:
        due = parsed.next_after(after, anchor)
    if due is None or (spec.end_date is not None and due > spec.end_date):
        raise errors.ValidationException(
            f"The schedule expression '{spec.expression}' has no occurrence between now and its EndDate."
        )
    return due


def _values(spec: ScheduleSpec) -> dict[str, Any]:
    return {
        "expression": spec.expression,
        "timezone": spec.timezone,
        "target_arn": spec.target_arn,
        "input": spec.input,
        "state": spec.state,
        "description": spec.description,
        "start_date": spec.start_date,
        "end_date": spec.end_date,
        "stack_name": spec.stack_name,
    }


def _require(conn: Any, name: str) -> ScheduleRecord:
    row = schedules.get(conn, name)
    if row is None:
        raise errors.ResourceNotFound(f"Schedule {name} does not exist.")
    return row


def _arn(runtime: Runtime, name: str) -> str:
    return arns.schedule(runtime.settings.region, runtime.settings.account_id, name)
