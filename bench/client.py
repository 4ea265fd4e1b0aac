"""boto3 access to the benchmarked server, with helpers that keep every wait bounded."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

ROLE_ARN = "arn:aws:iam::123456789012:role/sfn-bench-role"


def make_client(endpoint: str, pool: int = 16, read_timeout: float = 60.0) -> SFNClient:
    """A client for a loopback endpoint only; no retries, so server errors show up as errors."""
    host = urlsplit(endpoint).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"refusing non-loopback endpoint {endpoint!r}")
    config = Config(
        region_name="us-east-1",
        max_pool_connections=pool,
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=5,
        read_timeout=read_timeout,
    )
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    return session.client("stepfunctions", endpoint_url=endpoint, config=config)


def create_state_machine(client: SFNClient, name: str, definition: dict[str, Any]) -> str:
    response = client.create_state_machine(
        name=name, definition=json.dumps(definition), roleArn=ROLE_ARN, type="STANDARD"
    )
    return response["stateMachineArn"]


def wait_finished(client: SFNClient, execution_arn: str, timeout: float) -> dict[str, Any]:
    """DescribeExecution until the execution leaves RUNNING, polling with backoff up to ``timeout``."""
    deadline = time.monotonic() + timeout
    interval = 0.01
    while True:
        described = dict(client.describe_execution(executionArn=execution_arn))
        if described["status"] != "RUNNING":
            return described
        if time.monotonic() > deadline:
            raise TimeoutError(f"execution still RUNNING after {timeout:.0f}s")
        time.sleep(interval)
        interval = min(interval * 1.5, 0.25)


def last_event_type(client: SFNClient, execution_arn: str) -> str:
    events = client.get_execution_history(executionArn=execution_arn, maxResults=1, reverseOrder=True)
    return events["events"][0]["type"] if events["events"] else ""
