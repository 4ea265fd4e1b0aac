"""``map_memory``: what an inline Map fanning out a large input costs the server and its database.

A 244 KB input holding 1,000 items of about 240 bytes each, mapped through three Pass states, on a fresh
server and database: the server's peak resident memory and how much the database files grew (SQLite)
tell whether iterations are held as parts of the input or copied, and whether each commit rewrites them.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

from bench.client import create_state_machine, make_client, wait_finished
from bench.database import Database
from bench.results import RunResult
from bench.server import BenchServer, rss_mb

ITEMS = 1000
ITEM_DATA = "x" * 220
DEFINITION: dict[str, Any] = {
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "A",
                "States": {
                    "A": {"Type": "Pass", "Next": "B"},
                    "B": {"Type": "Pass", "Next": "C"},
                    "C": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "End": True},
                },
            },
            "End": True,
        }
    },
}


def run(server: BenchServer, database: Database) -> RunResult:
    started = time.monotonic()
    client = make_client(server.endpoint, read_timeout=120.0)
    machine = create_state_machine(client, f"bench-map-memory-{uuid.uuid4().hex[:8]}", DEFINITION)
    execution_input = json.dumps({"items": [{"n": index, "data": ITEM_DATA} for index in range(ITEMS)]})
    size_before = _database_bytes(database)
    t0 = time.monotonic()
    arn = client.start_execution(stateMachineArn=machine, input=execution_input)["executionArn"]
    described = wait_finished(client, arn, 300.0)
    wall = time.monotonic() - t0
    if described["status"] != "SUCCEEDED":
        return RunResult(error=f"execution {described['status']}: {described.get('cause')}")
    if json.loads(described["output"]) != [{"n": index} for index in range(ITEMS)]:
        return RunResult(error="wrong output")
    figures = {
        "Map of a 244 KB input, 1000 items x 3 Pass, wall s": wall,
        "Map of a 244 KB input, server peak RSS MB": rss_mb(server.pid, "VmHWM"),
    }
    if size_before is not None:
        figures["Map of a 244 KB input, database growth MB"] = ((_database_bytes(database) or 0) - size_before) / 1e6
    detail = {"items": ITEMS, "input_bytes": len(execution_input)}
    return RunResult(figures=figures, detail=detail, seconds=time.monotonic() - started)


def _database_bytes(database: Database) -> int | None:
    """The SQLite database's files (with its journal) in bytes; None for PostgreSQL."""
    if database.temp_dir is None:
        return None
    return sum(path.stat().st_size for path in Path(database.temp_dir).glob("sfn.db*"))
