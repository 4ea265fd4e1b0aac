"""Published versions of state machines, and their aliases."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.store.compiled import Query, columns
from app.store.records import AliasRecord, VersionRecord
from app.store.tables import state_machine_aliases as aliases
from app.store.tables import state_machine_versions as versions
from app.store.tables import state_machines

_VERSION = sa.select(*columns(versions, VersionRecord))
_GET_VERSION = Query(_VERSION.where(versions.c.arn == sa.bindparam("arn")), VersionRecord)
_ALIAS = sa.select(*columns(aliases, AliasRecord))
_GET_ALIAS = Query(_ALIAS.where(aliases.c.arn == sa.bindparam("arn")), AliasRecord)


def get_version(conn: sa.Connection, arn: str) -> VersionRecord | None:
    return _GET_VERSION.first(conn, {"arn": arn})


def version_of_revision(conn: sa.Connection, state_machine_arn: str, revision_id: str) -> VersionRecord | None:
    """The newest version published from a revision, if any."""
    query = (
        _VERSION.where(versions.c.state_machine_arn == state_machine_arn, versions.c.revision_id == revision_id)
        .order_by(versions.c.version.desc())
        .limit(1)
    )
    row = conn.execute(query).first()
    return None if row is None else VersionRecord._make(row)


def count_versions(conn: sa.Connection, state_machine_arn: str) -> int:
    query = sa.select(sa.func.count()).where(versions.c.state_machine_arn == state_machine_arn)
    return int(conn.execute(query).scalar_one())


def next_version_number(conn: sa.Connection, state_machine_arn: str) -> int:
    """Take the machine's next version number (numbers are never reused)."""
    conn.execute(
        state_machines.update()
        .where(state_machines.c.arn == state_machine_arn)
        .values(last_version=state_machines.c.last_version + 1)
    )
    query = sa.select(state_machines.c.last_version).where(state_machines.c.arn == state_machine_arn)
    return int(conn.execute(query).scalar_one())


def insert_version(conn: sa.Connection, values: dict[str, Any]) -> None:
    conn.execute(versions.insert().values(**values))


def delete_version(conn: sa.Connection, arn: str) -> None:
    conn.execute(versions.delete().where(versions.c.arn == arn))


def version_page(conn: sa.Connection, state_machine_arn: str, after: int | None, limit: int) -> list[VersionRecord]:
    """A machine's versions, newest first, after version number ``after``."""
    query = _VERSION.where(versions.c.state_machine_arn == state_machine_arn)
    if after is not None:
        query = query.where(versions.c.version < after)
    query = query.order_by(versions.c.version.desc()).limit(limit)
    return [VersionRecord._make(row) for row in conn.execute(query)]


def get_alias(conn: sa.Connection, arn: str) -> AliasRecord | None:
    return _GET_ALIAS.first(conn, {"arn": arn})


def insert_alias(conn: sa.Connection, values: dict[str, Any]) -> None:
    conn.execute(aliases.insert().values(**values))


def update_alias(conn: sa.Connection, arn: str, values: dict[str, Any]) -> None:
    conn.execute(aliases.update().where(aliases.c.arn == arn).values(**values))


def delete_alias(conn: sa.Connection, arn: str) -> None:
    conn.execute(aliases.delete().where(aliases.c.arn == arn))


def aliases_of(conn: sa.Connection, state_machine_arn: str) -> list[AliasRecord]:
    """Every alias of a machine, newest first (a machine has at most 100)."""
    query = _ALIAS.where(aliases.c.state_machine_arn == state_machine_arn).order_by(
        aliases.c.created_at.desc(), aliases.c.arn.desc()
    )
    return [AliasRecord._make(row) for row in conn.execute(query)]


def delete_all(conn: sa.Connection, state_machine_arn: str) -> None:
    """A deleted machine takes its versions and aliases with it."""
    conn.execute(aliases.delete().where(aliases.c.state_machine_arn == state_machine_arn))
    conn.execute(versions.delete().where(versions.c.state_machine_arn == state_machine_arn))
