"""The SQLAlchemy engine factory: the one place where SQLite and PostgreSQL differ."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from app.store.combiner import WriteCombiner

T = TypeVar("T")
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Per engine (a process has a writing and a reading one): two processes stay within PostgreSQL's
# default of 100 connections at their usual peak.
PG_POOL_SIZE = 20
PG_MAX_OVERFLOW = 10
_READ_ONLY = "sfn_read_only"


class Database:
    """Short read and write transactions over one engine; the unit every repository works in."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_database_engine(url)
        # PostgreSQL reads in READ COMMITTED see a fresh snapshot per statement anyway, so they run
        # in autocommit: no BEGIN and COMMIT round trips around them.
        self._reader = self.engine if self.is_sqlite else create_database_engine(url, autocommit=True)
        # SQLite has one writer at a time. Queueing writers here, instead of in SQLite's busy
        # handler (which sleeps up to 100 ms between tries), keeps commits back to back.
        self._write_lock: AbstractContextManager[object] = (
            threading.Lock() if self.is_sqlite else contextlib.nullcontext()
        )
        self._combiner = WriteCombiner(self.write) if self.is_sqlite else None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A transaction that only reads (on SQLite it does not take the write lock)."""
        with self._reader.connect().execution_options(**{_READ_ONLY: True}) as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """A transaction that commits on success and rolls back on any exception."""
        with self._write_lock, self.engine.begin() as conn:
            yield conn

    def write_small(self, write: Callable[[sa.Connection], T]) -> T:
        """Run a short write in a transaction, committed together with others waiting (SQLite).

        ``write`` must use only the connection it is given, and may run inside a SAVEPOINT.
        """
        if self._combiner is not None:
            return self._combiner.submit(write)
        with self.write() as conn:
            return write(conn)

    def dispose(self) -> None:
        if self._combiner is not None:
            self._combiner.close()
        self.engine.dispose()
        if self._reader is not self.engine:
            self._reader.dispose()


def create_database_engine(url: str, *, autocommit: bool = False) -> sa.Engine:
    """An engine tuned for the dialect: SQLite in WAL mode with immediate transactions."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    # No pre-ping: it costs a round trip per transaction. A connection a restarted server broke
    # fails its first statement, and SQLAlchemy then replaces the pool's connections.
    # The pool keeps as many connections as the API's worker threads use at once under load:
    # an overflow connection is closed on return, and opening one costs a PostgreSQL backend.
    isolation = "AUTOCOMMIT" if autocommit else "READ COMMITTED"
    return sa.create_engine(parsed, pool_size=PG_POOL_SIZE, max_overflow=PG_MAX_OVERFLOW, isolation_level=isolation)


def _sqlite_engine(url: URL) -> sa.Engine:
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=8,
        max_overflow=8,
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself, so every transaction can be an immediate one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # Writers take the lock up front: a deferred transaction that later writes can deadlock.
        read_only = connection.get_execution_options().get(_READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine
