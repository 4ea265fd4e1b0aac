"""Restart: start the next execution of this state machine with one execution fewer left (the tutorial's Restart).

It calls ``StartExecution`` through boto3. Inside this server's function workers ``AWS_ENDPOINT_URL_SFN`` points
boto3's Step Functions client back at the server, so the same code runs unchanged here and in AWS Lambda.
"""

from __future__ import annotations

import json
from typing import Any

import boto3

# The input key AWS uses to link an execution to the one that started it.
STARTED_BY_KEY = "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Decrement ``restart.executionCount`` and start a new execution with it; return what was started.

    The state machine ARN comes from ``restart.StateMachineArn`` when the execution input carries it (as in the
    tutorial) and otherwise from ``StateMachineArn``, which the Task fills from ``$$.StateMachine.Id``.
    """
    restart = dict(event["restart"])
    state_machine_arn = restart.get("StateMachineArn") or event["StateMachineArn"]
    restart["executionCount"] -= 1
    next_input: dict[str, Any] = {"restart": restart}
    if event.get("ExecutionArn"):
        next_input[STARTED_BY_KEY] = event["ExecutionArn"]
    started = boto3.client("stepfunctions").start_execution(
        stateMachineArn=state_machine_arn, input=json.dumps(next_input)
    )
    # Named like the output of the states:startExecution integration, so both variants read the same way.
    return {"ExecutionArn": started["executionArn"], "executionCount": restart["executionCount"]}
