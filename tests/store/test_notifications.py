"""Cross-process wake-ups on PostgreSQL: a broadcast from one notifier reaches the others."""

from __future__ import annotations

import queue
from collections.abc import Iterator

import pytest

from app.store.database import Database
from app.store.notifications import PostgresNotifier
from tests.support.databases import create_postgres_database, drop_postgres_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def database() -> Iterator[Database]:
    url = create_postgres_database()
    db = Database(url)
    yield db
    db.dispose()
    drop_postgres_database(url)


def _started(db: Database) -> tuple[PostgresNotifier, queue.SimpleQueue[str]]:
    received: queue.SimpleQueue[str] = queue.SimpleQueue()
    notifier = PostgresNotifier(db.engine, received.put)
    notifier.start()
    return notifier, received


def _wait_listening(sender: PostgresNotifier, received: queue.SimpleQueue[str]) -> None:
    """LISTEN starts in the background: broadcast until the first message arrives."""
    for _ in range(50):
        sender.broadcast("hello")
        try:
            if received.get(timeout=0.2) == "hello":
                break
        except queue.Empty:
            continue
    else:
        pytest.fail("the listener never received a notification")
    while not received.empty():
        received.get()


def test_broadcasts_reach_the_other_process_merged_and_pool_stays_transactional(database: Database) -> None:
    sender, _ = _started(database)
    listener, received = _started(database)
    try:
        _wait_listening(sender, received)
        for message in ["work", "activity:arn:a", "work"]:
            sender.broadcast(message)
        got = {received.get(timeout=5)}
        while len(got) < 2:
            got.add(received.get(timeout=5))
        assert got == {"work", "activity:arn:a"}
        # The notifiers' autocommit connections left the pool: a write can still roll back.
        with pytest.raises(RuntimeError), database.write() as conn:
            conn.exec_driver_sql("CREATE TABLE scratch (n integer)")
            raise RuntimeError("roll back")
        with database.read() as conn:
            assert conn.exec_driver_sql("SELECT to_regclass('scratch')").scalar() is None
    finally:
        sender.stop()
        listener.stop()
