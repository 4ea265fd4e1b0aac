"""The store's statements run against a freshly migrated database of each backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import migrate
from app.store.database import Database
from tests.support.databases import BACKENDS, drop_database, new_database


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    url = new_database(request.param, tmp_path)
    migrate.upgrade(url)
    database = Database(url)
    yield database
    database.dispose()
    drop_database(request.param, url)
