"""A failure that repeats is logged in full once, then counted, then its end is logged."""

from __future__ import annotations

import logging

import pytest

from app.failure_log import RepeatingFailure


def test_an_outage_is_told_once_counted_and_ended(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    failures = RepeatingFailure(logging.getLogger("test.outage"), "the thing", every_seconds=60, clock=lambda: now[0])
    caplog.set_level(logging.INFO, "test.outage")
    for second in range(120):
        now[0] = float(second)
        try:
            raise OSError("disk full\nsecond line")
        except OSError as exc:
            failures.failed(exc)
    failures.succeeded(began=119.0)  # began before the last failure: proves nothing
    failures.succeeded(began=119.5)
    failures.succeeded(began=120.0)  # nothing was failing any more: nothing to say
    messages = [(record.levelname, record.getMessage(), record.exc_info is not None) for record in caplog.records]
    assert messages == [
        ("ERROR", "the thing failed: OSError: disk full", True),
        ("ERROR", "the thing still failing (60 more times): OSError: disk full", False),
        ("WARNING", "the thing: working again (it failed with: OSError: disk full)", False),
    ]


def test_a_different_failure_is_told_in_full(caplog: pytest.LogCaptureFixture) -> None:
    failures = RepeatingFailure(logging.getLogger("test.other"), "work", clock=lambda: 0.0)
    caplog.set_level(logging.INFO, "test.other")
    for error in (ValueError("a"), ValueError("a"), KeyError("b")):
        failures.failed(error)
    assert [record.getMessage() for record in caplog.records] == [
        "work failed: ValueError: a",
        "work failed: KeyError: 'b'",
    ]
