"""Retry and Catch: which errors a state handles, and how long to back off before retrying.

Matching follows the States Language: ``States.ALL`` matches every error except ``States.Runtime``;
``States.TaskFailed`` matches every error except ``States.Timeout``, ``States.Runtime`` and
``States.DataLimitExceeded``. A ``States.DataLimitExceeded`` that a task's integration reports (its
result is over the quota) is caught by ``States.ALL``, as AWS catches it; a state whose own output
is over the quota fails its branch without reaching Retry or Catch at all (``engine.advance``).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.asl import errors

_NOT_ALL = frozenset({errors.RUNTIME})
_NOT_TASK_FAILED = frozenset({errors.TIMEOUT, errors.RUNTIME, errors.DATA_LIMIT_EXCEEDED})


@dataclass(frozen=True)
class Retrier:
    error_equals: tuple[str, ...]
    interval_seconds: float = 1.0
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: float | None = None
    jitter_strategy: str = "NONE"


@dataclass(frozen=True)
class Catcher:
    error_equals: tuple[str, ...]
    next: str
    result_path: str | None = "$"
    output: Any = None
    assign: Mapping[str, Any] = field(default_factory=dict)
    has_output: bool = False


def parse_retriers(raw: Sequence[Mapping[str, Any]]) -> tuple[Retrier, ...]:
    return tuple(
        Retrier(
            error_equals=tuple(item["ErrorEquals"]),
            interval_seconds=float(item.get("IntervalSeconds", 1)),
            max_attempts=int(item.get("MaxAttempts", 3)),
            backoff_rate=float(item.get("BackoffRate", 2.0)),
            max_delay_seconds=item.get("MaxDelaySeconds"),
            jitter_strategy=item.get("JitterStrategy", "NONE"),
        )
        for item in raw
    )


def parse_catchers(raw: Sequence[Mapping[str, Any]]) -> tuple[Catcher, ...]:
    return tuple(
        Catcher(
            error_equals=tuple(item["ErrorEquals"]),
            next=item["Next"],
            result_path=item.get("ResultPath", "$"),
            output=item.get("Output"),
            assign=item.get("Assign", {}),
            has_output="Output" in item,
        )
        for item in raw
    )


def matches(error_equals: Sequence[str], error: str) -> bool:
    """Whether an ``ErrorEquals`` list covers ``error``."""
    for name in error_equals:
        if name == error:
            return True
        if name == errors.ALL and error not in _NOT_ALL:
            return True
        if name == errors.TASK_FAILED and error not in _NOT_TASK_FAILED:
            return True
    return False


def first_match(handlers: Sequence[Retrier | Catcher], error: str) -> int | None:
    """The index of the first retrier or catcher that handles ``error``."""
    for index, handler in enumerate(handlers):
        if matches(handler.error_equals, error):
            return index
    return None


def backoff_seconds(retrier: Retrier, attempt: int, rng: random.Random) -> float:
    """The wait before retry number ``attempt`` (0-based): interval x rate^attempt, capped, jittered.

    ``FULL`` jitter draws uniformly between 0 and the capped delay, as AWS documents it.
    """
    delay = retrier.interval_seconds * retrier.backoff_rate**attempt
    if retrier.max_delay_seconds is not None:
        delay = min(delay, float(retrier.max_delay_seconds))
    if retrier.jitter_strategy == "FULL":
        delay = rng.uniform(0.0, delay)
    return delay
