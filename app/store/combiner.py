"""Group commit: many small writes from many threads share one SQLite transaction.

SQLite takes one writer at a time and a commit costs as much as several statements, so under
load the writers of API calls (StartExecution, GetActivityTask, SendTaskSuccess, ...) queue for
the lock one commit each. Here they hand their write to one thread, which runs every write that
is waiting in one transaction — each in its own SAVEPOINT, so one write's error undoes only that
write — commits once, and gives each caller its result or its exception.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

import sqlalchemy as sa

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_BATCH = 64

Job = tuple[Callable[[sa.Connection], Any], "Future[Any]"]


class WriteCombiner:
    """One writer thread; ``submit`` blocks its caller until the write is committed."""

    def __init__(self, begin: Callable[[], Any]) -> None:
        self._begin = begin  # opens a write transaction (a context manager yielding a Connection)
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="sfn-writer", daemon=True)
        self._started = False
        self._start_lock = threading.Lock()

    def submit(self, write: Callable[[sa.Connection], T]) -> T:
        """Run ``write`` inside the next group transaction and return what it returned."""
        self._ensure_started()
        future: Future[T] = Future()
        self._jobs.put((write, future))
        return future.result()

    def close(self) -> None:
        if self._started:
            self._jobs.put(None)
            self._thread.join(timeout=5)

    def _ensure_started(self) -> None:
        with self._start_lock:
            if not self._started:
                self._thread.start()
                self._started = True

    def _run(self) -> None:
        while True:
            first = self._jobs.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._jobs.put(None)
                    break
                batch.append(job)
            self._commit(batch)

    def _commit(self, batch: list[Job]) -> None:
        outcomes: list[tuple[Future[Any], Any, BaseException | None]] = []
        try:
            with self._begin() as conn:
                driver = conn.connection.driver_connection
                assert driver is not None
                for write, future in batch:
                    # SAVEPOINTs straight on the driver: SQLAlchemy's nested transactions cost
                    # more Python than the writes they wrap.
                    driver.execute("SAVEPOINT group_write")
                    try:
                        outcomes.append((future, write(conn), None))
                    except Exception as exc:  # this write alone is undone; the caller gets its error
                        driver.execute("ROLLBACK TO SAVEPOINT group_write")
                        outcomes.append((future, None, exc))
                    driver.execute("RELEASE SAVEPOINT group_write")
        except Exception as exc:  # the commit failed: every write of the batch failed with it
            log.warning("a group commit of %d writes failed: %s", len(batch), exc)
            for _, future in batch:
                future.set_exception(exc)
            return
        for future, value, error in outcomes:
            if error is None:
                future.set_result(value)
            else:
                future.set_exception(error)
