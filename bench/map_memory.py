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

from bench.client import create_state_machine, make_client
from bench.database import Database
from bench.map_items import run_map, three_pass_map
from bench.results import RunResult
from bench.server import BenchServer, rss_mb

ITEMS = 1000
ITEM_DATA = "x" * 220
DEFINITION = three_pass_map({"Mode": "INLINE"})


def run(server: BenchServer, database: Database) -> RunResult:
    started = time.monotonic()
    client = make_client(server.endpoint, read_timeout=120.0)
    machine = create_state_machine(client, f"bench-map-memory-{uuid.uuid4().hex[:8]}", DEFINITION)
    items = [{"v": index, "data": ITEM_DATA} for index in range(ITEMS)]
    size_before = _database_bytes(database)
    ran = run_map(client, machine, items, 300.0)
    if isinstance(ran, str):
        return RunResult(error=ran)
    _, wall = ran
    figures = {
        "Map of a 244 KB input, 1000 items x 3 Pass, wall s": wall,
        "Map of a 244 KB input, server peak RSS MB": rss_mb(server.pid, "VmHWM"),
    }
    if size_before is not None:
        figures["Map of a 244 KB input, database growth MB"] = ((_database_bytes(database) or 0) - size_before) / 1e6
    detail = {"items": ITEMS, "input_bytes": len(json.dumps({"items": items}))}
    return RunResult(figures=figures, detail=detail, seconds=time.monotonic() - started)


def _database_bytes(database: Database) -> int | None:
    """The SQLite database's files (with its journal) in bytes; None for PostgreSQL."""
    if database.temp_dir is None:
        return None
    return sum(path.stat().st_size for path in Path(database.temp_dir).glob("sfn.db*"))
