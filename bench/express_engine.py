"""``express_engine``: what one Express execution costs inside the server, without HTTP around it.

A 10-state Express machine (Pass states) runs through the same :class:`ExpressRunner` the server
uses, one execution after another; the figure is the wall time from handing an execution in to
its outcome, which is engine time plus one hop to the runner's loop thread and back.
"""

from __future__ import annotations

import statistics
import time

from app.asl.model import parse_definition
from app.clock import SystemClock
from app.codec import dumps
from app.durable.news import TaskNews
from app.durable.work import Invocation
from app.engine.types import EngineOptions, ExecutionInfo
from app.executions.express import ExpressRunner, ExpressStart
from bench.light_client import EXPRESS_STATES, pass_chain
from bench.results import RunResult

EXECUTIONS = 5000
WARM_UP = 200
MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:bench-express"


class _NoIntegrations:
    def call(self, execution_arn: str, invocation: Invocation) -> TaskNews:
        raise AssertionError("a Pass chain calls nothing")


def run() -> RunResult:
    started = time.monotonic()
    runner = ExpressRunner(_NoIntegrations(), SystemClock(), EngineOptions(max_execution_seconds=300))
    model = parse_definition(dumps(pass_chain(EXPRESS_STATES)))
    durations: list[float] = []
    try:
        for index in range(WARM_UP + EXECUTIONS):
            arn = f"{MACHINE_ARN.replace(':stateMachine:', ':express:')}:run:{index}"
            info = ExecutionInfo(arn, "run", MACHINE_ARN, "bench-express", "role", time.time(), "{}")
            began = time.perf_counter()
            outcome = runner.run(ExpressStart(info, model)).result()
            if index >= WARM_UP:
                durations.append(time.perf_counter() - began)
            if outcome.status != "SUCCEEDED":
                return RunResult(error=f"execution {outcome.status}: {outcome.cause}")
    finally:
        runner.stop()
    figures = {
        "10-state Express p50 us": statistics.median(durations) * 1e6,
        "10-state Express p99 us": statistics.quantiles(durations, n=100)[98] * 1e6,
    }
    return RunResult(figures=figures, detail={"executions": EXECUTIONS}, seconds=time.monotonic() - started)
