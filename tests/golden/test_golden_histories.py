"""Whole histories of representative machines, compared exactly with the files in ``histories/``.

Every event's type, ids and details are kept; only what differs from run to run is normalised:
timestamps (checked to never go backwards, then dropped), task tokens, request ids and the start
and stop dates a nested execution reports. A change to the code that changes any history fails
here, on both databases. After a deliberate change of history, rewrite the files with
``SFN_UPDATE_GOLDEN=1 python -m pytest tests/golden`` and read the diff.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient
from mypy_boto3_stepfunctions.type_defs import HistoryEventTypeDef

from tests.conftest import ROLE_ARN
from tests.golden.cases import CASES, CHILD_DEFINITION, GoldenCase
from tests.support.waiting import wait_for_end

HISTORIES = Path(__file__).resolve().parent / "histories"
UPDATE = os.environ.get("SFN_UPDATE_GOLDEN") == "1"
ROOT = str(Path(__file__).resolve().parents[2])

# What differs between runs, in the JSON text of a history: replaced by a fixed placeholder.
_VOLATILE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{64}(?![A-Za-z0-9_-])"), "<token>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r'(\\*"(?:StartDate|StopDate)\\*":)\d+'), r"\g<1>0"),
    (re.compile(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT"), "<date>"),
    (re.compile(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24}"), "Root=<trace>"),
    (re.compile(re.escape(ROOT)), "<root>"),
)


def normalised(events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The events without their timestamps (which must not go backwards) and volatile values."""
    times = [event["timestamp"] for event in events]
    assert times == sorted(times), "history timestamps go backwards"
    timeless = [{key: value for key, value in event.items() if key != "timestamp"} for event in events]
    text = json.dumps(timeless, indent=1, sort_keys=True)
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    result: list[dict[str, Any]] = json.loads(text)
    return result


def full_history(sfn: SFNClient, execution_arn: str) -> list[HistoryEventTypeDef]:
    events: list[HistoryEventTypeDef] = []
    for page in sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn):
        events.extend(page["events"])
    return events


@pytest.fixture(scope="module")
def golden_setup(sfn: SFNClient) -> None:
    """The activity and the child machine the cases use, created once per server."""
    sfn.create_activity(name="golden-worker-queue")
    sfn.create_activity(name="golden-unattended")
    sfn.create_state_machine(name="golden-child", definition=json.dumps(CHILD_DEFINITION), roleArn=ROLE_ARN)


def run_case(sfn: SFNClient, case: GoldenCase) -> list[dict[str, Any]]:
    machine = sfn.create_state_machine(
        name=f"golden-{case.name}", definition=json.dumps(case.definition), roleArn=ROLE_ARN
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine, name="run", input=json.dumps(case.input))["executionArn"]
    if case.drive is not None:
        case.drive(sfn, execution)
    wait_for_end(sfn, execution, timeout=60)
    return normalised(full_history(sfn, execution))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_history_is_the_golden_one(case: GoldenCase, sfn: SFNClient, golden_setup: None) -> None:
    history = run_case(sfn, case)
    path = HISTORIES / f"{case.name}.json"
    if UPDATE:
        path.write_text(json.dumps(history, indent=1, sort_keys=True) + "\n")
    assert path.exists(), f"no golden history {path.name}: record it with SFN_UPDATE_GOLDEN=1"
    expected = json.loads(path.read_text())
    assert history == expected, _first_difference(expected, history)


def _first_difference(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> str:
    for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
        if want != got:
            return f"event {index + 1} differs:\nexpected {want}\nactual   {got}"
    return f"{len(expected)} events expected, {len(actual)} recorded"


def test_normalising_keeps_what_matters() -> None:
    """Only volatile values are replaced: a changed detail still shows."""
    token = "A" * 64
    events: list[dict[str, Any]] = [
        {"timestamp": 1.0, "type": "TaskScheduled", "id": 1, "details": {"parameters": f'{{"token":"{token}"}}'}},
        {"timestamp": 2.0, "type": "TaskSucceeded", "id": 2, "details": {"output": '{"StartDate":1718000000123}'}},
    ]
    assert normalised(events) == [
        {"type": "TaskScheduled", "id": 1, "details": {"parameters": '{"token":"<token>"}'}},
        {"type": "TaskSucceeded", "id": 2, "details": {"output": '{"StartDate":0}'}},
    ]
    backwards: list[dict[str, Any]] = [{"timestamp": 2.0, "type": "A"}, {"timestamp": 1.0, "type": "B"}]
    with pytest.raises(AssertionError, match="backwards"):
        normalised(backwards)
