"""``memory``: what 10,000 executions parked in a long Wait cost the server in resident memory.

A durable engine should keep parked executions in the database, not in the process; growth per
parked execution is the figure that tells whether it does.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from bench.client import create_state_machine, last_event_type, make_client
from bench.results import RunResult
from bench.server import BenchServer, rss_mb

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

EXECUTIONS = 10_000
THREADS = 8
START_BUDGET_S = 300.0
PARK_BUDGET_S = 120.0
STOP_BUDGET_S = 300.0
WAIT_DEFINITION = {
    "StartAt": "Park",
    "States": {
        "Park": {"Type": "Wait", "Seconds": 3600, "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}


def _start_all(client: SFNClient, machine: str, count: int) -> tuple[list[str], list[str]]:
    """StartExecution ``count`` times from THREADS threads; stops early when the budget is spent."""
    deadline = time.monotonic() + START_BUDGET_S
    arns: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(count))

    def starter() -> None:
        while time.monotonic() < deadline:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            try:
                arn = client.start_execution(stateMachineArn=machine, name=f"m{index}-{uuid.uuid4().hex[:6]}")
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                arns.append(arn["executionArn"])

    threads = [threading.Thread(target=starter, daemon=True) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(START_BUDGET_S + 60)
    return arns, errors


def _wait_parked(client: SFNClient, arns: list[str]) -> bool:
    """True once the last started and a random sample of executions sit in WaitStateEntered."""
    deadline = time.monotonic() + PARK_BUDGET_S
    pending = [arns[-1], *random.sample(arns, min(20, len(arns)))]
    while pending and time.monotonic() < deadline:
        pending = [arn for arn in pending if last_event_type(client, arn) != "WaitStateEntered"]
        if pending:
            time.sleep(0.5)
    return not pending


def _settled_rss(pid: int, budget_s: float = 20.0) -> float:
    """RSS once two readings a second apart differ by under 1 MB (or the budget runs out)."""
    deadline = time.monotonic() + budget_s
    previous = rss_mb(pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        current = rss_mb(pid)
        if abs(current - previous) < 1.0:
            return current
        previous = current
    return previous


def _stop_all(client: SFNClient, arns: list[str]) -> int:
    """StopExecution for each parked execution, so a shared PostgreSQL is left without 10k timers."""
    deadline = time.monotonic() + STOP_BUDGET_S

    def stop(arn: str) -> bool:
        if time.monotonic() > deadline:
            return False
        try:
            client.stop_execution(executionArn=arn, error="Bench.Cleanup")
        except Exception:
            return False
        return True

    with ThreadPoolExecutor(THREADS) as pool:
        return sum(pool.map(stop, arns))


def run(server: BenchServer, cleanup: bool, count: int = EXECUTIONS) -> RunResult:
    """Measure on a fresh server: idle RSS first, then after ``count`` executions are parked."""
    started = time.monotonic()
    client = make_client(server.endpoint, pool=THREADS * 2)
    time.sleep(2.0)
    idle = _settled_rss(server.pid)
    machine = create_state_machine(client, f"bench-memory-{uuid.uuid4().hex[:8]}", WAIT_DEFINITION)
    t0 = time.monotonic()
    arns, errors = _start_all(client, machine, count)
    start_s = time.monotonic() - t0
    detail: dict[str, object] = {
        "started": len(arns),
        "start_errors": len(errors),
        "start_s": round(start_s, 2),
    }
    if errors:
        detail["sample_error"] = errors[0][:300]
    if len(arns) < count:
        return RunResult(error=f"only {len(arns)}/{count} executions started", detail=detail)
    parked = _wait_parked(client, arns)
    after = _settled_rss(server.pid)
    detail["peak_rss_mb"] = round(rss_mb(server.pid, "VmHWM"), 1)
    if cleanup:
        detail["stopped_afterwards"] = _stop_all(client, arns)
    if not parked:
        return RunResult(error=f"executions not all in WaitStateEntered after {PARK_BUDGET_S:.0f}s", detail=detail)
    growth = after - idle
    figures = {
        "RSS idle MB": idle,
        f"RSS growth MB, {count:,} parked": growth,
        "RSS growth KB per parked execution": growth * 1024 / count,
        "StartExecution calls/s (8 threads)": count / start_s,
    }
    return RunResult(figures=figures, detail=detail, seconds=time.monotonic() - started)
