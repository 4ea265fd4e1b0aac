"""One execution's expensive states never starve another's timer: steps yield after their time budget."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.server_process import ServerProcess
from tests.conftest import ROLE_ARN, make_client
from tests.support.databases import sqlite_url
from tests.support.server import new_server
from tests.support.waiting import wait_for_status

# Each state takes tens of milliseconds to evaluate (a thousand of them, one step before steps had a time
# budget, held a scheduler thread for a minute) and the loop never ends on its own.
HOSTILE = {
    "QueryLanguage": "JSONata",
    "StartAt": "Spin",
    "States": {
        "Spin": {"Type": "Pass", "Output": "{% $sum([1..30000]) %}", "Next": "Again"},
        "Again": {
            "Type": "Choice",
            "Choices": [{"Condition": "{% $states.input < 0 %}", "Next": "Done"}],
            "Default": "Spin",
        },
        "Done": {"Type": "Succeed"},
    },
}
PROBE = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": True}}}
LOOPS = 3
ALLOWED_SECONDS = 1.5


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server of its own, with real time (no scaling): the probe waits one real second."""
    process = new_server(sqlite_url(tmp_path), tmp_path / "server.log").start()
    yield process
    process.kill()


def test_a_light_timer_fires_on_time_beside_hostile_loops(server: ServerProcess) -> None:
    sfn = make_client(server.endpoint)
    hostile = sfn.create_state_machine(name="hostile", definition=json.dumps(HOSTILE), roleArn=ROLE_ARN)
    loops = [sfn.start_execution(stateMachineArn=hostile["stateMachineArn"])["executionArn"] for _ in range(LOOPS)]
    time.sleep(0.5)  # the loops hold the scheduler's threads
    probe_machine = sfn.create_state_machine(name="probe", definition=json.dumps(PROBE), roleArn=ROLE_ARN)
    probe = sfn.start_execution(stateMachineArn=probe_machine["stateMachineArn"])["executionArn"]
    done = wait_for_status(sfn, probe, "SUCCEEDED", timeout=30)
    took = (done["stopDate"] - done["startDate"]).total_seconds()
    assert took <= ALLOWED_SECONDS, f"a 1 s Wait took {took:.2f} s beside {LOOPS} hostile loops"
    for arn in loops:
        assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
        sfn.stop_execution(executionArn=arn)
