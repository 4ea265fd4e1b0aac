"""The databases the integration tiers run on: a SQLite file, and PostgreSQL where one is offered.

``SFN_TEST_POSTGRES_URL`` names a PostgreSQL server (a URL to its maintenance database) on which
the tests may create databases; ``.ci/run`` starts one and sets it. Without it the PostgreSQL
variants skip with a reason, except under CI, where a missing server is a failure.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

POSTGRES_ENV = "SFN_TEST_POSTGRES_URL"
# The parameters of every backend-parametrised fixture; the PostgreSQL variants carry the ``postgres`` mark.
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / f'sfn-{uuid.uuid4().hex[:8]}.db'}"


def postgres_admin_url() -> str:
    """The PostgreSQL server to test against, or a skip (a failure under CI) when there is none."""
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"{POSTGRES_ENV} is not set under CI: .ci/run must start PostgreSQL")
    pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run); not set here")


def create_postgres_database() -> str:
    """A new, empty database on the test server; returns its URL."""
    admin = make_url(postgres_admin_url())
    name = f"sfn_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    admin = make_url(postgres_admin_url())
    name = make_url(url).database
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


def new_database(backend: str, directory: Path) -> str:
    return sqlite_url(directory) if backend == "sqlite" else create_postgres_database()


def drop_database(backend: str, url: str) -> None:
    if backend == "postgresql":
        drop_postgres_database(url)
