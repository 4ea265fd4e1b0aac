"""``GET /metrics``: Prometheus text with the executions, transitions, calls and queue of the server."""

from __future__ import annotations

import json
import uuid

import httpx
from mypy_boto3_stepfunctions import SFNClient
from prometheus_client.parser import text_string_to_metric_families

from app.server_process import ServerProcess
from tests.conftest import ROLE_ARN
from tests.support.waiting import wait_for_status

ECHO_ARN = "arn:aws:lambda:us-east-1:123456789012:function:echo"


def samples(server: ServerProcess) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = httpx.get(f"{server.endpoint}/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_metrics_count_executions_transitions_and_calls(server: ServerProcess, sfn: SFNClient) -> None:
    name = f"metrics-{uuid.uuid4().hex[:8]}"
    definition = {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": ECHO_ARN, "End": True}}}
    machine = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE_ARN)
    execution = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
    wait_for_status(sfn, execution, "SUCCEEDED")
    found = samples(server)
    assert found[("sfn_executions_started_total", (("state_machine", name), ("type", "STANDARD")))] == 1
    assert found[("sfn_executions_ended_total", (("state_machine", name), ("status", "SUCCEEDED")))] == 1
    assert found[("sfn_history_events_total", ())] >= 6
    assert found[("sfn_integration_call_seconds_count", (("resource", ECHO_ARN),))] >= 1
    assert ("sfn_open_executions", ()) in found and ("sfn_work_items_due", ()) in found
    assert found[("sfn_commit_seconds_count", ())] >= 1


def test_timers_report_their_lateness(server: ServerProcess, sfn: SFNClient) -> None:
    before = samples(server).get(("sfn_timer_lateness_seconds_count", ()), 0.0)
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": True}}}
    machine = sfn.create_state_machine(
        name=f"late-{uuid.uuid4().hex[:8]}", definition=json.dumps(definition), roleArn=ROLE_ARN
    )
    execution = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
    wait_for_status(sfn, execution, "SUCCEEDED")
    found = samples(server)
    assert found[("sfn_timer_lateness_seconds_count", ())] >= before + 1
    assert (
        found[("sfn_timer_lateness_seconds_bucket", (("le", "+Inf"),))]
        == found[("sfn_timer_lateness_seconds_count", ())]
    )
