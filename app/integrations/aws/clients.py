"""botocore clients, one per service, region and time limit, shared by the task threads.

Clients are thread-safe once made, but making one is not, so they are made under a lock and
kept. Where a client sends its calls and with which credentials is botocore's own configuration
(``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_<SERVICE>``, ``AWS_PROFILE``, the credential chain).
Each attempt is bounded by the time limit given (the Task's ``TimeoutSeconds`` plus a margin, so
that the Task's own timer ends it first), and at most ``ATTEMPTS`` attempts are made.

A Task with ``Credentials`` calls as the role it names: the server's credentials assume it through STS
(``AssumeRole``), and the temporary credentials are kept until five minutes before they expire.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

#: botocore's own default read timeout, for Tasks without TimeoutSeconds.
DEFAULT_TIMEOUT = 60.0
CONNECT_TIMEOUT = 10.0
#: Attempts of one call (the AWS SDKs' standard retry mode: throttling, 5xx and lost connections).
ATTEMPTS = 3
#: The session name of an assumed role, in its ARN and in the account's CloudTrail.
ROLE_SESSION_NAME = "StepFunctions"
#: Temporary credentials are renewed this long before they expire.
RENEW_SECONDS = 300.0


class AssumeRoleError(Exception):
    """The role a Task's ``Credentials`` name could not be assumed."""


@dataclass(frozen=True)
class _Temporary:
    access_key: str
    secret_key: str
    token: str
    expires: float


class Clients:
    """A cache of clients by (service, region, seconds, role), and of the roles' temporary credentials."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session = botocore.session.get_session()
        self._clients: dict[tuple[str, str, int, str | None], tuple[Any, _Temporary | None]] = {}
        self._roles: dict[str, _Temporary] = {}

    def get(self, service: str, region: str, timeout: float | None, role_arn: str | None = None) -> Any:
        """A client of ``service``; raises :class:`AssumeRoleError` when ``role_arn`` cannot be assumed."""
        seconds = math.ceil(timeout if timeout is not None else DEFAULT_TIMEOUT)
        temporary = None if role_arn is None else self._assumed(role_arn, region)
        key = (service, region, seconds, role_arn)
        with self._lock:
            cached = self._clients.get(key)
            if cached is not None and cached[1] == temporary:
                return cached[0]
            config = Config(
                connect_timeout=min(CONNECT_TIMEOUT, seconds),
                read_timeout=seconds,
                retries={"mode": "standard", "total_max_attempts": ATTEMPTS},
            )
            client = self._session.create_client(
                service,
                region_name=region,
                config=config,
                aws_access_key_id=None if temporary is None else temporary.access_key,
                aws_secret_access_key=None if temporary is None else temporary.secret_key,
                aws_session_token=None if temporary is None else temporary.token,
            )
            self._clients[key] = (client, temporary)
        if cached is not None:
            cached[0].close()
        return client

    def _assumed(self, role_arn: str, region: str) -> _Temporary:
        with self._lock:
            temporary = self._roles.get(role_arn)
        if temporary is not None and temporary.expires - RENEW_SECONDS > time.time():
            return temporary
        try:
            answer = self.get("sts", region, None).assume_role(RoleArn=role_arn, RoleSessionName=ROLE_SESSION_NAME)
        except (ClientError, BotoCoreError) as exc:
            raise AssumeRoleError(f"The role {role_arn} could not be assumed: {exc}") from exc
        credentials = answer["Credentials"]
        temporary = _Temporary(
            credentials["AccessKeyId"],
            credentials["SecretAccessKey"],
            credentials["SessionToken"],
            credentials["Expiration"].timestamp(),
        )
        with self._lock:
            self._roles[role_arn] = temporary
        return temporary

    def close(self) -> None:
        with self._lock:
            clients, self._clients = [client for client, _ in self._clients.values()], {}
        for client in clients:
            client.close()
