"""Hostile requests get AWS-shaped client errors, never a plain-text 500, and store nothing broken."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.conftest import CreateMachine
from tests.support.waiting import wait_for_end

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


def call(server: ServerProcess, operation: str, body: bytes) -> httpx.Response:
    return httpx.post(
        server.endpoint,
        headers={"X-Amz-Target": f"AWSStepFunctions.{operation}", "Content-Type": "application/x-amz-json-1.0"},
        content=body,
        timeout=30,
    )


def client_error(response: httpx.Response) -> str:
    assert response.status_code == 400, (response.status_code, response.text[:300])
    answer: dict[str, Any] = response.json()
    assert answer["message"]
    return str(answer["__type"])


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        "%%%",
        base64.urlsafe_b64encode(b'{"k":"state-machines","p":[1]}').decode(),
        base64.urlsafe_b64encode(b'{"k":"state-machines","p":{"a":1}}').decode(),
    ],
)
def test_a_forged_next_token_is_invalid_token(server: ServerProcess, token: str) -> None:
    response = call(server, "ListStateMachines", json.dumps({"nextToken": token}).encode())
    assert client_error(response) == "InvalidToken"


def test_deeply_nested_input_is_refused(server: ServerProcess, create_machine: CreateMachine) -> None:
    machine = create_machine(PASS)
    deep = "[" * 5000 + "]" * 5000
    response = call(server, "StartExecution", json.dumps({"stateMachineArn": machine, "input": deep}).encode())
    assert client_error(response) == "InvalidExecutionInput"
    body = b'{"stateMachineArn": "' + machine.encode() + b'", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    assert client_error(call(server, "StartExecution", body)) == "SerializationException"


def test_a_lone_surrogate_in_a_request(server: ServerProcess, create_machine: CreateMachine) -> None:
    machine = create_machine(PASS)
    body = b'{"stateMachineArn": "' + machine.encode() + b'", "input": "{\\"a\\": \\"\\\\ud800\\"}"}'
    response = call(server, "StartExecution", body)
    assert response.status_code == 200, response.text
    raw = b'{"stateMachineArn": "' + machine.encode() + b'", "name": "\\ud800"}'
    assert client_error(call(server, "StartExecution", raw)) == "ValidationException"


@pytest.mark.parametrize(
    ("operation", "members"),
    [
        ("TagResource", {"tags": [{"key": "k", "value": "a\u0000b"}]}),
        ("StartExecution", {"traceHeader": "a\u0000b"}),
        ("StopExecution", {"cause": "a\u0000b"}),
    ],
)
def test_nul_characters_get_a_client_error_or_are_kept(
    server: ServerProcess, sfn: SFNClient, create_machine: CreateMachine, operation: str, members: dict[str, Any]
) -> None:
    machine = create_machine({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": True}}})
    execution = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    target = {"TagResource": {"resourceArn": machine}, "StartExecution": {"stateMachineArn": machine}}
    body = {**target.get(operation, {"executionArn": execution}), **members}
    response = call(server, operation, json.dumps(body).encode())
    if response.status_code != 200:
        assert client_error(response) == "ValidationException"


def test_a_nul_in_a_fail_cause_ends_the_execution(sfn: SFNClient, create_machine: CreateMachine) -> None:
    machine = create_machine({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "a\u0000b"}}})
    execution = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    ended = wait_for_end(sfn, execution, timeout=15)
    assert ended["status"] == "FAILED" and ended["error"] == "E"
