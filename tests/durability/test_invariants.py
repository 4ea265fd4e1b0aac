"""The invariants checker catches what it claims to: broken histories made by hand, no server needed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.durability.invariants import ExecutionRecord, violations
from tests.durability.workload import normalized

LINEAR = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": True}}}
FANNED = {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {}, "End": True}}}
START = datetime(2024, 1, 1)


def _events(*specs: str | tuple[str, str]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for index, spec in enumerate(specs, start=1):
        kind, name = spec if isinstance(spec, tuple) else (spec, "")
        event: dict[str, Any] = {
            "id": index,
            "previousEventId": index - 1,
            "type": kind,
            "timestamp": START + timedelta(seconds=index),
        }
        if kind.endswith("StateEntered"):
            event["stateEnteredEventDetails"] = {"name": name}
        if kind.endswith("StateExited"):
            event["stateExitedEventDetails"] = {"name": name}
        events.append(event)
    return events


def _record(status: str, events: list[dict[str, Any]], definition: dict[str, Any] = LINEAR) -> ExecutionRecord:
    return ExecutionRecord("arn:x", {"status": status}, events, definition)


GOOD = _events(
    "ExecutionStarted",
    ("PassStateEntered", "A"),
    ("PassStateExited", "A"),
    ("PassStateEntered", "B"),
    ("PassStateExited", "B"),
    "ExecutionSucceeded",
)


def test_a_good_history_passes() -> None:
    assert violations(_record("SUCCEEDED", GOOD)) == []
    assert violations(_record("RUNNING", GOOD[:3])) == []


def test_gaps_and_bad_previous_ids() -> None:
    gap = [event for event in GOOD if event["id"] != 3]
    assert any("not 1.." in problem for problem in violations(_record("SUCCEEDED", gap)))
    forward = [dict(event) for event in GOOD]
    forward[2]["previousEventId"] = 5
    assert any("previousEventId" in problem for problem in violations(_record("SUCCEEDED", forward)))


@pytest.mark.parametrize(
    ("status", "events", "expected"),
    [
        ("FAILED", GOOD, "terminal event ExecutionSucceeded"),
        ("SUCCEEDED", GOOD[:-1], "0 terminal events"),
        ("SUCCEEDED", _events(*[e["type"] for e in GOOD], "ExecutionFailed"), "2 terminal events"),
        ("RUNNING", GOOD, "RUNNING but has terminal events"),
    ],
)
def test_terminal_event_must_match_the_status(status: str, events: list[dict[str, Any]], expected: str) -> None:
    assert any(expected in problem for problem in violations(_record(status, events)))


def test_a_transition_applied_twice_is_caught() -> None:
    twice = _events(
        "ExecutionStarted",
        ("PassStateEntered", "A"),
        ("PassStateEntered", "A"),
        ("PassStateExited", "A"),
        ("PassStateExited", "A"),
        "ExecutionSucceeded",
    )
    assert any("was not exited" in problem for problem in violations(_record("SUCCEEDED", twice)))
    # In a Map the same state runs in several iterations at once: only "more exits than entries" counts there.
    assert violations(_record("SUCCEEDED", twice, FANNED)) == []
    extra_exit = _events("ExecutionStarted", ("PassStateEntered", "A"), ("PassStateExited", "A"))
    extra_exit += _events("x", ("PassStateExited", "A"))[1:]
    for index, event in enumerate(extra_exit, start=1):
        event["id"], event["previousEventId"] = index, index - 1
    assert any("exited more often" in problem for problem in violations(_record("RUNNING", extra_exit, FANNED)))


def test_a_task_with_two_outcomes_is_caught() -> None:
    double = _events(
        "ExecutionStarted",
        ("TaskStateEntered", "T"),
        "ActivityScheduled",
        "ActivityStarted",
        "ActivitySucceeded",
        "ActivitySucceeded",
        ("TaskStateExited", "T"),
        "ExecutionSucceeded",
    )
    assert any("second outcome" in problem for problem in violations(_record("SUCCEEDED", double)))


def test_normalized_drops_lost_activity_attempts_only() -> None:
    lost = ["ActivityScheduled", "ActivityStarted", "ActivityTimedOut", "ActivityScheduled", "ActivitySucceeded"]
    assert normalized(lost) == ["ActivityScheduled", "ActivitySucceeded"]
    assert normalized(["ActivityScheduled", "ActivityFailed"]) == ["ActivityScheduled", "ActivityFailed"]
