#!/usr/bin/env python3
"""Busy waiting: run the state machine that polls check_status until it reports success, then print the trail.

Needs a server started with ``SFN_FUNCTIONS_DIR=examples/busy_waiting/functions``.
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
NAME = "BusyWaiting"
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


def status_reports(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What check_status answered on each call, read from the TaskSucceeded events of lambda:invoke."""
    reports = []
    for event in events:
        if event["type"] == "TaskSucceeded":
            reports.append(json.loads(event["taskSucceededEventDetails"]["output"])["Payload"])
    return reports


def run(endpoint: str, ready_after: int, timeout: float) -> dict[str, Any]:
    """Deploy the state machine, run one execution to its end; return its description, path and status reports."""
    sfn = client(endpoint)
    machine_arn = deploy(sfn, NAME, (HERE / "definition.json").read_text())
    started = sfn.start_execution(
        stateMachineArn=machine_arn, name=f"poll-{uuid.uuid4().hex[:8]}", input=json.dumps({"ready_after": ready_after})
    )
    described = wait_for_end(sfn, started["executionArn"], timeout)
    events = history(sfn, started["executionArn"])
    path = [event["stateEnteredEventDetails"]["name"] for event in events if event["type"].endswith("StateEntered")]
    return {"execution": described, "path": path, "reports": status_reports(events)}


def main(argv: list[str] | None = None) -> int:
    """Run the example and print what happened; exit status 0 when the execution succeeded."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--endpoint", default="http://127.0.0.1:8083", help="the server's URL")
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
