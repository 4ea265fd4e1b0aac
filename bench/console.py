"""``console``: the web console's two speed targets.

* The executions list over 100,000 executions: the page of 50 newest (first and tenth page), a
  status filter, a name search, and the machines with their counts, each timed as a loopback
  request (the server's time plus a millisecond of client). The executions are copies of one real
  execution's row made in SQL, spread over ten machines, so filling the table takes seconds.
* The execution page of a 40-state machine with a 1,020-event history, in headless Chromium: from
  navigation until the graph's 40 nodes and the event table's rows (the first 1,000) are on the page.
"""

from __future__ import annotations

import json
import shutil
import statistics
import time
import uuid
from typing import Any
from urllib.parse import quote

import httpx
import sqlalchemy as sa

from bench.client import create_state_machine, make_client, wait_finished
from bench.results import RunResult

EXECUTIONS = 100_000
MACHINES = 10
REQUESTS = 15
LOOP_STATES = 38  # with the Choice that loops and the Succeed that ends: 40 states
#: Rounds of the loop for about 1,000 events (2 per state visit, 2 for the execution).
ROUNDS = 13
#: The rows the page's event table shows at most (execution.js), the rest found by its filter.
SHOWN_EVENTS = 1000


def loop_definition() -> dict[str, Any]:
    """40 states: a Choice that sends the run around 38 Pass states ``ROUNDS`` times, then a Succeed."""
    names = [f"Step {index:02d}" for index in range(LOOP_STATES)]
    states: dict[str, Any] = {
        "Again?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.round", "NumericLessThan": ROUNDS, "Next": names[0]}],
            "Default": "Done",
        },
        "Done": {"Type": "Succeed"},
    }
    for index, name in enumerate(names):
        following = names[index + 1] if index + 1 < LOOP_STATES else "Again?"
        states[name] = {"Type": "Pass", "Next": following}
    states[names[-1]]["Parameters"] = {"round.$": "States.MathAdd($.round, 1)"}
    return {"StartAt": "Again?", "States": states}


def run(endpoint: str, database_url: str) -> RunResult:
    started = time.monotonic()
    client = make_client(endpoint, read_timeout=120.0)
    tag = uuid.uuid4().hex[:6]
    figures: dict[str, float] = {}
    detail: dict[str, Any] = {}
    figures.update(_executions_list(client, endpoint, database_url, tag, detail))
    figures.update(_execution_page(client, endpoint, tag, detail))
    return RunResult(figures=figures, detail=detail, seconds=time.monotonic() - started)


def _executions_list(
    client: Any, endpoint: str, database_url: str, tag: str, detail: dict[str, Any]
) -> dict[str, float]:
    passing = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    machines = [create_state_machine(client, f"bench-console-{index}", passing) for index in range(MACHINES)]
    seed = client.start_execution(stateMachineArn=machines[0], name=f"seed-{tag}", input='{"order": 1}')["executionArn"]
    wait_finished(client, seed, 60)
    t0 = time.perf_counter()
    _copy_execution(database_url, seed, machines[0].rsplit(":", 1)[0] + ":bench-console-")
    detail["fill_s"] = time.perf_counter() - t0
    with httpx.Client(base_url=f"{endpoint}/v1", timeout=60) as rest:
        first = rest.get("/overview/executions", params={"maxResults": 50}).json()
        token = first.get("nextToken")
        for _ in range(8):
            token = rest.get("/overview/executions", params={"maxResults": 50, "nextToken": token}).json()["nextToken"]
        timed = {
            "executions list, newest 50 of 100k, ms": {"maxResults": 50},
            "executions list, 10th page, ms": {"maxResults": 50, "nextToken": token},
            "executions list, FAILED only, ms": {"maxResults": 50, "statusFilter": "FAILED"},
            "executions list, name search, ms": {"maxResults": 50, "nameContains": "-4242"},
        }
        figures = {label: _median_ms(rest, "/overview/executions", params) for label, params in timed.items()}
        figures["machines with running/failed counts, ms"] = _median_ms(
            rest, "/overview/state-machines", {"nameContains": "bench-console-"}
        )
    return figures


def _copy_execution(database_url: str, seed: str, machine_prefix: str) -> None:
    """Copies of the seed's row up to ``EXECUTIONS`` in all (a repeated run adds none), a second
    apart, one in ten FAILED, over ``MACHINES`` machines."""
    copy = sa.text(
        """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
        INSERT INTO executions (arn, state_machine_arn, revision_id, name, status, input, output, error, cause,
            trace_header, start_date, stop_date, snapshot, next_event_id, version, started_by, parent_task,
            version_arn, alias_arn, redrive_count, redrive_date, redrive_tokens)
        SELECT e.arn || '-' || n.i, :prefix || (n.i % :machines), e.revision_id, e.name || '-' || n.i,
            CASE WHEN n.i % 10 = 0 THEN 'FAILED' ELSE e.status END, e.input, e.output, e.error, e.cause,
            e.trace_header, e.start_date - n.i, e.stop_date - n.i, e.snapshot, e.next_event_id, e.version,
            NULL, NULL, NULL, NULL, 0, NULL, NULL
        FROM executions e, n WHERE e.arn = :seed
        """
    )
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            missing = EXECUTIONS - int(conn.execute(sa.text("SELECT count(*) FROM executions")).scalar_one())
            if missing > 0:
                conn.execute(copy, {"count": missing, "prefix": machine_prefix, "machines": MACHINES, "seed": seed})
    finally:
        engine.dispose()


def _median_ms(rest: httpx.Client, path: str, params: dict[str, Any]) -> float:
    times = []
    for _ in range(REQUESTS):
        t0 = time.perf_counter()
        response = rest.get(path, params=params)
        times.append((time.perf_counter() - t0) * 1000)
        response.raise_for_status()
    return statistics.median(times)


def _execution_page(client: Any, endpoint: str, tag: str, detail: dict[str, Any]) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    machine = create_state_machine(client, f"bench-console-loop-{tag}", loop_definition())
    arn = client.start_execution(stateMachineArn=machine, input=json.dumps({"round": 0}))["executionArn"]
    detail["execution_status"] = wait_finished(client, arn, 120)["status"]
    count = httpx.get(f"{endpoint}/v1/executions/{arn}").json()["historyEventCount"]  # a member boto3 leaves out
    detail["history_events"] = count
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        detail["chromium"] = "not installed: the page was not timed"
        return {}
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            url = f"{endpoint}/console/executions/{quote(arn)}"
            for _ in range(5):
                t0 = time.perf_counter()
                page.goto(url)
                page.wait_for_function(
                    "([nodes, rows]) => document.querySelectorAll('#graph .node').length === nodes"
                    " && document.querySelectorAll('#events tbody tr').length === rows",
                    arg=[LOOP_STATES + 2, min(count, SHOWN_EVENTS)],
                    timeout=30_000,
                )
                times.append(time.perf_counter() - t0)
        finally:
            browser.close()
    return {f"execution page, 40 states, {count:,} events, Chromium ms": statistics.median(times) * 1000}
