"""One bounded HTTP exchange and the reading of its answer, shared by the HTTP and API Gateway tasks."""

from __future__ import annotations

from collections.abc import Mapping
from email.message import Message
from http import HTTPStatus
from typing import Any

import httpx

from app.codec import loads

#: AWS's time limit for the HTTP and API Gateway tasks' requests.
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
#: A response is read no further than this (a task's result is at most 256 KiB anyway).
MAX_RESPONSE_BYTES = 4 * 1024 * 1024


class ResponseTooLargeError(Exception):
    """The answer is longer than :data:`MAX_RESPONSE_BYTES`; it was not read to its end."""


def exchange(
    client: httpx.Client, method: str, url: str, headers: Mapping[str, str], body: bytes | None
) -> tuple[httpx.Response, bytes]:
    """Send one request and read its answer, at most :data:`MAX_RESPONSE_BYTES` of it.

    Raises what the caller names as the task's failure: ``DestinationRefusedError`` for a destination the server
    does not allow, ``httpx.TransportError`` when no answer came, another ``httpx.RequestError`` for a request that
    could not be made, :class:`ResponseTooLargeError`.
    """
    encoded = [(name.encode("utf-8"), value.encode("utf-8")) for name, value in headers.items()]
    with client.stream(method, url, headers=encoded, content=body, timeout=TIMEOUT) as response:
        return response, _read_capped(response)


def _read_capped(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise ResponseTooLargeError(f"The HTTP response is larger than {MAX_RESPONSE_BYTES} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def content_type(header: str) -> tuple[str, str | None]:
    """The media type (lower case) and charset of a ``Content-Type`` header; text/plain when there is none."""
    message = Message()
    message["content-type"] = header or "text/plain"
    return message.get_content_type().lower(), message.get_content_charset()


def response_headers(headers: httpx.Headers) -> dict[str, list[str]]:
    """Each header name (lower case) with its values, as AWS shows a response's headers."""
    grouped: dict[str, list[str]] = {}
    for name, value in headers.multi_items():
        grouped.setdefault(name.lower(), []).append(value)
    return grouped


def response_body(text: str, media_type: str) -> Any:
    """The body as JSON when the response says it is JSON (and it parses), else as text."""
    if media_type == "application/json" or media_type.endswith("+json"):
        try:
            return loads(text)
        except ValueError:
            return text
    return text


def task_output(response: httpx.Response, text: str, media_type: str) -> dict[str, Any]:
    """The output AWS gives an HTTP or API Gateway task for an answer: its headers, body, status and text."""
    return {
        "Headers": response_headers(response.headers),
        "ResponseBody": response_body(text, media_type),
        "StatusCode": response.status_code,
        "StatusText": response.reason_phrase or status_phrase(response.status_code),
    }


def status_phrase(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return ""
