"""Lambda-style functions run without an AWS account, for ``arn:aws:lambda:…:function:…`` and ``lambda:invoke``.

Where a function comes from, first match wins:

0. A function deployed to the server (``sfn deploy`` of a template's ``AWS::Serverless::Function``): its code
   kept by the server, run like 1. with the template's handler, variables and timeout (``deployed``).
1. ``SFN_FUNCTIONS_DIR/<name>.py`` with ``handler(event, context)`` or ``lambda_handler``: run in a pool of
   worker processes, reloaded when the file changes (``local``, ``pool``, ``worker``, ``loader``).
2. ``SFN_FUNCTION_URLS`` ``{"<name>": "<url>"}``: the event is POSTed as JSON (``url``).
3. ``LAMBDA_ENDPOINT``: the AWS Lambda Invoke API, SigV4-signed (``lambda_api``).

Otherwise the call fails with ``Lambda.ResourceNotFoundException``. Failures are worded as AWS words them
(``errors``), so Retry/Catch rules written for AWS match here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .deployed import DeployedFunction, DeployedLookup
    from .invoker import DEFAULT_FUNCTION_TIMEOUT, FunctionInvoker
    from .names import FunctionRef, InvalidFunctionNameError, parse_function_ref
    from .outcome import FunctionOutcome
    from .settings import FunctionSettings

# Every worker process imports this package to reach ``worker``; resolving the public names lazily keeps
# httpx and botocore (the invoker's imports) out of the workers, so a fresh worker starts in milliseconds.
_EXPORTS = {
    "DEFAULT_FUNCTION_TIMEOUT": "invoker",
    "DeployedFunction": "deployed",
    "DeployedLookup": "deployed",
    "FunctionInvoker": "invoker",
    "FunctionOutcome": "outcome",
    "FunctionRef": "names",
    "FunctionSettings": "settings",
    "InvalidFunctionNameError": "names",
    "parse_function_ref": "names",
}
__all__ = [
    "DEFAULT_FUNCTION_TIMEOUT",
    "DeployedFunction",
    "DeployedLookup",
    "FunctionInvoker",
    "FunctionOutcome",
    "FunctionRef",
    "FunctionSettings",
    "InvalidFunctionNameError",
    "parse_function_ref",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
