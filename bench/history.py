"""``history_25k``: reading back an execution at AWS's history ceiling of 25,000 events.

GetExecutionHistory of a maximal execution must stay fast even though it pages through the whole
event table; this times all pages at maxResults=1000.
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

from bench.client import create_state_machine, make_client, wait_finished
from bench.results import RunResult

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

HISTORY_LIMIT = 25_000
# ExecutionStarted + ExecutionSucceeded, plus PassStateEntered + PassStateExited per state.
PASS_STATES = (HISTORY_LIMIT - 2) // 2
RUN_BUDGET_S = 600.0
MAX_PAGES = 100


def chain_definition(states: int = PASS_STATES) -> dict[str, Any]:
    """A straight chain of ``states`` Pass states: 2 * states + 2 history events."""
    names = [f"P{index:05d}" for index in range(states)]
    body: dict[str, Any] = {}
    for index, name in enumerate(names):
        state: dict[str, Any] = {"Type": "Pass"}
        if index + 1 < states:
            state["Next"] = names[index + 1]
        else:
            state["End"] = True
        body[name] = state
    return {"Comment": f"{states} Pass states", "StartAt": names[0], "States": body}


def read_history(client: SFNClient, execution_arn: str) -> tuple[int, int]:
    """All pages of GetExecutionHistory at maxResults=1000: (events, pages)."""
    events = pages = 0
    token: str | None = None
    for _ in range(MAX_PAGES):
        kwargs: dict[str, Any] = {"executionArn": execution_arn, "maxResults": 1000}
        if token:
            kwargs["nextToken"] = token
        page = client.get_execution_history(**kwargs)
        events += len(page["events"])
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    return events, pages


def run(endpoint: str) -> RunResult:
    started = time.monotonic()
    client = make_client(endpoint, read_timeout=120.0)
    machine = create_state_machine(client, f"bench-history-{uuid.uuid4().hex[:8]}", chain_definition())
    t0 = time.monotonic()
    arn = client.start_execution(stateMachineArn=machine, input='{"k": 1}')["executionArn"]
    described = wait_finished(client, arn, RUN_BUDGET_S)
    run_s = time.monotonic() - t0
    detail: dict[str, Any] = {"pass_states": PASS_STATES, "status": described["status"]}
    if described["status"] != "SUCCEEDED":
        detail["error"] = described.get("error")
        return RunResult(error=f"execution {described['status']}: {described.get('cause')}", detail=detail)
    t1 = time.perf_counter()
    events, pages = read_history(client, arn)
    read_s = time.perf_counter() - t1
    detail.update(events=events, pages=pages)
    expected = 2 * PASS_STATES + 2
    if events != expected:
        return RunResult(error=f"history has {events} events, expected {expected}", detail=detail)
    server_s = (described["stopDate"] - described["startDate"]).total_seconds()
    figures = {
        f"GetExecutionHistory {events:,} events, all pages s": read_s,
        "history events/s read": events / read_s,
        f"execution of {PASS_STATES:,} Pass states, server s": server_s,
        "transitions/s, one long execution": PASS_STATES / server_s if server_s > 0 else 0.0,
        "execution wall incl. polling s": run_s,
    }
    return RunResult(figures=figures, detail=detail, seconds=time.monotonic() - started)
