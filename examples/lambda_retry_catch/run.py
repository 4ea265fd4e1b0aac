#!/usr/bin/env python3
"""Lambda retry/catch: invoke a randomly failing function, retry its transient error, catch its business error.

Needs a server started with ``SFN_FUNCTIONS_DIR=examples/lambda_retry_catch/functions``.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

sys.dont_write_bytecode = True  # no __pycache__ left among the examples by importing common.py
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # examples/, where common.py is
from common import argument_parser, entered_states, run_once, unique_name  # noqa: E402

HERE = Path(__file__).resolve().parent
NAME = "LambdaRetryCatch"


def attempts(events: list[dict[str, Any]]) -> list[str]:
    """One line per call of the function: the error it raised, or its result."""
    lines = []
    for event in events:
        if event["type"] == "TaskFailed":
            details = event["taskFailedEventDetails"]
            message = json.loads(details["cause"]).get("errorMessage", "")
            lines.append(f"{details['error']}: {message}")
        elif event["type"] == "TaskSucceeded":
            payload = json.loads(event["taskSucceededEventDetails"]["output"])["Payload"]
            lines.append(f"returned {json.dumps(payload)}")
    return lines


def run(endpoint: str, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Deploy the state machine and run one execution with ``payload`` as input; return what happened."""
    name = unique_name(f"seed-{payload['seed']}", digits=6)
    described, events = run_once(endpoint, NAME, HERE / "definition.json", name, payload, timeout)
    return {"execution": described, "path": entered_states(events), "attempts": attempts(events)}


def main(argv: list[str] | None = None) -> int:
    """Run the example and print each attempt and the outcome; exit status 0 when the execution succeeded."""
    parser = argument_parser(__doc__)
    parser.add_argument("--seed", type=int, default=None, help="makes the run reproducible (default: random)")
    parser.add_argument("--error-rate", type=float, default=0.2, help="chance of MaxDepthError at each level")
    parser.add_argument("--max-depth", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the execution")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(10_000)
    payload = {"max-depth": args.max_depth, "current-depth": 0, "error-rate": args.error_rate, "seed": seed}
    result = run(args.endpoint, payload, args.timeout)
    execution = result["execution"]
    print(f"execution {execution['name']} (input {json.dumps(payload)}): {execution['status']}")
    for number, line in enumerate(result["attempts"], start=1):
        print(f"  attempt {number}: {line}")
    print("path: " + " -> ".join(result["path"]))
    if execution["status"] == "SUCCEEDED":
        output = json.loads(execution["output"])
        print(f"outcome: {output['outcome']}")
        if "result" in output:
            print(f"result:  {json.dumps(output['result'])}")
        else:  # the cause is the function's whole error document; its message is enough here
            print(f"error:   {output['error']} ({json.loads(output['cause'])['errorMessage']})")
    else:
        print(f"error: {execution.get('error')}: {execution.get('cause')}")
    return 0 if execution["status"] == "SUCCEEDED" else 1


if __name__ == "__main__":
    sys.exit(main())
