"""``client_ceiling``: how many calls boto3 itself can make on this machine, against a server that does nothing.

The yardstick drives every scenario with boto3 from 8 threads of one process. Here the same
client calls StartExecution on a stand-in server (``python -m bench.ceiling PORT``) that answers
every request with a fixed body at once: whatever rate it reaches is the most any server can
show in the yardstick on this machine, and a p50 at that rate is the least.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from starlette.types import Receive, Scope, Send

from bench.client import make_client
from bench.light_client import THREADS, in_threads
from bench.results import RunResult
from bench.server import BenchServer

CALLS = 2000
ANSWER = b'{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:m:e","startDate":1700000000.0}'


async def answer_everything(scope: Scope, receive: Receive, send: Send) -> None:
    """An ASGI app that reads the request and answers StartExecution's shape, doing nothing else."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    headers = [(b"content-type", b"application/x-amz-json-1.0"), (b"content-length", str(len(ANSWER)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": ANSWER})


class DoNothingServer(BenchServer):
    """This module run as a server process, with the bench server's start, readiness check and stop."""

    def __init__(self, log_path: Path) -> None:
        super().__init__("", log_path, {})

    def command(self) -> list[str]:
        return [sys.executable, "-m", "bench.ceiling", str(self.port)]


def run(log_path: Path) -> RunResult:
    started = time.monotonic()
    server = DoNothingServer(log_path).start()
    try:
        client = make_client(server.endpoint, pool=THREADS * 2)
        machine = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
        began = time.perf_counter()
        latencies = in_threads(CALLS, lambda _: client.start_execution(stateMachineArn=machine))
        wall = time.perf_counter() - began
    finally:
        server.stop()
    figures = {
        "boto3 StartExecution calls/s, do-nothing server": CALLS / wall,
        "boto3 StartExecution p50 ms, do-nothing server": statistics.median(latencies) * 1000,
    }
    return RunResult(figures=figures, detail={"threads": THREADS, "calls": CALLS}, seconds=time.monotonic() - started)


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(answer_everything, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
