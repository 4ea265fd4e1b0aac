"""``sfn schedules``: list, show, create, change, enable, disable and delete a server's schedules."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console
from rich.table import Table

from app.codec import dumps_spaced, loads
from app.remote.client import RestClient

STATE_STYLES = {"ENABLED": "green", "DISABLED": "bright_black"}


def show_list(api: RestClient, console: Console, prefix: str | None) -> None:
    """Every schedule (page by page), one row each."""
    table = Table("name", "state", "expression", "time zone", "next", "last execution", "target")
    params: dict[str, str] = {} if prefix is None else {"NamePrefix": prefix}
    while True:
        page = api.call("GET", "/schedules", params=params)
        for item in page["Schedules"]:
            state = item["State"]
            table.add_row(
                item["Name"],
                f"[{STATE_STYLES[state]}]{state}[/]",
                item["ScheduleExpression"],
                item["ScheduleExpressionTimezone"],
                item.get("NextInvocation") or "-",
                item.get("LastExecutionArn") or item.get("LastError") or "-",
                item["Target"]["Arn"],
            )
        if "nextToken" not in page:
            break
        params["NextToken"] = page["nextToken"]
    console.print(table)


def show_one(api: RestClient, console: Console, name: str) -> None:
    console.print_json(dumps_spaced(api.call("GET", f"/schedules/{name}")))


def put(api: RestClient, console: Console, args: argparse.Namespace, *, create: bool) -> None:
    """Create a schedule, or replace one with what the options say (what they leave out keeps its value)."""
    current: dict[str, Any] = {} if create else api.call("GET", f"/schedules/{args.name}")
    target = dict(current.get("Target", {}))
    if args.target is not None:
        target["Arn"] = args.target
    if args.input is not None:
        target["Input"] = args.input
    body = {
        "ScheduleExpression": args.expression or current.get("ScheduleExpression"),
        "ScheduleExpressionTimezone": args.timezone or current.get("ScheduleExpressionTimezone", "UTC"),
        "Target": target,
        "State": "DISABLED" if args.disabled else "ENABLED" if args.enabled or create else current["State"],
    }
    for member, value in (
        ("Description", args.description),
        ("StartDate", args.start_date),
        ("EndDate", args.end_date),
    ):
        if value is not None or current.get(member) is not None:
            body[member] = value if value is not None else current[member]
    if current.get("StackName"):
        body["StackName"] = current["StackName"]
    answer = api.call("POST" if create else "PUT", f"/schedules/{args.name}", body)
    schedule = api.call("GET", f"/schedules/{args.name}")
    console.print(f"{answer['ScheduleArn']}: {schedule['State']}, next {schedule.get('NextInvocation') or 'never'}")


def set_state(api: RestClient, console: Console, name: str, state: str) -> None:
    current = api.call("GET", f"/schedules/{name}")
    body = {key: value for key, value in current.items() if key in _WRITABLE} | {"State": state}
    api.call("PUT", f"/schedules/{name}", body)
    console.print(f"{name}: {state}")


def delete(api: RestClient, console: Console, name: str) -> None:
    api.call("DELETE", f"/schedules/{name}")
    console.print(f"{name}: deleted")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``sfn schedules [list|show|create|update|enable|disable|delete]``."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="every schedule (the default)")
    listing.add_argument("--prefix", help="only names starting with this")
    actions.add_parser("show", help="one schedule as JSON").add_argument("name")
    for action, needed in (("create", True), ("update", False)):
        put_parser = actions.add_parser(action, help=f"{action} a schedule")
        put_parser.add_argument("name")
        put_parser.add_argument("--expression", required=needed, help="rate(...), cron(...) or at(...)")
        put_parser.add_argument("--target", required=needed, help="the state machine (version, alias) ARN to start")
        put_parser.add_argument("--input", type=_json_text, help="the execution's input (JSON)")
        put_parser.add_argument("--timezone", help="IANA time zone of cron and at expressions (default UTC)")
        put_parser.add_argument("--description")
        put_parser.add_argument("--start-date", help="ISO 8601: no occurrence before")
        put_parser.add_argument("--end-date", help="ISO 8601: no occurrence after")
        switch = put_parser.add_mutually_exclusive_group()
        switch.add_argument("--enabled", action="store_true", help="fire (the default for a new schedule)")
        switch.add_argument("--disabled", action="store_true", help="do not fire until enabled")
    for action in ("enable", "disable", "delete"):
        actions.add_parser(action, help=f"{action} a schedule").add_argument("name")


def run(api: RestClient, console: Console, args: argparse.Namespace) -> None:
    action = args.action or "list"
    if action == "list":
        show_list(api, console, getattr(args, "prefix", None))
    elif action == "show":
        show_one(api, console, args.name)
    elif action in ("create", "update"):
        put(api, console, args, create=action == "create")
    elif action in ("enable", "disable"):
        set_state(api, console, args.name, "ENABLED" if action == "enable" else "DISABLED")
    else:
        delete(api, console, args.name)


_WRITABLE = frozenset(
    {"ScheduleExpression", "ScheduleExpressionTimezone", "Target", "Description", "StartDate", "EndDate", "StackName"}
)


def _json_text(value: str) -> str:
    try:
        loads(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not JSON: {exc}") from exc
    return value
