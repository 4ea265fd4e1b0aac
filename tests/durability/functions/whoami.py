"""Names the server process that ran it (``SFN_TEST_SERVER_ID`` of the server's environment)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for the checker only: a function file imports nothing of the server when it runs
    from app.integrations.functions.context import LambdaContext


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return {"n": event.get("n"), "server": os.environ.get("SFN_TEST_SERVER_ID")}
