"""Several ``serve`` processes on one PostgreSQL database: they share the work, survive each other, agree on tokens.

SQLite allows one server process per database file, so only the callback race also runs there (one server).
"""

from __future__ import annotations

import json
import threading

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_stepfunctions import SFNClient

from tests.conftest import ROLE_ARN
from tests.durability.conftest import Fleet
from tests.durability.runner import Starter, midway
from tests.durability.servers import KILLED
from tests.durability.workload import KINDS, Cluster
from tests.support.waiting import wait_for_end, wait_for_status, wait_until

COUNTS = dict.fromkeys(KINDS, 10)
RACERS = 8
RACES = 4


def _plain_activity_machine(cluster: Cluster, name: str) -> tuple[str, str]:
    activity = cluster.call("create_activity", name=f"{name}-act")["activityArn"]
    definition = {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": activity, "End": True}}}
    machine = cluster.call("create_state_machine", name=name, definition=json.dumps(definition), roleArn=ROLE_ARN)
    return activity, machine["stateMachineArn"]


def _take_task(client: SFNClient, activity: str) -> str:
    for _ in range(3):
        task = client.get_activity_task(activityArn=activity, workerName="racer")
        if task.get("taskToken"):
            return str(task["taskToken"])
    raise AssertionError(f"no task of {activity} to take")


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.timeout(150)
def test_two_servers_share_work_and_survive_a_kill(postgres_fleet: Fleet, reference: dict[str, list[str]]) -> None:
    a = postgres_fleet.server("a", SFN_TEST_SERVER_ID="A")
    b = postgres_fleet.server("b", SFN_TEST_SERVER_ID="B")
    cluster = Cluster([a, b])

    # Executions started through A are run by either server.
    shared = postgres_fleet.workload(cluster, "share", {"whoami": 40}, start_via=0)
    shared.start_all()
    shared.wait_until_all_end(timeout=60)
    ran_by = {json.loads(r.description["output"])["ran"]["server"] for r in shared.verify(reference)}
    assert ran_by == {"A", "B"}, f"only {ran_by} ran executions started through A"

    # The mixed workload, started through A; A dies midway and B finishes everything, A's leased items included.
    workload = postgres_fleet.workload(cluster, "mp", COUNTS, start_via=0)
    total = sum(COUNTS.values())
    starter = Starter(workload).start()
    wait_until(midway(workload, total, 0.35), timeout=60, what="a third of the workload did not end")
    a.kill()
    assert a.returncode == KILLED
    starter.join(timeout=90)
    workload.wait_until_all_end(timeout=90)
    workload.verify(reference)


@pytest.mark.postgres
@pytest.mark.timeout(60)
def test_token_issued_by_one_completes_through_the_other(postgres_fleet: Fleet) -> None:
    a = postgres_fleet.server("a")
    b = postgres_fleet.server("b")
    cluster = Cluster([a, b])
    activity, machine = _plain_activity_machine(cluster, "cross")
    for started, polled, answered in ((0, 1, 0), (1, 0, 1), (0, 0, 1)):
        execution = cluster.client(started).start_execution(stateMachineArn=machine, input=json.dumps({"s": started}))
        token = _take_task(cluster.client(polled), activity)
        cluster.client(1 - answered).send_task_heartbeat(taskToken=token)
        cluster.client(answered).send_task_success(taskToken=token, output=json.dumps({"by": answered}))
        described = wait_for_status(cluster.client(1 - answered), execution["executionArn"], "SUCCEEDED")
        assert json.loads(described["output"]) == {"by": answered}
        with pytest.raises(cluster.client(1 - answered).exceptions.TaskTimedOut):
            cluster.client(1 - answered).send_task_success(taskToken=token, output="{}")


@pytest.mark.timeout(90)
def test_racing_callbacks_complete_a_token_once(fleet: Fleet) -> None:
    """``RACERS`` threads answer one token at once (success and failure mixed, through every server): one wins."""
    servers = [fleet.server("a")] + ([fleet.server("b")] if fleet.backend == "postgresql" else [])
    cluster = Cluster(servers)
    activity, machine = _plain_activity_machine(cluster, "race")
    for race in range(RACES):
        execution = cluster.call("start_execution", stateMachineArn=machine, input="{}")["executionArn"]
        token = _take_task(cluster.client(race), activity)
        results = _race(cluster, token)
        winners = [result for result in results if result[1] == "ok"]
        assert len(winners) == 1, results
        losers = {outcome for _, outcome in results if outcome != "ok"}
        assert losers <= {"TaskTimedOut", "TaskDoesNotExist"}, results
        described = wait_for_end(cluster.client(), execution)
        winner = winners[0][0]
        if winner % 2 == 0:
            assert described["status"] == "SUCCEEDED" and json.loads(described["output"]) == {"racer": winner}
        else:
            assert (described["status"], described["error"]) == ("FAILED", f"Racer.{winner}")
        types = [e["type"] for e in cluster.call("get_execution_history", executionArn=execution)["events"]]
        assert sum(t in ("ActivitySucceeded", "ActivityFailed") for t in types) == 1, types


def _race(cluster: Cluster, token: str) -> list[tuple[int, str]]:
    """Every racer calls at the same moment; (racer, "ok" or the error code) for each."""
    clients = [cluster.client(racer) for racer in range(RACERS)]
    barrier = threading.Barrier(RACERS)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def racer(index: int) -> None:
        client = clients[index]
        barrier.wait(timeout=10)
        try:
            if index % 2 == 0:
                client.send_task_success(taskToken=token, output=json.dumps({"racer": index}))
            else:
                client.send_task_failure(taskToken=token, error=f"Racer.{index}", cause="lost or won")
            outcome = "ok"
        except ClientError as exc:
            outcome = str(exc.response["Error"]["Code"])
        with lock:
            results.append((index, outcome))

    threads = [threading.Thread(target=racer, args=(index,)) for index in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == RACERS, f"only {len(results)} of {RACERS} racers came back"
    return sorted(results)
