"""Pass, Wait, Succeed and Fail on the pure interpreter: data flow, events, timers, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from app.durable.statuses import ExecutionStatus
from app.durable.work import WorkKind
from app.engine.types import EngineOptions
from tests.unit.test_engine_harness import T0, Driver, details_of, execute, machine

PREFIX = "An error occurred while executing the state '{name}' (entered at the event id #{entered}). "


def one(state: dict[str, Any], **top: Any) -> dict[str, Any]:
    return machine({"S": {**state, "End": True}} if state["Type"] not in ("Fail", "Succeed") else {"S": state}, **top)


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S") + "Z"


# --- Pass -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("state", "value", "expected"),
    [
        ({}, {"a": 1}, {"a": 1}),
        ({"Result": {"r": 1}}, {"a": 1}, {"r": 1}),
        ({"Result": "x", "ResultPath": "$.r"}, {"a": 1}, {"a": 1, "r": "x"}),
        ({"Result": "x", "ResultPath": "$.a"}, {"a": 1}, {"a": "x"}),
        ({"Result": "x", "ResultPath": None}, {"a": 1}, {"a": 1}),
        ({"Result": 7, "ResultPath": "$.a.b.c"}, {"a": {"keep": 1}}, {"a": {"keep": 1, "b": {"c": 7}}}),
        ({"Result": 7, "ResultPath": "$.x.y"}, {}, {"x": {"y": 7}}),
        ({"InputPath": "$.a"}, {"a": {"b": 2}}, {"b": 2}),
        ({"InputPath": None}, {"a": 1}, {}),
        ({"InputPath": None, "ResultPath": "$.r"}, {"a": 1}, {"a": 1, "r": {}}),
        ({"OutputPath": "$.a"}, {"a": [1, 2]}, [1, 2]),
        ({"OutputPath": None}, {"a": 1}, {}),
        ({"Result": {"x": 1}, "ResultPath": "$.r", "OutputPath": "$.r.x"}, {"a": 1}, 1),
        ({"Parameters": {"x.$": "$.a", "lit": "v"}}, {"a": 5}, {"x": 5, "lit": "v"}),
        ({"Parameters": {"f.$": "States.Format('{}-{}', $.a, $.b)"}}, {"a": 1, "b": "z"}, {"f": "1-z"}),
        (
            {"Parameters": {"name.$": "$$.State.Name", "exec.$": "$$.Execution.Name"}},
            {},
            {"name": "S", "exec": "run-1"},
        ),
        ({"Parameters": {"in.$": "$$.Execution.Input"}}, {"a": 1}, {"in": {"a": 1}}),
        (
            {"InputPath": "$.a", "Parameters": {"v.$": "$.b"}, "ResultPath": "$.out"},
            {"a": {"b": 3}},
            {"a": {"b": 3}, "out": {"v": 3}},
        ),
        ({"Parameters": {"x.$": "$.a"}, "Result": "wins"}, {"a": 1}, "wins"),
    ],
)
def test_pass_data_flow(state: dict[str, Any], value: Any, expected: Any) -> None:
    run = execute(one({"Type": "Pass", **state}), value)
    assert run.result == expected


def test_pass_events_carry_name_input_and_output() -> None:
    run = execute(
        machine({"A": {"Type": "Pass", "Result": {"k": "é"}, "Next": "B"}, "B": {"Type": "Pass", "End": True}}),
        {"a": 1},
    )
    assert run.types == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert run.details("PassStateEntered") == {"name": "A", "input": '{"a":1}', "inputDetails": {"truncated": False}}
    assert run.details("PassStateExited") == {"name": "A", "output": '{"k":"é"}', "outputDetails": {"truncated": False}}
    assert run.details("PassStateEntered", 1)["input"] == '{"k":"é"}'
    assert run.details("ExecutionSucceeded") == {"output": '{"k":"é"}', "outputDetails": {"truncated": False}}
    assert "assignedVariables" not in run.details("PassStateExited")


@pytest.mark.parametrize(
    ("state", "value", "error"),
    [
        ({"Result": 1, "ResultPath": "$.r"}, "str", "States.ResultPathMatchFailure"),
        ({"Parameters": {"x.$": "$.missing"}}, {"a": 1}, "States.Runtime"),
        ({"InputPath": "$.missing"}, {"a": 1}, "States.Runtime"),
        ({"OutputPath": "$.missing"}, {"a": 1}, "States.Runtime"),
    ],
)
def test_pass_path_errors_fail_the_execution(state: dict[str, Any], value: Any, error: str) -> None:
    run = execute(one({"Type": "Pass", **state}), value)
    assert run.status == ExecutionStatus.FAILED
    assert run.error == error
    assert run.cause is not None and run.cause.startswith(PREFIX.format(name="S", entered=2))
    assert run.types == ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]
    assert run.details("ExecutionFailed") == {"error": error, "cause": run.cause}


def test_missing_parameters_path_cause_matches_aws() -> None:
    run = execute(one({"Type": "Pass", "Parameters": {"x.$": "$.missing"}}), {"a": 1})
    assert run.cause == PREFIX.format(name="S", entered=2) + (
        "The JSONPath '$.missing' specified for the field 'x.$' could not be found in the input '{\"a\":1}'"
    )


# --- Succeed ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("state", "value", "expected"),
    [
        ({}, {"a": 1}, {"a": 1}),
        ({"InputPath": "$.a"}, {"a": {"b": 1}}, {"b": 1}),
        ({"OutputPath": "$.b"}, {"a": 1, "b": 2}, 2),
        ({"QueryLanguage": "JSONata", "Output": "{% $states.input.a + 1 %}"}, {"a": 1}, 2),
    ],
)
def test_succeed(state: dict[str, Any], value: Any, expected: Any) -> None:
    run = execute(one({"Type": "Succeed", **state}), value)
    assert run.result == expected
    assert run.types == ["ExecutionStarted", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"]


def test_succeed_in_the_middle_of_a_chain_ends_the_execution() -> None:
    definition = machine(
        {"A": {"Type": "Pass", "Next": "Done"}, "Done": {"Type": "Succeed"}, "Never": {"Type": "Pass", "End": True}}
    )
    run = execute(definition, {"x": 1})
    assert run.result == {"x": 1}
    entered = details_of(run.of_type("PassStateEntered")[0])
    assert entered["stateEnteredEventDetails"]["name"] == "A"
    assert len(run.of_type("PassStateEntered")) == 1


# --- Fail ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("state", "value", "error", "cause", "details"),
    [
        ({"Error": "E", "Cause": "C"}, {}, "E", "C", {"error": "E", "cause": "C"}),
        ({"Error": "E"}, {}, "E", None, {"error": "E"}),
        ({"Cause": "C"}, {}, None, "C", {"cause": "C"}),
        ({}, {}, None, None, {}),
        (
            {"ErrorPath": "$.e", "CausePath": "$.c"},
            {"e": "Boom", "c": "why"},
            "Boom",
            "why",
            {"error": "Boom", "cause": "why"},
        ),
        ({"ErrorPath": "$$.State.Name", "Cause": "C"}, {}, "S", "C", {"error": "S", "cause": "C"}),
        (
            {
                "QueryLanguage": "JSONata",
                "Error": "{% 'E' & $states.input.n %}",
                "Cause": "{% $string($states.input.n) %}",
            },
            {"n": 2},
            "E2",
            "2",
            {"error": "E2", "cause": "2"},
        ),
    ],
)
def test_fail(state: dict[str, Any], value: Any, error: str | None, cause: str | None, details: dict[str, Any]) -> None:
    run = execute(one({"Type": "Fail", **state}), value)
    assert run.status == ExecutionStatus.FAILED
    assert (run.error, run.cause) == (error, cause)
    assert run.types == ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]
    assert run.details("ExecutionFailed") == details
    assert run.output is None


def test_fail_error_and_cause_paths_may_be_intrinsic_functions() -> None:
    state = {"Type": "Fail", "ErrorPath": "States.Format('E{}', $.n)", "CausePath": "States.JsonToString($.c)"}
    run = execute(one(state), {"n": 1, "c": {"x": 1}})
    assert (run.error, run.cause) == ("E1", '{"x":1}')


def test_fail_error_path_to_a_missing_field_is_a_runtime_error() -> None:
    run = execute(one({"Type": "Fail", "ErrorPath": "$.nope"}), {})
    assert run.error == "States.Runtime"
    assert run.cause is not None and run.cause.startswith(PREFIX.format(name="S", entered=2))


# --- Wait ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("state", "value", "scale", "delay"),
    [
        ({"Seconds": 10}, {}, 1.0, 10.0),
        ({"Seconds": 10}, {}, 0.1, 1.0),
        ({"Seconds": 3}, {}, 0.0, None),
        ({"SecondsPath": "$.s"}, {"s": 4}, 1.0, 4.0),
        ({"SecondsPath": "$.s"}, {"s": 4}, 0.5, 2.0),
        ({"Timestamp": iso(T0 + 30)}, {}, 1.0, 30.0),
        ({"TimestampPath": "$.t"}, {"t": iso(T0 + 45)}, 1.0, 45.0),
        ({"TimestampPath": "$.t"}, {"t": "2016-03-14T01:59:00Z"}, 1.0, None),
        ({"Seconds": 0}, {}, 1.0, None),
        ({"QueryLanguage": "JSONata", "Seconds": "{% $states.input.s * 2 %}"}, {"s": 3}, 1.0, 6.0),
        ({"QueryLanguage": "JSONata", "Seconds": "{% $states.input.s %}"}, {"s": 8}, 0.25, 2.0),
        ({"QueryLanguage": "JSONata", "Seconds": 5}, {}, 1.0, 5.0),
        ({"QueryLanguage": "JSONata", "Timestamp": "{% $states.input.t %}"}, {"t": iso(T0 + 60)}, 1.0, 60.0),
    ],
)
def test_wait_arms_a_timer_due_at_the_right_time(
    state: dict[str, Any], value: Any, scale: float, delay: float | None
) -> None:
    driver = Driver(one({"Type": "Wait", **state}), json.dumps(value), EngineOptions(wait_time_scale=scale))
    driver.run(fire_timers=False)
    if delay is None:
        assert driver.status == ExecutionStatus.SUCCEEDED
        assert driver.timers == []
        return
    assert driver.status == ExecutionStatus.RUNNING
    assert [timer.due for timer in driver.timers] == [pytest.approx(T0 + delay)]
    assert driver.timers[0].kind == "timer"
    assert driver.types == ["ExecutionStarted", "WaitStateEntered"]
    timer = driver.timers[0]
    assert driver.fire(timer).status == ExecutionStatus.SUCCEEDED
    assert driver.types[-2:] == ["WaitStateExited", "ExecutionSucceeded"]
    assert driver.events[-1].timestamp == timer.due


def test_wait_passes_its_input_through_input_and_output_paths() -> None:
    state = {"Type": "Wait", "Seconds": 1, "InputPath": "$.a", "OutputPath": "$.b"}
    run = execute(one(state), {"a": {"b": 9}})
    assert run.result == 9
    assert run.exited("S")["output"] == "9"


def test_wait_in_jsonata_with_output() -> None:
    state = {"Type": "Wait", "Seconds": 1, "Output": "{% $states.input.a %}", "QueryLanguage": "JSONata"}
    assert execute(one(state), {"a": [1]}).result == [1]


@pytest.mark.parametrize(
    ("state", "value", "error", "cause_end"),
    [
        (
            {"SecondsPath": "$.s"},
            {"s": 1.5},
            "States.Runtime",
            "The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5",
        ),
        ({"SecondsPath": "$.s"}, {"s": "abc"}, "States.Runtime", None),
        ({"SecondsPath": "$.missing"}, {}, "States.Runtime", None),
        (
            {"TimestampPath": "$.t"},
            {"t": "2016-03-14 01:59:00Z"},
            "States.Runtime",
            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format "
            "string: $.t == 2016-03-14 01:59:00Z",
        ),
        ({"TimestampPath": "$.t"}, {"t": "2016-13-05T21:29:29Z"}, "States.Runtime", None),
        (
            {"QueryLanguage": "JSONata", "Timestamp": "{% $states.input.t %}"},
            {"t": "2016-13-05T21:29:29Z"},
            "States.QueryEvaluationError",
            "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: "
            "2016-13-05T21:29:29Z",
        ),
        ({"QueryLanguage": "JSONata", "Seconds": "{% 'abc' %}"}, {}, "States.QueryEvaluationError", None),
        ({"QueryLanguage": "JSONata", "Seconds": "{% 1.5 %}"}, {}, "States.QueryEvaluationError", None),
    ],
)
def test_wait_with_an_invalid_time_fails(state: dict[str, Any], value: Any, error: str, cause_end: str | None) -> None:
    run = execute(one({"Type": "Wait", **state}), value)
    assert run.status == ExecutionStatus.FAILED
    assert run.error == error
    assert run.cause is not None and run.cause.startswith(PREFIX.format(name="S", entered=2))
    if cause_end is not None:
        assert run.cause == PREFIX.format(name="S", entered=2) + cause_end
    expected = ["ExecutionStarted", "WaitStateEntered", "ExecutionFailed"]
    if error == "States.QueryEvaluationError":
        expected.insert(2, "EvaluationFailed")
        assert run.details("EvaluationFailed") == {"error": error, "cause": run.cause, "state": "S"}
    assert run.types == expected
    assert run.timers == []


def test_wait_jsonata_negative_seconds_is_an_evaluation_error() -> None:
    run = execute(one({"Type": "Wait", "QueryLanguage": "JSONata", "Seconds": "{% -3 %}"}), {})
    assert run.status == ExecutionStatus.FAILED
    assert run.error == "States.QueryEvaluationError"


def test_wait_timestamp_truncates_milliseconds() -> None:
    stamp = datetime.fromtimestamp(T0 + 10, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S") + ".900Z"
    driver = Driver(one({"Type": "Wait", "Timestamp": stamp})).run(fire_timers=False)
    assert [timer.due for timer in driver.timers] == [T0 + 10]


def test_a_stale_or_unknown_timer_changes_nothing() -> None:
    driver = Driver(one({"Type": "Wait", "Seconds": 5})).run(fire_timers=False)
    armed = driver.timers[0]
    stale = driver.advance(driver.trigger(WorkKind.TIMER, timer_id=armed.timer_id + 100))
    assert stale.events == [] and not stale.changed
    driver.fire(armed)
    assert driver.status == ExecutionStatus.SUCCEEDED


def test_a_timer_delivered_twice_is_applied_once() -> None:
    definition = machine(
        {"W": {"Type": "Wait", "Seconds": 5, "Next": "W2"}, "W2": {"Type": "Wait", "Seconds": 5, "End": True}}
    )
    driver = Driver(definition).run(fire_timers=False)
    first = driver.timers[0]
    driver.fire(first)
    assert driver.types[-2:] == ["WaitStateExited", "WaitStateEntered"]
    duplicate = driver.advance(driver.trigger(WorkKind.TIMER, timer_id=first.timer_id))
    assert duplicate.events == [] and not duplicate.changed
    driver.run()
    assert driver.status == ExecutionStatus.SUCCEEDED
    assert driver.types.count("WaitStateExited") == 2


def test_the_context_object_of_a_waiting_state_keeps_its_entered_time() -> None:
    definition = machine(
        {
            "W": {"Type": "Wait", "Seconds": 5, "Next": "P"},
            "P": {
                "Type": "Pass",
                "Parameters": {"entered.$": "$$.State.EnteredTime", "start.$": "$$.Execution.StartTime"},
                "End": True,
            },
        }
    )
    run = execute(definition)
    assert run.result == {"entered": iso(T0 + 5).replace("Z", ".000Z"), "start": iso(T0).replace("Z", ".000Z")}
