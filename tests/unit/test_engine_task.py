"""Task on the pure interpreter: the three event families, task invocations, tokens, timeouts, news ordering."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.durable.news import Phase, TaskNews
from app.durable.statuses import ExecutionStatus
from app.durable.work import AWAIT_JOB, WorkKind
from app.engine.types import EngineOptions
from tests.unit.test_engine_harness import (
    ACTIVITY_ARN,
    LAMBDA_ARN,
    T0,
    Driver,
    echo,
    execute,
    fail_with,
    machine,
    succeed_with,
)

INVOKE = "arn:aws:states:::lambda:invoke"
CALLBACK = "arn:aws:states:::lambda:invoke.waitForTaskToken"
CHILD_SYNC = "arn:aws:states:::states:startExecution.sync:2"
#: A task that waits after its call (a child, a job) and then succeeds, to the execution's end.
SUBMITTED_THEN_SUCCEEDED = [
    "TaskScheduled",
    "TaskStarted",
    "TaskSubmitted",
    "TaskSucceeded",
    "TaskStateExited",
    "ExecutionSucceeded",
]


def task(resource: str, **fields: Any) -> dict[str, Any]:
    return machine({"T": {"Type": "Task", "Resource": resource, "End": True, **fields}})


def waiting(definition: dict[str, Any], value: Any = None, **options: Any) -> Driver:
    return Driver(definition, json.dumps({} if value is None else value), EngineOptions(**options)).run(
        fire_timers=False
    )


def test_lambda_function_arn_events() -> None:
    run = execute(task(LAMBDA_ARN, TimeoutSeconds=30), {"a": 1}, responder=succeed_with({"r": 2}))
    assert run.result == {"r": 2}
    assert run.types == [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    assert run.details("LambdaFunctionScheduled") == {
        "resource": LAMBDA_ARN,
        "input": '{"a":1}',
        "inputDetails": {"truncated": False},
        "timeoutInSeconds": 30,
    }
    assert run.of_type("LambdaFunctionStarted")[0].details is None
    assert run.details("LambdaFunctionSucceeded") == {"output": '{"r":2}', "outputDetails": {"truncated": False}}
    (invocation,) = run.tasks
    assert (invocation.resource, invocation.input, invocation.call, invocation.token) == (
        LAMBDA_ARN,
        {"a": 1},
        True,
        None,
    )
    assert invocation.activity_arn is None and invocation.timeout_seconds == 30


def test_lambda_invoke_integration_events() -> None:
    definition = task(INVOKE, Parameters={"FunctionName": "echo", "Payload.$": "$"})
    run = execute(definition, {"a": 1}, responder=succeed_with({"Payload": {"r": 1}, "StatusCode": 200}))
    assert run.types[2:5] == ["TaskScheduled", "TaskStarted", "TaskSucceeded"]
    assert run.details("TaskScheduled") == {
        "resourceType": "lambda",
        "resource": "invoke",
        "region": "us-east-1",
        "parameters": '{"FunctionName":"echo","Payload":{"a":1}}',
    }
    assert run.details("TaskStarted") == {"resourceType": "lambda", "resource": "invoke"}
    assert run.details("TaskSucceeded") == {
        "resourceType": "lambda",
        "resource": "invoke",
        "output": '{"Payload":{"r":1},"StatusCode":200}',
        "outputDetails": {"truncated": False},
    }
    assert run.tasks[0].input == {"FunctionName": "echo", "Payload": {"a": 1}}
    assert run.tasks[0].token is None


def test_activity_events_and_invocation() -> None:
    driver = waiting(task(ACTIVITY_ARN, TimeoutSeconds=100, HeartbeatSeconds=10), {"job": 1})
    assert driver.types == ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled"]
    assert driver.details("ActivityScheduled") == {
        "resource": ACTIVITY_ARN,
        "input": '{"job":1}',
        "inputDetails": {"truncated": False},
        "timeoutInSeconds": 100,
        "heartbeatInSeconds": 10,
    }
    (invocation,) = driver.tasks
    assert invocation.call is False
    assert invocation.activity_arn == ACTIVITY_ARN
    assert invocation.token and len(invocation.token) >= 32
    assert (invocation.timeout_seconds, invocation.heartbeat_seconds) == (100, 10)
    assert invocation.heartbeat_timer_id in {timer.timer_id for timer in driver.timers}
    assert sorted(timer.due for timer in driver.timers) == [T0 + 10, T0 + 100]
    driver.news(invocation, "started", worker_name="worker-7")
    assert driver.details("ActivityStarted") == {"workerName": "worker-7"}
    driver.news(invocation, "succeeded", output={"ok": True})
    assert driver.result == {"ok": True}
    assert driver.types[-4:] == ["ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"]
    assert driver.closed_tokens == []


def test_activity_failure() -> None:
    driver = waiting(task(ACTIVITY_ARN))
    driver.news(driver.tasks[0], "started")
    driver.news(driver.tasks[0], "failed", error="Boom", cause="it broke")
    assert driver.status == ExecutionStatus.FAILED
    assert driver.details("ActivityFailed") == {"error": "Boom", "cause": "it broke"}
    assert (driver.error, driver.cause) == ("Boom", "it broke")


@pytest.mark.parametrize(
    ("resource", "timed_out", "details"),
    [
        (LAMBDA_ARN, "LambdaFunctionTimedOut", {"error": "States.Timeout"}),
        (INVOKE, "TaskTimedOut", {"resourceType": "lambda", "resource": "invoke", "error": "States.Timeout"}),
        (ACTIVITY_ARN, "ActivityTimedOut", {"error": "States.Timeout"}),
    ],
)
def test_task_timeout_timer(resource: str, timed_out: str, details: dict[str, Any]) -> None:
    driver = waiting(task(resource, TimeoutSeconds=20), wait_time_scale=0.5)
    (timer,) = driver.timers
    assert timer.due == T0 + 10
    driver.fire(timer)
    assert driver.status == ExecutionStatus.FAILED
    assert driver.details(timed_out) == details
    assert (driver.error, driver.cause) == ("States.Timeout", "")
    assert driver.types[-2:] == [timed_out, "ExecutionFailed"]
    assert driver.closed_tokens == ([driver.tasks[0].token] if driver.tasks[0].token else [])


def test_a_caught_timeout_has_an_empty_cause() -> None:
    definition = task(INVOKE, TimeoutSeconds=5, Parameters={"FunctionName": "f"})
    definition["States"]["T"].update(Catch=[{"ErrorEquals": ["States.Timeout"], "Next": "Caught"}])
    definition["States"]["Caught"] = {"Type": "Pass", "End": True}
    driver = waiting(definition)
    driver.fire(driver.timers[0])
    assert driver.result == {"Error": "States.Timeout", "Cause": ""}


def test_timeout_seconds_path() -> None:
    driver = waiting(task(INVOKE, TimeoutSecondsPath="$.t", Parameters={"FunctionName": "f"}), {"t": 7})
    assert [timer.due for timer in driver.timers] == [T0 + 7]
    assert driver.details("TaskScheduled")["timeoutInSeconds"] == 7


def test_heartbeat_timeout_on_an_activity() -> None:
    driver = waiting(task(ACTIVITY_ARN, HeartbeatSeconds=5, TimeoutSeconds=60))
    heartbeat = next(timer for timer in driver.timers if timer.timer_id == driver.tasks[0].heartbeat_timer_id)
    driver.fire(heartbeat)
    assert driver.status == ExecutionStatus.FAILED
    assert driver.error == "States.HeartbeatTimeout"
    assert driver.details("ActivityTimedOut") == {"error": "States.HeartbeatTimeout"}
    assert driver.closed_tokens == [driver.tasks[0].token]


def test_a_task_that_finishes_makes_its_timers_stale() -> None:
    definition = machine(
        {
            "T": {"Type": "Task", "Resource": ACTIVITY_ARN, "TimeoutSeconds": 10, "HeartbeatSeconds": 5, "Next": "W"},
            "W": {"Type": "Wait", "Seconds": 100, "End": True},
        }
    )
    driver = waiting(definition)
    guards = list(driver.timers)
    driver.news(driver.tasks[0], "succeeded", output=1)
    for timer in guards:
        stale = driver.fire(timer)
        assert stale.events == [] and not stale.changed
    assert driver.status == ExecutionStatus.RUNNING
    assert driver.run().result == 1


def test_wait_for_task_token_puts_the_token_in_the_parameters() -> None:
    definition = task(CALLBACK, Parameters={"FunctionName": "f", "Payload": {"token.$": "$$.Task.Token", "v.$": "$.v"}})
    driver = waiting(definition, {"v": 3})
    (invocation,) = driver.tasks
    assert invocation.token
    assert invocation.input == {"FunctionName": "f", "Payload": {"token": invocation.token, "v": 3}}
    assert invocation.call is True and invocation.activity_arn is None
    assert json.loads(driver.details("TaskScheduled")["parameters"])["Payload"]["token"] == invocation.token
    assert driver.details("TaskScheduled")["resource"] == "invoke.waitForTaskToken"
    driver.news(invocation, "submitted", output={"StatusCode": 202})
    assert driver.types[-2:] == ["TaskStarted", "TaskSubmitted"]
    assert driver.details("TaskSubmitted") == {
        "resourceType": "lambda",
        "resource": "invoke.waitForTaskToken",
        "output": '{"StatusCode":202}',
        "outputDetails": {"truncated": False},
    }
    assert driver.status == ExecutionStatus.RUNNING
    driver.news(invocation, "succeeded", output={"from": "callback"})
    assert driver.result == {"from": "callback"}


def test_jsonata_task_token_in_arguments() -> None:
    definition = task(
        CALLBACK, QueryLanguage="JSONata", Arguments={"Payload": {"t": "{% $states.context.Task.Token %}"}}
    )
    driver = waiting(definition)
    assert driver.tasks[0].input == {"Payload": {"t": driver.tasks[0].token}}


def test_a_sync_result_that_arrives_before_submitted_is_held_back() -> None:
    driver = waiting(task(CHILD_SYNC, Parameters={"StateMachineArn": "arn:child"}))
    (invocation,) = driver.tasks
    early = driver.news(invocation, "succeeded", output={"Output": "{}"})
    assert early.events == [] and early.applied and early.changed
    assert driver.status == ExecutionStatus.RUNNING
    driver.news(invocation, "submitted", output={"ExecutionArn": "arn:child:1"})
    assert driver.types[2:] == SUBMITTED_THEN_SUCCEEDED
    assert driver.result == {"Output": "{}"}


def test_a_callback_failure_before_submitted_is_held_back_too() -> None:
    driver = waiting(task(CALLBACK, Parameters={"FunctionName": "f", "Payload.$": "$$.Task.Token"}))
    (invocation,) = driver.tasks
    driver.news(invocation, "failed", error="Rejected", cause="no")
    assert driver.types[-1] == "TaskScheduled"
    driver.news(invocation, "submitted", output={})
    assert driver.types[-4:] == ["TaskStarted", "TaskSubmitted", "TaskFailed", "ExecutionFailed"]
    assert driver.details("TaskFailed") == {
        "resourceType": "lambda",
        "resource": "invoke.waitForTaskToken",
        "error": "Rejected",
        "cause": "no",
    }


@pytest.mark.parametrize(
    "definition",
    [
        task(CALLBACK, Parameters={"FunctionName": "f", "Payload.$": "$$.Task.Token"}),
        task(CHILD_SYNC, Parameters={"StateMachineArn": "arn:missing"}),
    ],
)
def test_a_call_that_fails_ends_a_waiting_task_at_once(definition: dict[str, Any]) -> None:
    driver = waiting(definition)
    (invocation,) = driver.tasks
    driver.news(invocation, "call_failed", error="Lambda.ResourceNotFoundException", cause="gone")
    assert driver.types[2:] == ["TaskScheduled", "TaskStarted", "TaskFailed", "ExecutionFailed"]
    assert (driver.error, driver.cause) == ("Lambda.ResourceNotFoundException", "gone")
    assert driver.closed_tokens == ([invocation.token] if invocation.token else [])


def test_a_failed_call_drops_a_callback_held_back_for_its_submission() -> None:
    driver = waiting(task(CALLBACK, Parameters={"FunctionName": "f", "Payload.$": "$$.Task.Token"}))
    (invocation,) = driver.tasks
    driver.news(invocation, "succeeded", output={"from": "callback"})
    driver.news(invocation, "call_failed", error="Boom", cause="raised after answering")
    assert driver.types[2:] == ["TaskScheduled", "TaskStarted", "TaskFailed", "ExecutionFailed"]
    assert driver.error == "Boom"


def test_stale_task_news_is_ignored() -> None:
    driver = waiting(task(ACTIVITY_ARN))
    (invocation,) = driver.tasks
    unknown = driver.advance(driver.trigger(WorkKind.TASK, news=TaskNews(invocation.task_id + 99, Phase.SUCCEEDED)))
    assert unknown.events == [] and not unknown.changed
    driver.news(invocation, "succeeded", output=1)
    assert driver.status == ExecutionStatus.SUCCEEDED


def test_news_for_a_finished_task_is_ignored_while_the_execution_runs() -> None:
    definition = machine(
        {
            "T": {"Type": "Task", "Resource": ACTIVITY_ARN, "Next": "U"},
            "U": {"Type": "Task", "Resource": ACTIVITY_ARN, "End": True},
        }
    )
    driver = waiting(definition)
    first = driver.tasks[0]
    driver.news(first, "succeeded", output=1)
    late = driver.news(first, "failed", error="late")
    assert late.events == [] and not late.changed
    driver.news(driver.tasks[1], "succeeded", output=2)
    assert driver.result == 2


def test_task_result_selector_and_result_path() -> None:
    definition = task(INVOKE, Parameters={"FunctionName": "f"}, ResultSelector={"p.$": "$.Payload"}, ResultPath="$.res")
    run = execute(definition, {"keep": 1}, responder=succeed_with({"Payload": 5, "StatusCode": 200}))
    assert run.result == {"keep": 1, "res": {"p": 5}}


def test_jsonata_task_arguments_and_output() -> None:
    definition = task(
        INVOKE,
        QueryLanguage="JSONata",
        Arguments={"FunctionName": "f", "Payload": "{% $states.input.n * 2 %}"},
        Output={"got": "{% $states.result.Payload %}", "was": "{% $states.input.n %}"},
    )
    run = execute(
        definition,
        {"n": 4},
        responder=lambda t: [{"phase": "succeeded", "output": {"Payload": t.input["Payload"] + 1}}],
    )
    assert run.tasks[0].input == {"FunctionName": "f", "Payload": 8}
    assert run.result == {"got": 9, "was": 4}


def test_task_failure_event_leaves_out_an_empty_cause() -> None:
    run = execute(task(INVOKE, Parameters={"FunctionName": "f"}), responder=fail_with("Lambda.Unknown"))
    assert run.details("TaskFailed") == {"resourceType": "lambda", "resource": "invoke", "error": "Lambda.Unknown"}
    assert run.error == "Lambda.Unknown"


def test_task_output_over_256_kib_is_data_limit_exceeded() -> None:
    big = "x" * (256 * 1024)
    run = execute(task(LAMBDA_ARN), responder=succeed_with(big))
    assert run.status == ExecutionStatus.FAILED
    assert run.error == "States.DataLimitExceeded"
    assert "TaskStateExited" not in run.types


def test_echo_chain_of_tasks() -> None:
    definition = machine(
        {
            "A": {"Type": "Task", "Resource": LAMBDA_ARN, "Next": "B"},
            "B": {"Type": "Task", "Resource": LAMBDA_ARN, "End": True},
        }
    )
    run = execute(definition, {"x": [1]}, responder=echo)
    assert run.result == {"x": [1]}
    assert [t.task_id for t in run.tasks] == sorted({t.task_id for t in run.tasks})


GLUE_SYNC = "arn:aws:states:::glue:startJobRun.sync"


def test_a_started_job_is_watched_until_it_ends() -> None:
    driver = waiting(task(GLUE_SYNC, Parameters={"JobName": "nightly"}))
    (start,) = driver.tasks
    assert start.resource == GLUE_SYNC
    driver.news(start, "submitted", output={"JobRunId": "jr_1"})
    (look,) = driver.tasks[1:]  # the look at the job, under the same task
    assert (look.task_id, look.resource) == (start.task_id, AWAIT_JOB)
    assert look.input == {
        "Resource": GLUE_SYNC,
        "Parameters": {"JobName": "nightly"},
        "Submitted": {"JobRunId": "jr_1"},
    }
    driver.news(look, "succeeded", output={"JobRunState": "SUCCEEDED"})
    assert driver.types[2:] == SUBMITTED_THEN_SUCCEEDED
    assert driver.result == {"JobRunState": "SUCCEEDED"}


def test_a_recovery_watches_a_submitted_job_again() -> None:
    driver = waiting(task(GLUE_SYNC, Parameters={"JobName": "nightly"}))
    (start,) = driver.tasks
    driver.news(start, "submitted", output={"JobRunId": "jr_1"})
    driver.advance(driver.trigger(WorkKind.RECOVER))  # the look's work item was lost
    again = driver.tasks[-1]
    assert (again.task_id, again.resource, again.input["Submitted"]) == (start.task_id, AWAIT_JOB, {"JobRunId": "jr_1"})
