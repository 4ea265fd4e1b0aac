"""``timer_accuracy``: how late Wait timers fire under light load, from the server's own event times.

Each of a few dozen executions waits one second; the lateness of a timer is the time between its
WaitStateEntered and WaitStateExited events minus that second. A negative value would be a timer
that fired early, which must never happen.
"""

from __future__ import annotations

import statistics
import time
import uuid
from typing import Any

from bench.client import create_state_machine, make_client, wait_finished
from bench.results import RunResult

EXECUTIONS = 40
WAIT_SECONDS = 1
START_SPACING_S = 0.05
DEFINITION = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": WAIT_SECONDS, "End": True}}}


def run(endpoint: str) -> RunResult:
    started = time.monotonic()
    client = make_client(endpoint)
    machine = create_state_machine(client, f"bench-timers-{uuid.uuid4().hex[:8]}", DEFINITION)
    arns = []
    for _ in range(EXECUTIONS):
        arns.append(client.start_execution(stateMachineArn=machine)["executionArn"])
        time.sleep(START_SPACING_S)  # light load: the timers come due one by one
    lateness_ms: list[float] = []
    for arn in arns:
        if wait_finished(client, arn, 30.0)["status"] != "SUCCEEDED":
            return RunResult(error=f"{arn} did not succeed")
        events = client.get_execution_history(executionArn=arn)["events"]
        times = {event["type"]: event["timestamp"] for event in events}
        waited = (times["WaitStateExited"] - times["WaitStateEntered"]).total_seconds()
        lateness_ms.append((waited - WAIT_SECONDS) * 1000)
    ordered = sorted(lateness_ms)
    figures: dict[str, float] = {
        "timer lateness p50 ms": statistics.median(ordered),
        "timer lateness p99 ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "timer lateness max ms": ordered[-1],
        "timer lateness min ms (never negative)": ordered[0],
    }
    detail: dict[str, Any] = {"executions": EXECUTIONS, "wait_seconds": WAIT_SECONDS}
    if ordered[0] < 0:
        return RunResult(error=f"a timer fired {-ordered[0]:.1f} ms early", figures=figures, detail=detail)
    return RunResult(figures=figures, detail=detail, seconds=time.monotonic() - started)
