#!/usr/bin/env python3
"""FunWithMath: a Parallel state runs Add and Subtract on the same input; its output is ``[sum, difference]``.

Needs a server started with ``SFN_FUNCTIONS_DIR=examples/fun_with_math/functions``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.dont_write_bytecode = True  # no __pycache__ left among the examples by importing common.py
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # examples/, where common.py is
from common import argument_parser, run_once, unique_name  # noqa: E402

HERE = Path(__file__).resolve().parent
NAME = "FunWithMath"


def run(endpoint: str, numbers: list[float], timeout: float) -> dict[str, Any]:
    """Deploy the state machine and run it on ``numbers``; return the description and the history's event types."""
    described, events = run_once(endpoint, NAME, HERE / "definition.json", unique_name("math"), numbers, timeout)
    return {"execution": described, "events": [event["type"] for event in events]}


def main(argv: list[str] | None = None) -> int:
    """Run the example and print it; exit status 0 when the execution succeeded."""
    parser = argument_parser(__doc__)
    parser.add_argument("numbers", nargs="*", type=float, default=[3.0, 2.0], help="two numbers (default: 3 2)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the execution")
    args = parser.parse_args(argv)
    if len(args.numbers) != 2:
        parser.error("give exactly two numbers")
    numbers = [int(n) if n.is_integer() else n for n in args.numbers]
    result = run(args.endpoint, numbers, args.timeout)
    execution = result["execution"]
    print(f"execution {execution['name']}: {execution['status']}")
    print(f"input:  {execution['input']}")
    if execution["status"] == "SUCCEEDED":
        print(f"output: {execution['output']}   (Add branch, Subtract branch)")
    else:
        print(f"error: {execution.get('error')}: {execution.get('cause')}")
    print("history: " + ", ".join(result["events"]))
    return 0 if execution["status"] == "SUCCEEDED" else 1


if __name__ == "__main__":
    sys.exit(main())
