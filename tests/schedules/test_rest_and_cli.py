"""Schedules through a live server: the REST routes under ``/v1/schedules``, ``sfn schedules``, and an execution
that a schedule started as DescribeExecution shows it."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.cli import main
from app.clock import FakeClock
from app.executions.runtime import build_runtime
from app.server_process import ServerProcess
from app.service.schedule_firing import ScheduleFirer
from app.settings import Settings, get_settings
from tests.conftest import CreateMachine
from tests.support.waiting import wait_until

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


@pytest.fixture(autouse=True)
def wide_output(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COLUMNS", "250")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def rest(server: ServerProcess, method: str, path: str, body: Any = None) -> httpx.Response:
    content = None if body is None else json.dumps(body)
    return httpx.request(method, f"{server.endpoint}/v1{path}", content=content, timeout=30)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_create_read_list_replace_and_delete_a_schedule(server: ServerProcess, create_machine: CreateMachine) -> None:
    target = create_machine(PASS)
    name = unique("rest")
    body = {
        "ScheduleExpression": "cron(0 9 ? * MON-FRI *)",
        "ScheduleExpressionTimezone": "Europe/Paris",
        "Target": {"Arn": target, "Input": {"report": "daily"}},
        "Description": "weekday mornings",
    }
    created = rest(server, "POST", f"/schedules/{name}", body)
    assert created.status_code == 200, created.text
    assert created.json() == {"ScheduleArn": f"arn:aws:scheduler:us-east-1:123456789012:schedule/default/{name}"}
    shown = rest(server, "GET", f"/schedules/{name}").json()
    assert shown["State"] == "ENABLED"
    assert shown["Target"] == {"Arn": target, "Input": '{"report": "daily"}'}
    assert shown["NextInvocation"].endswith(("T08:00:00Z", "T07:00:00Z"))
    listed = rest(server, "GET", f"/schedules?NamePrefix={name}").json()["Schedules"]
    assert [item["Name"] for item in listed] == [name]

    replaced = rest(server, "PUT", f"/schedules/{name}", {**body, "State": "DISABLED"})
    assert replaced.status_code == 200, replaced.text
    assert rest(server, "GET", f"/schedules/{name}").json()["State"] == "DISABLED"

    assert rest(server, "DELETE", f"/schedules/{name}").status_code == 204
    missing = rest(server, "GET", f"/schedules/{name}")
    assert missing.status_code == 404
    assert missing.json() == {"__type": "ResourceNotFound", "message": f"Schedule {name} does not exist."}


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        ({"ScheduleExpression": "rate(1 minutes)"}, 400, "ValidationException", "write 'rate(1 minute)'"),
        ({"ScheduleExpression": "cron(0 9 * * * *)"}, 400, "ValidationException", "question mark"),
        ({"ScheduleExpressionTimezone": "Nowhere/Else"}, 400, "ValidationException", "Invalid time zone"),
        ({"ScheduleExpression": "cron(30 9 30 2 ? *)"}, 400, "ValidationException", "no occurrence"),
        ({"Target": {"Input": "{}"}}, 400, "ValidationException", "Target.Arn"),
        (
            {"Target": {"Arn": "arn:aws:states:us-east-1:123456789012:stateMachine:none"}},
            404,
            "StateMachineDoesNotExist",
            "none",
        ),
        ({"Target": {"Arn": "not-an-arn"}}, 400, "InvalidArn", "not-an-arn"),
        ({"State": "PAUSED"}, 400, "ValidationException", "State"),
        ({"Surprise": 1}, 400, "ValidationException", "Surprise"),
    ],
)
def test_a_bad_schedule_is_refused_in_the_aws_shape(
    server: ServerProcess, create_machine: CreateMachine, body: dict[str, Any], status: int, code: str, message: str
) -> None:
    good = {"ScheduleExpression": "rate(5 minutes)", "Target": {"Arn": create_machine(PASS)}}
    answer = rest(server, "POST", f"/schedules/{unique('bad')}", good | body)
    assert answer.status_code == status, answer.text
    assert answer.json()["__type"] == code
    assert message in answer.json()["message"]


def test_a_taken_name_is_a_conflict(server: ServerProcess, create_machine: CreateMachine) -> None:
    name, body = unique("twice"), {"ScheduleExpression": "rate(5 minutes)", "Target": {"Arn": create_machine(PASS)}}
    assert rest(server, "POST", f"/schedules/{name}", body).status_code == 200
    again = rest(server, "POST", f"/schedules/{name}", body)
    assert again.status_code == 400
    assert again.json() == {"__type": "ConflictException", "message": f"Schedule {name} already exists."}


def test_an_execution_a_schedule_started_names_it(
    server: ServerProcess, database_url: str, create_machine: CreateMachine
) -> None:
    """A second process on the server's database fires on its own clock; the server shows what it started."""
    target, name = create_machine(PASS), unique("seen")
    body = {"ScheduleExpression": "rate(1 minute)", "Target": {"Arn": target, "Input": {"n": 1}}}
    assert rest(server, "POST", f"/schedules/{name}", body).status_code == 200
    # The server fires the first occurrence (due at once) itself; the second is the other process's.
    wait_until(lambda: "LastInvocation" in rest(server, "GET", f"/schedules/{name}").json(), 15, "the first occurrence")
    clock = FakeClock(time.time() + 61)
    other = build_runtime(Settings(database_url=database_url), clock)
    try:
        assert ScheduleFirer(other).fire_due() >= 1
    finally:
        other.close()
    execution_arn = rest(server, "GET", f"/schedules/{name}").json()["LastExecutionArn"]
    raw = httpx.post(
        server.endpoint,
        headers={"X-Amz-Target": "AWSStepFunctions.DescribeExecution", "Content-Type": "application/x-amz-json-1.0"},
        content=json.dumps({"executionArn": execution_arn}),
    ).json()
    schedule_arn = f"arn:aws:scheduler:us-east-1:123456789012:schedule/default/{name}"
    assert raw["startedByScheduleArn"] == schedule_arn
    assert raw["input"] == '{"n": 1}'
    assert rest(server, "GET", f"/executions/{execution_arn}").json()["startedByScheduleArn"] == schedule_arn
    assert rest(server, "DELETE", f"/schedules/{name}").status_code == 204


