"""Cross-process wake-ups on PostgreSQL: LISTEN/NOTIFY as a hint, polling as the fallback.

Every server process listens on one channel. A process that committed new work sends a NOTIFY;
the others wake their scheduler (payload ``work``) or the activity pollers waiting on an activity
(payload ``activity:<arn>``) at once instead of at their next poll. Lost notifications only cost
latency: workers still poll.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

log = logging.getLogger(__name__)

CHANNEL = "sfn_work"
LISTEN_TIMEOUT = 1.0
RECONNECT_DELAY = 2.0


class PostgresNotifier:
    """A listener thread and a coalescing sender thread over two dedicated connections."""

    def __init__(self, engine: sa.Engine, on_message: Callable[[str], None]) -> None:
        self._engine = engine
        self._on_message = on_message
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._has_pending = threading.Event()
        self._stopping = threading.Event()
        self._threads = [
            threading.Thread(target=self._listen, name="sfn-listen", daemon=True),
            threading.Thread(target=self._send, name="sfn-notify", daemon=True),
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._has_pending.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def broadcast(self, message: str) -> None:
        """Queue a message for the other processes; repeats before the next send are merged."""
        with self._lock:
            self._pending.add(message)
        self._has_pending.set()

    def _send(self) -> None:
        connection: Any = None  # one autocommit connection of its own: a NOTIFY is one round trip
        while not self._stopping.is_set():
            self._has_pending.wait()
            self._has_pending.clear()
            with self._lock:
                messages, self._pending = self._pending, set()
            if not messages or self._stopping.is_set():
                continue
            try:
                if connection is None:
                    connection = self._autocommit_connection()
                connection.execute(
                    "SELECT pg_notify(%s, message) FROM unnest(%s::text[]) AS message", (CHANNEL, sorted(messages))
                )
            except Exception:
                log.warning("could not send a wake-up notification; other servers will poll", exc_info=True)
                _close(connection)
                connection = None
        _close(connection)

    def _listen(self) -> None:
        while not self._stopping.is_set():
            try:
                self._listen_once()
            except Exception:
                log.warning("wake-up listener lost its connection; reconnecting", exc_info=True)
                self._stopping.wait(RECONNECT_DELAY)

    def _autocommit_connection(self) -> Any:
        """A connection out of the pool for good: in autocommit it must never serve a transaction."""
        pooled: Any = self._engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()
        connection.autocommit = True
        return connection

    def _listen_once(self) -> None:
        connection = self._autocommit_connection()
        try:
            connection.execute(f"LISTEN {CHANNEL}")
            while not self._stopping.is_set():
                for notice in connection.notifies(timeout=LISTEN_TIMEOUT):
                    self._on_message(notice.payload)
        finally:
            _close(connection)


def _close(connection: Any) -> None:
    """Close a detached connection, if there is one; a broken one may fail to."""
    if connection is not None:
        with contextlib.suppress(Exception):
            connection.close()
