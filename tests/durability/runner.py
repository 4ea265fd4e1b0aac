"""Drives a workload in the background while the test kills and restarts servers under it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.server_process import ServerProcess
from tests.durability.workload import Workload


class Starter:
    """Starts every execution of a workload (then stops the stoppable ones) on a thread of its own."""

    def __init__(self, workload: Workload) -> None:
        self.workload = workload
        self.error: BaseException | None = None
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="workload-starter", daemon=True)

    def start(self) -> Starter:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self.workload.start_all()
            self.workload.stop_the_stoppable()
        except BaseException as exc:  # handed to the test by join()
            self.error = exc
        finally:
            self.done.set()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"starting the workload took more than {timeout}s"
        if self.error is not None:
            raise self.error


def midway(workload: Workload, total: int, fraction: float) -> Callable[[], bool]:
    """True once ``fraction`` of ``total`` executions has ended (the starts may still be going on)."""
    return lambda: workload.ended_count() >= fraction * total


def crashed_or_done(server: ServerProcess, workload: Workload, starter: Starter, total: int) -> Callable[[], bool]:
    """True once the server died, or once everything ended without it dying."""
    return lambda: not server.alive() or (starter.done.is_set() and workload.ended_count() >= total)
