"""Functions served over HTTP: POST the event as JSON, the JSON answer is the result.

This covers any web framework or container a team already runs; no Lambda emulator needed.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import httpx

from app.integrations.results import TaskFailure

from .call import Call
from .errors import client_error, from_error_document, truncate
from .names import FunctionRef
from .outcome import FunctionOutcome, answered


class UrlFunctions:
    """Functions named in ``SFN_FUNCTION_URLS``; ``Name:qualifier`` entries win over plain ``Name``."""

    def __init__(self, urls: Mapping[str, str], client: httpx.Client) -> None:
        self._urls = dict(urls)
        self._client = client

    def url_for(self, function: FunctionRef) -> str | None:
        """The URL serving this function, if one is configured."""
        if function.qualifier and f"{function.name}:{function.qualifier}" in self._urls:
            return self._urls[f"{function.name}:{function.qualifier}"]
        return self._urls.get(function.name)

    def has(self, function: FunctionRef) -> bool:
        return self.url_for(function) is not None

    def invoke(self, call: Call) -> FunctionOutcome:
        """POST the event; a 2xx answer is the output, anything else the function's failure."""
        url = self.url_for(call.function)
        if url is None:
            raise LookupError(call.function.name)
        version = call.function.version
        headers = {
            "Content-Type": "application/json",
            # The Lambda Runtime API's names for the invocation's identity, for servers that want them.
            "Lambda-Runtime-Aws-Request-Id": call.request_id,
            "Lambda-Runtime-Invoked-Function-Arn": call.function.invoked_arn,
            "Lambda-Runtime-Deadline-Ms": str(int((time.time() + call.limit) * 1000)),
        }
        try:
            response = self._client.post(url, content=call.payload_json, headers=headers, timeout=call.limit)
        except httpx.TimeoutException:
            return FunctionOutcome(call.timed_out(), version)
        except httpx.HTTPError as exc:
            return FunctionOutcome(client_error(f"{type(exc).__name__}: {exc}"), version)
        if not response.is_success:
            return FunctionOutcome(_http_failure(url, response), version, function_error="Unhandled")
        return answered(response.text, version)


def _http_failure(url: str, response: httpx.Response) -> TaskFailure:
    """A Lambda-shaped error body keeps its ``errorType``; any other answer is ``Lambda.Unknown``."""
    failure = from_error_document(response.text)
    if failure.error != "Lambda.Unknown":
        return failure
    return TaskFailure("Lambda.Unknown", truncate(f"HTTP {response.status_code} from {url}: {response.text}"))
