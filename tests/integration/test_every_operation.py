"""Every operation of the botocore model answers: none is unknown to the server."""

from __future__ import annotations

import botocore.session
import httpx
import pytest
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.conftest import CreateMachine

MODEL = botocore.session.get_session().get_service_model("stepfunctions")


@pytest.mark.parametrize("operation", MODEL.operation_names)
def test_the_server_knows_the_operation(server: ServerProcess, operation: str) -> None:
    """An empty request gets the operation's own answer (most often a validation error), never
    ``UnknownOperationException``."""
    response = httpx.post(
        server.endpoint,
        headers={"X-Amz-Target": f"AWSStepFunctions.{operation}", "Content-Type": "application/x-amz-json-1.0"},
        content=b"{}",
        timeout=70,
    )
    if response.status_code != 200:
        assert response.json()["__type"] != "UnknownOperationException", response.text


def test_the_map_run_operations_answer_as_for_a_map_run_that_does_not_exist(
    sfn: SFNClient, create_machine: CreateMachine
) -> None:
    """Every Map runs inline here: no Map Run exists, and an execution has none."""
    arn = "arn:aws:states:us-east-1:123456789012:mapRun:machine/label:5e6b1a8e-0000-4000-8000-000000000000"
    for call in (lambda: sfn.describe_map_run(mapRunArn=arn), lambda: sfn.update_map_run(mapRunArn=arn)):
        with pytest.raises(sfn.exceptions.ResourceNotFound):
            call()
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_map_run(mapRunArn="arn:aws:states:us-east-1:123456789012:execution:m:e")
    missing = "arn:aws:states:us-east-1:123456789012:execution:m:nope"
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.list_map_runs(executionArn=missing)
    machine = create_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    execution = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    assert sfn.list_map_runs(executionArn=execution)["mapRuns"] == []
