"""A moto server, and a server of ours on each database whose AWS calls go to it (``AWS_ENDPOINT_URL``)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import botocore.session
import pytest
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.conftest import ROLE_ARN, TEST_WAIT_TIME_SCALE, make_client
from tests.support.moto_server import CREDENTIALS, MotoServer
from tests.support.server import server_on_new_database
from tests.support.waiting import wait_for_end

#: Runs a definition to its end on the server under test: (description, history events).
RunMachine = Callable[[dict[str, Any], Any], tuple[dict[str, Any], list[dict[str, Any]]]]


@pytest.fixture(scope="session")
def aws_server(backend: str, moto: MotoServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {**CREDENTIALS, "AWS_ENDPOINT_URL": moto.endpoint, "WAIT_TIME_SCALE": TEST_WAIT_TIME_SCALE}
    with server_on_new_database(backend, tmp_path_factory.mktemp(f"aws-{backend}"), env) as process:
        yield process


@pytest.fixture(scope="session")
def aws_sfn(aws_server: ServerProcess) -> SFNClient:
    return make_client(aws_server.endpoint)


@pytest.fixture(scope="session")
def aws(moto: MotoServer) -> Callable[[str], Any]:
    """A boto3 client of moto's ``service``, as the test's own view of the services."""

    session = botocore.session.get_session()

    def client(service: str) -> Any:
        return session.create_client(
            service,
            endpoint_url=moto.endpoint,
            region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    return client


@pytest.fixture
def start_machine(aws_sfn: SFNClient) -> Callable[[dict[str, Any], Any], str]:
    """Create a machine of a definition and start it with an input; the execution's ARN."""

    def start(definition: dict[str, Any], execution_input: Any) -> str:
        name = f"aws-{uuid.uuid4().hex[:12]}"
        machine = aws_sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE_ARN)
        started = aws_sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=json.dumps(execution_input))
        return started["executionArn"]

    return start


@pytest.fixture
def run_machine(aws_sfn: SFNClient, start_machine: Callable[[dict[str, Any], Any], str]) -> RunMachine:
    """Run a definition with an input to its end: its description and its history events."""

    def run(definition: dict[str, Any], execution_input: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        arn = start_machine(definition, execution_input)
        description = dict(wait_for_end(aws_sfn, arn))
        events = aws_sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        return description, [dict(event) for event in events]

    return run
