"""``map_1000``: the Map half of the yardstick's map_parallel, which this server can run on its own.

The yardstick creates its Parallel machine first, with state names repeated across branches; AWS
rejects that definition (DUPLICATE_STATE_NAME) and so does this server, so the yardstick never
reaches its Map. This scenario runs the same Map: 1000 items, three Pass states each.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from mypy_boto3_stepfunctions import SFNClient

from bench.client import create_state_machine, make_client, wait_finished
from bench.results import RunResult

ITEMS = 1000


def three_pass_map(processor_config: dict[str, Any]) -> dict[str, Any]:
    """A Map over ``$.items`` whose three Pass states turn item ``{"v": n}`` into ``{"r": n + 2}``."""
    return {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "ProcessorConfig": processor_config,
                    "StartAt": "A",
                    "States": {
                        "A": {"Type": "Pass", "Parameters": {"v.$": "$.v", "a": 1}, "Next": "B"},
                        "B": {"Type": "Pass", "Parameters": {"v.$": "$.v", "b": 2}, "Next": "C"},
                        "C": {"Type": "Pass", "Parameters": {"r.$": "States.MathAdd($.v, $.b)"}, "End": True},
                    },
                },
                "End": True,
            }
        },
    }


def run_map(client: SFNClient, machine: str, items: list[Any], timeout: float) -> tuple[dict[str, Any], float] | str:
    """Run the three-Pass Map over ``items``: the description of its execution and the wall seconds it took,
    or what went wrong (a status other than SUCCEEDED, or an output other than each item's ``r``)."""
    t0 = time.monotonic()
    arn = client.start_execution(stateMachineArn=machine, input=json.dumps({"items": items}))["executionArn"]
    described = wait_finished(client, arn, timeout)
    wall = time.monotonic() - t0
    if described["status"] != "SUCCEEDED":
        return f"execution {described['status']}: {described.get('cause')}"
    if json.loads(described["output"]) != [{"r": item["v"] + 2} for item in items]:
        return "wrong output"
    return dict(described), wall


DEFINITION = three_pass_map({"Mode": "INLINE"})


def run(endpoint: str) -> RunResult:
    started = time.monotonic()
    client = make_client(endpoint, read_timeout=120.0)
    machine = create_state_machine(client, f"bench-map-{uuid.uuid4().hex[:8]}", DEFINITION)
    ran = run_map(client, machine, [{"v": index} for index in range(ITEMS)], 120.0)
    if isinstance(ran, str):
        return RunResult(error=ran)
    described, wall = ran
    server_s = (described["stopDate"] - described["startDate"]).total_seconds()
    figures = {"Map 1000 items x 3 Pass, wall s": wall, "Map 1000 items x 3 Pass, server s": server_s}
    return RunResult(figures=figures, detail={"items": ITEMS}, seconds=time.monotonic() - started)
