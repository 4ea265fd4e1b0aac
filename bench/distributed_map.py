"""``distributed_map``: a distributed Map of 10,000 items, each a child execution of three Pass states.

It measures the whole Map Run (every child started, run, and its output returned to the parent) and
checks the output and the run's counts.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from bench.client import create_state_machine, make_client, wait_finished
from bench.results import RunResult

ITEMS = 10_000
DEFINITION: dict[str, Any] = {
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
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


def run(endpoint: str, items: int = ITEMS, timeout: float = 1800.0) -> RunResult:
    started = time.monotonic()
    client = make_client(endpoint, read_timeout=120.0)
    machine = create_state_machine(client, f"bench-dmap-{uuid.uuid4().hex[:8]}", DEFINITION)
    t0 = time.monotonic()
    payload = json.dumps({"items": [{"v": index} for index in range(items)]})
    arn = client.start_execution(stateMachineArn=machine, input=payload)["executionArn"]
    described = wait_finished(client, arn, timeout)
    wall = time.monotonic() - t0
    if described["status"] != "SUCCEEDED":
        return RunResult(error=f"execution {described['status']}: {described.get('cause')}")
    if json.loads(described["output"]) != [{"r": index + 2} for index in range(items)]:
        return RunResult(error="wrong output")
    runs = client.list_map_runs(executionArn=arn)["mapRuns"]
    counts = client.describe_map_run(mapRunArn=runs[0]["mapRunArn"])["executionCounts"]
    if counts["succeeded"] != items:
        return RunResult(error=f"{counts['succeeded']} children succeeded of {items}")
    label = f"Distributed Map {items} items x 3 Pass children"
    figures = {f"{label}, wall s": wall, f"{label}, children per s": items / wall}
    return RunResult(figures=figures, detail={"items": items}, seconds=time.monotonic() - started)
