"""The output of ``lambda:invoke``: Lambda's Invoke response as the AWS SDK inside Step Functions shapes it.

The headers are the ones Lambda answers with (as recorded from AWS), so a state machine that reads
``SdkHttpMetadata`` finds the same members here.
"""

from __future__ import annotations

import secrets
import time
import uuid
from email.utils import formatdate
from typing import Any

from .outcome import FunctionOutcome


def lambda_response(payload: Any, outcome: FunctionOutcome) -> dict[str, Any]:
    """The task's result for a call that answered ``payload``."""
    request_id = str(uuid.uuid4())
    headers = {
        "Connection": "keep-alive",
        "Content-Length": str(outcome.body_bytes),
        "Content-Type": "application/json",
        "Date": formatdate(usegmt=True),
        "X-Amz-Executed-Version": outcome.executed_version,
        "x-amzn-Remapped-Content-Length": "0",
        "x-amzn-RequestId": request_id,
        "X-Amzn-Trace-Id": trace_id(),
    }
    return {
        "ExecutedVersion": outcome.executed_version,
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {key: [value] for key, value in headers.items()},
            "HttpHeaders": headers,
            "HttpStatusCode": outcome.status_code,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": outcome.status_code,
    }


def trace_id() -> str:
    """An X-Ray trace header of a new, unsampled trace: the epoch seconds in hex, then 96 random bits."""
    return f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)};Sampled=0"
