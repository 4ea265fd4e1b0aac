"""Deployed functions: their code (a zip archive) and what a call needs beside it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.store.compiled import columns
from app.store.records import FunctionMeta
from app.store.tables import functions

_META = sa.select(*columns(functions, FunctionMeta))


def put(conn: sa.Connection, values: dict[str, Any]) -> None:
    """Create or replace the function ``values["name"]``."""
    conn.execute(functions.delete().where(functions.c.name == values["name"]))
    conn.execute(functions.insert().values(values))


def meta(conn: sa.Connection, name: str) -> FunctionMeta | None:
    row = conn.execute(_META.where(functions.c.name == name)).first()
    return None if row is None else FunctionMeta._make(row)


def code(conn: sa.Connection, name: str, code_sha256: str) -> bytes | None:
    """The archive of that version of the function, if it is still the deployed one."""
    query = sa.select(functions.c.code).where(functions.c.name == name, functions.c.code_sha256 == code_sha256)
    value = conn.execute(query).scalar()
    return None if value is None else bytes(value)


def listing(conn: sa.Connection) -> list[FunctionMeta]:
    return [FunctionMeta._make(row) for row in conn.execute(_META.order_by(functions.c.name))]


def delete(conn: sa.Connection, name: str) -> bool:
    return bool(conn.execute(functions.delete().where(functions.c.name == name)).rowcount)
