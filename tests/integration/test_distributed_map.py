"""A distributed Map runs each item (or batch) as a child execution with its own ARN and history."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.conftest import CreateMachine
from tests.integration.test_nested_executions import lineage
from tests.support.waiting import history_types, wait_for_end, wait_for_event, wait_for_status, wait_until

DISTRIBUTED = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}


def distributed_map(processor_states: dict[str, Any], start_at: str, **fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Map",
                "ItemProcessor": {"ProcessorConfig": DISTRIBUTED, "StartAt": start_at, "States": processor_states},
                "End": True,
                **fields,
            }
        },
    }


DOUBLE = {"Double": {"Type": "Pass", "Parameters": {"twice.$": "States.MathAdd($.n, $.n)"}, "End": True}}
FAIL_ODD = {
    "Odd?": {
        "Type": "Choice",
        "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "Fail"}],
        "Default": "Done",
    },
    "Fail": {"Type": "Fail", "Error": "Odd", "Cause": "one is odd"},
    "Done": {"Type": "Pass", "End": True},
}
WAIT_LONG = {"Hold": {"Type": "Wait", "Seconds": 100000, "End": True}}
PASS = {"Done": {"Type": "Pass", "End": True}}
FAIL_ZERO_HOLD_OTHERS = {
    "Which": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "Boom"}], "Default": "Hold"},
    "Boom": {"Type": "Fail", "Error": "Boom"},
    **WAIT_LONG,
}


def map_run_arn(sfn: SFNClient, execution_arn: str) -> str:
    events = sfn.get_execution_history(executionArn=execution_arn)["events"]
    started = next(event for event in events if event["type"] == "MapRunStarted")
    return str(started["mapRunStartedEventDetails"]["mapRunArn"])


def test_each_item_runs_as_a_child_execution_and_the_results_come_back(
    sfn: SFNClient, create_machine: CreateMachine
) -> None:
    machine = create_machine(
        distributed_map(DOUBLE, "Double", ItemSelector={"n.$": "$$.Map.Item.Value"}, Label="Doubles")
    )
    execution = sfn.start_execution(stateMachineArn=machine, input="[1, 2, 3]")
    described = wait_for_status(sfn, execution["executionArn"], "SUCCEEDED")
    assert json.loads(described["output"]) == [{"twice": 2}, {"twice": 4}, {"twice": 6}]
    assert history_types(sfn, execution["executionArn"]) == [
        "ExecutionStarted",
        "MapStateEntered",
        "MapRunStarted",
        "MapRunSucceeded",
        "MapStateExited",
        "ExecutionSucceeded",
    ]
    run_arn = map_run_arn(sfn, execution["executionArn"])
    account_region = machine.split(":")[3:5]
    machine_name = machine.rsplit(":", 1)[1]
    assert run_arn.startswith(f"arn:aws:states:{account_region[0]}:{account_region[1]}:mapRun:{machine_name}/Doubles:")


def test_children_have_their_own_arn_and_history(
    sfn: SFNClient, server: ServerProcess, create_machine: CreateMachine
) -> None:
    machine = create_machine(distributed_map(DOUBLE, "Double", Label="Own"))
    execution = sfn.start_execution(stateMachineArn=machine, input='[{"n": 5}]')
    wait_for_status(sfn, execution["executionArn"], "SUCCEEDED")
    child_machine = f"{machine}/Own"
    run_arn = map_run_arn(sfn, execution["executionArn"])
    children = sfn.list_executions(mapRunArn=run_arn)["executions"]
    assert [child["stateMachineArn"] for child in children] == [child_machine]
    assert [child["mapRunArn"] for child in children] == [run_arn]
    child = children[0]["executionArn"]
    assert child.startswith(machine.replace(":stateMachine:", ":execution:") + "/Own:")
    described = sfn.describe_execution(executionArn=child)
    assert described["stateMachineArn"] == child_machine
    assert described["mapRunArn"] == run_arn
    assert lineage(server, child) == {"startedByExecutionArn": execution["executionArn"]}
    assert lineage(server, execution["executionArn"]) == {}, "ListExecutions(mapRunArn) lists a run's children"
    assert json.loads(described["input"]) == {"n": 5}
    assert json.loads(described["output"]) == {"twice": 10}
    assert history_types(sfn, child) == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


def test_a_failed_child_fails_the_run_when_nothing_is_tolerated(sfn: SFNClient, create_machine: CreateMachine) -> None:
    machine = create_machine(distributed_map(FAIL_ODD, "Odd?"))
    execution = sfn.start_execution(stateMachineArn=machine, input='[{"n": 0}, {"n": 1}, {"n": 2}]')
    described = wait_for_status(sfn, execution["executionArn"], "FAILED")
    assert described["error"] == "States.ExceedToleratedFailureThreshold"
    types = history_types(sfn, execution["executionArn"])
    assert types[:3] == ["ExecutionStarted", "MapStateEntered", "MapRunStarted"]
    assert "MapRunFailed" in types and "MapIterationFailed" not in types


def test_tolerated_failures_let_the_run_succeed_with_the_error_in_its_result(
    sfn: SFNClient, create_machine: CreateMachine
) -> None:
    machine = create_machine(distributed_map(FAIL_ODD, "Odd?", ToleratedFailureCount=1))
    execution = sfn.start_execution(stateMachineArn=machine, input='[{"n": 0}, {"n": 1}, {"n": 2}]')
    described = wait_for_status(sfn, execution["executionArn"], "SUCCEEDED")
    assert json.loads(described["output"]) == [{"n": 0}, {"Error": "Odd", "Cause": "one is odd"}, {"n": 2}]


def test_the_run_fails_exactly_when_the_threshold_is_crossed(sfn: SFNClient, create_machine: CreateMachine) -> None:
    machine = create_machine(
        distributed_map(FAIL_ODD, "Odd?", ToleratedFailurePercentage=50, MaxConcurrency=1)
    )  # 2 of 4 failing is 50%: tolerated; 3 of 4 is not
    tolerated = sfn.start_execution(stateMachineArn=machine, input=json.dumps([{"n": 1}, {"n": 1}, {"n": 0}, {"n": 0}]))
    wait_for_status(sfn, tolerated["executionArn"], "SUCCEEDED")
    crossed = sfn.start_execution(stateMachineArn=machine, input=json.dumps([{"n": 1}, {"n": 1}, {"n": 1}, {"n": 0}]))
    described = wait_for_status(sfn, crossed["executionArn"], "FAILED")
    assert described["error"] == "States.ExceedToleratedFailureThreshold"
    events = sfn.get_execution_history(executionArn=crossed["executionArn"])["events"]
    failed = next(event for event in events if event["type"] == "MapRunFailed")
    assert failed["mapRunFailedEventDetails"]["error"] == "States.ExceedToleratedFailureThreshold"


def test_batches_run_as_children(sfn: SFNClient, create_machine: CreateMachine) -> None:
    count = {"Count": {"Type": "Pass", "Parameters": {"size.$": "States.ArrayLength($.Items)"}, "End": True}}
    machine = create_machine(distributed_map(count, "Count", ItemBatcher={"MaxItemsPerBatch": 2}))
    execution = sfn.start_execution(stateMachineArn=machine, input="[1, 2, 3, 4, 5]")
    described = wait_for_status(sfn, execution["executionArn"], "SUCCEEDED")
    assert json.loads(described["output"]) == [{"size": 2}, {"size": 2}, {"size": 1}]


def test_stopping_the_parent_aborts_the_run_and_its_children(sfn: SFNClient, create_machine: CreateMachine) -> None:
    machine = create_machine(distributed_map(WAIT_LONG, "Hold", Label="Held"))
    execution = sfn.start_execution(stateMachineArn=machine, input="[1, 2]")
    children = wait_for_children(sfn, execution["executionArn"], 2)
    sfn.stop_execution(executionArn=execution["executionArn"])
    assert history_types(sfn, execution["executionArn"])[-2:] == ["MapRunAborted", "ExecutionAborted"]
    for child in children:
        wait_for_status(sfn, child, "ABORTED")


def test_a_failed_run_stops_the_children_still_running(sfn: SFNClient, create_machine: CreateMachine) -> None:
    definition = distributed_map(FAIL_ZERO_HOLD_OTHERS, "Which", Label="Mixed")
    definition["States"]["Fan"]["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]
    definition["States"]["Fan"].pop("End")
    definition["States"]["Fan"]["Next"] = "Caught"
    definition["States"]["Caught"] = {"Type": "Wait", "Seconds": 100000, "End": True}
    machine = create_machine(definition)
    execution = sfn.start_execution(stateMachineArn=machine, input="[1, 0]")
    wait_for_event(sfn, execution["executionArn"], "MapRunFailed")
    statuses = [wait_for_end(sfn, arn)["status"] for arn in wait_for_children(sfn, execution["executionArn"], 2)]
    assert sorted(statuses) == ["ABORTED", "FAILED"]
    sfn.stop_execution(executionArn=execution["executionArn"])


def wait_for_children(sfn: SFNClient, execution_arn: str, count: int) -> list[str]:
    """The children of the execution's Map Run, once ``count`` of them were started."""
    wait_for_event(sfn, execution_arn, "MapRunStarted")
    run_arn = map_run_arn(sfn, execution_arn)

    def listed() -> list[str]:
        return [each["executionArn"] for each in sfn.list_executions(mapRunArn=run_arn)["executions"]]

    wait_until(lambda: len(listed()) >= count, 30.0, f"{count} children of {run_arn}")
    return listed()


