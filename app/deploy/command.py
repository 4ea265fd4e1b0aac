"""``sfn deploy``: deploy (or ``--delete``) a stack, and print what it made and its outputs."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from app.codec import dumps
from app.remote.client import RestClient

if TYPE_CHECKING:  # the template decoder takes a second to import: not for every `sfn` command
    from app.deploy.apply import Row

STATUS_STYLES = {"CREATED": "green", "UPDATED": "cyan", "DELETED": "red", "SKIPPED": "bright_black"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("template", nargs="?", type=Path, metavar="TEMPLATE", help="a SAM or CloudFormation template")
    parser.add_argument("--stack-name", help="the stack (default: the template's folder name)")
    parser.add_argument(
        "--parameter-overrides", nargs="+", default=[], metavar="KEY=VALUE", help="values of the template's Parameters"
    )
    parser.add_argument("--delete", action="store_true", help="delete the stack and everything it made")


def run(api: RestClient, sfn: Any, console: Console, args: argparse.Namespace) -> None:
    """Deploy or delete; a mistake in what was asked is a ``ValueError``."""
    from app.deploy import apply

    stack_name = args.stack_name or (_default_stack_name(args.template) if args.template else None)
    if stack_name is None:
        raise ValueError("--delete needs --stack-name")
    if args.delete:
        show(console, stack_name, apply.delete(api, stack_name), {})
        return
    if args.template is None:
        raise ValueError("give the TEMPLATE to deploy")
    overrides = dict(_override(item) for item in args.parameter_overrides)
    outcome = apply.deploy(args.template, stack_name, overrides, api, sfn)
    show(console, stack_name, outcome.rows, outcome.outputs)


def show(console: Console, stack_name: str, rows: list[Row], outputs: dict[str, Any]) -> None:
    table = Table("resource", "type", "status", "here", title=f"stack {stack_name}")
    for row in rows:
        table.add_row(row.logical_id, row.type, f"[{STATUS_STYLES[row.status]}]{row.status}[/]", row.detail)
    console.print(table)
    if outputs:
        console.print("Outputs:")
        for name, value in outputs.items():
            console.print(f"  {name} = {value if isinstance(value, str) else dumps(value)}", highlight=False)


def _override(item: str) -> tuple[str, str]:
    key, equals, value = item.partition("=")
    if not equals or not key:
        raise ValueError(f"--parameter-overrides takes KEY=VALUE, not '{item}'")
    return key, value


def _default_stack_name(template: Path) -> str:
    """The template's folder name, spelled as a stack name may be (letters, digits and hyphens)."""
    name = re.sub(r"[^a-zA-Z0-9-]+", "-", template.resolve().parent.name).strip("-")
    return name if name[:1].isalpha() else f"stack-{name}"
