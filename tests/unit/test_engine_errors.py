"""Retry and Catch on the pure interpreter: back-off timers, attempts, catcher output, terminal errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.durable.statuses import ExecutionStatus
from app.engine.types import EngineOptions
from tests.unit.test_engine_harness import LAMBDA_ARN, T0, Driver, execute, fail_with, machine, sequence

FAIL = [{"phase": "failed", "error": "Flaky", "cause": "try again"}]
OK = [{"phase": "succeeded", "output": {"ok": True}}]


def retrying(retrier: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return machine({"T": {"Type": "Task", "Resource": LAMBDA_ARN, "Retry": [retrier], "End": True, **extra}})


def drive(definition: dict[str, Any], *answers: list[dict[str, Any]], scale: float = 1.0) -> Driver:
    return Driver(definition, "{}", EngineOptions(wait_time_scale=scale), sequence(*answers)).run()


def retry_delays(driver: Driver) -> list[float]:
    """The delay of each retry timer after the failure that armed it."""
    failures = [event.timestamp for event in driver.events if event.type == "LambdaFunctionFailed"]
    scheduled = [event.timestamp for event in driver.events if event.type == "LambdaFunctionScheduled"]
    return [round(start - failed, 6) for failed, start in zip(failures, scheduled[1:], strict=False)]


@pytest.mark.parametrize(
    ("retrier", "scale", "delays"),
    [
        ({"ErrorEquals": ["Flaky"]}, 1.0, [1.0, 2.0, 4.0]),
        ({"ErrorEquals": ["Flaky"], "IntervalSeconds": 2, "BackoffRate": 3}, 1.0, [2.0, 6.0, 18.0]),
        ({"ErrorEquals": ["Flaky"], "IntervalSeconds": 2, "BackoffRate": 3}, 0.5, [1.0, 3.0, 9.0]),
        (
            {"ErrorEquals": ["Flaky"], "IntervalSeconds": 10, "BackoffRate": 10, "MaxDelaySeconds": 15},
            1.0,
            [10.0, 15.0, 15.0],
        ),
        ({"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "BackoffRate": 1}, 1.0, [1.0, 1.0, 1.0]),
    ],
)
def test_backoff_timers(retrier: dict[str, Any], scale: float, delays: list[float]) -> None:
    driver = drive(retrying({**retrier, "MaxAttempts": 3}), FAIL, FAIL, FAIL, OK, scale=scale)
    assert driver.result == {"ok": True}
    assert retry_delays(driver) == delays
    assert len(driver.timers) == 0
    # a retry re-schedules the task without re-entering the state
    assert driver.types.count("TaskStateEntered") == 1
    assert driver.types.count("LambdaFunctionScheduled") == 4


def test_retry_timer_is_due_at_now_plus_interval() -> None:
    driver = Driver(retrying({"ErrorEquals": ["Flaky"], "IntervalSeconds": 4}), responder=sequence(FAIL, None))
    driver.run(fire_timers=False)
    assert [timer.due for timer in driver.timers] == [T0 + 4]
    assert driver.types[-1] == "LambdaFunctionFailed"


def test_attempts_run_out_then_the_error_fails_the_execution() -> None:
    driver = drive(retrying({"ErrorEquals": ["Flaky"], "MaxAttempts": 2}), FAIL, FAIL, FAIL)
    assert driver.status == ExecutionStatus.FAILED
    assert (driver.error, driver.cause) == ("Flaky", "try again")
    assert driver.types.count("LambdaFunctionScheduled") == 3


def test_max_attempts_zero_never_retries() -> None:
    driver = drive(retrying({"ErrorEquals": ["Flaky"], "MaxAttempts": 0}), FAIL, OK)
    assert driver.status == ExecutionStatus.FAILED
    assert driver.types.count("LambdaFunctionScheduled") == 1


def test_first_matching_retrier_counts_its_own_attempts() -> None:
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": LAMBDA_ARN,
                "Retry": [
                    {"ErrorEquals": ["Other"], "MaxAttempts": 5, "IntervalSeconds": 100},
                    {"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 1, "IntervalSeconds": 3},
                ],
                "End": True,
            }
        }
    )
    driver = drive(definition, FAIL, FAIL)
    assert driver.status == ExecutionStatus.FAILED
    assert retry_delays(driver) == [3.0]


def test_retry_count_in_the_context_object() -> None:
    definition = retrying({"ErrorEquals": ["Flaky"], "MaxAttempts": 3}, Parameters={"n.$": "$$.State.RetryCount"})
    driver = drive(definition, FAIL, FAIL, OK)
    inputs = [json.loads(driver.details("LambdaFunctionScheduled", i)["input"]) for i in range(3)]
    assert inputs == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_states_timeout_is_not_task_failed() -> None:
    definition = retrying({"ErrorEquals": ["States.TaskFailed"]}, TimeoutSeconds=5)
    driver = Driver(definition).run()
    assert driver.status == ExecutionStatus.FAILED
    assert driver.error == "States.Timeout"
    assert driver.types.count("LambdaFunctionScheduled") == 1


def catching(catcher: dict[str, Any], state: dict[str, Any] | None = None) -> dict[str, Any]:
    body = state or {"Type": "Task", "Resource": LAMBDA_ARN}
    return machine({"T": {**body, "Catch": [catcher], "End": True}, "Handler": {"Type": "Pass", "End": True}})


@pytest.mark.parametrize(
    ("catcher", "expected"),
    [
        ({"ErrorEquals": ["Flaky"]}, {"Error": "Flaky", "Cause": "try again"}),
        (
            {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err"},
            {"in": 1, "err": {"Error": "Flaky", "Cause": "try again"}},
        ),
        ({"ErrorEquals": ["States.TaskFailed"], "ResultPath": None}, {"in": 1}),
        (
            {"ErrorEquals": ["Flaky"], "ResultPath": "$.a.b"},
            {"in": 1, "a": {"b": {"Error": "Flaky", "Cause": "try again"}}},
        ),
    ],
)
def test_catch_result_path(catcher: dict[str, Any], expected: Any) -> None:
    run = execute(catching({**catcher, "Next": "Handler"}), {"in": 1}, responder=fail_with("Flaky", "try again"))
    assert run.result == expected
    assert run.types[-5:] == [
        "LambdaFunctionFailed",
        "TaskStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert json.loads(run.exited("T")["output"]) == expected


def test_catch_without_match_fails() -> None:
    run = execute(catching({"ErrorEquals": ["Other"], "Next": "Handler"}), responder=fail_with("Flaky"))
    assert run.status == ExecutionStatus.FAILED and run.error == "Flaky"


def test_jsonata_catch_output_and_assign_see_the_error_output() -> None:
    catcher = {
        "ErrorEquals": ["States.ALL"],
        "Next": "Handler",
        "Output": {"e": "{% $states.errorOutput.Error %}", "in": "{% $states.input.v %}"},
        "Assign": {"why": "{% $states.errorOutput.Cause %}"},
    }
    definition = machine(
        {
            "T": {"Type": "Task", "Resource": LAMBDA_ARN, "Catch": [catcher], "End": True},
            "Handler": {"Type": "Pass", "Output": {"out": "{% $states.input %}", "why": "{% $why %}"}, "End": True},
        },
        QueryLanguage="JSONata",
    )
    run = execute(definition, {"v": 3}, responder=fail_with("Flaky", "c"))
    assert run.result == {"out": {"e": "Flaky", "in": 3}, "why": "c"}
    assert run.exited("T")["assignedVariables"] == {"why": '"c"'}


def test_retry_then_catch() -> None:
    definition = catching({"ErrorEquals": ["States.ALL"], "Next": "Handler"})
    definition["States"]["T"]["Retry"] = [{"ErrorEquals": ["Flaky"], "MaxAttempts": 1, "IntervalSeconds": 1}]
    driver = drive(definition, FAIL, FAIL)
    assert driver.result == {"Error": "Flaky", "Cause": "try again"}
    assert driver.types.count("LambdaFunctionScheduled") == 2


def test_fail_state_error_is_not_caught_inside_but_by_the_enclosing_parallel() -> None:
    inner = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Mine", "Cause": "c"}}}
    state = {"Type": "Parallel", "Branches": [inner]}
    run = execute(catching({"ErrorEquals": ["Mine"], "Next": "Handler"}, state))
    assert run.result == {"Error": "Mine", "Cause": "c"}
    assert run.types[-5:] == [  # as AWS records it: a Parallel that a Catch takes writes no ParallelStateFailed
        "FailStateEntered",
        "ParallelStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


def test_runtime_error_is_not_caught_or_retried_by_states_all() -> None:
    state = {
        "Type": "Pass",
        "Parameters": {"x.$": "$.missing"},
        "Retry": [{"ErrorEquals": ["States.ALL"]}],
    }
    run = execute(catching({"ErrorEquals": ["States.ALL"], "Next": "Handler"}, state), {})
    assert run.status == ExecutionStatus.FAILED
    assert run.error == "States.Runtime"
    assert run.timers == []


def test_data_limit_exceeded_is_terminal() -> None:
    state = {"Type": "Pass", "Result": "x" * (256 * 1024 + 1), "Retry": [{"ErrorEquals": ["States.ALL"]}]}
    run = execute(catching({"ErrorEquals": ["States.ALL"], "Next": "Handler"}, state))
    assert run.status == ExecutionStatus.FAILED
    assert run.error == "States.DataLimitExceeded"
    assert run.cause == (
        "The state/task 'T' returned a result with a size exceeding the maximum number of bytes service limit."
    )
    assert run.types == ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]


def test_an_output_just_under_the_limit_passes() -> None:
    text = "x" * (256 * 1024 - 2)  # with its quotes: exactly 262,144 bytes
    run = execute(machine({"P": {"Type": "Pass", "Result": text, "End": True}}))
    assert run.status == ExecutionStatus.SUCCEEDED
    assert len(run.output or "") == 256 * 1024
