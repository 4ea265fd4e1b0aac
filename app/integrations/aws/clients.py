"""botocore clients, one per service, region and time limit, shared by the task threads.

Clients are thread-safe once made, but making one is not, so they are made under a lock and
kept. Where a client sends its calls and with which credentials is botocore's own configuration
(``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_<SERVICE>``, ``AWS_PROFILE``, the credential chain).
Each attempt is bounded by the time limit given (the Task's ``TimeoutSeconds`` plus a margin, so
that the Task's own timer ends it first), and at most ``ATTEMPTS`` attempts are made.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import botocore.session
from botocore.config import Config

#: botocore's own default read timeout, for Tasks without TimeoutSeconds.
DEFAULT_TIMEOUT = 60.0
CONNECT_TIMEOUT = 10.0
#: Attempts of one call (the AWS SDKs' standard retry mode: throttling, 5xx and lost connections).
ATTEMPTS = 3


class Clients:
    """A cache of clients by (service, region, seconds)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session = botocore.session.get_session()
        self._clients: dict[tuple[str, str, int], Any] = {}

    def get(self, service: str, region: str, timeout: float | None) -> Any:
        seconds = math.ceil(timeout if timeout is not None else DEFAULT_TIMEOUT)
        key = (service, region, seconds)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                config = Config(
                    connect_timeout=min(CONNECT_TIMEOUT, seconds),
                    read_timeout=seconds,
                    retries={"mode": "standard", "total_max_attempts": ATTEMPTS},
                )
                client = self._session.create_client(service, region_name=region, config=config)
                self._clients[key] = client
            return client

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()
