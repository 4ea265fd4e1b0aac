"""arn:aws:states:::http:invoke through the server, against a local HTTP endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient

from tests.conftest import TEST_CONNECTION_ARN, CreateMachine
from tests.support.echo_api import serving
from tests.support.waiting import history_types, wait_for_status


class _Echo(BaseHTTPRequestHandler):
    """Answers with what it received; ``/missing`` answers 404."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status = 404 if self.path.startswith("/missing") else 200
        answer = json.dumps(
            {"path": self.path, "apiKey": self.headers.get("X-Api-Key"), "body": json.loads(body or b"null")}
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_: Any) -> None:
        return


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with serving(_Echo) as url:
        yield url


def http_machine(url: str) -> dict[str, Any]:
    return {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::http:invoke",
                "Parameters": {
                    "ApiEndpoint": url,
                    "Method": "POST",
                    "Authentication": {"ConnectionArn": TEST_CONNECTION_ARN},
                    "QueryParameters": {"q": "1"},
                    "RequestBody": {"order.$": "$.order"},
                },
                "End": True,
            }
        },
    }


def test_http_task_sends_the_request_with_the_connection_credentials(
    sfn: SFNClient, endpoint: str, create_machine: CreateMachine
) -> None:
    arn = create_machine(http_machine(f"{endpoint}/orders"))
    execution = sfn.start_execution(stateMachineArn=arn, input='{"order": 7}')["executionArn"]
    output = json.loads(wait_for_status(sfn, execution, "SUCCEEDED")["output"])
    assert output["StatusCode"] == 200
    assert output["ResponseBody"] == {"path": "/orders?q=1", "apiKey": "secret-from-config", "body": {"order": 7}}
    assert history_types(sfn, execution)[2:5] == ["TaskScheduled", "TaskStarted", "TaskSucceeded"]


def test_http_task_fails_with_the_status_code_error(
    sfn: SFNClient, endpoint: str, create_machine: CreateMachine
) -> None:
    arn = create_machine(http_machine(f"{endpoint}/missing"))
    execution = sfn.start_execution(stateMachineArn=arn, input='{"order": 1}')["executionArn"]
    assert wait_for_status(sfn, execution, "FAILED")["error"] == "States.Http.StatusCode.404"
