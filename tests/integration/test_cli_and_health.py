"""The command line: the AWS CLI against the server, and the ``sfn`` command's own subcommands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.conftest import ROLE_ARN
from tests.support.waiting import wait_for_status


def _aws(server: ServerProcess, *args: str) -> Any:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    command = [sys.executable, "-m", "awscli", "--endpoint-url", server.endpoint, "--output", "json", *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


def test_aws_cli_round_trip(server: ServerProcess, sfn: SFNClient, tmp_path: Path) -> None:
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "hi", "End": True}}}
    name = f"cli-{os.getpid()}-{tmp_path.name[-8:]}"
    created = _aws(
        server,
        "stepfunctions",
        "create-state-machine",
        "--name",
        name,
        "--definition",
        json.dumps(definition),
        "--role-arn",
        ROLE_ARN,
    )
    started = _aws(server, "stepfunctions", "start-execution", "--state-machine-arn", created["stateMachineArn"])
    wait_for_status(sfn, started["executionArn"], "SUCCEEDED")
    described = _aws(server, "stepfunctions", "describe-execution", "--execution-arn", started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == "hi"
    listed = _aws(server, "stepfunctions", "list-state-machines")
    assert created["stateMachineArn"] in [m["stateMachineArn"] for m in listed["stateMachines"]]


def test_healthz(server: ServerProcess) -> None:
    response = httpx.get(f"{server.endpoint}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unknown_operation_and_bad_body(server: ServerProcess) -> None:
    headers = {"Content-Type": "application/x-amz-json-1.0"}
    unknown = httpx.post(server.endpoint, headers={**headers, "X-Amz-Target": "AWSStepFunctions.Nope"}, content="{}")
    assert unknown.status_code == 400
    assert unknown.json()["__type"] == "UnknownOperationException"
    target = {**headers, "X-Amz-Target": "AWSStepFunctions.ListStateMachines"}
    broken = httpx.post(server.endpoint, headers=target, content="{")
    assert broken.json()["__type"] == "SerializationException"
    wrong_type = httpx.post(server.endpoint, headers=target, content='{"maxResults": "ten"}')
    assert wrong_type.status_code == 400
    assert wrong_type.json()["__type"] == "ValidationException"
    too_big = httpx.post(server.endpoint, headers=target, content='{"maxResults": 5000}')
    body = too_big.json()
    assert body["__type"] == "ValidationException"
    assert "Member must have value less than or equal to 1000" in body["message"]


def test_sfn_migrate_and_validate(tmp_path: Path) -> None:
    database = tmp_path / "cli.db"
    env = {**os.environ, "SFN_DATABASE_URL": f"sqlite:///{database}"}
    migrated = subprocess.run(
        [sys.executable, "-m", "app.cli", "migrate"], env=env, capture_output=True, text=True, check=False
    )
    assert migrated.returncode == 0, migrated.stderr
    engine = sa.create_engine(f"sqlite:///{database}")
    assert "executions" in sa.inspect(engine).get_table_names()
    engine.dispose()

    good = tmp_path / "good.json"
    good.write_text(json.dumps({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}))
    ok = subprocess.run([sys.executable, "-m", "app.cli", "validate", str(good)], capture_output=True, text=True)
    assert ok.returncode == 0
    failed = subprocess.run([sys.executable, "-m", "app.cli", "validate", str(bad)], capture_output=True, text=True)
    assert failed.returncode == 1
    assert "MISSING_TRANSITION_TARGET" in failed.stdout
