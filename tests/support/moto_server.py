"""moto's AWS API server in a process of its own: the real service the AWS integrations' tests call."""

from __future__ import annotations

from app.server_process import MOTO_CREDENTIALS, MotoServer

#: The credentials the tests and the servers under test sign moto's calls with (moto takes any).
CREDENTIALS = MOTO_CREDENTIALS
#: Where AWS calls that are not mocked go when a test wants no service: a port where nothing listens.
NO_AWS = {**CREDENTIALS, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}

__all__ = ["CREDENTIALS", "NO_AWS", "MotoServer"]
