"""A pooled connection the server has closed (as a PostgreSQL restart closes them all) fails no transaction."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.store import migrate
from app.store.database import Database
from tests.support.databases import drop_database, new_database, postgres_admin_url
from tests.support.waiting import wait_until


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    url = new_database("postgresql", tmp_path)
    migrate.upgrade(url)
    database = Database(url)
    yield database
    database.dispose()
    drop_database("postgresql", url)


def _backend_pid(conn: sa.Connection) -> int:
    return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


@pytest.mark.postgres
def test_reads_and_writes_go_on_after_the_server_closed_every_pooled_connection(database: Database) -> None:
    with database.read() as conn:
        reader = _backend_pid(conn)
    with database.write() as conn:
        writer = _backend_pid(conn)
    admin = sa.create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM unnest(ARRAY[%s, %s]) AS pid", (reader, writer))

            def gone() -> bool:
                alive = "SELECT count(*) FROM pg_stat_activity WHERE pid IN (%s, %s)"
                return bool(conn.exec_driver_sql(alive, (reader, writer)).scalar_one() == 0)

            wait_until(gone, timeout=10, what="terminated backends still listed")
    finally:
        admin.dispose()
    with database.read() as conn:
        assert _backend_pid(conn) != reader
    with database.write() as conn:
        assert _backend_pid(conn) != writer
