"""Fixtures of the durability tier: server fleets that are always cleaned up, and the reference histories."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.server_process import ServerProcess
from tests.durability.servers import durability_server
from tests.durability.workload import Cluster, Workload, normalized, reference_histories
from tests.support.databases import drop_database, new_database, sqlite_url


class Fleet:
    """Server processes and workloads of one test; whatever is left running is ended at teardown."""

    def __init__(self, backend: str, directory: Path) -> None:
        self.backend = backend
        self.directory = directory
        self.database_url = new_database(backend, directory)
        self.servers: list[ServerProcess] = []
        self.workloads: list[Workload] = []

    def server(self, label: str, **env: str) -> ServerProcess:
        """Start one more server on the fleet's database; ``env`` is added to its environment."""
        server = durability_server(self.database_url, self.directory / f"{label}.log", **env)
        self.servers.append(server)
        return server.start()

    def workload(self, cluster: Cluster, prefix: str, counts: dict[str, int], **options: object) -> Workload:
        workload = Workload(cluster, prefix, counts)
        for name, value in options.items():
            setattr(workload, name, value)
        self.workloads.append(workload.create())
        return workload

    def close(self) -> None:
        for workload in self.workloads:
            workload.close()
        for server in self.servers:
            server.kill()  # everything was checked; a graceful stop waits for open long polls
        drop_database(self.backend, self.database_url)


@pytest.fixture
def fleet(backend: str, tmp_path: Path) -> Iterator[Fleet]:
    made = Fleet(backend, tmp_path)
    yield made
    made.close()


@pytest.fixture
def postgres_fleet(tmp_path: Path) -> Iterator[Fleet]:
    """Several servers need PostgreSQL: SQLite allows one server process per database file."""
    made = Fleet("postgresql", tmp_path)
    yield made
    made.close()


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Normalized event types of one execution of each workload kind, on a server that never crashes."""
    directory = tmp_path_factory.mktemp("reference")
    server = durability_server(sqlite_url(directory), directory / "reference.log").start()
    try:
        histories = reference_histories(Cluster([server]), "ref")
    finally:
        server.stop(grace=0)
    return {kind: normalized(types) for kind, types in histories.items()}
