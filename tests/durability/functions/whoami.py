"""Names the server process that ran it (``SFN_TEST_SERVER_ID`` of the server's environment)."""

import os
from typing import Any


def handler(event: Any, context: Any) -> Any:
    return {"n": event.get("n"), "server": os.environ.get("SFN_TEST_SERVER_ID")}
