"""The ``arn:aws:states:::apigateway:invoke`` task: a call of an API Gateway endpoint, made as AWS makes it.

Reference: AWS Step Functions developer guide, "Create API Gateway REST APIs with Step Functions"
(connect-api-gateway).

Request
    ``ApiEndpoint`` is the API's host name (``<api-id>.execute-api.<region>.amazonaws.com``, called over HTTPS); a
    URL with its scheme (``http://127.0.0.1:8000``) reaches an API served elsewhere, such as a local stand-in.
    ``Method`` is GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS; ``Stage`` and ``Path`` follow the endpoint;
    ``QueryParameters`` and ``Headers`` map each name to a list of values; ``RequestBody`` (PATCH, POST and PUT
    only) is sent as JSON, without its null members unless ``AllowNullValues`` is true. ``AuthType`` ``NO_AUTH``
    (the default) sends no credentials; ``IAM_ROLE`` and ``RESOURCE_POLICY`` sign the request with Signature
    Version 4 for ``execute-api``, with the server's AWS credentials.

Result
    ``{"Headers": {name: [values]}, "ResponseBody": <JSON when the response is JSON, else text>, "StatusCode": int,
    "StatusText": str}``.

Errors
    ``ApiGateway.<status code>`` for an answer that is not 2xx, its body as the cause; ``ApiGateway.<exception>``
    when no answer came (``ApiGateway.ConnectError``); ``States.Runtime`` for a malformed task or a destination the
    server does not allow.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import botocore.session
import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

from app.codec import dumps
from app.integrations.destinations import DestinationRefusedError
from app.integrations.http_exchange import (
    ResponseTooLargeError,
    content_type,
    exchange,
    task_output,
)
from app.integrations.results import TaskFailure, TaskResult, TaskSuccess

RUNTIME = "States.Runtime"
METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})
BODY_METHODS = frozenset({"PATCH", "POST", "PUT"})
AUTH_TYPES = frozenset({"NO_AUTH", "IAM_ROLE", "RESOURCE_POLICY"})
SIGNED_AUTH_TYPES = frozenset({"IAM_ROLE", "RESOURCE_POLICY"})
FORBIDDEN_HEADERS = frozenset(
    {
        "authorization", "connection", "content-md5", "expect", "host", "max-forwards", "proxy-authenticate",
        "server", "te", "trailer", "transfer-encoding", "upgrade", "via", "www-authenticate",
    }
)  # fmt: skip
FORBIDDEN_PREFIXES = ("x-forwarded", "x-amz", "x-amzn")
_EXECUTE_API_HOST = re.compile(r"^[0-9a-z]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$")


class _TaskError(Exception):
    def __init__(self, error: str, cause: str) -> None:
        super().__init__(cause)
        self.error = error
        self.cause = cause


def invoke_api_gateway(arguments: Any, client: httpx.Client, *, region: str) -> TaskResult:
    """Call the endpoint the rendered ``Parameters``/``Arguments`` describe; never raises for the task's failures."""
    try:
        method, url, headers, body = _request(arguments, region)
    except _TaskError as exc:
        return TaskFailure(exc.error, exc.cause)
    try:
        response, content = exchange(client, method, url, headers, body)
    except (DestinationRefusedError, ResponseTooLargeError) as exc:
        return TaskFailure(RUNTIME, str(exc))
    except httpx.RequestError as exc:
        return TaskFailure(f"ApiGateway.{type(exc).__name__}", f"{exc} ({method} {url})")
    media_type, charset = content_type(response.headers.get("content-type", ""))
    text = content.decode(charset or "utf-8", errors="replace")
    if not response.is_success:
        return TaskFailure(f"ApiGateway.{response.status_code}", text)
    return TaskSuccess(task_output(response, text, media_type))