def test_describe_and_list_map_runs(sfn: SFNClient, create_machine: CreateMachine) -> None:
    batching = {"ToleratedFailureCount": 1, "MaxConcurrency": 2, "ItemBatcher": {"MaxItemsPerBatch": 2}}
    machine = create_machine(distributed_map(PASS, "Done", **batching))
    items = [{"n": 0}, {"n": 2}, {"n": 1}, {"n": 4}, {"n": 6}]  # batches of 2, 2 and 1 items
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps(items))
    wait_for_status(sfn, execution["executionArn"], "SUCCEEDED")
    run_arn = map_run_arn(sfn, execution["executionArn"])
    described = sfn.describe_map_run(mapRunArn=run_arn)
    assert described["executionArn"] == execution["executionArn"]
    assert described["status"] == "SUCCEEDED"
    assert (described["maxConcurrency"], described["toleratedFailureCount"]) == (2, 1)
    assert described["toleratedFailurePercentage"] == 0.0
    assert described["stopDate"] >= described["startDate"]
    executions = described["executionCounts"]
    assert (executions["total"], executions["succeeded"], executions["failed"], executions["pending"]) == (3, 3, 0, 0)
    assert described["itemCounts"]["total"] == 5 and described["itemCounts"]["succeeded"] == 5
    listed = sfn.list_map_runs(executionArn=execution["executionArn"])["mapRuns"]
    assert [(run["mapRunArn"], run["executionArn"]) for run in listed] == [(run_arn, execution["executionArn"])]
    assert listed[0]["stateMachineArn"] == run_arn.split(":mapRun:")[0] + ":stateMachine:" + run_arn.split(":")[6]


