"""A server process opens no more PostgreSQL connections than ``SFN_DATABASE_CONNECTIONS``, however many of its
threads want one at once: the rest wait for a free one, rather than have PostgreSQL refuse them."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.store import migrate
from app.store.database import Database
from tests.support.databases import drop_database, new_database, postgres_admin_url

CONNECTIONS = 6
THREADS = 24


@pytest.mark.postgres
def test_busy_threads_share_the_process_s_connections(tmp_path: Path) -> None:
    url = new_database("postgresql", tmp_path)
    migrate.upgrade(url)
    database = Database(url, CONNECTIONS)
    name = sa.make_url(url).database
    admin = sa.create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    seen: list[int] = []
    done = threading.Event()

    def count() -> None:
        with admin.connect() as conn:
            while not done.is_set():
                query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
                seen.append(int(conn.exec_driver_sql(query, (name,)).scalar_one()))

    def busy(index: int) -> None:
        with database.read() if index % 2 else database.write() as conn:
            conn.exec_driver_sql("SELECT pg_sleep(0.05)")

    watcher = threading.Thread(target=count)
    watcher.start()
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(busy, range(THREADS * 4)))
    finally:
        done.set()
        watcher.join()
        database.dispose()
        admin.dispose()
        drop_database("postgresql", url)
    assert max(seen) == CONNECTIONS, seen  # all of them used, and never more
