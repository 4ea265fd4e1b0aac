"""All the hostile workloads at once: regex bombs, allocation bombs and busy loops run, while the API
answers quickly, a light execution's 1 s Wait ends on time, memory stays bounded and nothing is lost."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.conftest import ROLE_ARN, make_client
from tests.support.databases import sqlite_url
from tests.support.server import new_server
from tests.support.waiting import wait_for_end

pytestmark = pytest.mark.slow

EVIL = "a" * 5000 + "!"
LOOP = {
    "Again": {
        "Type": "Choice",
        "Choices": [{"Condition": "{% $states.input = 'never' %}", "Next": "Done"}],
        "Default": "Work",
    },
    "Done": {"Type": "Succeed"},
}
REGEX_BOMB = {
    "QueryLanguage": "JSONata",
    "StartAt": "Work",
    "States": {
        "Work": {
            "Type": "Pass",
            "Output": "{% $contains($states.input, /(a+)+$/) ? $states.input : $states.input %}",
            "Next": "Again",
        },
        **LOOP,
    },
}
BUSY = {
    "QueryLanguage": "JSONata",
    "StartAt": "Work",
    "States": {"Work": {"Type": "Pass", "Output": "{% $string($sum([1..30000])) %}", "Next": "Again"}, **LOOP},
}
ALLOCATION_BOMB = {
    "QueryLanguage": "JSONata",
    "StartAt": "Work",
    "States": {"Work": {"Type": "Pass", "Output": '{% $pad("x", 2e9) %}', "End": True}},
}
PROBE = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": True}}}
MEASURE_SECONDS = 6.0
P99_LIMIT_SECONDS = 0.2
WAIT_LIMIT_SECONDS = 1.5
RSS_LIMIT_BYTES = 1 << 30


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def test_the_api_and_a_light_timer_hold_while_every_bomb_runs(tmp_path: Path) -> None:
    server = new_server(sqlite_url(tmp_path), tmp_path / "server.log").start()
    try:
        sfn = make_client(server.endpoint)

        def machine(name: str, definition: Mapping[str, object]) -> str:
            return sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE_ARN)[
                "stateMachineArn"
            ]

        loops = [
            sfn.start_execution(stateMachineArn=arn, input=json.dumps(EVIL))["executionArn"]
            for arn in (machine("regex", REGEX_BOMB), machine("busy", BUSY))
            for _ in range(2)
        ]
        bombs_machine = machine("allocation", ALLOCATION_BOMB)
        probe_machine = machine("probe", PROBE)
        latencies: list[float] = []
        rss: list[int] = []
        bombs: list[str] = []
        probes: list[tuple[str, float]] = []
        ends = time.monotonic() + MEASURE_SECONDS
        while time.monotonic() < ends:
            if len(bombs) < 20:
                bombs.append(sfn.start_execution(stateMachineArn=bombs_machine)["executionArn"])
            if len(probes) < 3 and time.monotonic() > ends - MEASURE_SECONDS + len(probes) * 1.5:
                probes.append((sfn.start_execution(stateMachineArn=probe_machine)["executionArn"], time.time()))
            started = time.perf_counter()
            sfn.describe_state_machine(stateMachineArn=probe_machine)
            latencies.append(time.perf_counter() - started)
            rss.append(_rss(server.pid))
        for probe, started_at in probes:
            described = wait_for_end(sfn, probe, timeout=10)
            assert described["status"] == "SUCCEEDED"
            took = described["stopDate"].timestamp() - started_at
            assert took < WAIT_LIMIT_SECONDS, f"the probe's 1 s Wait took {took:.2f} s"
        for bomb in bombs:
            described = wait_for_end(sfn, bomb, timeout=30)
            assert (described["status"], described.get("error")) == ("FAILED", "States.QueryEvaluationError")
        for loop in loops:
            sfn.stop_execution(executionArn=loop)
            described = wait_for_end(sfn, loop)
            # Stopped, unless a fast loop already filled its history: the limit ended it first.
            ended = described["status"], described.get("error")
            assert ended in (("ABORTED", None), ("FAILED", "States.Runtime")), ended
            if ended[0] == "FAILED":
                assert "history events" in described.get("cause", "")
    finally:
        server.stop()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"DescribeStateMachine: {len(latencies)} calls, p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms; RSS at most {max(rss) / 2**20:.0f} MB"
    )
    assert p99 < P99_LIMIT_SECONDS
    assert max(rss) < RSS_LIMIT_BYTES
