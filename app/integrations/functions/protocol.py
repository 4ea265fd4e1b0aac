"""The messages between the server and a worker process: plain picklable records, nothing else crosses."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Invocation:
    """One call of a Python handler, sent to a worker. The event travels as JSON text."""

    request_id: str
    path: str
    function_name: str
    function_version: str
    invoked_function_arn: str
    event_json: str
    deadline_ms: int
    environment: tuple[tuple[str, str], ...] = ()
    #: The handler's attribute (a deployed function's ``Handler``); else ``handler`` or ``lambda_handler``.
    handler: str | None = None
    #: The function's own variables (a template's ``Environment.Variables``): set for this call only.
    function_environment: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Reply:
    """What the worker sends back: the response body (JSON text, unless the handler returned other bytes),
    or Lambda's error document as a dict."""

    request_id: str
    body: str | None = None
    error: dict[str, object] | None = None
