"""The routes under /v1/overview that the console reads, and the REST task callbacks, on both databases."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.conftest import CreateMachine
from tests.support.waiting import wait_for_status, wait_until

PASS: dict[str, Any] = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
FAIL = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Nope"}}}
CALLBACK = {
    "StartAt": "Ask",
    "States": {
        "Ask": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "echo", "Payload": {"token.$": "$$.Task.Token"}},
            "End": True,
        }
    },
}


@pytest.fixture(scope="module")
def rest(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{server.endpoint}/v1", timeout=30.0) as client:
        yield client


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def start(sfn: SFNClient, machine: str, name: str, given: Any = None) -> str:
    return sfn.start_execution(stateMachineArn=machine, name=name, input=json.dumps(given or {}))["executionArn"]


def test_executions_of_every_machine_filter_and_page(
    rest: httpx.Client, sfn: SFNClient, create_machine: CreateMachine
) -> None:
    tag = uuid.uuid4().hex[:8]
    passing, failing = create_machine(PASS), create_machine(FAIL)
    begun = time.time()
    started = [start(sfn, passing, f"{tag}-ok-{index}") for index in range(3)] + [start(sfn, failing, f"{tag}-bad")]
    for arn in started[:3]:
        wait_for_status(sfn, arn, "SUCCEEDED")
    wait_for_status(sfn, started[3], "FAILED")

    mine = ok(rest.get("/overview/executions", params={"nameContains": tag.upper()}))["executions"]
    assert [item["executionArn"] for item in mine] == started[::-1], "newest first, across machines, any case"
    assert {item["stateMachineName"] for item in mine} == {passing.split(":")[-1], failing.split(":")[-1]}
    assert mine[0]["historyEventCount"] == 3

    failed = ok(rest.get("/overview/executions", params={"nameContains": tag, "statusFilter": "FAILED"}))
    assert [item["name"] for item in failed["executions"]] == [f"{tag}-bad"]
    of_one = ok(rest.get("/overview/executions", params={"stateMachineArn": passing}))["executions"]
    assert len(of_one) == 3
    later = ok(rest.get("/overview/executions", params={"nameContains": tag, "startedAfter": time.time() + 60}))
    assert later["executions"] == []
    earlier = ok(rest.get("/overview/executions", params={"nameContains": tag, "startedBefore": begun - 60}))
    assert earlier["executions"] == []

    first = ok(rest.get("/overview/executions", params={"nameContains": tag, "maxResults": 3}))
    rest_of_them = ok(rest.get("/overview/executions", params={"nameContains": tag, "nextToken": first["nextToken"]}))
    assert [item["name"] for item in first["executions"] + rest_of_them["executions"]] == [
        item["name"] for item in mine
    ]
    assert "nextToken" not in rest_of_them
    wildcard = ok(rest.get("/overview/executions", params={"nameContains": "%"}))
    assert all("%" in item["name"] for item in wildcard["executions"]), "a LIKE wildcard is taken literally"


def test_machines_come_with_running_and_failed_counts(
    rest: httpx.Client, sfn: SFNClient, create_machine: CreateMachine
) -> None:
    tag = uuid.uuid4().hex[:8]
    failing = create_machine(FAIL, name=f"overview-{tag}")
    for index in range(2):
        wait_for_status(sfn, start(sfn, failing, f"f{index}"), "FAILED")
    machines = ok(rest.get("/overview/state-machines", params={"nameContains": tag}))["stateMachines"]
    assert [(m["name"], m["runningCount"], m["failedCount"], m["type"]) for m in machines] == [
        (f"overview-{tag}", 0, 2, "STANDARD")
    ]


def test_an_execution_view_has_its_graph_progress_token_and_lineage(
    rest: httpx.Client, sfn: SFNClient, create_machine: CreateMachine
) -> None:
    machine = create_machine(CALLBACK)
    arn = start(sfn, machine, "waits", {"order": 5})
    view: dict[str, Any] = {}

    def waiting() -> bool:
        view.update(ok(rest.get(f"/overview/executions/{arn}")))
        return bool(view["tokens"])

    wait_until(waiting, 30, "no open token")
    assert view["execution"]["status"] == "RUNNING"
    assert [node["name"] for node in view["graph"]["nodes"]] == ["Ask"]
    assert view["progress"]["states"] == {"Ask": "waiting"}
    [entry] = view["progress"]["entries"]
    assert json.loads(entry["input"]) == {"order": 5} and entry["output"] is None
    [token] = view["tokens"]
    assert token["stateName"] == "Ask"
    assert view["lineage"] == {"startedBy": None, "children": [], "chain": [view["lineage"]["chain"][0]]}

    assert (
        ok(rest.post("/tasks/success", json={"taskToken": token["taskToken"], "output": {"fine": True}}), 204) is None
    )
    assert wait_for_status(sfn, arn, "SUCCEEDED")["output"] == '{"fine":true}'
    after = ok(rest.get(f"/overview/executions/{arn}"))
    assert after["tokens"] == [] and after["progress"]["states"] == {"Ask": "succeeded"}
    again = rest.post("/tasks/success", json={"taskToken": token["taskToken"], "output": "{}"})
    assert again.status_code == 400 and again.json()["__type"] == "TaskTimedOut", "a token completes once"


def test_a_task_fails_through_rest(rest: httpx.Client, sfn: SFNClient, create_machine: CreateMachine) -> None:
    arn = start(sfn, create_machine(CALLBACK), "rejected")
    view: dict[str, Any] = {}
    wait_until(lambda: bool(view.update(ok(rest.get(f"/overview/executions/{arn}"))) or view["tokens"]), 30, "token")
    token = view["tokens"][0]["taskToken"]
    ok(rest.post("/tasks/failure", json={"taskToken": token, "error": "Rejected", "cause": "no"}), 204)
    described = wait_for_status(sfn, arn, "FAILED")
    assert (described["error"], described["cause"]) == ("Rejected", "no")


def test_a_draft_gets_diagnostics_at_their_line_and_a_drawing(rest: httpx.Client) -> None:
    text = '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass", "Next": "B"}\n  }\n}'
    checked = ok(rest.post("/overview/drafts", json={"definition": text}))
    assert checked["result"] == "FAIL"
    found = {(d["code"], d["location"], d["line"]) for d in checked["diagnostics"]}
    assert ("MISSING_TRANSITION_TARGET", "/States/A/Next", 4) in found
    assert [node["name"] for node in checked["graph"]["nodes"]] == ["A"]
    unfinished = ok(rest.post("/overview/drafts", json={"definition": '{"StartAt": '}))
    assert unfinished["result"] == "FAIL" and unfinished["graph"] is None
    fine = ok(rest.post("/overview/drafts", json={"definition": PASS}))
    assert fine == {"result": "OK", "diagnostics": [], "truncated": False, "graph": fine["graph"]}
    unreachable = {f"U{index}": {"Type": "Pass", "End": True} for index in range(150)}
    many = ok(
        rest.post(
            "/overview/drafts", json={"definition": {"StartAt": "P", "States": {**PASS["States"], **unreachable}}}
        )
    )
    assert (len(many["diagnostics"]), many["truncated"]) == (100, True)


def test_activities_show_waiting_tasks_and_workers(
    rest: httpx.Client, sfn: SFNClient, create_machine: CreateMachine
) -> None:
    activity = sfn.create_activity(name=f"queue-{uuid.uuid4().hex[:8]}")["activityArn"]
    machine = create_machine(
        {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": activity, "End": True}}}
    )
    for index in range(2):
        start(sfn, machine, f"job-{index}")

    def listed() -> dict[str, Any]:
        page = ok(rest.get("/overview/activities", params={"maxResults": 1000}))
        return next(item for item in page["activities"] if item["activityArn"] == activity)

    wait_until(lambda: listed()["scheduledCount"] == 2, 30, "two tasks never waited")
    task = sfn.get_activity_task(activityArn=activity, workerName="worker-a")
    shown = listed()
    assert (shown["scheduledCount"], shown["startedCount"]) == (1, 1)
    assert [worker["workerName"] for worker in shown["recentWorkers"]] == ["worker-a"]
    sfn.send_task_success(taskToken=task["taskToken"], output="{}")


def test_overview_errors_have_the_aws_shape(rest: httpx.Client) -> None:
    bad_status = rest.get("/overview/executions", params={"statusFilter": "DONE"})
    assert bad_status.status_code == 400 and bad_status.json()["__type"] == "ValidationException"
    bad_token = rest.get("/overview/executions", params={"nextToken": "garbage"})
    assert bad_token.status_code == 400 and bad_token.json()["__type"] == "InvalidToken"
    missing = rest.get("/overview/executions/arn:aws:states:us-east-1:123456789012:execution:none:none")
    assert missing.status_code == 404 and missing.json()["__type"] == "ExecutionDoesNotExist"
