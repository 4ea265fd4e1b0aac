"""Argument parsing and the run loop: which server each scenario gets, repeats, table, JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import (
    ceiling,
    console,
    distributed_map,
    express_engine,
    history,
    light_client,
    map_items,
    map_memory,
    map_run_memory,
    memory,
    timers,
    yardstick,
)
from bench.database import Database, choose_database
from bench.results import Row, RunResult, render_table, summarize, write_json
from bench.server import PROJECT_ROOT, BenchServer

OWN_SCENARIOS = (
    "memory",
    "history_25k",
    "timer_accuracy",
    "map_1000",
    "distributed_map",
    "light_client",
    "client_ceiling",
    "express_engine",
    "console",
    "map_memory",
    "map_run_memory",
)
ALL_SCENARIOS = (*yardstick.SCENARIOS, *OWN_SCENARIOS)
DEFAULT_JSON = PROJECT_ROOT / "bench" / "results" / "latest.json"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Start a server, run benchmark scenarios against it, print a table and write JSON.",
    )
    parser.add_argument("--scenario", action="append", choices=ALL_SCENARIOS, help="repeatable; default: all scenarios")
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario; the median is reported")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write all figures")
    parser.add_argument("--yardstick", type=Path, default=yardstick.default_path(), help="path to bench.py")
    parser.add_argument("--timeout", type=float, default=120.0, help="per yardstick scenario run, seconds")
    parser.add_argument(
        "--server-env", action="append", default=[], metavar="KEY=VALUE", help="extra server environment"
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="server processes on the one database; each yardstick scenario runs one client per server at once",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.servers < 1:
        parser.error("--servers must be at least 1")
    if any("=" not in item for item in args.server_env):
        parser.error("--server-env takes KEY=VALUE")
    return args


class Runner:
    """Owns the shared servers (started on first use, restarted if one died) and the log file."""

    def __init__(self, database: Database, log_path: Path, extra_env: dict[str, str], servers: int = 1) -> None:
        self.database = database
        self.log_path = log_path
        self.extra_env = extra_env
        self.servers = servers
        self.shared: list[BenchServer] = []

    def shared_servers(self) -> list[BenchServer]:
        if any(not server.alive() for server in self.shared):
            print("  a shared server died; restarting them", file=sys.stderr)
            self.close()
        while len(self.shared) < self.servers:
            server = BenchServer(self.database.url, self.log_path, self.extra_env)
            self.shared.append(server.start())
        return self.shared

    def shared_server(self) -> BenchServer:
        """The first shared server: the scenarios of this project drive one server."""
        return self.shared_servers()[0]

    def run_memory(self) -> RunResult:
        """A fresh server (and, on SQLite, a fresh database) so "idle" really is idle."""
        database = choose_database()
        server = BenchServer(database.url, self.log_path, self.extra_env)
        try:
            server.start()
            return memory.run(server, cleanup=database.persistent)
        finally:
            server.stop()
            database.close()

    def run_map_memory(self) -> RunResult:
        """A fresh server and database, so the peak memory and the growth are the Map's alone."""
        database = choose_database()
        server = BenchServer(database.url, self.log_path, self.extra_env)
        try:
            server.start()
            return map_memory.run(server, database)
        finally:
            server.stop()
            database.close()

    def close(self) -> None:
        for server in self.shared:
            server.stop()
        self.shared = []


def guarded(action: Callable[[], RunResult]) -> RunResult:
    """Any exception becomes a failed run: a scenario the server cannot do must not end the command."""
    started = time.monotonic()
    try:
        return action()
    except Exception as exc:
        return RunResult(error=f"{type(exc).__name__}: {exc}", seconds=time.monotonic() - started)


def run_once(runner: Runner, args: argparse.Namespace, scenario: str) -> RunResult:
    if scenario == "memory":
        return guarded(runner.run_memory)
    if scenario == "map_memory":
        return guarded(runner.run_map_memory)
    if scenario == "map_run_memory":
        return guarded(lambda: map_run_memory.run(runner.log_path, runner.extra_env))
    if scenario == "history_25k":
        return guarded(lambda: history.run(runner.shared_server().endpoint))
    if scenario == "timer_accuracy":
        return guarded(lambda: timers.run(runner.shared_server().endpoint))
    if scenario == "map_1000":
        return guarded(lambda: map_items.run(runner.shared_server().endpoint))
    if scenario == "distributed_map":
        return guarded(lambda: distributed_map.run(runner.shared_server().endpoint))
    if scenario == "light_client":
        return guarded(lambda: light_client.run(runner.shared_server().endpoint))
    if scenario == "console":
        return guarded(lambda: console.run(runner.shared_server().endpoint, runner.database.url))
    if scenario == "express_engine":
        return guarded(express_engine.run)
    if scenario == "client_ceiling":
        return guarded(lambda: ceiling.run(runner.log_path))
    if not args.yardstick.is_file():
        return RunResult(error=f"yardstick not found at {args.yardstick}")
    return guarded(
        lambda: yardstick.run_together(
            args.yardstick, scenario, [server.endpoint for server in runner.shared_servers()], args.timeout
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    scenarios: list[str] = list(dict.fromkeys(args.scenario or ALL_SCENARIOS))
    json_path: Path = args.json.resolve()
    json_path.parent.mkdir(parents=True, exist_ok=True)
    log_path = json_path.with_suffix(".server.log")
    log_path.write_text("")
    extra_env = dict(item.split("=", 1) for item in args.server_env)
    database = choose_database()
    print(f"database: {database.display()}  server log: {log_path}", file=sys.stderr)
    runner = Runner(database, log_path, extra_env, args.servers)
    runs: dict[str, list[RunResult]] = {}
    try:
        for scenario in scenarios:
            runs[scenario] = []
            for index in range(args.repeat):
                result = run_once(runner, args, scenario)
                runs[scenario].append(result)
                status = "ok" if result.ok else f"failed: {result.error}"
                print(
                    f"  {scenario} {index + 1}/{args.repeat}: {status} ({result.seconds:.1f}s)",
                    file=sys.stderr,
                )
    finally:
        runner.close()
        database.close()
    rows: list[Row] = []
    for scenario, scenario_runs in runs.items():
        rows.extend(summarize(scenario, scenario_runs)[1])
    meta = {
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": database.kind,
        "database_url": database.display(),
        "repeat": args.repeat,
        "yardstick": str(args.yardstick),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "server_env": extra_env,
        "servers": args.servers,
    }
    write_json(json_path, meta, runs, rows)
    processes = "" if args.servers == 1 else f", {args.servers} server processes (figures per second summed)"
    print(f"\n{database.kind}{processes}, median of {args.repeat} run(s)\n")
    print(render_table(rows))
    print(f"\nJSON: {json_path}")
    return 0
