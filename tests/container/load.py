"""Clients calling the gateway without pause from several threads, each call timed and its outcome kept."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

from mypy_boto3_stepfunctions import SFNClient


@dataclass(frozen=True)
class Call:
    operation: str
    seconds: float
    error: str | None
    retries: int


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
        while not self._stopping.is_set():
            self._call(client, "StartExecution")
            self._call(client, "DescribeExecution")

    def _call(self, client: SFNClient, operation: str) -> None:
        with self._lock:
            known = random.choice(self.started) if self.started else None
        if operation == "DescribeExecution" and known is None:
            return
        began = time.monotonic()
        error: str | None = None
        retries = 0
        try:
            if operation == "StartExecution":
                started = client.start_execution(stateMachineArn=self.machine_arn, input="{}")
                with self._lock:
                    self.started.append(started["executionArn"])
                retries = started["ResponseMetadata"].get("RetryAttempts", 0)
            else:
                assert known is not None
                described = client.describe_execution(executionArn=known)
                retries = described["ResponseMetadata"].get("RetryAttempts", 0)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
        with self._lock:
            self.calls.append(Call(operation, time.monotonic() - began, error, retries))

    def failures(self) -> list[Call]:
        return [call for call in self.calls if call.error is not None]

    def slowest(self) -> float:
        return max(call.seconds for call in self.calls)

    def summary(self) -> str:
        retried = sum(1 for call in self.calls if call.retries)
        return (
            f"{len(self.calls)} calls, {len(self.failures())} failed, {retried} retried by the SDK, "
            f"slowest {self.slowest():.3f} s"
        )
