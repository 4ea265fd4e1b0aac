"""Answers a .waitForTaskToken task by calling SendTaskSuccess on the server that invoked it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3

if TYPE_CHECKING:  # for the checker only: a function file imports nothing of the server when it runs
    from app.integrations.functions.context import LambdaContext


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, bool]:
    client = boto3.client("stepfunctions")
    client.send_task_success(taskToken=event["token"], output=json.dumps({"answered": event["value"]}))
    return {"sent": True}
