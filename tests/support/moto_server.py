"""moto's AWS API server in a process of its own: the real service the AWS integrations' tests call."""

from __future__ import annotations

import sys
from pathlib import Path

from app.server_process import HOST, ServerProcess

#: The credentials the tests and the servers under test sign moto's calls with (moto takes any).
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
#: Where AWS calls that are not mocked go when a test wants no service: a port where nothing listens.
NO_AWS = {**CREDENTIALS, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}


class MotoServer(ServerProcess):
    """``python -m moto.server`` on a free loopback port; ``endpoint`` is its URL."""

    ready_path = "/moto-api/"

    def __init__(self, log_path: Path) -> None:
        super().__init__(log_path, CREDENTIALS)

    def command(self) -> list[str]:
        return [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(self.port)]