def _request(arguments: Any, region: str) -> tuple[str, str, dict[str, str], bytes | None]:
    """The method, URL, headers (signed when the task asks) and body of the call."""
    if not isinstance(arguments, Mapping):
        raise _TaskError(RUNTIME, "apigateway:invoke needs an object of arguments.")
    method = _method(arguments.get("Method"))
    url = _url(arguments)
    headers = _headers(arguments.get("Headers"))
    body = _body(arguments, method)
    if body is not None:
        headers["Content-Type"] = "application/json"
    if arguments.get("AuthType", "NO_AUTH") in SIGNED_AUTH_TYPES:
        headers = _signed(method, url, headers, body, _region_of(url, region))
    return method, url, headers, body


def _method(value: Any) -> str:
    if not isinstance(value, str) or value.upper() not in METHODS:
        raise _TaskError(RUNTIME, f"Method must be one of {', '.join(sorted(METHODS))}, not {value!r}.")
    return value.upper()


def _url(arguments: Mapping[str, Any]) -> str:
    endpoint = arguments.get("ApiEndpoint")
    if not isinstance(endpoint, str) or not endpoint:
        raise _TaskError(RUNTIME, "ApiEndpoint must be the API's host name.")
    base = endpoint if "://" in endpoint else f"https://{endpoint}"
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _TaskError(RUNTIME, f"ApiEndpoint must be a host name or an http(s) URL, not {endpoint!r}.")
    auth_type = arguments.get("AuthType", "NO_AUTH")
    if auth_type not in AUTH_TYPES:
        raise _TaskError(RUNTIME, f"AuthType must be one of {', '.join(sorted(AUTH_TYPES))}, not {auth_type!r}.")
    segments = [str(arguments[key]).strip("/") for key in ("Stage", "Path") if arguments.get(key)]
    path = "/".join([base.rstrip("/"), *(quote(segment, safe="/-_.~") for segment in segments)])
    query = _multi_values(arguments.get("QueryParameters"), "QueryParameters")
    pairs = [(name, value) for name, values in query.items() for value in values]
    return f"{path}?{urlencode(pairs)}" if pairs else path


def _headers(value: Any) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, values in _multi_values(value, "Headers").items():
        lowered = name.lower()
        if lowered in FORBIDDEN_HEADERS or lowered.startswith(FORBIDDEN_PREFIXES):
            raise _TaskError(RUNTIME, f"The 'Headers' field contains unsupported values: {name}")
        headers[name] = ",".join(values)
    headers.setdefault("Accept", "application/json")
    return headers


def _multi_values(value: Any, field: str) -> dict[str, list[str]]:
    """``{name: [values]}``, as AWS takes query parameters and headers (a single string is one value)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _TaskError(RUNTIME, f"{field} must be an object of names to lists of strings.")
    grouped: dict[str, list[str]] = {}
    for name, values in value.items():
        items = values if isinstance(values, list) else [values]
        grouped[str(name)] = [item if isinstance(item, str) else dumps(item) for item in items]
    return grouped


def _body(arguments: Mapping[str, Any], method: str) -> bytes | None:
    if "RequestBody" not in arguments:
        return None
    if method not in BODY_METHODS:
        raise _TaskError(RUNTIME, f"RequestBody is only allowed with {', '.join(sorted(BODY_METHODS))}, not {method}.")
    body = arguments["RequestBody"]
    if arguments.get("AllowNullValues") is not True:
        body = _without_nulls(body)
    return dumps(body).encode()


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value if item is not None]
    return value


def _region_of(url: str, default: str) -> str:
    """The region an ``execute-api`` host names, else the server's region."""
    match = _EXECUTE_API_HOST.match(urlsplit(url).hostname or "")
    return match.group(1) if match else default


def _signed(method: str, url: str, headers: dict[str, str], body: bytes | None, region: str) -> dict[str, str]:
    """The headers with a Signature Version 4 for ``execute-api``, from the server's AWS credentials."""
    credentials = botocore.session.get_session().get_credentials()
    if credentials is None:
        cause = "AuthType IAM_ROLE signs the request, and the server has no AWS credentials."
        raise _TaskError("ApiGateway.NoCredentialsError", cause)
    request = AWSRequest(method=method, url=url, data=body or b"", headers=headers)
    SigV4Auth(credentials, "execute-api", region).add_auth(request)
    return dict(request.headers.items())
