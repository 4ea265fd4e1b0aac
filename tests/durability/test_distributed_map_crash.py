"""``kill -9`` while a distributed Map's children wait: a new server on the same database finishes the run,
with every item's child run once and its result in the Map's output."""

from __future__ import annotations

import contextlib
import json

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from tests.conftest import ROLE_ARN, make_client
from tests.durability.conftest import Fleet
from tests.durability.servers import KILLED
from tests.durability.workload import FUNCTION_ARN
from tests.integration.test_distributed_map import FAIL_ODD_UNTIL_REDRIVEN, distributed_map, wait_for_children_to_end
from tests.support.waiting import wait_for_status, wait_until

pytestmark = pytest.mark.slow
ITEMS = 120
#: 300 s of waiting, scaled by the tests' WAIT_TIME_SCALE to 3 s: the kill comes while children wait.
WAITING_CHILDREN = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Map",
            "MaxConcurrency": 40,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED"},
                "StartAt": "Hold",
                "States": {
                    "Hold": {"Type": "Wait", "Seconds": 300, "Next": "Done"},
                    "Done": {"Type": "Pass", "Parameters": {"item.$": "$.i"}, "End": True},
                },
            },
            "ItemSelector": {"i.$": "$$.Map.Item.Value"},
            "End": True,
        }
    },
}


@pytest.mark.timeout(150)
def test_kill9_during_a_map_run_loses_nothing_and_runs_no_item_twice(fleet: Fleet) -> None:
    first = fleet.server("first")
    sfn = make_client(first.endpoint)
    machine = sfn.create_state_machine(name="fan", definition=json.dumps(WAITING_CHILDREN), roleArn=ROLE_ARN)
    execution = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=json.dumps(list(range(ITEMS))))
    arn = execution["executionArn"]

    def started_run() -> str | None:
        events = sfn.get_execution_history(executionArn=arn)["events"]
        started = [event for event in events if event["type"] == "MapRunStarted"]
        return started[0]["mapRunStartedEventDetails"]["mapRunArn"] if started else None

    wait_until(lambda: started_run() is not None, 30, "the Map Run did not start")
    run_arn = started_run()
    assert run_arn is not None

    def partly_done() -> bool:
        counts = sfn.describe_map_run(mapRunArn=run_arn)["executionCounts"]
        return 0 < counts["succeeded"] < ITEMS // 2 and counts["running"] > 0

    wait_until(partly_done, 60, "some children ended while others wait")
    first.kill()
    assert first.returncode == KILLED

    second = fleet.server("second")
    sfn = make_client(second.endpoint)
    described = wait_for_status(sfn, arn, "SUCCEEDED", timeout=90)
    assert json.loads(described["output"]) == [{"item": index} for index in range(ITEMS)]
    children: list[str] = []
    pages = sfn.get_paginator("list_executions").paginate(mapRunArn=run_arn)
    for page in pages:
        assert all(child["status"] == "SUCCEEDED" for child in page["executions"])
        children.extend(child["name"] for child in page["executions"])
    assert len(children) == len(set(children)) == ITEMS, "each item ran as one child execution"
    counts = sfn.describe_map_run(mapRunArn=run_arn)["executionCounts"]
    assert (counts["succeeded"], counts["total"], counts["failed"], counts["aborted"]) == (ITEMS, ITEMS, 0, 0)


SHARED_ITEMS = 300
#: A child waits 1 s (scaled), then asks the function ``whoami`` which server process runs it.
WHOSE_CHILDREN = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Map",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED"},
                "StartAt": "Hold",
                "States": {
                    "Hold": {"Type": "Wait", "Seconds": 100, "Next": "Who"},
                    "Who": {
                        "Type": "Task",
                        "Resource": FUNCTION_ARN.format("whoami"),
                        "ResultPath": "$.ran",
                        "End": True,
                    },
                },
            },
            "ItemSelector": {"i.$": "$$.Map.Item.Value"},
            "End": True,
        }
    },
}


@pytest.mark.postgres
@pytest.mark.timeout(150)
def test_two_servers_on_postgresql_share_a_map_runs_children_and_one_finishes_after_the_other_dies(
    postgres_fleet: Fleet,
) -> None:
    a = postgres_fleet.server("a", SFN_TEST_SERVER_ID="A")
    b = postgres_fleet.server("b", SFN_TEST_SERVER_ID="B")
    sfn = make_client(a.endpoint)
    machine = sfn.create_state_machine(name="whose", definition=json.dumps(WHOSE_CHILDREN), roleArn=ROLE_ARN)
    items = json.dumps(list(range(SHARED_ITEMS)))
    arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=items)["executionArn"]

    def halfway() -> bool:
        runs = sfn.list_map_runs(executionArn=arn)["mapRuns"]
        if not runs:
            return False
        counts = sfn.describe_map_run(mapRunArn=runs[0]["mapRunArn"])["executionCounts"]
        return counts["succeeded"] >= SHARED_ITEMS // 2

    wait_until(halfway, 60, "half the children did not end")
    a.kill()
    assert a.returncode == KILLED
    described = wait_for_status(make_client(b.endpoint), arn, "SUCCEEDED", timeout=90)
    output = json.loads(described["output"])
    assert [child["i"] for child in output] == list(range(SHARED_ITEMS)), "each item ran once, in its place"
    assert {child["ran"]["server"] for child in output} == {"A", "B"}, "both servers ran children"


REDRIVE_ITEMS = 30


@pytest.mark.timeout(120)
def test_kill9_after_a_redrive_call_counts_the_kept_children_once(fleet: Fleet) -> None:
    """The server dies after the first call of a Map Run's redrive ran, before its answer was recorded: the
    call made again by the next server counts the children kept by the redrive once, not those it redrove."""
    first = fleet.server("first")
    sfn = make_client(first.endpoint)
    definition = distributed_map(FAIL_ODD_UNTIL_REDRIVEN, "Odd?", MaxConcurrency=4)  # fails before it starts all
    machine = sfn.create_state_machine(name="odd", definition=json.dumps(definition), roleArn=ROLE_ARN)
    items = [{"n": index} for index in range(REDRIVE_ITEMS)]
    arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=json.dumps(items))["executionArn"]
    wait_for_status(sfn, arn, "FAILED")
    run_arn = sfn.list_map_runs(executionArn=arn)["mapRuns"][0]["mapRunArn"]
    wait_for_children_to_end(sfn, run_arn)
    first.kill()

    crashing = fleet.server("crashing", SFN_CRASH_POINT="after_integration_call")
    with contextlib.suppress(BotoCoreError, ClientError):  # the call may kill it before it answers
        make_client(crashing.endpoint).redrive_execution(executionArn=arn)
    assert crashing.wait_exit(30) == KILLED, "the server dies after the redrive's first call"

    sfn = make_client(fleet.server("last").endpoint)
    described = wait_for_status(sfn, arn, "SUCCEEDED", timeout=60)
    assert json.loads(described["output"]) == items
    run = sfn.describe_map_run(mapRunArn=run_arn)
    assert run["itemCounts"]["succeeded"] == run["itemCounts"]["total"] == REDRIVE_ITEMS
    assert run["executionCounts"]["succeeded"] == REDRIVE_ITEMS
