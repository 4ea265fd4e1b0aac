"""What every example's ``run.py`` does the same way: parse ``--endpoint``, make a client, deploy, run, wait.

Each ``run.py`` puts this folder on ``sys.path`` and imports from here, so it still runs as
``python examples/<name>/run.py``. The examples' own logic (definition, input, what they print) stays in them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

DEFAULT_ENDPOINT = "http://127.0.0.1:8083"
ROLE_ARN = "arn:aws:iam::123456789012:role/StepFunctionsExample"
TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}


def argument_parser(doc: str | None) -> argparse.ArgumentParser:
    """A parser described by the first line of ``doc``, with the ``--endpoint`` option every example takes."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--endpoint", default=DEFAULT_ENDPOINT, help="the server's URL")
    return parser


def client(endpoint: str) -> Any:
    """A boto3 Step Functions client for the server at ``endpoint`` (dummy credentials are fine).

    Says on stderr what it is about to do, and ends the script with one line when no server answers there.
    """
    try:
        with urllib.request.urlopen(f"{endpoint}/healthz", timeout=5):
            pass
    except (OSError, ValueError) as exc:
        raise SystemExit(
            f"cannot reach the server at {endpoint} ({exc}): start one with `sfn serve` (see the README), "
            "or pass --endpoint URL"
        ) from None
    print(f"running against {endpoint}; this takes a few seconds...", file=sys.stderr, flush=True)
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


def unique_name(prefix: str, digits: int = 8) -> str:
    """``prefix`` followed by ``-`` and ``digits`` random hex digits: a fresh execution name."""
    return f"{prefix}-{uuid.uuid4().hex[:digits]}"


def start(sfn: Any, machine_arn: str, name: str, payload: Any) -> str:
    """Start an execution named ``name`` with ``payload`` (JSON-encoded) as its input; return its ARN."""
    return str(sfn.start_execution(stateMachineArn=machine_arn, name=name, input=json.dumps(payload))["executionArn"])


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


def entered_states(events: list[dict[str, Any]]) -> list[str]:
    """The names of the states the execution entered, in order: its path through the state machine."""
    return [event["stateEnteredEventDetails"]["name"] for event in events if event["type"].endswith("StateEntered")]


def run_once(
    endpoint: str, machine_name: str, definition_file: Path, execution_name: str, payload: Any, timeout: float
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Deploy ``definition_file`` as ``machine_name`` and run one execution to its end; return it and its history."""
    sfn = client(endpoint)
    machine_arn = deploy(sfn, machine_name, definition_file.read_text())
    execution_arn = start(sfn, machine_arn, execution_name, payload)
    return wait_for_end(sfn, execution_arn, timeout), history(sfn, execution_arn)
