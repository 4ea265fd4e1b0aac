"""Secrets every process of one database shares: made by the first process that needs one."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from app.store.database import Database
from app.store.tables import server_secrets

SECRET_BYTES = 32


def get_or_create(db: Database, name: str) -> str:
    """The secret called ``name``; two processes creating it at once agree on the first one stored."""
    for _ in range(2):
        with db.read() as conn:
            value = conn.execute(sa.select(server_secrets.c.value).where(server_secrets.c.name == name)).scalar()
            if value is not None:
                return str(value)
        try:
            with db.write() as conn:
                conn.execute(server_secrets.insert().values(name=name, value=secrets.token_hex(SECRET_BYTES)))
        except sa.exc.IntegrityError:
            continue  # another process stored it first: read theirs
    raise RuntimeError(f"the secret {name!r} could be neither read nor stored")
