"""``distributed_map``: a distributed Map of 10,000 items, each a child execution of three Pass states.

It measures the whole Map Run (every child started, run, and its output returned to the parent) and
checks the output and the run's counts.
"""

from __future__ import annotations

import time
import uuid

from bench.client import create_state_machine, make_client
from bench.map_items import run_map, three_pass_map
from bench.results import RunResult

ITEMS = 10_000
DEFINITION = three_pass_map({"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"})


def run(endpoint: str, items: int = ITEMS, timeout: float = 1800.0) -> RunResult:
    started = time.monotonic()
    client = make_client(endpoint, read_timeout=120.0)
    machine = create_state_machine(client, f"bench-dmap-{uuid.uuid4().hex[:8]}", DEFINITION)
    ran = run_map(client, machine, [{"v": index} for index in range(items)], timeout)
    if isinstance(ran, str):
        return RunResult(error=ran)
    described, wall = ran
    runs = client.list_map_runs(executionArn=described["executionArn"])["mapRuns"]
    counts = client.describe_map_run(mapRunArn=runs[0]["mapRunArn"])["executionCounts"]
    if counts["succeeded"] != items:
        return RunResult(error=f"{counts['succeeded']} children succeeded of {items}")
    label = f"Distributed Map {items} items x 3 Pass children"
    figures = {f"{label}, wall s": wall, f"{label}, children per s": items / wall}
    return RunResult(figures=figures, detail={"items": items}, seconds=time.monotonic() - started)
