"""In-process wake-ups: a producer of work nudges sleeping workers instead of making them poll."""

from __future__ import annotations

import threading


class Wakeup:
    """A generation counter under a condition, so a nudge between a check and a wait is never lost."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._generation = 0

    @property
    def generation(self) -> int:
        with self._condition:
            return self._generation

    def notify(self) -> None:
        with self._condition:
            self._generation += 1
            self._condition.notify_all()

    def wait(self, seen: int, timeout: float) -> None:
        """Sleep up to ``timeout`` seconds unless a nudge came after generation ``seen``."""
        with self._condition:
            self._condition.wait_for(lambda: self._generation != seen, timeout=max(timeout, 0.0))
