"""Where SQLite and PostgreSQL differ, in one object per database; the rest of the store is shared SQL.

SQLite: one file, one writer at a time. Writers queue on a lock in this process (not in SQLite's
busy handler, which sleeps up to 100 ms between tries) and short writes share one commit; reads
never wait for the writer (WAL), so the API may run them on its event loop. Wake-ups stay inside
the process, which is the only one.

PostgreSQL: any number of processes. Reads run in autocommit (READ COMMITTED gives each statement
a fresh snapshot anyway, so BEGIN and COMMIT would be round trips for nothing); many rows of one
insert go through ``COPY``; processes wake each other with LISTEN/NOTIFY.
"""

from __future__ import annotations

import contextlib
import select
import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from app.settings import DEFAULT_DATABASE_CONNECTIONS
from app.store.notifications import PostgresNotifier

SQLITE_BUSY_TIMEOUT_MS = 30_000
READ_ONLY_OPTION = "sfn_read_only"


class Dialect:
    """What a database backend needs done its own way; :func:`dialect_of` picks the instance."""

    name: str = ""
    #: Short writes from many threads are committed together by one writer thread.
    groups_commits: bool = False
    #: A read never waits for a writer, so it is cheap enough to run on the event loop.
    reads_without_waiting: bool = False
    #: Many rows of one table can be sent as one stream (:meth:`insert_many`).
    streams_inserts: bool = False
    #: One process serves the database: a lease found at start belongs to a process that died.
    single_process: bool = False

    def __init__(self, connections: int = DEFAULT_DATABASE_CONNECTIONS) -> None:
        #: The most connections the process's engines open together (where the database counts them).
        self.connections = connections

    def create_engine(self, url: URL) -> sa.Engine:
        raise NotImplementedError

    def reader(self, url: URL, writer: sa.Engine) -> sa.Engine:
        """The engine reads go through."""
        return writer

    def write_lock(self) -> AbstractContextManager[object]:
        """Held around every write transaction of this process."""
        return contextlib.nullcontext()

    def insert_many(self, cursor: Any, table: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert many rows in one stream (only where :attr:`streams_inserts`)."""
        raise NotImplementedError

    def notifier(self, engine: sa.Engine, on_message: Callable[[str], None]) -> PostgresNotifier | None:
        """A channel that wakes the other processes of this database, if there can be any."""
        return None


class SqliteDialect(Dialect):
    name = "sqlite"
    groups_commits = True
    reads_without_waiting = True
    single_process = True

    def __init__(self, connections: int = DEFAULT_DATABASE_CONNECTIONS) -> None:
        super().__init__(connections)
        self._lock = threading.Lock()

    def create_engine(self, url: URL) -> sa.Engine:
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
            read_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
            connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine

    def write_lock(self) -> AbstractContextManager[object]:
        return self._lock


class PostgresDialect(Dialect):
    name = "postgresql"
    streams_inserts = True

    def create_engine(self, url: URL, *, isolation: str = "READ COMMITTED", reads: bool = False) -> sa.Engine:
        # A third of the process's connections read, the rest write. A thread that finds its pool's all in
        # use waits for one (up to the pool's timeout) rather than open one PostgreSQL may refuse: a server's
        # share of the database's connections is fixed, however busy its threads are.
        share = max(1, self.connections // 3)
        size = share if reads else max(1, self.connections - share)
        engine = sa.create_engine(url, pool_size=size, max_overflow=0, isolation_level=isolation)
        sa.event.listen(engine, "checkout", _replace_if_server_hung_up)
        return engine

    def reader(self, url: URL, writer: sa.Engine) -> sa.Engine:
        return self.create_engine(url, isolation="AUTOCOMMIT", reads=True)

    def insert_many(self, cursor: Any, table: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> None:
        # COPY sends the rows as one stream: a transition's dozens or thousands of history events
        # cost a fraction of the Python and server time of an executemany.
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in columns])

    def notifier(self, engine: sa.Engine, on_message: Callable[[str], None]) -> PostgresNotifier | None:
        return PostgresNotifier(engine, on_message)


def _replace_if_server_hung_up(dbapi_connection: Any, record: object, proxy: object) -> None:
    """Keep a connection the server has closed (a restart, a terminated backend) from serving a request.

    An idle connection has nothing to read unless the server said goodbye (its FATAL message, or
    the end of the stream), so a zero-timeout poll of the socket, without a round trip as
    ``pool_pre_ping`` would make on every checkout, finds it; the pool then opens a fresh one.
    """
    if dbapi_connection.closed or select.select([dbapi_connection], [], [], 0)[0]:
        raise sa.exc.DisconnectionError("the server closed this pooled connection")


_KINDS: dict[str, Callable[[int], Dialect]] = {"sqlite": SqliteDialect, "postgresql": PostgresDialect}
_SHARED: dict[str, Dialect] = {"sqlite": SqliteDialect(), "postgresql": PostgresDialect()}


def new_dialect(url: str | URL, connections: int = DEFAULT_DATABASE_CONNECTIONS) -> Dialect:
    """A dialect for a database URL, with state of its own (SQLite's writer lock is per database)."""
    backend = make_url(url).get_backend_name()
    if backend not in _KINDS:
        raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql+psycopg://")
    return _KINDS[backend](connections)


def dialect_of(conn: sa.Connection) -> Dialect:
    """The stateless behaviour of the dialect a connection speaks (for statements run on it)."""
    return _SHARED[conn.dialect.name]
