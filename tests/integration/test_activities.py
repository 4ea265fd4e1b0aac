"""Activities end to end: workers poll, complete, fail and heartbeat tasks through boto3."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.conftest import CreateMachine
from tests.support.waiting import history_types, wait_for_event, wait_for_status


def activity_machine(activity_arn: str, **task: Any) -> dict[str, Any]:
    return {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": activity_arn, "End": True, **task}}}


@pytest.fixture
def activity(sfn: SFNClient) -> str:
    return str(sfn.create_activity(name=f"act-{uuid.uuid4().hex[:10]}")["activityArn"])


def poll(sfn: SFNClient, activity_arn: str, worker: str = "worker-1") -> dict[str, Any]:
    return dict(sfn.get_activity_task(activityArn=activity_arn, workerName=worker))


def test_activity_crud(sfn: SFNClient) -> None:
    name = f"act-{uuid.uuid4().hex[:10]}"
    created = sfn.create_activity(name=name, tags=[{"key": "k", "value": "v"}])
    assert created["activityArn"].endswith(f":activity:{name}")
    assert sfn.create_activity(name=name)["activityArn"] == created["activityArn"]
    described = sfn.describe_activity(activityArn=created["activityArn"])
    assert (described["name"], described["creationDate"]) == (name, created["creationDate"])
    assert sfn.list_tags_for_resource(resourceArn=created["activityArn"])["tags"] == [{"key": "k", "value": "v"}]
    listed = [a["activityArn"] for a in sfn.list_activities(maxResults=1000)["activities"]]
    assert created["activityArn"] in listed
    sfn.delete_activity(activityArn=created["activityArn"])
    with pytest.raises(sfn.exceptions.ActivityDoesNotExist):
        sfn.describe_activity(activityArn=created["activityArn"])
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_activity(activityArn="arn:aws:states:us-east-1:123456789012:stateMachine:x")
    with pytest.raises(sfn.exceptions.InvalidName):
        sfn.create_activity(name="bad name")
    with pytest.raises(sfn.exceptions.ActivityDoesNotExist):
        sfn.get_activity_task(activityArn=created["activityArn"])


def test_worker_completes_task(sfn: SFNClient, activity: str, create_machine: CreateMachine) -> None:
    arn = create_machine(activity_machine(activity, ResultPath="$.result"))
    execution = sfn.start_execution(stateMachineArn=arn, input='{"n": 1}')["executionArn"]
    task = poll(sfn, activity)
    assert json.loads(task["input"]) == {"n": 1}
    sfn.send_task_success(taskToken=task["taskToken"], output='{"done": true}')
    described = wait_for_status(sfn, execution, "SUCCEEDED")
    assert json.loads(described["output"]) == {"n": 1, "result": {"done": True}}
    events = sfn.get_execution_history(executionArn=execution)["events"]
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "ActivityScheduled",
        "ActivityStarted",
        "ActivitySucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    assert events[2]["activityScheduledEventDetails"]["resource"] == activity
    assert events[3]["activityStartedEventDetails"] == {"workerName": "worker-1"}
    # A token completes once: the second answer is refused.
    with pytest.raises(sfn.exceptions.TaskTimedOut):
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")


def test_task_news_reaches_the_execution_within_the_call(
    sfn: SFNClient, activity: str, create_machine: CreateMachine
) -> None:
    """The worker's calls commit their news with the token: no scheduler round before it shows."""
    arn = create_machine(activity_machine(activity))
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    task = poll(sfn, activity, worker="w-7")
    assert history_types(sfn, execution)[-1] == "ActivityStarted"
    sfn.send_task_failure(taskToken=task["taskToken"], error="Boom", cause="it broke")
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], described["error"], described["cause"]) == ("FAILED", "Boom", "it broke")
    assert history_types(sfn, execution)[-3:] == ["ActivityStarted", "ActivityFailed", "ExecutionFailed"]


def test_worker_failure_is_caught_by_name(sfn: SFNClient, activity: str, create_machine: CreateMachine) -> None:
    definition = activity_machine(
        activity, Catch=[{"ErrorEquals": ["Custom.Broken"], "ResultPath": "$.caught", "Next": "Handled"}]
    )
    definition["States"]["Work"].pop("End")
    definition["States"]["Work"]["Next"] = "Handled"
    definition["States"]["Handled"] = {"Type": "Pass", "End": True}
    arn = create_machine(definition)
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    task = poll(sfn, activity)
    sfn.send_task_failure(taskToken=task["taskToken"], error="Custom.Broken", cause="it broke")
    described = wait_for_status(sfn, execution, "SUCCEEDED")
    assert json.loads(described["output"]) == {"caught": {"Error": "Custom.Broken", "Cause": "it broke"}}
    assert "ActivityFailed" in history_types(sfn, execution)


