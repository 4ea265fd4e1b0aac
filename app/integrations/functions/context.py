"""The ``context`` object handed to a Python handler, with the attributes of Lambda's Python runtime.

Handlers written for Lambda read these (the remaining time above all), so they must exist with the
same names and types: strings where the runtime has strings, ``None`` where it has nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class CognitoIdentity:
    """``context.identity``: always present in Lambda, empty unless called from a Cognito-authenticated app."""

    cognito_identity_id: str | None = None
    cognito_identity_pool_id: str | None = None


class LambdaContext:
    """Per-invocation metadata, like ``awslambdaric.lambda_context.LambdaContext``."""

    def __init__(
        self,
        *,
        aws_request_id: str,
        function_name: str,
        function_version: str,
        invoked_function_arn: str,
        deadline_ms: int,
        memory_limit_in_mb: str = "128",
    ) -> None:
        self.aws_request_id = aws_request_id
        self.function_name = function_name
        self.function_version = function_version
        self.invoked_function_arn = invoked_function_arn
        self.memory_limit_in_mb = memory_limit_in_mb
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = (
            f"{time.strftime('%Y/%m/%d', time.gmtime())}/[{function_version}]{aws_request_id.replace('-', '')}"
        )
        self.identity = CognitoIdentity()
        self.client_context: object | None = None
        self.tenant_id: str | None = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the call is cut off, never negative."""
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, message: str) -> None:
        """Write to the function's log (this server's output), as ``context.log`` does in Lambda."""
        print(message, end="", flush=True)

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},function_name={self.function_name},"
            f"function_version={self.function_version},invoked_function_arn={self.invoked_function_arn}])"
        )
