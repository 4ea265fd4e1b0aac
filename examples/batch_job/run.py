#!/usr/bin/env python3
"""Batch job: submit a (simulated) job, poll its status with Wait + Choice until it ends, and print the trail.

Needs a server started with ``SFN_FUNCTIONS_DIR=examples/batch_job/functions``.
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
NAME = "BatchJob"
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


def history(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    """Every history event of the execution, oldest first."""
    pages = sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
    return [event for page in pages for event in page["events"]]


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
    sfn = client(endpoint)
    machine_arn = deploy(sfn, NAME, (HERE / "definition.json").read_text())
    started = sfn.start_execution(
        stateMachineArn=machine_arn,
        name=f"{job['name']}-{uuid.uuid4().hex[:8]}",
        input=json.dumps({"wait_time": wait_time, "job": job}),
    )
    described = wait_for_end(sfn, started["executionArn"], timeout)
    events = history(sfn, started["executionArn"])
    path = [event["stateEnteredEventDetails"]["name"] for event in events if event["type"].endswith("StateEntered")]
    return {"execution": described, "path": path, "calls": function_results(events)}


def main(argv: list[str] | None = None) -> int:
    """Run the example and print it; exit status 0 when the execution ended the way the job did."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--endpoint", default="http://127.0.0.1:8083", help="the server's URL")
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