def test_failed_children_are_counted(sfn: SFNClient, create_machine: CreateMachine) -> None:
    machine = create_machine(distributed_map(FAIL_ODD, "Odd?", ToleratedFailurePercentage=50))
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps([{"n": 1}, {"n": 0}]))
    wait_for_status(sfn, execution["executionArn"], "SUCCEEDED")
    described = sfn.describe_map_run(mapRunArn=map_run_arn(sfn, execution["executionArn"]))
    assert described["toleratedFailurePercentage"] == 50.0
    assert described["executionCounts"]["failed"] == 1 and described["executionCounts"]["succeeded"] == 1
    assert described["itemCounts"]["failed"] == 1 and described["itemCounts"]["succeeded"] == 1


def test_update_map_run_raises_the_concurrency_at_once(sfn: SFNClient, create_machine: CreateMachine) -> None:
    machine = create_machine(distributed_map(WAIT_LONG, "Hold", MaxConcurrency=1))
    execution = sfn.start_execution(stateMachineArn=machine, input="[1, 2, 3]")
    wait_for_children(sfn, execution["executionArn"], 1)
    run_arn = map_run_arn(sfn, execution["executionArn"])
    described = sfn.describe_map_run(mapRunArn=run_arn)
    assert described["status"] == "RUNNING" and described["maxConcurrency"] == 1
    assert described["itemCounts"]["running"] == 1 and described["itemCounts"]["pending"] == 2
    sfn.update_map_run(mapRunArn=run_arn, maxConcurrency=3)
    assert sfn.describe_map_run(mapRunArn=run_arn)["maxConcurrency"] == 3
    assert len(wait_for_children(sfn, execution["executionArn"], 3)) == 3
    sfn.stop_execution(executionArn=execution["executionArn"])
    stopped = sfn.describe_map_run(mapRunArn=run_arn)
    assert stopped["status"] == "ABORTED"
    wait_until(
        lambda: sfn.describe_map_run(mapRunArn=run_arn)["executionCounts"]["aborted"] == 3,
        30.0,
        "the children stopped",
    )


