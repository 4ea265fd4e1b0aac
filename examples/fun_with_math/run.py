#!/usr/bin/env python3
"""FunWithMath: a Parallel state runs Add and Subtract on the same input; its output is ``[sum, difference]``.

Needs a server started with ``SFN_FUNCTIONS_DIR=examples/fun_with_math/functions``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

HERE = Path(__file__).resolve().parent
NAME = "FunWithMath"
ROLE_ARN = "arn:aws:iam::123456789012:role/StepFunctionsExample"
TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}


def client(endpoint: str) -> Any:
    """A boto3 Step Functions client for the server at ``endpoint`` (dummy credentials are fine)."""
    return boto3.client(
        "stepfunctions",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="example",
        aws_secret_access_key="example",
        config=Config(retries={"max_attempts": 2}),
    )


def deploy(sfn: Any, name: str, definition: str) -> str:
    """Create the state machine, or update its definition if one of that name exists; return its ARN."""
    for page in sfn.get_paginator("list_state_machines").paginate():
        for machine in page["stateMachines"]:
            if machine["name"] == name:
                sfn.update_state_machine(stateMachineArn=machine["stateMachineArn"], definition=definition)
                return str(machine["stateMachineArn"])
    return str(sfn.create_state_machine(name=name, definition=definition, roleArn=ROLE_ARN)["stateMachineArn"])


def wait_for_end(sfn: Any, execution_arn: str, timeout: float) -> dict[str, Any]:
    """Poll DescribeExecution until the execution has ended."""
    deadline = time.monotonic() + timeout
    while True:
        described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] in TERMINAL:
            return described
        if time.monotonic() > deadline:
            raise TimeoutError(f"{execution_arn} is still {described['status']} after {timeout:.0f}s")
        time.sleep(0.1)


def event_types(sfn: Any, execution_arn: str) -> list[str]:
    """The types of the execution's history events, oldest first."""
    pages = sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
    return [event["type"] for page in pages for event in page["events"]]


def run(endpoint: str, numbers: list[float], timeout: float) -> dict[str, Any]:
    """Deploy the state machine and run it on ``numbers``; return the description and the history's event types."""
    sfn = client(endpoint)
    machine_arn = deploy(sfn, NAME, (HERE / "definition.json").read_text())
    started = sfn.start_execution(
        stateMachineArn=machine_arn, name=f"math-{uuid.uuid4().hex[:8]}", input=json.dumps(numbers)
    )
    described = wait_for_end(sfn, started["executionArn"], timeout)
    return {"execution": described, "events": event_types(sfn, started["executionArn"])}


def main(argv: list[str] | None = None) -> int:
    """Run the example and print it; exit status 0 when the execution succeeded."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--endpoint", default="http://127.0.0.1:8083", help="the server's URL")
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
