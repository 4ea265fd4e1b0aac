"""Functions deployed through ``/v1/functions``: checked before they are kept, run before ``SFN_FUNCTIONS_DIR``,
each with its own variables, and a new version of the code runs on the next call."""

from __future__ import annotations

import base64
import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.conftest import CreateMachine
from tests.support.waiting import wait_for_end

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def archive(files: dict[str, str]) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name, text in files.items():
            zipped.writestr(name, text)
    return base64.b64encode(buffer.getvalue()).decode()


def put(server: ServerProcess, name: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.put(f"{server.endpoint}/v1/functions/{name}", content=json.dumps(body), timeout=30)


def delete(server: ServerProcess, name: str) -> None:
    httpx.delete(f"{server.endpoint}/v1/functions/{name}", timeout=30)


def function_body(code: str, handler: str = "main.run", **members: Any) -> dict[str, Any]:
    return {"Handler": handler, "Runtime": "python3.11", "ZipFile": archive({"main.py": code}), **members}


def call(sfn: SFNClient, create_machine: CreateMachine, function: str, payload: Any) -> Any:
    machine = create_machine(
        {
            "StartAt": "Call",
            "States": {
                "Call": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": function, "Payload": payload},
                    "OutputPath": "$.Payload",
                    "End": True,
                }
            },
        }
    )
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    ended = wait_for_end(sfn, arn)
    assert ended["status"] == "SUCCEEDED", ended
    return json.loads(ended["output"])


@pytest.fixture
def name(server: ServerProcess) -> Iterator[str]:
    name = f"fn-{uuid.uuid4().hex[:8]}"
    yield name
    delete(server, name)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (function_body("x = 1", handler="main"), "Invalid Handler 'main'"),
        (function_body("x = 1", Runtime="nodejs20.x"), "only Python (python3.x) functions"),
        (function_body("x = 1", handler="other.run"), "The archive has no other.py"),
        ({**function_body("x = 1"), "ZipFile": "not base64!"}, "ZipFile is not base64"),
        ({**function_body("x = 1"), "ZipFile": base64.b64encode(b"plain").decode()}, "not a zip archive"),
        ({**function_body("x = 1"), "ZipFile": archive({"main.py": "", "../escape.py": ""})}, "points outside it"),
        (function_body("x = 1", Timeout=901), "Timeout"),
        (function_body("x = 1", Surprise=True), "Surprise"),
    ],
)
def test_a_function_that_cannot_run_is_refused(
    server: ServerProcess, name: str, body: dict[str, Any], message: str
) -> None:
    answer = put(server, name, body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["__type"] == "ValidationException"
    assert message in answer.json()["message"]


def test_a_deployed_function_runs_before_the_functions_directory_and_its_new_code_at_once(
    server: ServerProcess, sfn: SFNClient, create_machine: CreateMachine
) -> None:
    """``echo`` is also a file of the server's SFN_FUNCTIONS_DIR: the deployed one wins until it is deleted."""
    version = "def run(event, context):\n    return {'deployed': %d, 'event': event}\n"
    try:
        answer = put(server, "echo", function_body(version % 1))
        assert answer.status_code == 200, answer.text
        assert answer.json()["FunctionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:echo"
        assert call(sfn, create_machine, "echo", {"n": 1}) == {"deployed": 1, "event": {"n": 1}}
        assert put(server, "echo", function_body(version % 2)).status_code == 200
        assert call(sfn, create_machine, "echo", {"n": 2}) == {"deployed": 2, "event": {"n": 2}}
    finally:
        delete(server, "echo")
    assert call(sfn, create_machine, "echo", {"n": 3})["echo"] == {"n": 3}  # the directory's echo again


def test_each_function_sees_its_own_variables_only(
    server: ServerProcess, sfn: SFNClient, create_machine: CreateMachine, name: str
) -> None:
    code = "import os\n\ndef run(event, context):\n    return os.environ.get('SECRET_OF_A', 'unset')\n"
    other = f"{name}-b"
    try:
        assert put(server, name, function_body(code, Environment={"SECRET_OF_A": "a"})).status_code == 200
        assert put(server, other, function_body(code)).status_code == 200
        for _ in range(3):  # whichever worker runs them
            assert call(sfn, create_machine, name, {}) == "a"
            assert call(sfn, create_machine, other, {}) == "unset"
    finally:
        delete(server, other)


def test_a_function_past_its_timeout_fails_as_lambda_reports_it(
    server: ServerProcess, sfn: SFNClient, create_machine: CreateMachine, name: str
) -> None:
    code = "import time\n\ndef run(event, context):\n    time.sleep(30)\n"
    assert put(server, name, function_body(code, Timeout=1)).status_code == 200
    machine = create_machine(
        {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": f"{FUNCTION_ARN}{name}", "End": True}}}
    )
    ended = wait_for_end(sfn, sfn.start_execution(stateMachineArn=machine)["executionArn"])
    assert ended["status"] == "FAILED"
    assert ended["error"] == "Sandbox.Timedout"
    shown = httpx.get(f"{server.endpoint}/v1/functions/{name}").json()
    assert shown["Timeout"] == 1 and shown["Handler"] == "main.run"
    assert httpx.get(f"{server.endpoint}/v1/functions/{name}-none").status_code == 404