def test_sfn_schedules_commands(
    server: ServerProcess, create_machine: CreateMachine, capsys: pytest.CaptureFixture[str]
) -> None:
    target, name = create_machine(PASS), unique("cli")
    endpoint = ["--endpoint", server.endpoint]
    create = ["create", name, "--expression", "rate(2 hours)", "--target", target, "--input", '{"a": 1}']
    assert main(["schedules", *endpoint, *create]) == 0
    assert "ENABLED, next 20" in capsys.readouterr().out
    assert main(["schedules", *endpoint, "disable", name]) == 0
    assert main(["schedules", *endpoint, "list", "--prefix", name]) == 0
    listing = capsys.readouterr().out
    assert name in listing and "DISABLED" in listing and "rate(2 hours)" in listing
    assert main(["schedules", *endpoint, "update", name, "--expression", "cron(0 12 L * ? *)", "--enabled"]) == 0
    assert main(["schedules", *endpoint, "show", name]) == 0
    shown = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert shown["ScheduleExpression"] == "cron(0 12 L * ? *)" and shown["State"] == "ENABLED"
    assert shown["Target"]["Input"] == '{"a": 1}'
    assert main(["schedules", *endpoint, "delete", name]) == 0
    assert main(["schedules", *endpoint, "show", name]) == 1
    assert f"sfn: ResourceNotFound: Schedule {name} does not exist." in capsys.readouterr().err
    assert main(["schedules", *endpoint, "create", name, "--expression", "rate(1 minutes)", "--target", target]) == 1
    assert "ValidationException" in capsys.readouterr().err


def test_the_schedule_routes_are_documented(server: ServerProcess) -> None:
    document = httpx.get(f"{server.endpoint}/openapi.json").json()
    assert {"get", "post", "put", "delete"} <= set(document["paths"]["/v1/schedules/{name}"])
    assert "ScheduleBody" in document["components"]["schemas"]
