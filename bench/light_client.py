"""``light_client``: the server's own capacity, driven by a client far cheaper than boto3.

boto3 spends about a millisecond of CPU on every call, so on a 2-core machine its ceiling (see
``client_ceiling``) caps StartExecution and the call-heavy yardstick scenarios (wait_fanout,
callback) below what the server takes. This scenario sends the same AWS JSON requests from
keep-alive ``http.client`` connections, 8 threads as in the yardstick, so its figures are the
server's: StartExecution, 1000 x Wait 2 s, activity tasks from start to SendTaskSuccess, and
StartSyncExecution of a 10-state Express machine beside DescribeStateMachine, the cheapest read.
"""

from __future__ import annotations

import functools
import http.client
import json
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from bench.client import ROLE_ARN
from bench.results import RunResult

THREADS = 8
STARTS = 2000
FANOUT = 1000
WAIT_SECONDS = 2
CALLBACKS = 200
SYNC_CALLS = 2000
EXPRESS_STATES = 10
DEADLINE_S = 120.0
IDLE_POLL_TIMEOUT_S = 2.0  # a worker's long poll gives up after this long with nothing to do
PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
WAIT = {
    "StartAt": "W",
    "States": {
        "W": {"Type": "Wait", "Seconds": WAIT_SECONDS, "Next": "D"},
        "D": {"Type": "Pass", "Result": True, "ResultPath": "$.done", "End": True},
    },
}


class AwsJson:
    """AWS JSON 1.0 calls over one keep-alive connection per thread."""

    def __init__(self, endpoint: str, timeout: float = 75.0) -> None:
        parts = urlsplit(endpoint)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"refusing non-loopback endpoint {endpoint!r}")
        self._address = (parts.hostname, parts.port or 80)
        self._timeout = timeout
        self._local = threading.local()

    def call(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(*self._address, timeout=self._timeout)
            self._local.connection = connection
        headers = {"X-Amz-Target": f"AWSStepFunctions.{operation}", "Content-Type": "application/x-amz-json-1.0"}
        try:
            connection.request("POST", "/", body=json.dumps(body), headers=headers)
            response = connection.getresponse()
            data = response.read()
        except OSError:
            connection.close()
            self._local.connection = None
            raise
        if response.status != 200:
            raise RuntimeError(f"{operation}: HTTP {response.status}: {data[:300]!r}")
        parsed: dict[str, Any] = json.loads(data)
        return parsed


def in_threads(count: int, work: Callable[[int], object], threads: int = THREADS) -> list[float]:
    """Run ``work(0..count-1)`` from ``threads`` threads; the latency of each call, in seconds.

    The first exception of any thread is raised once all have stopped.
    """
    lock = threading.Lock()
    indices = iter(range(count))
    latencies: list[float] = []
    errors: list[BaseException] = []

    def worker() -> None:
        while not errors:
            with lock:
                index = next(indices, None)
            if index is None:
                return
            began = time.perf_counter()
            try:
                work(index)
            except Exception as exc:
                errors.append(exc)
                return
            with lock:
                latencies.append(time.perf_counter() - began)

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(DEADLINE_S)
    if errors:
        raise errors[0]
    return latencies


def _machine(client: AwsJson, kind: str, definition: dict[str, Any], machine_type: str = "STANDARD") -> str:
    name = f"bench-light-{kind}-{uuid.uuid4().hex[:8]}"
    body = {"name": name, "definition": json.dumps(definition), "roleArn": ROLE_ARN, "type": machine_type}
    return str(client.call("CreateStateMachine", body)["stateMachineArn"])


def _starts(client: AwsJson) -> dict[str, float]:
    machine = _machine(client, "pass", PASS)
    began = time.perf_counter()
    latencies = in_threads(
        STARTS, lambda i: client.call("StartExecution", {"stateMachineArn": machine, "input": json.dumps({"i": i})})
    )
    wall = time.perf_counter() - began
    return {
        "StartExecution calls/s": STARTS / wall,
        "StartExecution p50 ms": statistics.median(latencies) * 1000,
    }


def _finished(client: AwsJson, arns: list[str]) -> list[dict[str, Any]]:
    """DescribeExecution of every execution once each has left RUNNING."""
    described: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + DEADLINE_S
    while len(described) < len(arns):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(arns) - len(described)} executions still RUNNING")
        pending = [arn for arn in arns if arn not in described]

        def look(index: int, pending: list[str] = pending) -> None:
            answer = client.call("DescribeExecution", {"executionArn": pending[index]})
            if answer["status"] != "RUNNING":
                described[pending[index]] = answer

        in_threads(len(pending), look)
        if len(described) < len(arns):
            time.sleep(0.05)
    failed = [answer for answer in described.values() if answer["status"] != "SUCCEEDED"]
    if failed:
        raise RuntimeError(f"{len(failed)} executions did not succeed, e.g. {failed[0]['status']}")
    return [described[arn] for arn in arns]


