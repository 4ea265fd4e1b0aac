"""The tests' server processes: the shared :class:`ServerProcess` with the settings every test server has."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from app.server_process import ServerProcess
from tests.support.databases import drop_database, new_database

# The scheduler looks at the database at least this often (1 s by default): work queued by another process,
# or a timer that the tests' scaled-down clock makes due soon, waits for it at most 0.2 s.
POLL_SECONDS = "0.2"
#: The suite's servers share one PostgreSQL server (100 connections by default) with the tests' own: each takes
#: few (its busy threads wait for one of its own).
DATABASE_CONNECTIONS = "12"
#: A test server reaches no AWS account unless a test gives it one (moto): no profile, keys or instance role,
#: so a function found nowhere is ResourceNotFound whatever the machine running the tests has configured.
NO_AWS_ACCOUNT = {
    "AWS_CONFIG_FILE": "/nonexistent/aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_ACCESS_KEY_ID": "",
    "AWS_SECRET_ACCESS_KEY": "",
    "AWS_SESSION_TOKEN": "",
}


def new_server(
    database_url: str, log_path: Path, extra_env: Mapping[str, str] | None = None, *, log_level: str = "warning"
) -> ServerProcess:
    """A server, not started yet, on ``database_url``; ``extra_env`` adds to its environment."""
    env = {
        **NO_AWS_ACCOUNT,
        "SFN_DATABASE_URL": database_url,
        "SFN_POLL_SECONDS": POLL_SECONDS,
        "SFN_DATABASE_CONNECTIONS": DATABASE_CONNECTIONS,
        **(extra_env or {}),
    }
    return ServerProcess(log_path, env, log_level=log_level)


@contextmanager
def server_on_new_database(backend: str, directory: Path, env: Mapping[str, str]) -> Iterator[ServerProcess]:
    """A started server on a new database of ``backend`` in ``directory``; stopped, its database dropped, after."""
    url = new_database(backend, directory)
    process = new_server(url, directory / "server.log", env).start()
    try:
        yield process
    finally:
        process.stop()
        drop_database(backend, url)
