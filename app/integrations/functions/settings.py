"""Where functions come from (the server's settings fill this in from ``SFN_FUNCTIONS_DIR``,
``SFN_FUNCTION_URLS`` and ``LAMBDA_ENDPOINT``), and the identity they run under."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class FunctionSettings:
    """The three function sources, tried in this order, and the identity functions run under."""

    functions_dir: Path | None = None
    #: The access key (id, secret) functions sign their calls back to this server with, when it
    #: requires signatures and has no AWS credentials of its own for them.
    callback_credentials: tuple[str, str] | None = None
    function_urls: Mapping[str, str] = field(default_factory=dict)
    lambda_endpoint: str | None = None
    region: str = "us-east-1"
    account_id: str = "123456789012"
    self_endpoint: str | None = None
    #: The key that proves a function's calls back come from an execution of this server's (see
    #: ``arns.caller_endpoint``); read when the first call needs it.
    caller_key: Callable[[], bytes] = bytes
