"""An answer that arrives while its task's timeout is being committed: exactly one of the two wins,
and the caller learns which (TaskTimedOut when the timeout won).

The server pauses every transition between taking its version fence and closing its task tokens
(the ``after_fence`` point, ``SFN_PAUSE_SECONDS``), so the answer reliably lands in that window:
before, it was acknowledged while the execution failed with ``States.Timeout`` all the same.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from botocore.exceptions import ClientError

from app.crashpoints import CRASH_POINT_ENV, PAUSE_ENV
from app.server_process import ServerProcess
from tests.conftest import ROLE_ARN, make_client
from tests.support.databases import create_postgres_database, drop_postgres_database
from tests.support.server import new_server
from tests.support.waiting import wait_for_end, wait_until

pytestmark = pytest.mark.postgres  # SQLite has one writer at a time: the window cannot open there
PAUSE_SECONDS = 0.6
TASK = {
    "StartAt": "Work",
    "States": {"Work": {"Type": "Task", "Resource": "{activity}", "TimeoutSeconds": 2, "End": True}},
}


@pytest.fixture
def paused_server(tmp_path: Path) -> Iterator[tuple[ServerProcess, str]]:
    url = create_postgres_database()
    env = {CRASH_POINT_ENV: "after_fence", PAUSE_ENV: str(PAUSE_SECONDS), "SFN_POLL_SECONDS": "0.05"}
    server = new_server(url, tmp_path / "server.log", env).start()
    yield server, url
    server.stop()
    drop_postgres_database(url)


def test_an_answer_during_the_timeout_commit_is_refused(paused_server: tuple[ServerProcess, str]) -> None:
    server, url = paused_server
    sfn = make_client(server.endpoint)
    activity = sfn.create_activity(name="edge")["activityArn"]
    definition = json.dumps(TASK).replace("{activity}", activity)
    machine = sfn.create_state_machine(name="edge", definition=definition, roleArn=ROLE_ARN)
    execution = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
    task = sfn.get_activity_task(activityArn=activity, workerName="late")
    engine = sa.create_engine(url)

    def timeout_claimed() -> bool:
        """The task's timeout timer is claimed: its transition is about to take the fence and pause."""
        with engine.connect() as conn:
            claimed = conn.execute(sa.text("SELECT count(*) FROM work_items WHERE lease_owner IS NOT NULL"))
            return bool(claimed.scalar())

    wait_until(timeout_claimed, 10, "the timeout being delivered", interval=0.01)
    engine.dispose()
    time.sleep(PAUSE_SECONDS / 3)  # inside the paused window: fence taken, token not yet closed
    with pytest.raises(ClientError) as refused:
        sfn.send_task_success(taskToken=task["taskToken"], output=json.dumps({"late": True}))
    assert refused.value.response["Error"]["Code"] == "TaskTimedOut"
    described = wait_for_end(sfn, execution)
    assert (described["status"], described.get("error")) == ("FAILED", "States.Timeout")
