"""Retry back-off arithmetic and error matching, as the States Language defines them."""

from __future__ import annotations

import random

import pytest

from app.asl.handlers import Retrier, backoff_seconds, first_match, matches


@pytest.mark.parametrize(
    ("retrier", "attempt", "expected"),
    [
        (Retrier(("E",)), 0, 1.0),
        (Retrier(("E",)), 1, 2.0),
        (Retrier(("E",)), 3, 8.0),
        (Retrier(("E",), interval_seconds=3, backoff_rate=1.5), 2, 6.75),
        (Retrier(("E",), interval_seconds=2, backoff_rate=1.0), 5, 2.0),
        (Retrier(("E",), interval_seconds=10, backoff_rate=3, max_delay_seconds=50), 1, 30.0),
        (Retrier(("E",), interval_seconds=10, backoff_rate=3, max_delay_seconds=50), 2, 50.0),
    ],
)
def test_backoff_without_jitter(retrier: Retrier, attempt: int, expected: float) -> None:
    assert backoff_seconds(retrier, attempt, random.Random(1)) == pytest.approx(expected)


def test_full_jitter_stays_within_zero_and_the_capped_delay() -> None:
    retrier = Retrier(("E",), interval_seconds=4, backoff_rate=2, max_delay_seconds=10, jitter_strategy="FULL")
    rng = random.Random(7)
    for attempt in range(6):
        cap = min(4 * 2**attempt, 10)
        samples = [backoff_seconds(retrier, attempt, rng) for _ in range(200)]
        assert all(0 <= sample <= cap for sample in samples)
        assert max(samples) > cap * 0.8 and min(samples) < cap * 0.2  # spread over the range


@pytest.mark.parametrize(
    ("error_equals", "error", "expected"),
    [
        (["States.ALL"], "Custom", True),
        (["States.ALL"], "States.Timeout", True),
        (["States.ALL"], "States.Runtime", False),
        (["States.ALL"], "States.DataLimitExceeded", True),
        (["States.TaskFailed"], "States.DataLimitExceeded", False),
        (["States.TaskFailed"], "States.Runtime", False),
        (["States.TaskFailed"], "Custom", True),
        (["States.TaskFailed"], "States.Timeout", False),
        (["States.TaskFailed"], "States.HeartbeatTimeout", True),
        (["States.Timeout"], "States.Timeout", True),
        (["A", "B"], "B", True),
        (["A"], "a", False),
    ],
)
def test_error_matching(error_equals: list[str], error: str, expected: bool) -> None:
    assert matches(error_equals, error) is expected


def test_first_match_picks_the_first_handler_in_order() -> None:
    handlers = [Retrier(("A",)), Retrier(("States.ALL",)), Retrier(("B",))]
    assert first_match(handlers, "B") == 1
    assert first_match(handlers, "A") == 0
    assert first_match(handlers, "States.Runtime") is None
