"""Functions behind the AWS Lambda Invoke API: AWS itself, LocalStack, or ``sam local start-lambda``.

Requests are SigV4-signed with botocore's signer. At ``LAMBDA_ENDPOINT`` the emulators accept any
credentials, so dummy ones are used unless the server's environment has real keys; without it, calls go
where the AWS SDK would send them (:func:`sdk_lambda_api`), signed with the SDK's credential chain.
"""

from __future__ import annotations

import os
from urllib.parse import quote

import botocore.session
import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from app.integrations.results import TaskResult, TaskSuccess

from .call import Call
from .environment import DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY
from .errors import client_error, from_error_document, service_error
from .outcome import FunctionOutcome, answered


class LambdaApi:
    """A client for ``POST /2015-03-31/functions/<name>/invocations`` at one endpoint."""

    def __init__(
        self, endpoint: str, region: str, client: httpx.Client, credentials: Credentials | None = None
    ) -> None:
        self._endpoint = endpoint.rstrip("/")
        self._region = region
        self._client = client
        self._credentials = credentials

    def invoke(self, call: Call, invocation_type: str = "RequestResponse") -> FunctionOutcome:
        """Invoke and translate the answer: function errors, API errors and transport errors alike."""
        url = f"{self._endpoint}/2015-03-31/functions/{quote(call.function.name, safe='')}/invocations"
        if call.function.qualifier:
            url += f"?Qualifier={quote(call.function.qualifier, safe='')}"
        headers = self._signed_headers(url, call.payload_json, invocation_type)
        try:
            response = self._client.post(url, content=call.payload_json.encode(), headers=headers, timeout=call.limit)
        except httpx.TimeoutException:
            return FunctionOutcome(call.timed_out(), call.function.version)
        except httpx.HTTPError as exc:
            return FunctionOutcome(client_error(f"{type(exc).__name__}: {exc}"), call.function.version)
        version = response.headers.get("X-Amz-Executed-Version") or call.function.version
        if not response.is_success:
            return FunctionOutcome(_api_error(response, call.request_id), version, response.status_code)
        function_error = response.headers.get("X-Amz-Function-Error")
        if function_error:
            return FunctionOutcome(from_error_document(response.text), version, response.status_code, function_error)
        if invocation_type != "RequestResponse":
            return FunctionOutcome(TaskSuccess(""), version, response.status_code)
        return answered(response.text, version, response.status_code)

    def _signed_headers(self, url: str, body: str, invocation_type: str) -> dict[str, str]:
        request = AWSRequest(
            method="POST",
            url=url,
            data=body.encode(),
            headers={"Content-Type": "application/json", "X-Amz-Invocation-Type": invocation_type},
        )
        SigV4Auth(self._credentials or _credentials(), "lambda", self._region).add_auth(request)
        return {name: str(value) for name, value in request.headers.items()}


def sdk_lambda_api(region: str, client: httpx.Client) -> LambdaApi | None:
    """The Lambda API the AWS SDK would call from this server (``AWS_ENDPOINT_URL_LAMBDA``,
    ``AWS_ENDPOINT_URL``, else AWS itself), with the SDK's credentials (a profile, keys, an instance role).

    None when the server has no AWS credentials: a function found nowhere is then ``ResourceNotFound``
    without a call, as on a machine that never meant to reach AWS.
    """
    session = botocore.session.get_session()
    credentials = session.get_credentials()
    if credentials is None:
        return None
    endpoint = session.create_client("lambda", region_name=region).meta.endpoint_url
    return LambdaApi(str(endpoint), region, client, credentials)


def _credentials() -> Credentials:
    """The server's own keys when it has them in its environment (real AWS), dummy ones otherwise."""
    key = os.environ.get("AWS_ACCESS_KEY_ID")
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
    if key and secret:
        return Credentials(key, secret, os.environ.get("AWS_SESSION_TOKEN"))
    return Credentials(DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY)


def _api_error(response: httpx.Response, fallback_request_id: str) -> TaskResult:
    """An error answer of the API itself (404 not found, 429 throttled, 5xx): ``Lambda.<ErrorCode>``."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    code = (response.headers.get("X-Amzn-ErrorType") or str(body.get("__type") or "")).split(":")[0]
    code = code.rsplit("#", 1)[-1]
    if not code:
        code = "ServiceException" if response.status_code >= 500 else "AWSLambdaException"
    message = str(body.get("Message") or body.get("message") or body.get("errorMessage") or response.reason_phrase)
    request_id = response.headers.get("X-Amzn-RequestId") or fallback_request_id
    return service_error(code, message, response.status_code, request_id)
