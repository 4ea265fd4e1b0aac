"""The shared yardstick's scenarios, run as a subprocess so its figures stay comparable as-is."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.results import RunResult

SCENARIOS = ("start_latency", "pass_chain", "choice_loop", "wait_fanout", "callback", "map_parallel")

# The figures we lift out of the yardstick's --json document: label -> key path.
FIGURES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "start_latency": [
        ("StartExecution calls/s", ("start_calls_per_s",)),
        ("StartExecution p50 ms", ("start_latency", "p50_ms")),
        ("StartExecution p99 ms", ("start_latency", "p99_ms")),
    ],
    "pass_chain": [
        ("transitions/s", ("transitions_per_s",)),
        ("transitions/s, server span", ("transitions_per_s_server_span",)),
        ("executions/s", ("executions_per_s",)),
        ("e2e p50 ms, server side", ("runs", "e2e_server", "p50_ms")),
    ],
    "choice_loop": [
        ("transitions/s, one execution", ("single_transitions_per_s",)),
        ("transitions/s, 20 in parallel", ("parallel_transitions_per_s",)),
    ],
    "wait_fanout": [
        ("1000 x Wait 2 s, all done after s", ("time_to_all_succeeded_s",)),
        ("start phase s", ("start_phase_s",)),
    ],
    "callback": [
        ("activity tasks completed/s", ("completed_per_s",)),
        ("e2e p50 ms", ("runs", "e2e_client", "p50_ms")),
    ],
    "map_parallel": [
        ("Map 1000 items x 3 Pass, wall s", ("map_wall_s",)),
        ("Parallel 10 branches, wall s", ("parallel_wall_s",)),
    ],
}


def default_path() -> Path:
    """Where the yardstick lives next to the project: <project>/../shared/bench/bench.py."""
    return Path(__file__).resolve().parents[2] / "shared" / "bench" / "bench.py"


def _lookup(document: dict[str, Any], path: tuple[str, ...]) -> float | None:
    node: Any = document
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return float(node) if isinstance(node, int | float) and not isinstance(node, bool) else None


def _find(node: Any, key: str) -> Any:
    """The first value under ``key`` anywhere in a nested JSON document."""
    if isinstance(node, dict):
        if key in node:
            return node[key]
        for value in node.values():
            found = _find(value, key)
            if found is not None:
                return found
    return None


def failure_reason(document: dict[str, Any], summary: str) -> str:
    """One readable line: the yardstick's error, with the execution's own error in place of its JSON dump.

    A correctness failure embeds a JSON summary whose only useful part is the sample failure (for
    instance "State type 'Choice' is not supported"), so that part is what we keep.
    """
    status = str(document.get("status"))
    error = str(document.get("error") or summary).removeprefix("AssertionError: ")
    sample = _find(document, "sample_failure")
    if isinstance(sample, dict) and "{" in error:
        cause = str(sample.get("error"))
        try:
            parts = ast.literal_eval(cause)
            if isinstance(parts, tuple):
                cause = ": ".join(str(part) for part in parts if part)
        except (ValueError, SyntaxError):
            pass
        error = f"{error.split('{', 1)[0].rstrip(': ')}: {sample.get('status')} {cause}"
    return error if status == "failed" else f"{status}: {error}"


def run(yardstick: Path, scenario: str, endpoint: str, timeout: float) -> RunResult:
    """One yardstick run; any way it can go wrong becomes ``RunResult.error``, never an exception."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sfn-yardstick-") as temp:
        out = Path(temp) / "result.json"
        command = [sys.executable, str(yardstick), "--endpoint", endpoint, "--scenario", scenario]
        command += ["--json", str(out), "--timeout", str(timeout)]
        try:
            # The yardstick's own watchdog fires at timeout + 20 s; this is the backstop behind it.
            proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout + 60, check=False)
        except subprocess.TimeoutExpired:
            return RunResult(error=f"yardstick did not exit within {timeout + 60:.0f}s")
        seconds = time.monotonic() - started
        lines = proc.stdout.strip().splitlines()
        summary = lines[-1] if lines else proc.stderr.strip()[-300:]
        if not out.exists():
            return RunResult(error=f"no JSON from yardstick (rc {proc.returncode}): {summary}", seconds=seconds)
        document: dict[str, Any] = json.loads(out.read_text())
    detail = {key: value for key, value in document.items() if key != "traceback"}
    if document.get("status") != "ok":
        return RunResult(error=failure_reason(document, summary), detail=detail, seconds=seconds)
    figures = {}
    for label, path in FIGURES[scenario]:
        value = _lookup(document, path)
        if value is not None:
            figures[label] = value
    return RunResult(figures=figures, detail=detail, seconds=seconds)


def run_together(yardstick: Path, scenario: str, endpoints: list[str], timeout: float) -> RunResult:
    """One yardstick client per server, all at once: rates add up, times and latencies take the worst.

    With one endpoint this is just :func:`run`. With several (server processes on one PostgreSQL),
    it shows whether more processes carry more load in total.
    """
    if len(endpoints) == 1:
        return run(yardstick, scenario, endpoints[0], timeout)
    with ThreadPoolExecutor(max_workers=len(endpoints)) as pool:
        results = list(pool.map(lambda endpoint: run(yardstick, scenario, endpoint, timeout), endpoints))
    seconds = max(result.seconds for result in results)
    details = {"clients": [result.detail for result in results]}
    failed = [result for result in results if not result.ok]
    if failed:
        return RunResult(
            error=f"{len(failed)}/{len(results)} clients: {failed[0].error}", detail=details, seconds=seconds
        )
    figures = {}
    for label in results[0].figures:
        values = [result.figures[label] for result in results if label in result.figures]
        figures[label] = sum(values) if "/s" in label else max(values)
    return RunResult(figures=figures, detail=details, seconds=seconds)
