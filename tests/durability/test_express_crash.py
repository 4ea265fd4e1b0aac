"""An Express execution dies with its server: a StartSyncExecution caller gets an error, never a false success."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from tests.conftest import ROLE_ARN, make_client
from tests.durability.conftest import Fleet


def test_sync_caller_gets_an_error_when_the_server_dies(fleet: Fleet) -> None:
    server = fleet.server("express")
    sfn = make_client(server.endpoint)
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1000, "End": True}}}  # 10 s scaled
    arn = sfn.create_state_machine(name="slow", definition=json.dumps(definition), roleArn=ROLE_ARN, type="EXPRESS")[
        "stateMachineArn"
    ]
    outcome: dict[str, Any] = {}

    def call() -> None:
        try:
            outcome["result"] = sfn.start_sync_execution(stateMachineArn=arn)
        except Exception as exc:  # the connection breaks under the request
            outcome["error"] = exc

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(1.0)
    server.kill()
    caller.join(timeout=30)
    assert not caller.is_alive()
    assert "result" not in outcome, outcome
    assert outcome["error"] is not None
    restarted = fleet.server("express-again")
    answer = make_client(restarted.endpoint).list_state_machines()["stateMachines"]
    assert [machine["type"] for machine in answer] == ["EXPRESS"]  # the machine is durable, its execution is not
    with pytest.raises(Exception, match="StateMachineTypeNotSupported"):
        make_client(restarted.endpoint).list_executions(stateMachineArn=arn)
