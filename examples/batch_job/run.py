#!/usr/bin/env python3
"""Batch job: submit a (simulated) job, poll its status with Wait + Choice until it ends, and print the trail.

Needs a server started with ``SFN_FUNCTIONS_DIR=examples/batch_job/functions``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.dont_write_bytecode = True  # no __pycache__ left among the examples by importing common.py
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # examples/, where common.py is
from common import argument_parser, entered_states, run_once, unique_name  # noqa: E402

HERE = Path(__file__).resolve().parent
NAME = "BatchJob"


def function_results(events: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """``(state name, result)`` for every successful function call, in order."""
    results: list[tuple[str, Any]] = []
    state = ""
    for event in events:
        if event["type"] == "TaskStateEntered":
            state = event["stateEnteredEventDetails"]["name"]
        elif event["type"] == "LambdaFunctionSucceeded":
            results.append((state, json.loads(event["lambdaFunctionSucceededEventDetails"]["output"])))
    return results


def run(endpoint: str, job: dict[str, Any], wait_time: int, timeout: float) -> dict[str, Any]:
    """Deploy the state machine and run one execution for ``job``; return what happened."""
    payload = {"wait_time": wait_time, "job": job}
    described, events = run_once(endpoint, NAME, HERE / "definition.json", unique_name(job["name"]), payload, timeout)
    return {"execution": described, "path": entered_states(events), "calls": function_results(events)}


def main(argv: list[str] | None = None) -> int:
    """Run the example and print it; exit status 0 when the execution ended the way the job did."""
    parser = argument_parser(__doc__)
    parser.add_argument("--fail", action="store_true", help="simulate a job that ends FAILED")
    parser.add_argument("--checks", type=int, default=4, help="status checks until the job is done")
    parser.add_argument("--wait-time", type=int, default=2, help="seconds between status checks ($.wait_time)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the execution")
    args = parser.parse_args(argv)
    outcome = "FAILED" if args.fail else "SUCCEEDED"
    job = {"name": "nightly-report", "outcome": outcome, "checks_until_done": args.checks}
    result = run(args.endpoint, job, args.wait_time, args.timeout)
    execution = result["execution"]
    print(f"execution {execution['name']}: {execution['status']}")
    for state, value in result["calls"]:
        print(f"  {state}: {json.dumps(value)}")
    print("path: " + " -> ".join(result["path"]))
    if execution["status"] == "SUCCEEDED":
        print("output: " + execution["output"])
    else:
        print(f"error: {execution.get('error')}  cause: {execution.get('cause')}")
    return 0 if execution["status"] == outcome else 1


if __name__ == "__main__":
    sys.exit(main())
