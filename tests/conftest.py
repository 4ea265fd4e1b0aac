"""Fixtures shared by every tier: live servers per database backend and boto3 clients."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import boto3
import pytest
from botocore.config import Config
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.support.databases import BACKENDS, drop_database, new_database
from tests.support.moto_server import MotoServer
from tests.support.resources import Resource, missing_resource
from tests.support.server import new_server

ROLE_ARN = "arn:aws:iam::123456789012:role/test"
# The connection HTTP tasks of the tests authenticate with; its secret lives only in the server's configuration.
TEST_CONNECTION_ARN = "arn:aws:events:us-east-1:123456789012:connection/test-api/0000"
TEST_CONNECTIONS = {TEST_CONNECTION_ARN: {"type": "API_KEY", "key": "X-Api-Key", "value": "secret-from-config"}}
# Python handlers the live servers of the tests serve as local Lambda functions.
FUNCTIONS_DIR = Path(__file__).resolve().parent / "functions"
# Waits in tests last 1% of their written duration: a "Seconds": 100 Wait takes one second.
TEST_WAIT_TIME_SCALE = "0.01"


LEFT_OUT = pytest.StashKey[dict[Resource, int]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the tests whose resource this run lacks; :func:`pytest_terminal_summary` says so once."""
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    counts: dict[Resource, int] = {}
    for item in items:
        resource = missing_resource({mark.name for mark in item.iter_markers()})
        if resource is None:
            kept.append(item)
        else:
            left_out.append(item)
            counts[resource] = counts.get(resource, 0) + 1
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
    config.stash[LEFT_OUT] = counts


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for resource, count in config.stash.get(LEFT_OUT, {}).items():
        terminalreporter.write_line(f"not run: {count} {resource.tests}: {resource.missing_because}", yellow=True)


class CreateMachine(Protocol):
    """The ``create_machine`` fixture: creates a state machine from a definition; returns its ARN."""

    def __call__(self, definition: dict[str, Any], name: str | None = None) -> str: ...


def make_client(endpoint: str) -> SFNClient:
    return boto3.client(
        "stepfunctions",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        # botocore sends StartSyncExecution to a "sync-" prefix of the endpoint's host; a local endpoint has none.
        config=Config(retries={"max_attempts": 0}, read_timeout=70, inject_host_prefix=False),
    )


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = new_database(backend, tmp_path_factory.mktemp(f"db-{backend}"))
    yield url
    drop_database(backend, url)


@pytest.fixture(scope="session")
def execution_log(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file the live server writes execution log records to (machines with a loggingConfiguration)."""
    return tmp_path_factory.mktemp(f"executions-{backend}") / "executions.jsonl"


@pytest.fixture(scope="session")
def server(
    database_url: str, backend: str, execution_log: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    log = tmp_path_factory.mktemp(f"log-{backend}") / "server.log"
    env = {
        "WAIT_TIME_SCALE": TEST_WAIT_TIME_SCALE,
        "SFN_FUNCTIONS_DIR": str(FUNCTIONS_DIR),
        "SFN_CONNECTIONS": json.dumps(TEST_CONNECTIONS),
        "SFN_EXECUTION_LOG": str(execution_log),
        "SFN_HTTP_ALLOW": "127.0.0.1,::1,localhost",  # the tests' HTTP endpoints listen on loopback
    }
    process = new_server(database_url, log, env).start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """moto's AWS API server, for the tests of the AWS integrations (one for the whole session)."""
    process = MotoServer(tmp_path_factory.mktemp("moto") / "moto.log").start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def sfn(server: ServerProcess) -> SFNClient:
    """A boto3 Step Functions client pointed at the live server."""
    return make_client(server.endpoint)


@pytest.fixture
def create_machine(sfn: SFNClient) -> CreateMachine:
    """Create a state machine with a unique name from a definition dict; returns its ARN."""

    def create(definition: dict[str, Any], name: str | None = None) -> str:
        name = name or f"m-{uuid.uuid4().hex[:12]}"
        response = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE_ARN)
        return str(response["stateMachineArn"])

    return create
