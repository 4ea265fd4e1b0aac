"""The REST routes of a running server (``/v1``), called as a script would, errors in the AWS shape.

With ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY`` in the environment, calls carry them as the bearer
key that a server with ``SFN_AUTH=sigv4`` accepts on ``/v1``.
"""

from __future__ import annotations

import os
from typing import Any

import httpx

from app.codec import dumps_bytes, loads

TIMEOUT = httpx.Timeout(60.0, connect=5.0)


class ApiError(Exception):
    """The server answered with an error: its AWS code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class UnreachableError(Exception):
    """No server answered at the endpoint."""


class RestClient:
    """``/v1`` of the server at ``endpoint``."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint.rstrip("/")
        headers = {"Content-Type": "application/json"}
        key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
        if key and secret:
            headers["Authorization"] = f"Bearer {key}:{secret}"
        self._http = httpx.Client(base_url=f"{self.endpoint}/v1", timeout=TIMEOUT, headers=headers)

    def call(self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None) -> Any:
        """The answer's JSON (None for an empty one); ``ApiError`` or ``UnreachableError`` otherwise."""
        content = None if body is None else dumps_bytes(body)
        try:
            response = self._http.request(method, path, content=content, params=params)
        except httpx.TransportError as exc:
            raise UnreachableError(f"{exc} (is the server running at {self.endpoint}?)") from exc
        data = loads(response.content) if response.content else None
        if response.status_code >= 400:
            if isinstance(data, dict) and "__type" in data:
                raise ApiError(str(data["__type"]), str(data.get("message", "")))
            raise ApiError(f"HTTP{response.status_code}", response.text[:500])
        return data

    def close(self) -> None:
        self._http.close()
