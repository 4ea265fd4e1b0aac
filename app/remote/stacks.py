"""``sfn stacks``: the stacks ``sfn deploy`` made on a server, and one stack's resources and outputs."""

from __future__ import annotations

import datetime as dt

from rich.console import Console
from rich.table import Table

from app.codec import dumps_spaced
from app.remote.client import RestClient


def show_list(api: RestClient, console: Console) -> None:
    table = Table("stack", "resources", "skipped", "updated")
    for stack in api.call("GET", "/stacks")["Stacks"]:
        resources = stack["Resources"]
        made = sum(1 for item in resources if item.get("Kind"))
        updated = dt.datetime.fromtimestamp(stack["LastUpdatedTime"], dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(stack["StackName"], str(made), str(len(resources) - made), updated)
    console.print(table)


def show_one(api: RestClient, console: Console, name: str) -> None:
    console.print_json(dumps_spaced(api.call("GET", f"/stacks/{name}")))
