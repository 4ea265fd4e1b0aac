"""Short read and write transactions on one database; the unit every repository works in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app.settings import DEFAULT_DATABASE_CONNECTIONS
from app.store.combiner import WriteCombiner
from app.store.dialects import READ_ONLY_OPTION, Dialect, new_dialect

T = TypeVar("T")


class Database:
    """A writing and a reading engine, and the dialect that says how each is used."""

    def __init__(self, url: str, connections: int = DEFAULT_DATABASE_CONNECTIONS) -> None:
        self.url = url
        self.dialect: Dialect = new_dialect(url, connections)
        self.engine = self.dialect.create_engine(make_url(url))
        self._reader = self.dialect.reader(make_url(url), self.engine)
        self._combiner = WriteCombiner(self.write) if self.dialect.groups_commits else None

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A transaction that only reads (on SQLite it does not take the write lock)."""
        with self._reader.connect().execution_options(**{READ_ONLY_OPTION: True}) as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """A transaction that commits on success and rolls back on any exception."""
        with self.dialect.write_lock(), self.engine.begin() as conn:
            yield conn

    def write_small(self, write: Callable[[sa.Connection], T]) -> T:
        """Run a short write in a transaction, committed together with others waiting (SQLite).

        ``write`` must use only the connection it is given, and may run inside a SAVEPOINT.
        """
        if self._combiner is not None:
            return self._combiner.submit(write)
        with self.write() as conn:
            return write(conn)

    def check_writable(self) -> None:
        """Raise unless the database takes a write now: a write transaction that changes nothing.

        A read-only SQLite file, a full disk or a PostgreSQL standby fails here, as every real write would.
        """
        with self.write() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = version_num WHERE 1 = 0"))

    def dispose(self) -> None:
        if self._combiner is not None:
            self._combiner.close()
        self.engine.dispose()
        if self._reader is not self.engine:
            self._reader.dispose()


def create_database_engine(url: str) -> sa.Engine:
    """A writing engine tuned for the database ``url`` names (for migrations and tests)."""
    return new_dialect(url).create_engine(make_url(url))


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database did not take the work (a connection refused or lost, none free in
    the pool, a locked or read-only file): a fault of the server that passes, never of the work that met it."""
    if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError | sa.exc.TimeoutError):
        return True
    return isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated
