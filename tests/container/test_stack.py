"""The compose stack holds up: executions run through the gateway, signed, while a replica crashes,
PostgreSQL restarts and the gateway restarts.

Runs only where ``SFN_TEST_CONTAINER_STACK`` names ``container-stack.sh`` (README: "Compose").
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.container.load import Load
from tests.container.stack import STACK_ENV, Stack, up
from tests.support.waiting import wait_for_status, wait_until

pytestmark = [pytest.mark.container, pytest.mark.slow]

ROLE_ARN = "arn:aws:iam::123456789012:role/stack-test"
WAIT_THEN_PASS = {
    "StartAt": "Wait",
    "States": {"Wait": {"Type": "Wait", "Seconds": 2, "Next": "Done"}, "Done": {"Type": "Pass", "End": True}},
}
# A replica that vanishes costs a request the gateway's connect timeout (1 s), then another replica answers.
MAX_SECONDS_PER_CALL = 2.0
# Work a crashed replica had claimed is claimed again once its lease (SFN_LEASE_SECONDS, 30 s) runs out.
SETTLE_SECONDS = 90.0
LOAD_THREADS = 4
# A replica's death may cut short the responses it was writing: at most one call in flight per client.
MAX_CUT_CALLS = LOAD_THREADS


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    stack = Stack(Path(os.environ[STACK_ENV]))
    try:
        print(f"\nstack up and answering after {up(stack):.1f} s")
        yield stack
    finally:
        stack.run("down")


@pytest.fixture(scope="module")
def machine_arn(stack: Stack) -> str:
    created = stack.client().create_state_machine(
        name="stack-test", roleArn=ROLE_ARN, definition=json.dumps(WAIT_THEN_PASS)
    )
    return created["stateMachineArn"]


def _all_succeed(stack: Stack, arns: list[str]) -> None:
    client = stack.client()
    for arn in arns:
        wait_for_status(client, arn, "SUCCEEDED", timeout=SETTLE_SECONDS)


def test_signed_calls_run_executions_and_others_are_refused(stack: Stack, machine_arn: str) -> None:
    client = stack.client()
    arns = [client.start_execution(stateMachineArn=machine_arn)["executionArn"] for _ in range(10)]
    _all_succeed(stack, arns)
    with pytest.raises(ClientError) as refused:
        stack.client(secret="not-the-secret").list_state_machines()
    assert refused.value.response["Error"]["Code"] == "InvalidSignatureException"


def _under_load_while(stack: Stack, machine_arn: str, outage: Callable[[Load], None]) -> Load:
    """Calls from several clients (retrying as AWS SDKs do) before, during and after ``outage``."""
    with Load([stack.client(retries=2) for _ in range(LOAD_THREADS)], machine_arn) as load:
        wait_until(lambda: len(load.calls) >= 20, 30, "no load")
        outage(load)
        served = len(load.calls)
        wait_until(lambda: len(load.calls) >= served + 20, 30, "no calls after the outage")
    return load


def test_a_crashed_replica_costs_no_call_and_is_restarted(stack: Stack, machine_arn: str) -> None:
    victim = stack.containers("sfn")[0]
    restarts = int(stack.inspect(victim, "{{.RestartCount}}"))

    def crash(_: Load) -> None:
        # The server process dies as in a crash; the restart policy brings the container back.
        os.kill(int(stack.inspect(victim, "{{.State.Pid}}")), signal.SIGKILL)
        wait_until(lambda: int(stack.inspect(victim, "{{.RestartCount}}")) > restarts, 30, "replica not restarted")
        wait_until(lambda: stack.healthy(victim), 60, "restarted replica not healthy")

    load = _under_load_while(stack, machine_arn, crash)
    print(f"\nreplica crashed and restarted: {load.summary()}")
    assert load.failures() == []
    assert len(load.cut()) <= MAX_CUT_CALLS
    assert load.slowest() < MAX_SECONDS_PER_CALL
    _all_succeed(stack, load.started)


def test_a_killed_replica_costs_no_call(stack: Stack, machine_arn: str) -> None:
    victim = stack.containers("sfn")[0]

    def kill(load: Load) -> None:
        # `podman kill` (like `docker kill`) is a stop by the user: the restart policy leaves the
        # container stopped, and the gateway sends every call to the other replica.
        stack.run("podman", "kill", victim)
        served = len(load.calls)
        wait_until(lambda: len(load.calls) >= served + 100, 60, "too few calls with one replica")
        stack.run("compose", "start", "sfn")
        wait_until(lambda: stack.healthy(victim), 60, "started replica not healthy")

    load = _under_load_while(stack, machine_arn, kill)
    print(f"\nreplica killed, then started: {load.summary()}")
    assert load.failures() == []
    assert len(load.cut()) <= MAX_CUT_CALLS
    assert load.slowest() < MAX_SECONDS_PER_CALL
    _all_succeed(stack, load.started)


def test_a_postgres_restart_fails_no_call_after_it(stack: Stack, machine_arn: str) -> None:
    client = stack.client()
    waiting = [client.start_execution(stateMachineArn=machine_arn)["executionArn"] for _ in range(5)]
    (postgres,) = stack.containers("postgres")
    began = time.monotonic()
    stack.run("compose", "restart", "postgres")
    wait_until(lambda: stack.postgres_accepts(postgres), 60, "PostgreSQL takes no connection", interval=0.05)
    print(f"\nPostgreSQL restarted and taking connections after {time.monotonic() - began:.1f} s")
    # At once, before the replicas' own threads meet the connections the restart closed: no call may meet one.
    with Load([stack.client() for _ in range(LOAD_THREADS)], machine_arn) as load:
        wait_until(lambda: len(load.calls) >= 100, 60, "too few calls")
    print(f"after the PostgreSQL restart: {load.summary()}")
    assert load.failures() == [] and load.cut() == []
    _all_succeed(stack, waiting + load.started)


def test_a_gateway_restart_is_answered_again(stack: Stack, machine_arn: str) -> None:
    (gateway,) = stack.containers("gateway")
    began = time.monotonic()
    stack.run("compose", "restart", "gateway")
    wait_until(stack.answers, 30, "the gateway does not answer after its restart")
    print(f"\ngateway restarted and answering after {time.monotonic() - began:.1f} s")
    client = stack.client()
    arns = [client.start_execution(stateMachineArn=machine_arn)["executionArn"] for _ in range(5)]
    _all_succeed(stack, arns)
    assert stack.inspect(gateway, "{{.State.Status}}") == "running"
