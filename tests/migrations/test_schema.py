"""The migrations and the table metadata describe the same schema, on every backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.store import migrate
from app.store.database import create_database_engine
from app.store.tables import metadata
from tests.support.databases import BACKENDS, drop_database, new_database


@pytest.fixture(params=BACKENDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    url = new_database(request.param, tmp_path)
    yield url
    drop_database(request.param, url)


def test_upgrade_head_yields_exactly_the_metadata(empty_database: str) -> None:
    migrate.upgrade(empty_database)
    engine = create_database_engine(empty_database)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert differences == []


def test_upgrade_is_repeatable(empty_database: str) -> None:
    migrate.upgrade(empty_database)
    migrate.upgrade(empty_database)
    engine = create_database_engine(empty_database)
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    engine.dispose()
    assert {table.name for table in metadata.sorted_tables} <= tables
