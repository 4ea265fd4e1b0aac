"""No client can claim to be an execution: a caller path without the server's proof is not served,
so ``startedByExecutionArn`` is only ever the execution whose function made the call."""

from __future__ import annotations

import json
from urllib.parse import quote

import httpx
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.conftest import CreateMachine

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
TARGET = {"X-Amz-Target": "AWSStepFunctions.StartExecution", "Content-Type": "application/x-amz-json-1.0"}


def test_a_caller_path_without_the_proof_is_refused(
    server: ServerProcess, sfn: SFNClient, create_machine: CreateMachine
) -> None:
    machine = create_machine(PASS)
    victim = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    body = json.dumps({"stateMachineArn": machine})
    for forged in (quote(victim, safe=""), f"{quote(victim, safe='')}/{'0' * 32}"):
        answer = httpx.post(f"{server.endpoint}/_from/{forged}", headers=TARGET, content=body)
        assert answer.status_code == 404, answer.text
    listed = sfn.list_executions(stateMachineArn=machine)["executions"]
    assert [execution["executionArn"] for execution in listed] == [victim], "no execution was started"
