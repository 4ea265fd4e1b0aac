"""DeleteStateMachine racing StartExecution: every start either fails or its execution is stopped by
the delete; none runs to its end on a deleted machine, and the machine ends deleted."""

from __future__ import annotations

import json
import threading
import uuid

from botocore.exceptions import ClientError
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.conftest import ROLE_ARN, make_client
from tests.support.waiting import wait_for_end, wait_until

# Long enough (100 s at the tests' 1 % time scale) that a start the delete missed would still run after it.
WAIT = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": True}}}
ROUNDS = 5
STARTERS = 6


def _race(sfn: SFNClient, endpoint: str) -> tuple[list[str], list[str]]:
    """Start executions from several threads while the machine is deleted; (started ARNs, refusal codes)."""
    machine = sfn.create_state_machine(
        name=f"race-{uuid.uuid4().hex[:8]}", definition=json.dumps(WAIT), roleArn=ROLE_ARN
    )
    arn = machine["stateMachineArn"]
    started: list[str] = []
    refused: list[str] = []
    go = threading.Barrier(STARTERS + 1)

    def starter() -> None:
        client = make_client(endpoint)
        go.wait()
        for _ in range(3):
            try:
                started.append(client.start_execution(stateMachineArn=arn)["executionArn"])
            except ClientError as error:
                refused.append(error.response["Error"]["Code"])

    threads = [threading.Thread(target=starter) for _ in range(STARTERS)]
    for thread in threads:
        thread.start()
    go.wait()
    sfn.delete_state_machine(stateMachineArn=arn)
    for thread in threads:
        thread.join()
    wait_until(lambda: not _exists(sfn, arn), 30, "the machine to be deleted once its executions stopped")
    return started, refused


def _exists(sfn: SFNClient, arn: str) -> bool:
    try:
        sfn.describe_state_machine(stateMachineArn=arn)
    except ClientError:
        return False
    return True


def test_no_execution_outlives_its_deleted_machine(server: ServerProcess, sfn: SFNClient) -> None:
    for _ in range(ROUNDS):
        started, refused = _race(sfn, server.endpoint)
        assert set(refused) <= {"StateMachineDoesNotExist", "StateMachineDeleting"}, refused
        for execution in started:
            assert wait_for_end(sfn, execution)["status"] == "ABORTED", "the delete stopped every execution it let in"