def test_retry_then_succeed(sfn: SFNClient, activity: str, create_machine: CreateMachine) -> None:
    retry = [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 1}]
    arn = create_machine(activity_machine(activity, Retry=retry))
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    sfn.send_task_failure(taskToken=poll(sfn, activity)["taskToken"], error="Flaky", cause="first try")
    sfn.send_task_success(taskToken=poll(sfn, activity)["taskToken"], output='"second"')
    described = wait_for_status(sfn, execution, "SUCCEEDED")
    assert json.loads(described["output"]) == "second"
    assert history_types(sfn, execution).count("ActivityScheduled") == 2


def test_a_poll_made_before_the_task_exists_receives_it(
    sfn: Any, activity: str, create_machine: Callable[..., str]
) -> None:
    """End to end; whether the poll is woken while it waits is shown in tests/unit/test_activity_long_poll.py."""
    arn = create_machine(activity_machine(activity))
    results: list[dict[str, Any]] = []
    poller = threading.Thread(target=lambda: results.append(poll(sfn, activity)))
    poller.start()
    sfn.start_execution(stateMachineArn=arn, input='{"x": 1}')
    poller.join(timeout=70)
    assert json.loads(results[0]["input"]) == {"x": 1}
    sfn.send_task_success(taskToken=results[0]["taskToken"], output="{}")


@pytest.mark.slow
def test_heartbeat_keeps_task_alive_and_its_absence_times_out(
    sfn: SFNClient, activity: str, create_machine: CreateMachine
) -> None:
    # HeartbeatSeconds 300 at the tests' WAIT_TIME_SCALE of 0.01: three seconds of real time.
    arn = create_machine(activity_machine(activity, HeartbeatSeconds=300))
    alive = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    task = poll(sfn, activity)
    with pytest.raises(sfn.exceptions.TaskDoesNotExist):
        sfn.send_task_heartbeat(taskToken="A" * 64)
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.send_task_heartbeat(taskToken="not a token")
    sfn.send_task_heartbeat(taskToken=task["taskToken"])
    sfn.send_task_success(taskToken=task["taskToken"], output="{}")
    wait_for_status(sfn, alive, "SUCCEEDED")

    silent = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    stale = poll(sfn, activity)
    described = wait_for_status(sfn, silent, "FAILED")
    assert described["error"] == "States.HeartbeatTimeout"
    assert "ActivityTimedOut" in history_types(sfn, silent)
    with pytest.raises(sfn.exceptions.TaskTimedOut):
        sfn.send_task_success(taskToken=stale["taskToken"], output="{}")


def test_task_timeout(sfn: SFNClient, activity: str, create_machine: CreateMachine) -> None:
    arn = create_machine(activity_machine(activity, TimeoutSeconds=50))
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    described = wait_for_status(sfn, execution, "FAILED")
    assert described["error"] == "States.Timeout"
    assert history_types(sfn, execution)[-2:] == ["ActivityTimedOut", "ExecutionFailed"]


def test_invalid_output_is_refused(sfn: SFNClient, activity: str, create_machine: CreateMachine) -> None:
    arn = create_machine(activity_machine(activity))
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    task = poll(sfn, activity)
    with pytest.raises(sfn.exceptions.InvalidOutput):
        sfn.send_task_success(taskToken=task["taskToken"], output="{not json")
    sfn.send_task_success(taskToken=task["taskToken"], output="[1]")
    wait_for_status(sfn, execution, "SUCCEEDED")


def test_stop_closes_tokens(sfn: SFNClient, activity: str, create_machine: CreateMachine) -> None:
    arn = create_machine(activity_machine(activity))
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    task = poll(sfn, activity)
    wait_for_event(sfn, execution, "ActivityStarted")
    sfn.stop_execution(executionArn=execution)
    with pytest.raises(sfn.exceptions.TaskTimedOut):
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")


def test_a_poll_whose_client_left_takes_no_task(
    sfn: SFNClient, server: ServerProcess, activity: str, create_machine: CreateMachine
) -> None:
    headers = {"X-Amz-Target": "AWSStepFunctions.GetActivityTask", "Content-Type": "application/x-amz-json-1.0"}
    body = json.dumps({"activityArn": activity, "workerName": "gone"})
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(server.endpoint, headers=headers, content=body, timeout=0.5)
    execution = sfn.start_execution(stateMachineArn=create_machine(activity_machine(activity)), input="{}")
    task = poll(sfn, activity, worker="present")
    assert task.get("taskToken"), "the task went to the poll whose client had left"
    sfn.send_task_success(taskToken=task["taskToken"], output="{}")
    wait_for_status(sfn, execution["executionArn"], "SUCCEEDED")
    assert {"workerName": "present"} in [
        event.get("activityStartedEventDetails")
        for event in sfn.get_execution_history(executionArn=execution["executionArn"])["events"]
    ]
