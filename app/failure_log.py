"""Log a failure that repeats (a database gone read-only, a lost connection) without flooding the log.

The first occurrence is logged with its traceback; while the same failure goes on, one line at most
every :data:`REPEAT_EVERY_SECONDS` says how often it happened since; the first success after it says
that it is over. A person reading the log sees each outage once, with its cause and its end.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

REPEAT_EVERY_SECONDS = 60.0


class RepeatingFailure:
    """The log of one kind of work that fails and is retried (a scheduler loop, API requests)."""

    def __init__(
        self,
        logger: logging.Logger,
        what: str,
        every_seconds: float = REPEAT_EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._what = what
        self._every = every_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failing: str | None = None
        self._failed_at = 0.0
        self._repeats = 0
        self._next_report = 0.0

    def now(self) -> float:
        """The moment work begins, for :meth:`succeeded`."""
        return self._clock()

    def failed(self, exc: BaseException) -> None:
        """Report ``exc`` (call inside its ``except`` block): in full when it is new, else counted."""
        summary = describe(exc)
        with self._lock:
            now = self._clock()
            self._failed_at = now
            if summary != self._failing:
                self._failing, self._repeats, self._next_report = summary, 0, now + self._every
                report_in_full = True
            else:
                self._repeats += 1
                report_in_full = False
                due = now >= self._next_report
                if due:
                    repeats, self._repeats, self._next_report = self._repeats, 0, now + self._every
        if report_in_full:
            self._logger.error("%s failed: %s", self._what, summary, exc_info=exc)
        elif due:
            self._logger.error("%s still failing (%d more times): %s", self._what, repeats, summary)

    def succeeded(self, began: float) -> None:
        """Work that began at ``began`` (:meth:`now`) went through: if it began after the last
        failure, the failure is over and is said to be (work begun before it proves nothing)."""
        if self._failing is None:
            return
        with self._lock:
            if began <= self._failed_at:
                return
            was, self._failing = self._failing, None
        if was is not None:
            self._logger.warning("%s: working again (it failed with: %s)", self._what, was)


def describe(exc: BaseException) -> str:
    """One line naming the exception: its type and the first line of its message."""
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__
