"""The ``arn:aws:states:::http:invoke`` task: one HTTP request, shaped and reported the way AWS does it.

Reference: AWS Step Functions developer guide, "Call HTTPS APIs in Step Functions workflows" (call-https-apis /
connect-third-party-apis), and its TestState example of an HTTP Task's output.

Request
    ``Method`` is one of GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD. ``QueryParameters`` (object, query string
    or array of those) is appended to ``ApiEndpoint``. A forbidden header in ``Headers`` fails: ``States.Runtime``.
    The connection named by ``Authentication``/``InvocationConfig`` ``.ConnectionArn`` supplies the credentials and
    its invocation headers, query and body parameters, whose values win over the definition's. A string
    ``RequestBody`` cannot be merged with connection body parameters (``States.Runtime``). The body is JSON
    (``Content-Type: application/json; charset=UTF-8`` unless set) or, with ``Transform.RequestBodyEncoding`` =
    ``URL_ENCODED``, a form in the ``ArrayFormat`` chosen (INDICES by default). Like AWS, every request carries
    ``User-Agent: Amazon|StepFunctions|HttpInvoke|<region>`` and ``Range: bytes=0-262144``; it times out after 60 s.

Result
    ``{"Headers": {name: [values]}, "ResponseBody": <JSON if the response says JSON, else text>, "StatusCode": int,
    "StatusText": str}``, header names lower-cased as in AWS's example.

Errors
    ``States.Http.StatusCode.<code>`` for a non-2xx answer, whose cause is the status text alone, e.g. "Bad Request"
    (AWS documents no cause; users report that it drops the body and keeps only the status text);
    ``States.Http.Socket`` when no answer arrives (refused, DNS, TLS, timeout);
    ``States.Runtime`` for a malformed task or an unsupported response (binary, image/*, video/*, audio/*,
    undecodable text); ``Events.ConnectionResource.*`` for connection problems (see ``connections``).

Form encoding follows the four ``ArrayFormat`` examples of the AWS page and the bytes of its Stripe example
(``metadata%5Border_details%5D=monthly%20report%20data``): nested objects become ``key[sub]`` and every key and value
is percent-encoded with RFC 3986 rules (space as ``%20``), like the ``qs`` library whose option names AWS uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import httpx

from app.codec import dumps
from app.integrations.connections import Connection, ConnectionResourceError, ConnectionStore, OAuthClientCredentials
from app.integrations.destinations import DestinationRefusedError
from app.integrations.http_exchange import (
    ResponseTooLargeError,
    content_type,
    exchange,
    status_phrase,
    task_output,
)
from app.integrations.results import TaskFailure, TaskResult, TaskSuccess

RESOURCE = "arn:aws:states:::http:invoke"
RUNTIME = "States.Runtime"
SOCKET = "States.Http.Socket"
STATUS_PREFIX = "States.Http.StatusCode."
RANGE = "bytes=0-262144"
METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"})
ARRAY_FORMATS = frozenset({"INDICES", "REPEAT", "COMMAS", "BRACKETS"})
FORBIDDEN_HEADERS = frozenset(
    {
        "a-im", "accept-charset", "accept-datetime", "accept-encoding", "authorization", "cache-control",
        "connection", "content-encoding", "content-md5", "date", "expect", "forwarded", "from", "host",
        "http2-settings", "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since",
        "max-forwards", "origin", "pragma", "proxy-authorization", "referer", "server", "te", "trailer",
        "transfer-encoding", "upgrade", "via", "warning",
    }
)  # fmt: skip
FORBIDDEN_PREFIXES = ("x-forwarded-", "x-amz-", "x-amzn-")
UNSUPPORTED_MEDIA_PREFIXES = ("image/", "video/", "audio/")
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class _TaskError(Exception):
    """Stops building a request; becomes the task's failure."""

    def __init__(self, error: str, cause: str) -> None:
        super().__init__(cause)
        self.error = error
        self.cause = cause


def invoke_http(
    arguments: Mapping[str, Any],
    connections: ConnectionStore,
    client: httpx.Client,
    *,
    region: str = "us-east-1",
) -> TaskResult:
    """Run one HTTP Task with its rendered ``Parameters``/``Arguments``; never raises for task-level problems."""
    try:
        connection = connections.get(_connection_arn(arguments))
        request = _build_request(arguments, connection, region)
        for name, value in connections.auth_headers(connection, client).items():
            _put(request.headers, name, value)
    except (_TaskError, ConnectionResourceError) as exc:
        return TaskFailure(exc.error, exc.cause)
    try:
        response, content = _send(client, request)
    except _TaskError as exc:
        return TaskFailure(exc.error, exc.cause)
    if response.status_code in (401, 407) and isinstance(connection.auth, OAuthClientCredentials):
        connections.invalidate_token(connection.arn)
    return _result(response, content)


