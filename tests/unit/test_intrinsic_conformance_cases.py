"""The AWS-recorded ``intrinsic_functions.*`` cases, replayed through the intrinsic evaluator alone.

Each case whose definition is a single Pass state with a flat ``Parameters`` template is evaluated
here without the engine: every ``.$`` value goes through :func:`evaluate_intrinsic` (or the test
resolver, for a plain path) and the result is compared with the output AWS recorded. Anything else
is skipped with the reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.asl.errors import StatesError
from app.asl.intrinsics import evaluate_intrinsic
from app.asl.scope import DataScope
from tests.support.shared import case_files
from tests.unit.test_intrinsics import fake_resolve


def _replayable(path: Path) -> bool:
    """A case whose machine is one Pass state with Parameters (others need the engine, whose tests cover them)."""
    return not isinstance(_pass_parameters(json.loads(path.read_text())["definition"]), str)


_ENGINE_PREFIX = re.compile(r"An error occurred while executing the state '[^']*' \(entered at the event id #\d+\)\. ")
_REDACTED = "<redacted>"


def _pass_parameters(definition: dict[str, Any]) -> dict[str, Any] | str:
    """The Parameters template to replay, or why the case cannot be replayed this way."""
    states = definition["States"]
    if len(states) != 1:
        return f"the definition has {len(states)} states, not a single Pass state"
    state = next(iter(states.values()))
    if "JSONata" in (definition.get("QueryLanguage"), state.get("QueryLanguage")):
        return "a JSONata expression, not an intrinsic function"
    if state["Type"] != "Pass" or "Parameters" not in state:
        return "not a Pass state with Parameters"
    if {"InputPath", "ResultPath", "OutputPath", "ResultSelector"} & state.keys():
        return "the state also filters its input or output, which needs the engine"
    parameters: dict[str, Any] = state["Parameters"]
    if any(isinstance(value, dict | list) for value in parameters.values()):
        return "a nested payload template, which needs the payload-template builder"
    return parameters


def _evaluate_template(parameters: dict[str, Any], scope: DataScope) -> dict[str, Any]:
    output: dict[str, Any] = {}
    for key, value in parameters.items():
        if not key.endswith(".$"):
            output[key] = value
        elif value.startswith("$"):
            output[key[:-2]] = fake_resolve(value, scope)
        else:
            output[key[:-2]] = evaluate_intrinsic(value, scope, fake_resolve)
    return output


def _scope(execution_input: Any) -> DataScope:
    context = {
        "Execution": {
            "Id": "arn:aws:states:us-east-1:111111111111:execution:sm:exec",
            "Input": execution_input,
        },
        "StateMachine": {"Id": "arn:aws:states:us-east-1:111111111111:stateMachine:sm-1", "Name": "sm-1"},
    }
    return DataScope(execution_input, context=context)


def _redact(document: dict[str, Any], dotted_path: str) -> None:
    """Blank out a value AWS's recording redacted (it depends on generated names)."""
    *parents, last = dotted_path.split(".")
    target: Any = document
    for part in parents:
        target = target.get(part) if isinstance(target, dict) else None
    if isinstance(target, dict) and last in target:
        target[last] = _REDACTED


def _strip_engine_prefix(cause: str | None) -> str | None:
    return _ENGINE_PREFIX.sub("", cause, count=1) if cause else cause


def _replay(parameters: dict[str, Any], execution_input: Any) -> dict[str, Any]:
    try:
        output = _evaluate_template(parameters, _scope(execution_input))
    except StatesError as error:
        return {"status": "FAILED", "output": None, "error": error.error, "cause": error.cause}
    return {"status": "SUCCEEDED", "output": output, "error": None, "cause": None}


def _case_id(path: Path | None) -> str:
    return path.stem if path else "no-cases"


@pytest.mark.conformance
@pytest.mark.parametrize(
    "case_file", [path for path in case_files("intrinsic_functions.*.json") if _replayable(path)], ids=_case_id
)
def test_intrinsic_case_matches_aws(case_file: Path) -> None:
    case = json.loads(case_file.read_text())
    parameters = _pass_parameters(case["definition"])
    assert not isinstance(parameters, str)
    expected = {key: case["expected"][key] for key in ("status", "output", "error", "cause")}
    actual = _replay(parameters, json.loads(case["input"]))
    expected["cause"] = _strip_engine_prefix(expected["cause"])
    for dotted_path in case.get("compare", {}).get("redacted_paths", []):
        _redact(expected, dotted_path)
        _redact(actual, dotted_path)
    assert json.dumps(actual, sort_keys=True) == json.dumps(expected, sort_keys=True)
