"""A redriven execution is as durable as any: a server killed while it runs loses none of it."""

from __future__ import annotations

import json
import time

from tests.conftest import ROLE_ARN, make_client
from tests.durability.conftest import Fleet
from tests.support.waiting import wait_for_status

DEFINITION = {
    "StartAt": "Gate",
    "States": {
        "Gate": {
            "Type": "Choice",
            "Choices": [{"Variable": "$$.Execution.RedriveCount", "NumericGreaterThan": 0, "Next": "Pause"}],
        },
        "Pause": {"Type": "Wait", "Seconds": 200, "Next": "Done"},  # 2 s at the tests' time scale
        "Done": {"Type": "Succeed"},
    },
}


def test_kill9_during_a_redriven_execution(fleet: Fleet) -> None:
    server = fleet.server("first")
    sfn = make_client(server.endpoint)
    arn = sfn.create_state_machine(name="redriven", definition=json.dumps(DEFINITION), roleArn=ROLE_ARN)[
        "stateMachineArn"
    ]
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    wait_for_status(sfn, execution, "FAILED")
    sfn.redrive_execution(executionArn=execution)
    time.sleep(0.5)
    server.kill()
    again = make_client(fleet.server("second").endpoint)
    done = wait_for_status(again, execution, "SUCCEEDED", timeout=30)
    assert done["redriveCount"] == 1
    events = again.get_execution_history(executionArn=execution)["events"]
    assert [event["id"] for event in events] == list(range(1, len(events) + 1))
    types = [event["type"] for event in events]
    assert types.count("ExecutionRedriven") == 1 and types.count("WaitStateExited") == 1
    assert types[-1] == "ExecutionSucceeded"
