"""Alembic environment: migrates the database named by the caller (or ``SFN_DATABASE_URL``)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from app.settings import get_settings
from app.store.database import create_database_engine
from app.store.tables import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = create_database_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
