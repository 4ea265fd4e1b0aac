#!/usr/bin/env python3
"""Busy waiting: run the state machine that polls check_status until it reports success, then print the trail.

Needs a server started with ``SFN_FUNCTIONS_DIR=examples/busy_waiting/functions``.
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
NAME = "BusyWaiting"


def status_reports(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What check_status answered on each call, read from the TaskSucceeded events of lambda:invoke."""
    reports = []
    for event in events:
        if event["type"] == "TaskSucceeded":
            reports.append(json.loads(event["taskSucceededEventDetails"]["output"])["Payload"])
    return reports


def run(endpoint: str, ready_after: int, timeout: float) -> dict[str, Any]:
    """Deploy the state machine, run one execution to its end; return its description, path and status reports."""
    payload = {"ready_after": ready_after}
    described, events = run_once(endpoint, NAME, HERE / "definition.json", unique_name("poll"), payload, timeout)
    return {"execution": described, "path": entered_states(events), "reports": status_reports(events)}


def main(argv: list[str] | None = None) -> int:
    """Run the example and print what happened; exit status 0 when the execution succeeded."""
    parser = argument_parser(__doc__)
    parser.add_argument("--ready-after", type=int, default=3, help="checks until the simulated work is done")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the execution")
    args = parser.parse_args(argv)
    result = run(args.endpoint, args.ready_after, args.timeout)
    execution = result["execution"]
    print(f"execution {execution['name']}: {execution['status']}")
    for number, report in enumerate(result["reports"], start=1):
        print(f"  check {number}: status={report['status']!r} message={report['message']!r}")
    print("path: " + " -> ".join(result["path"]))
    if execution["status"] == "SUCCEEDED":
        print("output: " + json.dumps(json.loads(execution["output"])))
    else:
        print(f"error: {execution.get('error')}: {execution.get('cause')}")
    return 0 if execution["status"] == "SUCCEEDED" else 1


if __name__ == "__main__":
    sys.exit(main())
