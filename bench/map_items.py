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

from bench.client import create_state_machine, make_client, wait_finished
from bench.results import RunResult

ITEMS = 1000
DEFINITION: dict[str, Any] = {
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 0,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
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


def run(endpoint: str) -> RunResult:
    started = time.monotonic()
    client = make_client(endpoint, read_timeout=120.0)
    machine = create_state_machine(client, f"bench-map-{uuid.uuid4().hex[:8]}", DEFINITION)
    items = [{"v": index} for index in range(ITEMS)]
    t0 = time.monotonic()
    arn = client.start_execution(stateMachineArn=machine, input=json.dumps({"items": items}))["executionArn"]
    described = wait_finished(client, arn, 120.0)
    wall = time.monotonic() - t0
    if described["status"] != "SUCCEEDED":
        return RunResult(error=f"execution {described['status']}: {described.get('cause')}")
    if json.loads(described["output"]) != [{"r": index + 2} for index in range(ITEMS)]:
        return RunResult(error="wrong output")
    server_s = (described["stopDate"] - described["startDate"]).total_seconds()
    figures = {"Map 1000 items x 3 Pass, wall s": wall, "Map 1000 items x 3 Pass, server s": server_s}
    return RunResult(figures=figures, detail={"items": ITEMS}, seconds=time.monotonic() - started)
