"""arn:aws:states:::apigateway:invoke through the server, against a local API standing in for API Gateway."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient

from tests.conftest import CreateMachine
from tests.support.echo_api import echo_api
from tests.support.waiting import history_types, wait_for_status

RESOURCE = "arn:aws:states:::apigateway:invoke"


@pytest.fixture(scope="module")
def api() -> Iterator[str]:
    with echo_api() as url:
        yield url


def call(parameters: dict[str, Any], **state: Any) -> dict[str, Any]:
    task = {"Type": "Task", "Resource": RESOURCE, "Parameters": parameters, "End": True, **state}
    states = {"Call": task}
    if "Catch" in state:
        states["Handled"] = {"Type": "Pass", "End": True}
    return {"StartAt": "Call", "States": states}


def run(sfn: SFNClient, create_machine: CreateMachine, definition: dict[str, Any], status: str) -> dict[str, Any]:
    execution = sfn.start_execution(stateMachineArn=create_machine(definition), input='{"id": 7}')["executionArn"]
    described = wait_for_status(sfn, execution, status)
    return {"output": json.loads(described.get("output") or "null"), "types": history_types(sfn, execution)}


def test_a_get_with_stage_path_query_and_headers(sfn: SFNClient, create_machine: CreateMachine, api: str) -> None:
    parameters = {
        "ApiEndpoint": api,
        "Method": "GET",
        "Stage": "prod",
        "Path.$": "States.Format('pets/{}', $.id)",
        "QueryParameters": {"kind": ["dog", "cat"]},
        "Headers": {"X-Team": ["blue"]},
    }
    ran = run(sfn, create_machine, call(parameters), "SUCCEEDED")
    output = ran["output"]
    assert (output["StatusCode"], output["StatusText"]) == (200, "OK")
    assert output["Headers"]["content-type"] == ["application/json"]
    echoed = output["ResponseBody"]
    assert (echoed["method"], echoed["path"]) == ("GET", "/prod/pets/7?kind=dog&kind=cat")
    assert echoed["headers"]["x-team"] == "blue" and "authorization" not in echoed["headers"]
    assert ran["types"][2:5] == ["TaskScheduled", "TaskStarted", "TaskSucceeded"]


@pytest.mark.parametrize(("allow_nulls", "sent"), [(False, {"id": 7}), (True, {"id": 7, "note": None})])
def test_a_post_sends_its_body_as_json_without_nulls_unless_allowed(
    sfn: SFNClient, create_machine: CreateMachine, api: str, allow_nulls: bool, sent: dict[str, Any]
) -> None:
    parameters = {
        "ApiEndpoint": api,
        "Method": "POST",
        "Path": "pets",
        "RequestBody": {"id.$": "$.id", "note": None},
        "AllowNullValues": allow_nulls,
    }
    echoed = run(sfn, create_machine, call(parameters), "SUCCEEDED")["output"]["ResponseBody"]
    assert echoed["body"] == sent and echoed["headers"]["content-type"] == "application/json"


def test_an_error_status_is_named_after_the_code_and_can_be_caught(
    sfn: SFNClient, create_machine: CreateMachine, api: str
) -> None:
    catch = [{"ErrorEquals": ["ApiGateway.404"], "ResultPath": "$.error", "Next": "Handled"}]
    definition = call({"ApiEndpoint": api, "Method": "GET", "Path": "missing"}, Catch=catch)
    output = run(sfn, create_machine, definition, "SUCCEEDED")["output"]
    assert output["error"] == {"Error": "ApiGateway.404", "Cause": "no such pet"}
