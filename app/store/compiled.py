"""Statements compiled once per dialect and run on the driver's own connection.

SQLAlchemy Core writes the SQL, so it stays portable; but running a statement through
``Connection.execute`` costs tens of microseconds of Python (cache keys, events, result
metadata), more than SQLite needs to run it. The statements on the hot paths (every API call's
lookups, every transition's writes, the work queue) are compiled here once per dialect and given
to the DBAPI connection of the transaction directly; they run inside that same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Generic, NamedTuple, TypeVar

import sqlalchemy as sa
from sqlalchemy.sql.compiler import Compiled as CoreCompiled
from sqlalchemy.sql.expression import ClauseElement

from app.store.dialects import dialect_of

R = TypeVar("R", bound=NamedTuple)
_NO_PARAMS: Mapping[str, Any] = {}


def columns(table: sa.Table, record: type[NamedTuple]) -> list[sa.Column[Any]]:
    """The columns of ``table`` a record of this type holds, in the record's order."""
    return [table.c[name] for name in record._fields]


def arn_page(conn: sa.Connection, table: sa.Table, record: type[R], after_arn: str | None, limit: int) -> list[R]:
    """A page of a table keyed by ``arn``, in ARN order, starting after ``after_arn``."""
    query = sa.select(*columns(table, record)).order_by(table.c.arn).limit(limit)
    if after_arn is not None:
        query = query.where(table.c.arn > after_arn)
    return [record._make(row) for row in conn.execute(query)]


class Compiled:
    """One statement with named ``bindparam``s (no expanding IN lists), ready for any dialect."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._forms: dict[str, _Form] = {}

    def execute(self, conn: sa.Connection, params: Mapping[str, Any] = _NO_PARAMS) -> Any:
        """Run the statement; the driver's cursor, for its rowcount or rows."""
        return self._run(conn, params)[1]

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


class Query(Compiled, Generic[R]):
    """A statement that returns rows, each as a ``record`` (a named tuple of its columns, in order)."""

    def __init__(self, statement: ClauseElement, record: type[R]) -> None:
        super().__init__(statement)
        self.record = record
        self._checked: set[str] = set()

    def first(self, conn: sa.Connection, params: Mapping[str, Any] = _NO_PARAMS) -> R | None:
        cursor = self._rows(conn, params)
        values = cursor.fetchone()
        return None if values is None else self.record._make(values)

    def all(self, conn: sa.Connection, params: Mapping[str, Any] = _NO_PARAMS) -> list[R]:
        make = self.record._make
        return [make(values) for values in self._rows(conn, params).fetchall()]

    def _rows(self, conn: sa.Connection, params: Mapping[str, Any]) -> Any:
        cursor = self.execute(conn, params)
        if conn.dialect.name not in self._checked:
            names = tuple(column[0] for column in cursor.description)
            assert names == self.record._fields, f"{self.record.__name__} has {self.record._fields}, rows have {names}"
            self._checked.add(conn.dialect.name)
        return cursor


class Insert(Compiled):
    """``INSERT`` of exactly these columns, each bound to the parameter of its name.

    Many rows at once go the dialect's fastest way (``COPY`` on PostgreSQL).
    """

    def __init__(self, table: sa.Table, columns: Sequence[str]) -> None:
        super().__init__(table.insert().values({name: sa.bindparam(name) for name in columns}))
        self._table = table.name
        self._columns = tuple(columns)

    def execute_many(self, conn: sa.Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        dialect = dialect_of(conn)
        if len(rows) < 2 or not dialect.streams_inserts:
            super().execute_many(conn, rows)
            return
        with _driver_cursor(conn, f"COPY {self._table}", rows) as cursor:
            dialect.insert_many(cursor, self._table, self._columns, rows)


class _Form:
    """A statement's SQL in one dialect, and how to turn named parameters into the driver's."""

    def __init__(self, compiled: CoreCompiled) -> None:
        self.sql = compiled.string
        self._defaults = {name: value for name, value in compiled.params.items() if value is not None}
        positions = getattr(compiled, "positiontup", None)
        self._positions: tuple[str, ...] | None = None if positions is None else tuple(positions)

    def arguments(self, params: Mapping[str, Any]) -> Any:
        merged = {**self._defaults, **params} if self._defaults else params
        if self._positions is None:
            return merged
        return tuple(merged[name] for name in self._positions)


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
