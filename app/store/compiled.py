"""Statements compiled once per dialect and run on the driver's own connection.

SQLAlchemy Core writes the SQL, so it stays portable; but running a statement through
``Connection.execute`` costs tens of microseconds of Python (cache keys, events, result
metadata), more than SQLite needs to run it. The statements on the hot paths (every API call's
lookups, every transition's writes, the work queue) are compiled here once per dialect and given
to the DBAPI connection of the transaction directly; they run inside that same transaction.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.compiler import Compiled as CoreCompiled
from sqlalchemy.sql.expression import ClauseElement

Record = Any  # a named tuple of the result's columns, read by attribute like a Core row

_NO_PARAMS: Mapping[str, Any] = {}


class Compiled:
    """One statement with named ``bindparam``s (no expanding IN lists), ready for any dialect."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._forms: dict[str, _Form] = {}

    def execute(self, conn: sa.Connection, params: Mapping[str, Any] = _NO_PARAMS) -> Any:
        """Run the statement; the driver's cursor, for its rowcount or rows."""
        return self._run(conn, params)[1]

    def first(self, conn: sa.Connection, params: Mapping[str, Any] = _NO_PARAMS) -> Record | None:
        form, cursor = self._run(conn, params)
        values = cursor.fetchone()
        return None if values is None else form.record(cursor)._make(values)

    def all(self, conn: sa.Connection, params: Mapping[str, Any] = _NO_PARAMS) -> list[Record]:
        form, cursor = self._run(conn, params)
        make = form.record(cursor)._make
        return [make(values) for values in cursor.fetchall()]

    def scalar(self, conn: sa.Connection, params: Mapping[str, Any] = _NO_PARAMS) -> Any:
        values = self.execute(conn, params).fetchone()
        return None if values is None else values[0]

    def rowcount(self, conn: sa.Connection, params: Mapping[str, Any] = _NO_PARAMS) -> int:
        return int(self.execute(conn, params).rowcount)

    def execute_many(self, conn: sa.Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        form = self._form(conn)
        arguments = [form.arguments(row) for row in rows]
        with _driver_cursor(conn, form.sql, arguments) as cursor:
            cursor.executemany(form.sql, arguments)

    def _run(self, conn: sa.Connection, params: Mapping[str, Any]) -> tuple[_Form, Any]:
        form = self._form(conn)
        arguments = form.arguments(params)
        try:
            return form, conn.connection.driver_connection.execute(form.sql, arguments)  # type: ignore[union-attr]
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(conn, form.sql, arguments, exc) from exc

    def _form(self, conn: sa.Connection) -> _Form:
        dialect = conn.dialect
        form = self._forms.get(dialect.name)
        if form is None:
            form = _Form(self.statement.compile(dialect=dialect))
            self._forms[dialect.name] = form
        return form


class Insert(Compiled):
    """``INSERT`` of exactly these columns, each bound to the parameter of its name.

    Many rows at once go through ``COPY`` on PostgreSQL.

    ``COPY`` sends the rows as one stream: a transition's dozens or thousands of history events
    cost a fraction of the Python and server time of an ``executemany``.
    """

    def __init__(self, table: sa.Table, columns: Sequence[str]) -> None:
        super().__init__(table.insert().values({name: sa.bindparam(name) for name in columns}))
        self._columns = tuple(columns)
        self._copy_sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"

    def execute_many(self, conn: sa.Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        if len(rows) < 2 or conn.dialect.name != "postgresql":
            super().execute_many(conn, rows)
            return
        with _driver_cursor(conn, self._copy_sql, rows) as cursor, cursor.copy(self._copy_sql) as copy:
            for row in rows:
                copy.write_row([row[name] for name in self._columns])


class _Form:
    """A statement's SQL in one dialect, and how to turn named parameters into the driver's."""

    def __init__(self, compiled: CoreCompiled) -> None:
        self.sql = compiled.string
        self._defaults = {name: value for name, value in compiled.params.items() if value is not None}
        positions = getattr(compiled, "positiontup", None)
        self._positions: tuple[str, ...] | None = None if positions is None else tuple(positions)
        self._record: type[Any] | None = None

    def arguments(self, params: Mapping[str, Any]) -> Any:
        merged = {**self._defaults, **params} if self._defaults else params
        if self._positions is None:
            return merged
        return tuple(merged[name] for name in self._positions)

    def record(self, cursor: Any) -> type[Any]:
        if self._record is None:
            names = [column[0] for column in cursor.description]
            self._record = namedtuple("Record", names, rename=True)  # type: ignore[misc]
        return self._record


@contextmanager
def _driver_cursor(conn: sa.Connection, sql: str, arguments: Any) -> Iterator[Any]:
    """A cursor on the transaction's driver connection, closed after; driver errors as Core's."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        yield cursor
    except conn.dialect.loaded_dbapi.Error as exc:
        raise _wrapped(conn, sql, arguments, exc) from exc
    finally:
        cursor.close()


def _wrapped(conn: sa.Connection, sql: str, arguments: Any, exc: Exception) -> sa.exc.StatementError:
    """The SQLAlchemy exception ``conn.execute`` would have raised (IntegrityError, ...)."""
    return sa.exc.DBAPIError.instance(sql, arguments, exc, conn.dialect.loaded_dbapi.Error)
