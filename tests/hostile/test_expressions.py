"""Hostile expressions: regular expressions and allocations a workflow brings stay bounded.

Each evaluation runs on a thread joined with a generous bound: with a backtracking engine these
patterns take minutes to hours, so the bound separates "linear" from "stalled", not fast from slow.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient

from app.asl import jsonata_adapter
from app.asl.choice import parse_rule
from app.asl.errors import StatesError
from app.asl.paths import evaluate_path
from app.asl.scope import DataScope
from tests.conftest import CreateMachine
from tests.support.waiting import wait_for_end

BOUND_SECONDS = 10.0
EVIL_TEXT = "a" * 64 + "!"


def finishes(work: Callable[[], Any]) -> Any:
    """The result of ``work``, which must end within the bound (its exception is re-raised)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except Exception as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(BOUND_SECONDS)
    assert not thread.is_alive(), "the evaluation stalled"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def jsonata(expression: str, data: Any = None) -> Any:
    return jsonata_adapter.render(expression, DataScope(input=data, context={}, variables={}), field="Output")


@pytest.mark.parametrize(
    "expression",
    [
        "{% $contains($states.input.text, /(a+)+$/) %}",
        "{% $count($match($states.input.text, /(a|aa)+$/)) %}",
        "{% $replace($states.input.text, /(a*)*b/, 'x') %}",
        "{% $split($states.input.text, /(a+)+b/) %}",
    ],
)
def test_jsonata_regular_expressions_run_in_linear_time(expression: str) -> None:
    finishes(lambda: jsonata(expression, {"text": EVIL_TEXT}))


def test_a_pattern_that_needs_backtracking_is_the_workflow_s_error() -> None:
    with pytest.raises(StatesError) as caught:
        jsonata("{% $match('aa', /(a)\\1/) %}")
    assert caught.value.error == "States.QueryEvaluationError"
    assert "invalid regular expression" in caught.value.cause


def test_jsonpath_filter_matches_run_in_linear_time() -> None:
    data = {"items": [{"name": EVIL_TEXT}, {"name": "aaab"}]}
    found = finishes(lambda: evaluate_path("$.items[?(@.name =~ '(a+)+b')].name", DataScope(input=data)))
    assert found == ["aaab"]


def test_string_matches_with_many_wildcards_runs_in_linear_time() -> None:
    rule = parse_rule({"Variable": "$.text", "StringMatches": "*a" * 40 + "*!x", "Next": "N"})
    assert finishes(lambda: rule.evaluate(DataScope(input={"text": "a" * 5000 + "!"}))) is False


@pytest.mark.parametrize("expression", ['{% $pad("x", 2e9) %}', '{% $pad("x", -2e9, "#") %}'])
def test_padding_past_the_bound_is_refused_before_it_allocates(expression: str) -> None:
    with pytest.raises(StatesError) as caught:
        finishes(lambda: jsonata(expression))
    assert "memory limit exceeded" in caught.value.cause


def test_a_regex_bomb_in_a_workflow_does_not_stall_the_server(sfn: SFNClient, create_machine: CreateMachine) -> None:
    definition = {
        "StartAt": "Bomb",
        "States": {
            "Bomb": {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Output": {
                    "found": "{% $contains($states.input.text, /(a+)+$/) %}",
                    "names": "{% [$states.input.text, 'aaab'] %}",
                },
                "Next": "Filter",
            },
            "Filter": {
                "Type": "Pass",
                "Parameters": {"found.$": "$.found", "hits.$": "$.names[?(@ =~ '(a+)+b')]"},
                "End": True,
            },
        },
    }
    machine = create_machine(definition)
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"text": EVIL_TEXT}))["executionArn"]
    ended = wait_for_end(sfn, execution, timeout=BOUND_SECONDS)
    assert ended["status"] == "SUCCEEDED", ended
    assert json.loads(ended["output"]) == {"found": False, "hits": ["aaab"]}
