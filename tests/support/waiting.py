"""Waiting with a deadline, by polling: for any condition, and for an execution to finish as a client would."""

from __future__ import annotations

import time
from collections.abc import Callable

from mypy_boto3_stepfunctions import SFNClient
from mypy_boto3_stepfunctions.type_defs import DescribeExecutionOutputTypeDef

TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}


def wait_until(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> None:
    """Poll ``condition`` until it holds; fails the test with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} after {timeout}s"
        time.sleep(interval)


def wait_for_end(sfn: SFNClient, execution_arn: str, timeout: float = 30.0) -> DescribeExecutionOutputTypeDef:
    """DescribeExecution until the status is terminal; fails the test on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        description = sfn.describe_execution(executionArn=execution_arn)
        if description["status"] in TERMINAL:
            return description
        if time.monotonic() > deadline:
            raise AssertionError(f"{execution_arn} still {description['status']} after {timeout}s")
        time.sleep(0.02)


def wait_for_status(
    sfn: SFNClient, execution_arn: str, status: str, timeout: float = 30.0
) -> DescribeExecutionOutputTypeDef:
    description = wait_for_end(sfn, execution_arn, timeout)
    assert description["status"] == status, description
    return description


def history_types(sfn: SFNClient, execution_arn: str) -> list[str]:
    events = sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
    return [event["type"] for event in events]


def wait_for_event(sfn: SFNClient, execution_arn: str, event_type: str, timeout: float = 10.0) -> None:
    """Poll the history until an event of ``event_type`` shows up."""
    deadline = time.monotonic() + timeout
    while event_type not in history_types(sfn, execution_arn):
        if time.monotonic() > deadline:
            raise AssertionError(f"no {event_type} in {execution_arn} after {timeout}s")
        time.sleep(0.02)