def test_update_map_run_tolerance_fails_the_run_when_crossed(sfn: SFNClient, create_machine: CreateMachine) -> None:
    machine = create_machine(distributed_map(FAIL_ZERO_HOLD_OTHERS, "Which", ToleratedFailureCount=1))
    execution = sfn.start_execution(stateMachineArn=machine, input="[0, 1]")
    run_arn = map_run_arn_when_started(sfn, execution["executionArn"])
    wait_until(
        lambda: sfn.describe_map_run(mapRunArn=run_arn)["itemCounts"]["failed"] == 1, 30.0, "the first child failed"
    )
    assert sfn.describe_map_run(mapRunArn=run_arn)["status"] == "RUNNING"
    sfn.update_map_run(mapRunArn=run_arn, toleratedFailureCount=0)
    described = wait_for_status(sfn, execution["executionArn"], "FAILED")
    assert described["error"] == "States.ExceedToleratedFailureThreshold"
    assert sfn.describe_map_run(mapRunArn=run_arn)["status"] == "FAILED"


def test_map_run_errors(sfn: SFNClient, create_machine: CreateMachine) -> None:
    machine = create_machine(distributed_map(DOUBLE, "Double"))
    execution = sfn.start_execution(stateMachineArn=machine, input='[{"n": 1}]')
    wait_for_status(sfn, execution["executionArn"], "SUCCEEDED")
    run_arn = map_run_arn(sfn, execution["executionArn"])
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.describe_map_run(mapRunArn=run_arn[:-1] + "9")
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.update_map_run(mapRunArn=run_arn, maxConcurrency=5)  # it has ended
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_map_run(mapRunArn=machine)


def map_run_arn_when_started(sfn: SFNClient, execution_arn: str) -> str:
    wait_for_event(sfn, execution_arn, "MapRunStarted")
    return map_run_arn(sfn, execution_arn)


def test_express_children_run_and_their_results_come_back(sfn: SFNClient, create_machine: CreateMachine) -> None:
    definition = distributed_map(FAIL_ODD, "Odd?", ToleratedFailureCount=1)
    definition["States"]["Fan"]["ItemProcessor"]["ProcessorConfig"] = {
        "Mode": "DISTRIBUTED",
        "ExecutionType": "EXPRESS",
    }
    machine = create_machine(definition)
    execution = sfn.start_execution(stateMachineArn=machine, input='[{"n": 0}, {"n": 1}, {"n": 2}]')
    described = wait_for_status(sfn, execution["executionArn"], "SUCCEEDED")
    assert json.loads(described["output"]) == [{"n": 0}, {"Error": "Odd", "Cause": "one is odd"}, {"n": 2}]
    run = sfn.describe_map_run(mapRunArn=map_run_arn(sfn, execution["executionArn"]))
    assert (run["itemCounts"]["succeeded"], run["itemCounts"]["failed"]) == (2, 1)
    assert sfn.list_executions(mapRunArn=run["mapRunArn"])["executions"] == [], "Express executions are not stored"


def children_of(sfn: SFNClient, run_arn: str) -> list[Any]:
    """The child executions of a Map Run (a hundred at most: these runs are smaller)."""
    return list(sfn.list_executions(mapRunArn=run_arn, maxResults=100)["executions"])


