"""Clients calling the gateway without pause from several threads, each call timed and its outcome kept.

A replica killed while it writes a response leaves the client a response cut short: the status line
and headers (``200``, ``content-length``) arrived, the body did not, all of it. botocore does not
check the length, so such a call "succeeds" with an empty result. Each response's declared and
received lengths are compared, and a cut response is kept apart from failures: no server can finish
a response after its process is gone, and an SDK cannot tell it from a short answer.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from mypy_boto3_stepfunctions import SFNClient


@dataclass(frozen=True)
class Call:
    operation: str
    seconds: float
    error: str | None
    retries: int
    cut: bool = False


@dataclass
class _LastResponse:
    """The lengths of the last response a client received: declared by ``content-length``, and received."""

    declared: int | None = None
    received: int = 0

    def record(self, response_dict: dict[str, Any] | None = None, **_: Any) -> None:
        self.declared, self.received = None, 0
        if response_dict is not None:
            length = response_dict["headers"].get("content-length")
            self.declared = None if length is None else int(length)
            self.received = len(response_dict["body"])

    @property
    def cut(self) -> bool:
        return self.declared is not None and self.received < self.declared


@dataclass
class Load:
    """StartExecution and DescribeExecution calls on ``machine_arn`` from ``threads`` threads."""

    clients: list[SFNClient]
    machine_arn: str
    calls: list[Call] = field(default_factory=list)
    started: list[str] = field(default_factory=list)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> Load:
        self._threads = [threading.Thread(target=self._run, args=(client,)) for client in self.clients]
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join()

    def _run(self, client: SFNClient) -> None:
        last = _LastResponse()
        client.meta.events.register("response-received.sfn", last.record)
        while not self._stopping.is_set():
            self._call(client, "StartExecution", last)
            self._call(client, "DescribeExecution", last)

    def _call(self, client: SFNClient, operation: str, last: _LastResponse) -> None:
        with self._lock:
            known = random.choice(self.started) if self.started else None
        if operation == "DescribeExecution" and known is None:
            return
        began = time.monotonic()
        error: str | None = None
        retries = 0
        try:
            if operation == "StartExecution":
                answer = client.start_execution(stateMachineArn=self.machine_arn, input="{}")
            else:
                assert known is not None
                answer = client.describe_execution(executionArn=known)
            retries = answer["ResponseMetadata"].get("RetryAttempts", 0)
            if operation == "StartExecution" and not last.cut:
                with self._lock:
                    self.started.append(answer["executionArn"])
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
        with self._lock:
            self.calls.append(Call(operation, time.monotonic() - began, error, retries, last.cut))

    def failures(self) -> list[Call]:
        """Calls that failed, apart from responses cut short by a replica's death."""
        return [call for call in self.calls if call.error is not None and not call.cut]

    def cut(self) -> list[Call]:
        """Calls whose response a dying replica cut short."""
        return [call for call in self.calls if call.cut]

    def slowest(self) -> float:
        return max(call.seconds for call in self.calls)

    def summary(self) -> str:
        retried = sum(1 for call in self.calls if call.retries)
        return (
            f"{len(self.calls)} calls, {len(self.failures())} failed, {len(self.cut())} cut short, "
            f"{retried} retried by the SDK, "
            f"slowest {self.slowest():.3f} s"
        )
