"""random_error: a function that fails at random, in two different ways, so Retry and Catch have work to do.

It walks down from ``current-depth`` to ``max-depth``; at every level it fails with ``MaxDepthError`` with
probability ``error-rate`` (a transient failure: the state machine retries it). If it gets to the bottom it rolls two
dice, and doubles raise ``DoublesRolledError`` (a business outcome: the state machine catches it, never retries).

Lambda's Python runtime names an error after the exception's class, and so does this server: ``errorType`` is
``MaxDepthError`` or ``DoublesRolledError``, the names the Retry and Catch rules match.

Given a ``seed``, the outcome of each ``attempt`` (``$$.State.RetryCount``) is reproducible.
"""

from __future__ import annotations

import random
from typing import Any


class MaxDepthError(Exception):
    """A failure worth retrying: the next attempt may well get through."""


class DoublesRolledError(Exception):
    """The dice came up doubles: an answer, not an accident, so retrying would not help."""


def attempt_outcome(event: dict[str, Any]) -> dict[str, Any]:
    """What one call does with this event: returns its result, or raises one of the two errors."""
    seed, attempt = event.get("seed"), int(event.get("attempt", 0))
    rng = random.Random(f"{seed}:{attempt}") if seed is not None else random.Random()
    max_depth, current_depth = int(event["max-depth"]), int(event["current-depth"])
    error_rate = float(event["error-rate"])
    for depth in range(current_depth, max_depth):
        if rng.random() < error_rate:
            raise MaxDepthError(f"gave up at depth {depth + 1} of {max_depth} (attempt {attempt})")
    dice = [rng.randint(1, 6), rng.randint(1, 6)]
    if dice[0] == dice[1]:
        raise DoublesRolledError(f"rolled doubles: {dice[0]} and {dice[1]} (attempt {attempt})")
    return {"depth": max_depth, "dice": dice, "attempt": attempt}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point: see the module docstring."""
    return attempt_outcome(event)