def _send(client: httpx.Client, request: _Request) -> tuple[httpx.Response, bytes]:
    """No answer at all is ``States.Http.Socket``; a destination the server does not allow, a request that
    cannot be made or an answer too long to read is ``States.Runtime``."""
    try:
        return exchange(client, request.method, request.url, request.headers, request.body)
    except (DestinationRefusedError, ResponseTooLargeError) as exc:
        raise _TaskError(RUNTIME, str(exc)) from exc
    except httpx.TransportError as exc:
        raise _TaskError(SOCKET, f"{type(exc).__name__}: {exc} ({request.method} {request.url})") from exc
    except httpx.RequestError as exc:  # an invalid URL, too many redirects, an undecodable content encoding
        raise _TaskError(RUNTIME, f"{type(exc).__name__}: {exc} ({request.method} {request.url})") from exc


@dataclass
class _Request:
    """The request to send, after merging the definition with its connection."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None


def _build_request(arguments: Mapping[str, Any], connection: Connection, region: str) -> _Request:
    """Everything but the credentials, so a malformed task fails before any token is fetched."""
    method = _method(arguments.get("Method"))
    endpoint = _endpoint(arguments.get("ApiEndpoint"))
    form, array_format = _transform(arguments.get("Transform"))
    headers = _definition_headers(arguments.get("Headers"))
    for name, value in connection.invocation.headers.items():
        _put(headers, name, value)
    body = _body(arguments.get("RequestBody"), connection.invocation.body, form, array_format)
    if body is not None and _get(headers, "content-type") is None:
        _put(headers, "Content-Type", FORM_CONTENT_TYPE if form else JSON_CONTENT_TYPE)
    _put(headers, "User-Agent", f"Amazon|StepFunctions|HttpInvoke|{region}")
    _put(headers, "Range", RANGE)
    query = _merge_query(_query_pairs(arguments.get("QueryParameters")), connection.invocation.query)
    return _Request(method, _with_query(endpoint, query), headers, body)


def _connection_arn(arguments: Mapping[str, Any]) -> str:
    for field in ("InvocationConfig", "Authentication"):
        block = arguments.get(field)
        if isinstance(block, Mapping) and isinstance(block.get("ConnectionArn"), str):
            return str(block["ConnectionArn"])
    raise _TaskError(RUNTIME, "An HTTP Task needs Authentication.ConnectionArn or InvocationConfig.ConnectionArn.")


def _method(value: Any) -> str:
    if not isinstance(value, str) or value.upper() not in METHODS:
        raise _TaskError(RUNTIME, f"Method must be one of {', '.join(sorted(METHODS))}, not {value!r}.")
    return value.upper()


def _endpoint(value: Any) -> str:
    if not isinstance(value, str):
        raise _TaskError(RUNTIME, "ApiEndpoint must be a string URL.")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _TaskError(RUNTIME, f"ApiEndpoint must be an http(s) URL, not {value!r}.")
    return value


def _transform(value: Any) -> tuple[bool, str]:
    """(URL-encode the body?, array format) from ``Transform``."""
    if value is None:
        return False, "INDICES"
    if not isinstance(value, Mapping):
        raise _TaskError(RUNTIME, "Transform must be an object.")
    encoding = value.get("RequestBodyEncoding", "NONE")
    if encoding not in ("NONE", "URL_ENCODED"):
        raise _TaskError(RUNTIME, f"RequestBodyEncoding must be NONE or URL_ENCODED, not {encoding!r}.")
    options = value.get("RequestEncodingOptions") or {}
    array_format = options.get("ArrayFormat", "INDICES") if isinstance(options, Mapping) else None
    if array_format not in ARRAY_FORMATS:
        raise _TaskError(RUNTIME, f"ArrayFormat must be one of {', '.join(sorted(ARRAY_FORMATS))}.")
    return encoding == "URL_ENCODED", str(array_format)


def _definition_headers(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _TaskError(RUNTIME, "Headers must be an object.")
    headers: dict[str, str] = {}
    for name, header_value in value.items():
        lowered = str(name).lower()
        if lowered in FORBIDDEN_HEADERS or lowered.startswith(FORBIDDEN_PREFIXES):
            raise _TaskError(RUNTIME, f"The header {name} is not allowed in an HTTP Task.")
        _put(headers, str(name), _header_value(header_value))
    return headers


def _header_value(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(_scalar(item) for item in value)
    return _scalar(value)


def _get(headers: Mapping[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), None)


def _put(headers: dict[str, str], name: str, value: str) -> None:
    """Set a header, replacing any spelling of the same name (HTTP names are case-insensitive)."""
    for key in [key for key in headers if key.lower() == name.lower()]:
        del headers[key]
    headers[name] = value


def _body(definition: Any, connection: Mapping[str, Any], form: bool, array_format: str) -> bytes | None:
    merged = _merge_body(definition, connection)
    if merged is None:
        return None
    if isinstance(merged, str):
        return merged.encode("utf-8")
    if form:
        if not isinstance(merged, Mapping):
            raise _TaskError(RUNTIME, "A URL_ENCODED RequestBody must be a JSON object.")
        return encode_form(merged, array_format).encode("ascii")
    return dumps(merged).encode("utf-8")


def _merge_body(definition: Any, connection: Mapping[str, Any]) -> Any:
    if not connection:
        return definition
    if definition is None:
        return dict(connection)
    if not isinstance(definition, Mapping):
        raise _TaskError(RUNTIME, "The RequestBody can't be merged with the connection's body parameters.")
    return {**definition, **connection}


def _query_pairs(value: Any) -> list[tuple[str, str]]:
    """``QueryParameters`` as ordered pairs: an object (arrays repeat the key), a query string, or a list of them."""
    if value is None:
        return []
    if isinstance(value, str):
        return parse_qsl(value.lstrip("?"), keep_blank_values=True)
    if isinstance(value, Mapping):
        return flatten(value, "REPEAT")
    if isinstance(value, list):
        return [pair for item in value for pair in _query_pairs(item)]
    raise _TaskError(RUNTIME, "QueryParameters must be an object, a string or an array.")


def _merge_query(definition: list[tuple[str, str]], connection: Mapping[str, str]) -> list[tuple[str, str]]:
    kept = [(key, value) for key, value in definition if key not in connection]
    return kept + list(connection.items())


def _with_query(endpoint: str, pairs: Iterable[tuple[str, str]]) -> str:
    query = _encode_pairs(pairs)
    if not query:
        return endpoint
    base, _, fragment = endpoint.partition("#")
    separator = "&" if "?" in base and not base.endswith(("?", "&")) else ("" if "?" in base else "?")
    return f"{base}{separator}{query}" + (f"#{fragment}" if fragment else "")


def encode_form(body: Mapping[str, Any], array_format: str = "INDICES") -> str:
    """``application/x-www-form-urlencoded`` text of a JSON object, arrays written in ``array_format``."""
    return _encode_pairs(flatten(body, array_format))


def flatten(value: Mapping[str, Any], array_format: str) -> list[tuple[str, str]]:
    """Nested JSON to ``(key, value)`` pairs: objects as ``a[b]``, arrays per INDICES/REPEAT/COMMAS/BRACKETS."""
    pairs: list[tuple[str, str]] = []
    for key, item in value.items():
        _flatten_into(pairs, str(key), item, array_format)
    return pairs


def _flatten_into(pairs: list[tuple[str, str]], key: str, value: Any, array_format: str) -> None:
    if isinstance(value, Mapping):
        for sub_key, item in value.items():
            _flatten_into(pairs, f"{key}[{sub_key}]", item, array_format)
    elif isinstance(value, list):
        _flatten_list(pairs, key, value, array_format)
    else:
        pairs.append((key, _scalar(value)))


def _flatten_list(pairs: list[tuple[str, str]], key: str, items: list[Any], array_format: str) -> None:
    scalars = not any(isinstance(item, Mapping | list) for item in items)
    if array_format == "COMMAS" and scalars:
        if items:
            pairs.append((key, ",".join(_scalar(item) for item in items)))
        return
    for index, item in enumerate(items):
        item_key = {"REPEAT": key, "BRACKETS": f"{key}[]"}.get(array_format, f"{key}[{index}]")
        _flatten_into(pairs, item_key, item, array_format)


def _encode_pairs(pairs: Iterable[tuple[str, str]]) -> str:
    return "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs)


def _scalar(value: Any) -> str:
    """A JSON scalar as text the way JavaScript/JSON would print it (``true``, ``1`` for ``1.0``, ``""`` for null)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return dumps(value)


def _result(response: httpx.Response, content: bytes) -> TaskResult:
    """Map a response to AWS's output, or to its failure for a non-2xx or unsupported answer."""
    media_type, charset = content_type(response.headers.get("content-type", ""))
    if media_type == "application/octet-stream" or media_type.startswith(UNSUPPORTED_MEDIA_PREFIXES):
        return TaskFailure(RUNTIME, f"The HTTP Task does not support responses of content type {media_type}.")
    try:
        text = content.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        return TaskFailure(RUNTIME, "The HTTP response body can't be read as a valid string.")
    if not response.is_success:
        status_text = response.reason_phrase or status_phrase(response.status_code)
        return TaskFailure(f"{STATUS_PREFIX}{response.status_code}", status_text)
    return TaskSuccess(task_output(response, text, media_type))
