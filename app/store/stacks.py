"""Stacks: what each deployment of a template made, for the next deployment and for deletion."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.store.compiled import columns
from app.store.records import StackRecord
from app.store.tables import stacks

_ROW = sa.select(*columns(stacks, StackRecord))


def get(conn: sa.Connection, name: str) -> StackRecord | None:
    row = conn.execute(_ROW.where(stacks.c.name == name)).first()
    return None if row is None else StackRecord._make(row)


def put(conn: sa.Connection, values: dict[str, Any]) -> None:
    """Create or replace the stack ``values["name"]``, keeping its creation time."""
    existing = get(conn, values["name"])
    if existing is None:
        conn.execute(stacks.insert().values(values))
    else:
        changed = {key: value for key, value in values.items() if key != "created_at"}
        conn.execute(stacks.update().where(stacks.c.name == values["name"]).values(changed))


def listing(conn: sa.Connection) -> list[StackRecord]:
    return [StackRecord._make(row) for row in conn.execute(_ROW.order_by(stacks.c.name))]


def delete(conn: sa.Connection, name: str) -> None:
    conn.execute(stacks.delete().where(stacks.c.name == name))
