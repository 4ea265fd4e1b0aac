"""Choice behaviour checked against executions recorded on real AWS.

Every ``choice_operators.*`` case (and any other case made only of Pass, Choice, Succeed and
Fail states in the JSONPath language with a Choice among them) is run through a tiny machine
built from the pure modules: InputPath, Parameters, Result, ResultPath, OutputPath, the Choice
rules and a Choice's Assign. The recorded status and output (or error and cause) must come out.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from app.asl.choice import matched_rule, parse_rule, select_next
from app.asl.errors import StatesError
from app.asl.paths import apply_io_path, set_result_path
from app.asl.payload import render_template
from app.asl.scope import DataScope
from tests.support.shared import case_files

SIMULATED_TYPES = frozenset({"Pass", "Choice", "Succeed", "Fail"})
MAX_TRANSITIONS = 100

pytestmark = pytest.mark.conformance


def _is_simulated(case: dict[str, Any]) -> bool:
    """JSONPath machines of Pass/Choice/Succeed/Fail only; choice_operators.* always qualify."""
    definition = case["definition"]
    states = definition["States"].values()
    if definition.get("QueryLanguage", "JSONPath") != "JSONPath":
        return False
    if any(state.get("QueryLanguage", "JSONPath") != "JSONPath" for state in states):
        return False
    if not all(state["Type"] in SIMULATED_TYPES for state in states):
        return False
    if any("Assign" in state for state in states if state["Type"] != "Choice"):
        return False
    return case["id"].startswith("choice_operators.") or any(state["Type"] == "Choice" for state in states)


def _load_cases() -> list[dict[str, Any]]:
    cases = [json.loads(path.read_text()) for path in case_files()]
    return [case for case in cases if _is_simulated(case)]


CASES = _load_cases()


def _outcome(status: str, output: Any, error: str | None, cause: str | None) -> dict[str, Any]:
    """An execution's result in the shape of the recorded ``expected`` block."""
    return {"status": status, "output": output, "error": error, "cause": cause}


def _run_state(state: dict[str, Any], scope: DataScope) -> Any:
    """One Pass, Succeed or Choice state's data flow; returns the state output."""
    effective = apply_io_path(state.get("InputPath", "$"), scope)
    if "Parameters" in state:
        effective = render_template(state["Parameters"], replace(scope, input=effective))
    output = effective
    if state["Type"] == "Pass":
        output = set_result_path(state.get("ResultPath", "$"), scope.input, state.get("Result", effective))
    return apply_io_path(state.get("OutputPath", "$"), replace(scope, input=output))


def _choose(state: dict[str, Any], scope: DataScope) -> tuple[str, dict[str, Any]]:
    """The Choice's next state and the variables after its Assign (a rule's, or the state's on Default)."""
    effective = replace(scope, input=apply_io_path(state.get("InputPath", "$"), scope))
    rules = [parse_rule(rule) for rule in state["Choices"]]
    name = select_next(rules, state.get("Default"), effective)
    rule = matched_rule(rules, effective)
    assign = state.get("Assign") if rule is None else rule.assign
    return name, {**scope.variables, **render_template(assign or {}, effective)}


def _execute(definition: dict[str, Any], data: Any) -> dict[str, Any]:
    """Run the machine from StartAt to its end state."""
    name, scope = definition["StartAt"], DataScope(data)
    for _ in range(MAX_TRANSITIONS):
        state = definition["States"][name]
        if state["Type"] == "Fail":
            return _outcome("FAILED", None, state.get("Error"), state.get("Cause"))
        try:
            output = _run_state(state, scope)
            if state["Type"] == "Choice":
                name, variables = _choose(state, scope)
                scope = replace(scope, variables=variables)
            elif state["Type"] == "Succeed" or state.get("End"):
                return _outcome("SUCCEEDED", output, None, None)
            else:
                name = state["Next"]
        except StatesError as failure:
            return _outcome("FAILED", None, failure.error, failure.cause)
        scope = replace(scope, input=output)
    raise AssertionError(f"no end after {MAX_TRANSITIONS} transitions")


def _expected(case: dict[str, Any]) -> dict[str, Any]:
    """The recorded result; non-object outputs were recorded as JSON text."""
    expected = case["expected"]
    output = expected["output"]
    if isinstance(output, str):
        output = json.loads(output)
    return _outcome(expected["status"], output, expected["error"], expected["cause"])


def test_every_choice_operator_case_is_simulated() -> None:
    recorded = sorted(path.stem for path in case_files("choice_operators.*.json"))
    assert recorded
    assert recorded == sorted(case["id"] for case in CASES if case["id"].startswith("choice_operators."))


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_recorded_outcome(case: dict[str, Any]) -> None:
    assert _execute(case["definition"], json.loads(case["input"])) == _expected(case)
