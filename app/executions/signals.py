"""In-process wake-ups: a producer of work nudges sleeping workers instead of making them poll."""

from __future__ import annotations

import asyncio
import contextlib
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


class ActivityWaiters:
    """Long-polling GetActivityTask calls sleep here until a task of their activity is scheduled.

    ``notify`` is called from scheduler threads; waiters live on the server's event loop.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}
        self._generations: dict[str, int] = {}

    def generation(self, activity_arn: str) -> int:
        """Read before looking for a task; pass to :meth:`wait` so a nudge in between is not lost."""
        with self._lock:
            return self._generations.get(activity_arn, 0)

    async def wait(self, activity_arn: str, timeout: float, seen: int) -> None:
        """Return when a task of ``activity_arn`` may be available, or after ``timeout`` seconds."""
        entry = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            if self._generations.get(activity_arn, 0) != seen:
                return
            self._waiters.setdefault(activity_arn, set()).add(entry)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(entry[1].wait(), timeout)
        finally:
            with self._lock:
                self._waiters.get(activity_arn, set()).discard(entry)

    def waiting(self, activity_arn: str) -> int:
        """How many polls wait for a task of ``activity_arn`` in this process right now."""
        with self._lock:
            return len(self._waiters.get(activity_arn, ()))

    def notify(self, activity_arn: str) -> None:
        with self._lock:
            self._generations[activity_arn] = self._generations.get(activity_arn, 0) + 1
            entries = list(self._waiters.get(activity_arn, ()))
        for loop, event in entries:
            with contextlib.suppress(RuntimeError):  # the loop has closed
                loop.call_soon_threadsafe(event.set)
