"""The API Gateway task's request building, signing and failures, against a local API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.integrations.api_gateway import invoke_api_gateway
from app.integrations.results import TaskFailure, TaskSuccess
from tests.support.echo_api import echo_api


@pytest.fixture(scope="module")
def api() -> Iterator[str]:
    with echo_api() as url:
        yield url


def invoke(arguments: Any, region: str = "eu-west-1") -> Any:
    with httpx.Client() as client:
        return invoke_api_gateway(arguments, client, region=region)


def test_iam_role_signs_the_request_for_execute_api(api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    result = invoke({"ApiEndpoint": api, "Method": "GET", "Path": "pets", "AuthType": "IAM_ROLE"})
    assert isinstance(result, TaskSuccess)
    authorization = result.output["ResponseBody"]["headers"]["authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/execute-api/aws4_request" in authorization


@pytest.mark.parametrize(
    "arguments",
    [
        {"Method": "GET"},
        {"ApiEndpoint": "abc.execute-api.us-east-1.amazonaws.com", "Method": "FETCH"},
        {"ApiEndpoint": "abc.execute-api.us-east-1.amazonaws.com", "Method": "GET", "RequestBody": {}},
        {"ApiEndpoint": "abc.execute-api.us-east-1.amazonaws.com", "Method": "GET", "Headers": {"Host": ["x"]}},
        {"ApiEndpoint": "abc.execute-api.us-east-1.amazonaws.com", "Method": "GET", "AuthType": "COGNITO"},
        ["not", "an", "object"],
    ],
    ids=["no-endpoint", "method", "body-with-get", "forbidden-header", "auth-type", "not-an-object"],
)
def test_a_malformed_task_is_a_runtime_error(arguments: Any) -> None:
    result = invoke(arguments)
    assert isinstance(result, TaskFailure) and result.error == "States.Runtime", result


def test_no_answer_is_named_after_the_exception() -> None:
    result = invoke({"ApiEndpoint": "http://127.0.0.1:9", "Method": "GET"})
    assert isinstance(result, TaskFailure) and result.error == "ApiGateway.ConnectError", result
