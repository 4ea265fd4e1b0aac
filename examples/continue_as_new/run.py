#!/usr/bin/env python3
"""Continue-as-new: run a chain of executions where each one starts the next, then print the chain.

Two variants of the same state machine are deployed: ``lambda`` (the tutorial: the Iterator and Restart functions,
Restart calling StartExecution through boto3) and ``native`` (no function at all: intrinsic functions count and the
``states:startExecution`` integration starts the next execution). Needs a server started with
``SFN_FUNCTIONS_DIR=examples/continue_as_new/functions`` for the ``lambda`` variant.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path
from typing import Any

sys.dont_write_bytecode = True  # no __pycache__ left among the examples by importing common.py
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # examples/, where common.py is
from common import argument_parser, client, deploy, start, unique_name, wait_for_end  # noqa: E402

HERE = Path(__file__).resolve().parent
# variant -> (state machine name, definition file)
VARIANTS = {
    "lambda": ("ContinueAsNew", "definition.json"),
    "native": ("ContinueAsNewNative", "definition_native.json"),
}
STARTED_BY_KEY = "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"


def lineage(endpoint: str, execution_arn: str) -> dict[str, Any]:
    """``startedByExecutionArn`` / ``startedExecutionArns`` from the raw DescribeExecution answer.

    This server adds them beyond the AWS response shape; boto3 drops members its model does not know, so the
    request is made by hand.
    """
    request = urllib.request.Request(
        endpoint,
        data=json.dumps({"executionArn": execution_arn}).encode(),
        headers={"X-Amz-Target": "AWSStepFunctions.DescribeExecution", "Content-Type": "application/x-amz-json-1.0"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body: dict[str, Any] = json.loads(response.read())
    return {key: body[key] for key in ("startedByExecutionArn", "startedExecutionArns") if key in body}


def run_chain(sfn: Any, endpoint: str, machine_arn: str, execution_count: int, timeout: float) -> list[dict[str, Any]]:
    """Start the first execution, then follow each execution to the one it started; one entry per execution."""
    first_input = {"restart": {"executionCount": execution_count}}
    arn: str | None = start(sfn, machine_arn, unique_name("Test1"), first_input)
    chain: list[dict[str, Any]] = []
    while arn is not None:
        described = wait_for_end(sfn, arn, timeout)
        run_input = json.loads(described["input"])
        output = json.loads(described.get("output") or "null")
        started = output.get("next", {}).get("ExecutionArn") if isinstance(output, dict) else None
        chain.append(
            {
                "executionArn": arn,
                "name": described["name"],
                "status": described["status"],
                "error": described.get("error"),
                "cause": described.get("cause"),
                "executionCount": run_input.get("restart", {}).get("executionCount"),
                "inputStartedBy": run_input.get(STARTED_BY_KEY),
                "startedExecutionArn": started,
                "lineage": lineage(endpoint, arn),
                "output": output,
            }
        )
        arn = started
    return chain


def print_chain(variant: str, chain: list[dict[str, Any]]) -> None:
    """Print one line per execution, then the last execution's output."""
    print(f"\n== {variant}: {VARIANTS[variant][0]} - {len(chain)} execution(s) ==")
    for number, entry in enumerate(chain, start=1):
        started_by = entry["lineage"].get("startedByExecutionArn") or entry["inputStartedBy"]
        origin = "you (run.py)" if started_by is None else started_by.rsplit(":", 1)[-1]
        recorded = "yes" if "startedByExecutionArn" in entry["lineage"] else "no"
        print(
            f"{number}. {entry['name']:<36} {entry['status']:<9} executionCount={entry['executionCount']}"
            f"  started by: {origin}  (lineage recorded by server: {recorded})"
        )
        if entry["error"]:
            print(f"   error: {entry['error']}: {entry['cause']}")
    print("output of the last execution:")
    print(json.dumps(chain[-1]["output"], indent=2))


def main(argv: list[str] | None = None) -> int:
    """Deploy, run and print; exit status 0 when every execution of every variant succeeded."""
    parser = argument_parser(__doc__)
    parser.add_argument("--variant", choices=[*VARIANTS, "both"], default="both")
    parser.add_argument("--executions", type=int, default=4, help="executionCount of the first input")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for each execution")
    args = parser.parse_args(argv)
    sfn = client(args.endpoint)
    ok = True
    for variant in VARIANTS if args.variant == "both" else [args.variant]:
        name, file_name = VARIANTS[variant]
        machine_arn = deploy(sfn, name, (HERE / file_name).read_text())
        chain = run_chain(sfn, args.endpoint, machine_arn, args.executions, args.timeout)
        print_chain(variant, chain)
        ok = ok and all(entry["status"] == "SUCCEEDED" for entry in chain)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