def wait_for_children_to_end(sfn: SFNClient, run_arn: str) -> None:
    """A child still running when its run failed is stopped after it: wait until each child has ended."""
    wait_until(lambda: all(child["status"] != "RUNNING" for child in children_of(sfn, run_arn)), 10, "children end")


# Item 1's child fails in its first run (no choice matches) and passes once redriven (a redrive re-enters the
# state that failed).
FAIL_ODD_UNTIL_REDRIVEN = {
    "Odd?": {
        "Type": "Choice",
        "Choices": [
            {
                "Or": [
                    {"Not": {"Variable": "$.n", "NumericEquals": 1}},
                    {"Variable": "$$.Execution.RedriveCount", "NumericGreaterThan": 0},
                ],
                "Next": "Done",
            }
        ],
    },
    "Done": {"Type": "Pass", "End": True},
}


def test_a_redrive_runs_the_failed_children_of_the_same_map_run_again(
    sfn: SFNClient, create_machine: CreateMachine
) -> None:
    machine = create_machine(distributed_map(FAIL_ODD_UNTIL_REDRIVEN, "Odd?"))
    execution = sfn.start_execution(stateMachineArn=machine, input='[{"n": 0}, {"n": 1}, {"n": 2}]')["executionArn"]
    wait_for_status(sfn, execution, "FAILED")
    run_arn = map_run_arn(sfn, execution)

    wait_for_children_to_end(sfn, run_arn)
    children = {child["executionArn"]: child for child in children_of(sfn, run_arn)}
    assert sorted(child["status"] for child in children.values()) in (
        ["ABORTED", "FAILED", "SUCCEEDED"],  # item 2's child was still running when item 1's failed the run
        ["FAILED", "SUCCEEDED", "SUCCEEDED"],
    )

    sfn.redrive_execution(executionArn=execution)
    ended = wait_for_status(sfn, execution, "SUCCEEDED")
    assert json.loads(ended["output"]) == [{"n": 0}, {"n": 1}, {"n": 2}]
    types = history_types(sfn, execution)
    assert types.count("MapRunStarted") == 1 and types.count("MapRunRedriven") == 1
    assert types[-3:] == ["MapRunSucceeded", "MapStateExited", "ExecutionSucceeded"]
    assert [run["mapRunArn"] for run in sfn.list_map_runs(executionArn=execution)["mapRuns"]] == [run_arn]
    described = sfn.describe_map_run(mapRunArn=run_arn)
    assert (described["status"], described["redriveCount"]) == ("SUCCEEDED", 1)
    assert described["executionCounts"]["succeeded"] == 3
    for child in children_of(sfn, run_arn):  # only the unsuccessful ones ran again
        was = children[child["executionArn"]]["status"]
        redriven = sfn.describe_execution(executionArn=child["executionArn"])
        assert (redriven["status"], redriven["redriveCount"]) == ("SUCCEEDED", 0 if was == "SUCCEEDED" else 1)


def test_a_redrive_runs_the_children_again_within_max_concurrency_and_starts_those_never_started(
    sfn: SFNClient, create_machine: CreateMachine
) -> None:
    machine = create_machine(distributed_map(FAIL_ODD_UNTIL_REDRIVEN, "Odd?", MaxConcurrency=4))
    items = [{"n": index} for index in range(30)]
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps(items))["executionArn"]
    wait_for_status(sfn, execution, "FAILED")
    run_arn = map_run_arn(sfn, execution)

    wait_for_children_to_end(sfn, run_arn)
    before = {child["executionArn"]: child["status"] for child in children_of(sfn, run_arn)}
    assert len(before) < len(items), "the run failed before it started every child"

    sfn.redrive_execution(executionArn=execution)
    ended = wait_for_status(sfn, execution, "SUCCEEDED")
    assert json.loads(ended["output"]) == items
    described = sfn.describe_map_run(mapRunArn=run_arn)
    assert described["itemCounts"]["succeeded"] == described["itemCounts"]["total"] == len(items)
    assert described["itemCounts"]["pending"] == 0
    for child in children_of(sfn, run_arn):
        redriven = sfn.describe_execution(executionArn=child["executionArn"])
        was = before.get(child["executionArn"])
        assert (redriven["status"], redriven["redriveCount"]) == ("SUCCEEDED", int(was not in (None, "SUCCEEDED")))