def _wait_fanout(client: AwsJson) -> dict[str, float]:
    """All done after: from the first call to the last execution's own stop time (the server's clock)."""
    machine = _machine(client, "wait", WAIT)
    arns: list[str] = [""] * FANOUT
    began = time.time()

    def start(index: int) -> None:
        arns[index] = client.call("StartExecution", {"stateMachineArn": machine})["executionArn"]

    in_threads(FANOUT, start)
    starts_done = time.time() - began
    time.sleep(WAIT_SECONDS)
    described = _finished(client, arns)
    early = [d for d in described if d["stopDate"] - d["startDate"] < WAIT_SECONDS - 0.01]
    if early:
        raise RuntimeError(f"{len(early)} executions ended before their {WAIT_SECONDS} s Wait")
    return {
        "1000 x Wait 2 s, all done after s": max(d["stopDate"] for d in described) - began,
        "1000 x Wait 2 s, start phase s": starts_done,
    }


def _callback(client: AwsJson, workers: AwsJson) -> dict[str, float]:
    """Activity tasks completed per second: from the first start to the last SendTaskSuccess."""
    activity = client.call("CreateActivity", {"name": f"bench-light-{uuid.uuid4().hex[:8]}"})["activityArn"]
    task = {"Type": "Task", "Resource": activity, "TimeoutSeconds": 300, "End": True}
    machine = _machine(client, "activity", {"StartAt": "Work", "States": {"Work": task}})
    lock = threading.Lock()
    completed = [0]
    last_success = [0.0]

    def work(_: int) -> None:
        while completed[0] < CALLBACKS:
            try:
                answer = workers.call("GetActivityTask", {"activityArn": activity, "workerName": "bench"})
            except TimeoutError:  # idle long poll: the starts are over, or not yet begun
                continue
            if not answer.get("taskToken"):
                continue
            workers.call("SendTaskSuccess", {"taskToken": answer["taskToken"], "output": answer["input"]})
            with lock:
                completed[0] += 1
                last_success[0] = time.perf_counter()

    pool = threading.Thread(target=in_threads, args=(THREADS, work), daemon=True)
    began = time.perf_counter()
    pool.start()
    arns: list[str] = [""] * CALLBACKS

    def start(index: int) -> None:
        body = {"stateMachineArn": machine, "input": json.dumps({"i": index})}
        arns[index] = client.call("StartExecution", body)["executionArn"]

    in_threads(CALLBACKS, start)
    pool.join(DEADLINE_S)
    if completed[0] < CALLBACKS:
        raise RuntimeError(f"only {completed[0]} of {CALLBACKS} activity tasks completed")
    _finished(client, arns)
    client.call("DeleteActivity", {"activityArn": activity})
    return {"activity tasks completed/s": CALLBACKS / (last_success[0] - began)}


def pass_chain(states: int) -> dict[str, Any]:
    """``states`` Pass states in a row."""
    chain: dict[str, Any] = {}
    for index in range(states):
        chain[f"S{index}"] = (
            {"Type": "Pass", "End": True} if index == states - 1 else {"Type": "Pass", "Next": f"S{index + 1}"}
        )
    return {"StartAt": "S0", "States": chain}


def _call_ignoring_index(client: AwsJson, operation: str, body: dict[str, Any], _: int) -> None:
    client.call(operation, body)


def _sync_express(client: AwsJson) -> dict[str, float]:
    """StartSyncExecution of a 10-state Express machine, and DescribeStateMachine of it for scale."""
    machine = _machine(client, "express", pass_chain(EXPRESS_STATES), "EXPRESS")
    figures: dict[str, float] = {}
    for operation in ("DescribeStateMachine", "StartSyncExecution"):
        body = {"stateMachineArn": machine}
        began = time.perf_counter()
        latencies = in_threads(SYNC_CALLS, functools.partial(_call_ignoring_index, client, operation, body))
        figures[f"{operation} calls/s"] = SYNC_CALLS / (time.perf_counter() - began)
        figures[f"{operation} p50 ms"] = statistics.median(latencies) * 1000
    return figures


def run(endpoint: str) -> RunResult:
    started = time.monotonic()
    client = AwsJson(endpoint)
    figures = {**_starts(client), **_sync_express(client), **_wait_fanout(client)}
    figures.update(_callback(client, AwsJson(endpoint, timeout=IDLE_POLL_TIMEOUT_S)))
    detail = {"threads": THREADS, "starts": STARTS, "fanout": FANOUT, "callbacks": CALLBACKS}
    return RunResult(figures=figures, detail=detail, seconds=time.monotonic() - started)
