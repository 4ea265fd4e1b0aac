#!/usr/bin/env python3
"""Lambda retry/catch: invoke a randomly failing function, retry its transient error, catch its business error.

Needs a server started with ``SFN_FUNCTIONS_DIR=examples/lambda_retry_catch/functions``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

HERE = Path(__file__).resolve().parent
NAME = "LambdaRetryCatch"
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
    sfn = client(endpoint)
    machine_arn = deploy(sfn, NAME, (HERE / "definition.json").read_text())
    started = sfn.start_execution(
        stateMachineArn=machine_arn, name=f"seed-{payload['seed']}-{uuid.uuid4().hex[:6]}", input=json.dumps(payload)
    )
    described = wait_for_end(sfn, started["executionArn"], timeout)
    events = history(sfn, started["executionArn"])
    path = [event["stateEnteredEventDetails"]["name"] for event in events if event["type"].endswith("StateEntered")]
    return {"execution": described, "path": path, "attempts": attempts(events)}


def main(argv: list[str] | None = None) -> int:
    """Run the example and print each attempt and the outcome; exit status 0 when the execution succeeded."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--endpoint", default="http://127.0.0.1:8083", help="the server's URL")
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
