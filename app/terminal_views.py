"""``sfn executions`` and ``sfn history``: a quick look at a running server from a terminal.

They call the server's own API (the same as any SDK), so they work against a local server, a
compose stack or a remote one, and never touch its database.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import boto3
from botocore.config import Config
from rich.console import Console
from rich.table import Table

STATUS_STYLES = {
    "RUNNING": "yellow",
    "SUCCEEDED": "green",
    "FAILED": "red",
    "TIMED_OUT": "red",
    "ABORTED": "bright_black",
    "PENDING_REDRIVE": "yellow",
}
#: The history event member (``…EventDetails``) and its fields worth a column.
DETAIL_FIELDS = ("name", "error", "cause", "resource")
MAX_DETAIL = 120


def client(endpoint: str, region: str) -> Any:
    """A Step Functions client for ``endpoint``: the caller's AWS keys, or placeholders without them."""
    has_keys = bool(os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE"))
    placeholder = None if has_keys else "local"
    return boto3.client(
        "stepfunctions",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=placeholder,
        aws_secret_access_key=placeholder,
        config=Config(retries={"max_attempts": 2}, connect_timeout=5, read_timeout=30),
    )


def show_executions(sfn: Any, console: Console, state_machine: str | None, status: str | None, limit: int) -> None:
    """The newest executions (of one machine, or of all), one row each, status in colour."""
    machines = [state_machine] if state_machine else _machine_arns(sfn)
    rows: list[dict[str, Any]] = []
    for machine in machines:
        arn = machine if machine.startswith("arn:") else _machine_arn(sfn, machine)
        request: dict[str, Any] = {"stateMachineArn": arn, "maxResults": min(limit, 1000)}
        if status:
            request["statusFilter"] = status
        rows.extend(sfn.list_executions(**request)["executions"])
    rows.sort(key=lambda row: row["startDate"], reverse=True)
    table = Table("started", "state machine", "name", "status", "duration", "ARN", box=None)
    for row in rows[:limit]:
        table.add_row(
            _time(row["startDate"]),
            row["stateMachineArn"].rsplit(":", 1)[-1],
            row["name"],
            _status(row["status"]),
            _duration(row["startDate"], row.get("stopDate")),
            row["executionArn"],
        )
    console.print(table if rows else "no executions")


def show_history(sfn: Any, console: Console, execution_arn: str) -> None:
    """An execution's status line, then its events: id, time since the start, type, what matters."""
    described = sfn.describe_execution(executionArn=execution_arn)
    pages = sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
    print_history(console, described, [event for page in pages for event in page["events"]])


def print_history(console: Console, described: dict[str, Any], events: list[dict[str, Any]]) -> None:
    """DescribeExecution's status line and GetExecutionHistory's events, as boto3 or the service
    answers them (times as datetimes or as seconds)."""
    summary = f"{described['name']}: {_status(described['status'])}"
    if described.get("error"):
        summary += f" {described['error']}: {described.get('cause', '')}"[: MAX_DETAIL * 2]
    console.print(summary)
    table = Table("id", "+seconds", "type", "details", box=None)
    start = _seconds(described["startDate"])
    for event in events:
        style = "red" if event["type"].endswith(("Failed", "TimedOut", "Aborted")) else None
        table.add_row(
            str(event["id"]),
            f"{_seconds(event['timestamp']) - start:.3f}",
            event["type"],
            _details(event),
            style=style,
        )
    console.print(table)


def _seconds(moment: dt.datetime | float) -> float:
    return moment.timestamp() if isinstance(moment, dt.datetime) else float(moment)


def _machine_arns(sfn: Any) -> list[str]:
    """The Standard machines: Express executions keep no record to list (as on AWS)."""
    return [
        machine["stateMachineArn"]
        for page in sfn.get_paginator("list_state_machines").paginate()
        for machine in page["stateMachines"]
        if machine.get("type", "STANDARD") == "STANDARD"
    ]


def _machine_arn(sfn: Any, name: str) -> str:
    for arn in _machine_arns(sfn):
        if arn.rsplit(":", 1)[-1] == name:
            return arn
    raise LookupError(f"no state machine named {name!r}")


def _details(event: dict[str, Any]) -> str:
    details: dict[str, Any] = next((value for key, value in event.items() if key.endswith("EventDetails")), {})
    shown = [f"{field}={details[field]}" for field in DETAIL_FIELDS if details.get(field)]
    text = " ".join(shown)
    return text if len(text) <= MAX_DETAIL else text[:MAX_DETAIL] + "…"


def _status(status: str) -> str:
    return f"[{STATUS_STYLES.get(status, 'white')}]{status}[/]"


def _time(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _duration(start: dt.datetime, stop: dt.datetime | None) -> str:
    end = stop or dt.datetime.now(start.tzinfo)
    return f"{(end - start).total_seconds():.1f} s"
