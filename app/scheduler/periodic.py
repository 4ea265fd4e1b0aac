"""A background thread that repeats one step and sleeps until it is due again (the schedules' hook).

The step and its pause are handed in from the top (``composition``): the scheduler knows nothing of what
the step does, as it knows nothing of the integrations it calls.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from app.executions.signals import Wakeup
from app.failure_log import RepeatingFailure

log = logging.getLogger(__name__)


class Periodic:
    """Runs ``step()``, then sleeps ``pause()`` seconds or until ``wakeup`` is nudged, until stopped."""

    def __init__(self, name: str, step: Callable[[], object], pause: Callable[[], float], wakeup: Wakeup) -> None:
        self.name = name
        self._step = step
        self._pause = pause
        self._wakeup = wakeup
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures = RepeatingFailure(log, f"the {name} thread")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._wakeup.notify()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while not self._stopping.is_set():
            seen = self._wakeup.generation
            began = self._failures.now()
            try:
                self._step()
                pause = self._pause()
                self._failures.succeeded(began)
            except Exception as exc:  # a database hiccup: said once per outage, tried again in a second
                self._failures.failed(exc)
                pause = 1.0
            if not self._stopping.is_set():
                self._wakeup.wait(seen, pause)
