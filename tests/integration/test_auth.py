"""SigV4 authentication: boto3 with the configured keys works unchanged; every other caller is refused."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from mypy_boto3_stepfunctions import SFNClient

from app.api.auth import read_credentials
from app.server_process import ServerProcess
from tests.conftest import FUNCTIONS_DIR
from tests.support.databases import sqlite_url
from tests.support.server import new_server
from tests.support.waiting import wait_for_status

KEY, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
OTHER_KEY, OTHER_SECRET = "AKIDOTHER", "other-secret"
PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    directory = tmp_path_factory.mktemp("auth")
    credentials = {KEY: SECRET, OTHER_KEY: {"secret": OTHER_SECRET, "account": "210987654321"}}
    env = {"SFN_AUTH": "sigv4", "SFN_CREDENTIALS": json.dumps(credentials), "SFN_FUNCTIONS_DIR": str(FUNCTIONS_DIR)}
    server = new_server(sqlite_url(directory), directory / "server.log", env).start()
    yield server
    server.stop()


def client(server: ServerProcess, key: str, secret: str) -> SFNClient:
    return boto3.client(
        "stepfunctions",
        endpoint_url=server.endpoint,
        region_name="eu-west-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 0}),
    )


def code_of(call: Any) -> tuple[str, str]:
    with pytest.raises(Exception) as caught:
        call()
    error = caught.value.response["Error"]  # type: ignore[attr-defined]
    return str(error["Code"]), str(error["Message"])


def test_the_configured_keys_work_unchanged(guarded: ServerProcess) -> None:
    for key, secret in ((KEY, SECRET), (OTHER_KEY, OTHER_SECRET)):
        sfn = client(guarded, key, secret)
        arn = sfn.create_state_machine(
            name=f"m-{key}", definition=json.dumps(PASS), roleArn="arn:aws:iam::123456789012:role/r"
        )["stateMachineArn"]
        execution = sfn.start_execution(stateMachineArn=arn, input='{"a": 1}')["executionArn"]
        assert sfn.describe_execution(executionArn=execution)["input"] == '{"a": 1}'


def test_a_wrong_secret_is_an_invalid_signature(guarded: ServerProcess) -> None:
    code, message = code_of(lambda: client(guarded, KEY, "wrong").list_state_machines())
    assert code == "InvalidSignatureException" and "does not match" in message


def test_an_unknown_key_is_unrecognized(guarded: ServerProcess) -> None:
    code, message = code_of(lambda: client(guarded, "AKIDNOBODY", SECRET).list_activities())
    assert (code, message) == ("UnrecognizedClientException", "The security token included in the request is invalid.")


def test_no_signature_is_a_missing_token(guarded: ServerProcess) -> None:
    response = httpx.post(
        guarded.endpoint,
        headers={"X-Amz-Target": "AWSStepFunctions.ListStateMachines", "Content-Type": "application/x-amz-json-1.0"},
        content=b"{}",
    )
    assert response.status_code == 400
    assert response.json()["__type"] == "MissingAuthenticationTokenException"


def signed_request(server: ServerProcess, body: bytes, when: dt.datetime) -> httpx.Response:
    """A ListStateMachines request signed with the right key at ``when``."""
    request = AWSRequest(
        method="POST",
        url=server.endpoint + "/",
        data=body,
        headers={"X-Amz-Target": "AWSStepFunctions.ListStateMachines", "Content-Type": "application/x-amz-json-1.0"},
    )
    signer = SigV4Auth(Credentials(KEY, SECRET), "states", "us-east-1")
    request.context["timestamp"] = when.strftime("%Y%m%dT%H%M%SZ")
    request.headers["X-Amz-Date"] = request.context["timestamp"]
    canonical = signer.canonical_request(request)
    signature = signer.signature(signer.string_to_sign(request, canonical), request)
    scope = f"{KEY}/{when:%Y%m%d}/us-east-1/states/aws4_request"
    headers = dict(request.headers.items())
    headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders={signer.signed_headers(signer.headers_to_sign(request))}, "
        f"Signature={signature}"
    )
    return httpx.post(server.endpoint + "/", headers=headers, content=body)


def test_a_signature_outside_fifteen_minutes_has_expired(guarded: ServerProcess) -> None:
    now = dt.datetime.now(dt.UTC)
    assert signed_request(guarded, b"{}", now).status_code == 200
    stale = signed_request(guarded, b"{}", now - dt.timedelta(minutes=20))
    assert stale.json()["__type"] == "InvalidSignatureException"
    assert stale.json()["message"].startswith("Signature expired")


def test_a_changed_body_breaks_the_signature(guarded: ServerProcess) -> None:
    """The signature covers the body: a proxy cannot change the request on the way."""
    now = dt.datetime.now(dt.UTC)
    request = signed_request(guarded, b"{}", now).request
    headers = {name: value for name, value in request.headers.items() if name.lower() != "content-length"}
    tampered = httpx.post(guarded.endpoint + "/", headers=headers, content=b'{"maxResults": 1}')
    assert tampered.json()["__type"] == "InvalidSignatureException"


def test_the_rest_routes_take_a_bearer_key(guarded: ServerProcess) -> None:
    url = f"{guarded.endpoint}/v1/state-machines"
    refused = httpx.get(url)
    assert refused.status_code == 403 and refused.json()["__type"] == "MissingAuthenticationTokenException"
    assert httpx.get(url, headers={"Authorization": f"Bearer {KEY}:wrong"}).status_code == 403
    assert httpx.get(url, headers={"Authorization": f"Bearer {KEY}:{SECRET}"}).status_code == 200
    assert httpx.get(f"{guarded.endpoint}/healthz").status_code == 200


def test_credentials_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({KEY: {"secret": SECRET}}))
    assert read_credentials(str(path)) == {KEY: SECRET}
    with pytest.raises(ValueError, match="non-empty"):
        read_credentials("{}")


def test_functions_call_back_with_a_configured_key(guarded: ServerProcess) -> None:
    """A function's own boto3 client signs its SendTaskSuccess with the key the server hands it."""
    sfn = client(guarded, KEY, SECRET)
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "callback", "Payload": {"token.$": "$$.Task.Token", "value": 7}},
        "End": True,
    }
    arn = sfn.create_state_machine(
        name="callback", definition=json.dumps({"StartAt": "T", "States": {"T": task}}), roleArn="arn:aws:iam::1:role/r"
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    assert json.loads(wait_for_status(sfn, execution, "SUCCEEDED", timeout=30)["output"]) == {"answered": 7}
