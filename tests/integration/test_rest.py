"""The REST routes under /v1 against a live server, next to boto3 on the same data."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any, Protocol
from urllib.parse import quote

import httpx
import pytest
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess
from tests.conftest import ROLE_ARN, CreateMachine
from tests.support.waiting import wait_for_event, wait_for_status

PASS_MACHINE = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
GREET_MACHINE = {
    "StartAt": "Greet",
    "States": {
        "Greet": {
            "Type": "Pass",
            "Parameters": {"greeting.$": "States.Format('Hello, {}!', $.name)"},
            "End": True,
        }
    },
}
# With the tests' WAIT_TIME_SCALE of 0.01, this Wait lasts 10 seconds of real time.
LONG_WAIT = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1000, "End": True}}}
PREFIX = "arn:aws:states:us-east-1:123456789012"
MISSING_MACHINE = f"{PREFIX}:stateMachine:does-not-exist"
MISSING_EXECUTION = f"{PREFIX}:execution:does-not-exist:nope"


class NewMachine(Protocol):
    """The ``new_machine`` fixture: creates a machine through REST; ``extra`` adds to the request body."""

    def __call__(self, definition: dict[str, Any] = ..., **extra: Any) -> str: ...


@pytest.fixture(scope="module")
def rest(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{server.endpoint}/v1", timeout=30.0) as client:
        yield client


@pytest.fixture
def new_machine(rest: httpx.Client) -> NewMachine:
    """Create a machine through REST with a unique name; returns its ARN."""

    def create(definition: dict[str, Any] = PASS_MACHINE, **extra: Any) -> str:
        body = {"name": unique(), "definition": definition, "roleArn": ROLE_ARN, **extra}
        response = rest.post("/state-machines", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["stateMachineArn"])

    return create


def unique(prefix: str = "rest") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["__type"] == code, body
    assert body["message"]


# --- state machines ------------------------------------------------------------------------------
def test_create_describe_update_delete(rest: httpx.Client) -> None:
    name = unique()
    created = rest.post(
        "/state-machines",
        json={"name": name, "definition": PASS_MACHINE, "roleArn": ROLE_ARN, "tags": [{"key": "k"}]},
    )
    assert created.status_code == 201, created.text
    arn = created.json()["stateMachineArn"]
    assert arn == f"{PREFIX}:stateMachine:{name}"
    assert isinstance(created.json()["creationDate"], float)

    described = rest.get(f"/state-machines/{arn}").json()
    assert (described["name"], described["status"], described["type"]) == (name, "ACTIVE", "STANDARD")
    assert json.loads(described["definition"]) == PASS_MACHINE
    assert described["creationDate"] == created.json()["creationDate"]
    assert described["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}

    updated = rest.put(f"/state-machines/{arn}", json={"definition": json.dumps(GREET_MACHINE)})
    assert updated.status_code == 200, updated.text
    assert updated.json()["revisionId"] != described["revisionId"]
    assert json.loads(rest.get(f"/state-machines/{arn}").json()["definition"]) == GREET_MACHINE

    assert rest.delete(f"/state-machines/{arn}").status_code == 204
    assert_error(rest.get(f"/state-machines/{arn}"), 404, "StateMachineDoesNotExist")
    assert rest.delete(f"/state-machines/{arn}").status_code == 204  # idempotent, as in AWS


def test_create_accepts_definition_text_and_is_idempotent(rest: httpx.Client) -> None:
    body = {"name": unique(), "definition": json.dumps(PASS_MACHINE), "roleArn": ROLE_ARN}
    first = rest.post("/state-machines", json=body)
    second = rest.post("/state-machines", json=body)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    other = {**body, "definition": GREET_MACHINE}
    assert_error(rest.post("/state-machines", json=other), 400, "StateMachineAlreadyExists")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "has space", "definition": PASS_MACHINE, "roleArn": ROLE_ARN}, "InvalidName"),
        ({"name": "x", "definition": {"StartAt": "Nowhere", "States": {}}, "roleArn": ROLE_ARN}, "InvalidDefinition"),
        ({"name": "x", "definition": "{not json", "roleArn": ROLE_ARN}, "InvalidDefinition"),
        ({"name": "x", "definition": PASS_MACHINE, "roleArn": "not-an-arn"}, "InvalidArn"),
        ({"name": "x", "definition": PASS_MACHINE}, "ValidationException"),
        ({"name": "x", "definition": PASS_MACHINE, "roleArn": ROLE_ARN, "type": "FAST"}, "ValidationException"),
    ],
)
def test_create_refuses_invalid_input(rest: httpx.Client, body: dict[str, Any], code: str) -> None:
    assert_error(rest.post("/state-machines", json=body), 400, code)


def test_malformed_json_body_is_a_serialization_error(rest: httpx.Client) -> None:
    response = rest.post("/state-machines", content=b"{", headers={"content-type": "application/json"})
    assert_error(response, 400, "SerializationException")


def test_missing_and_invalid_state_machine_arns(rest: httpx.Client) -> None:
    assert_error(rest.get(f"/state-machines/{MISSING_MACHINE}"), 404, "StateMachineDoesNotExist")
    missing_update = rest.put(f"/state-machines/{MISSING_MACHINE}", json={"roleArn": ROLE_ARN})
    assert_error(missing_update, 404, "StateMachineDoesNotExist")
    assert_error(rest.get("/state-machines/not-an-arn"), 400, "InvalidArn")
    assert_error(rest.get(f"/state-machines/{MISSING_EXECUTION}"), 400, "InvalidArn")


def test_update_needs_a_change(rest: httpx.Client, new_machine: NewMachine) -> None:
    arn = new_machine()
    assert_error(rest.put(f"/state-machines/{arn}", json={}), 400, "MissingRequiredParameter")
    bad = {"definition": {"StartAt": "Nowhere", "States": {}}}
    assert_error(rest.put(f"/state-machines/{arn}", json=bad), 400, "InvalidDefinition")


def test_list_state_machines_pages(rest: httpx.Client, new_machine: NewMachine) -> None:
    arns = {new_machine(), new_machine()}
    listed = rest.get("/state-machines", params={"maxResults": 1000}).json()
    assert arns <= {item["stateMachineArn"] for item in listed["stateMachines"]}
    first = rest.get("/state-machines", params={"maxResults": 1}).json()
    assert len(first["stateMachines"]) == 1
    second = rest.get("/state-machines", params={"maxResults": 1, "nextToken": first["nextToken"]}).json()
    assert second["stateMachines"][0]["stateMachineArn"] > first["stateMachines"][0]["stateMachineArn"]
    assert_error(rest.get("/state-machines", params={"nextToken": "bogus"}), 400, "InvalidToken")
    assert_error(rest.get("/state-machines", params={"maxResults": 5000}), 400, "ValidationException")


def test_validate_definition(rest: httpx.Client) -> None:
    ok = rest.post("/state-machines/validate", json={"definition": PASS_MACHINE})
    assert ok.status_code == 200, ok.text
    assert ok.json() == {"result": "OK", "diagnostics": [], "truncated": False}
    broken = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Next": "Nowhere"}}}
    failed = rest.post("/state-machines/validate", json={"definition": json.dumps(broken)}).json()
    assert failed["result"] == "FAIL"
    assert "MISSING_TRANSITION_TARGET" in {d["code"] for d in failed["diagnostics"]}
    assert_error(rest.post("/state-machines/validate", json={}), 400, "ValidationException")


def test_machine_created_by_rest_is_visible_to_boto3_and_back(rest: httpx.Client, sfn: SFNClient) -> None:
    via_rest = rest.post(
        "/state-machines", json={"name": unique(), "definition": PASS_MACHINE, "roleArn": ROLE_ARN}
    ).json()["stateMachineArn"]
    assert json.loads(sfn.describe_state_machine(stateMachineArn=via_rest)["definition"]) == PASS_MACHINE

    name = unique("boto")
    via_boto = sfn.create_state_machine(name=name, definition=json.dumps(GREET_MACHINE), roleArn=ROLE_ARN)
    described = rest.get(f"/state-machines/{via_boto['stateMachineArn']}").json()
    assert described["name"] == name
    assert json.loads(described["definition"]) == GREET_MACHINE


# --- executions ----------------------------------------------------------------------------------
def test_execution_started_by_rest_succeeds(rest: httpx.Client, sfn: SFNClient, new_machine: NewMachine) -> None:
    machine = new_machine(GREET_MACHINE)
    body = {"stateMachineArn": machine, "name": "run-1", "input": {"name": "world"}}
    started = rest.post("/executions", json=body)
    assert started.status_code == 201, started.text
    execution = started.json()["executionArn"]
    assert execution == machine.replace(":stateMachine:", ":execution:") + ":run-1"

    wait_for_status(sfn, execution, "SUCCEEDED")
    described = rest.get(f"/executions/{execution}").json()
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["input"]) == {"name": "world"}
    assert json.loads(described["output"]) == {"greeting": "Hello, world!"}
    assert described["stopDate"] >= described["startDate"]
    assert "error" not in described  # absent members are left out, as in AWS

    listed = rest.get("/executions", params={"stateMachineArn": machine, "statusFilter": "SUCCEEDED"})
    assert [item["executionArn"] for item in listed.json()["executions"]] == [execution]
    running = rest.get("/executions", params={"stateMachineArn": machine, "statusFilter": "RUNNING"})
    assert running.json()["executions"] == []


def test_execution_input_as_json_text_or_any_value(rest: httpx.Client, sfn: SFNClient, new_machine: NewMachine) -> None:
    machine = new_machine()
    for sent, expected in [('{"a": 1}', {"a": 1}), ([1, 2], [1, 2]), (None, {})]:
        body = {"stateMachineArn": machine, "input": sent}
        execution = rest.post("/executions", json=body).json()["executionArn"]
        output = wait_for_status(sfn, execution, "SUCCEEDED")["output"]
        assert json.loads(output) == expected


def test_history_pages_and_options(rest: httpx.Client, sfn: SFNClient, new_machine: NewMachine) -> None:
    machine = new_machine()
    execution = rest.post("/executions", json={"stateMachineArn": machine, "input": {"x": 1}}).json()["executionArn"]
    wait_for_status(sfn, execution, "SUCCEEDED")
    events = rest.get(f"/executions/{execution}/history").json()["events"]
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    boto_events = sfn.get_execution_history(executionArn=execution)["events"]
    assert [(e["id"], e["type"]) for e in events] == [(e["id"], e["type"]) for e in boto_events]
    assert json.loads(events[0]["executionStartedEventDetails"]["input"]) == {"x": 1}

    page = rest.get(f"/executions/{execution}/history", params={"maxResults": 2, "reverseOrder": True}).json()
    assert [e["id"] for e in page["events"]] == [4, 3]
    rest_of = rest.get(
        f"/executions/{execution}/history",
        params={"maxResults": 2, "reverseOrder": "true", "nextToken": page["nextToken"]},
    ).json()
    assert [e["id"] for e in rest_of["events"]] == [2, 1]

    lean = rest.get(f"/executions/{execution}/history", params={"includeExecutionData": False}).json()
    assert "input" not in lean["events"][0]["executionStartedEventDetails"]


def test_describe_state_machine_for_execution(rest: httpx.Client, new_machine: NewMachine) -> None:
    machine = new_machine(LONG_WAIT)
    execution = rest.post("/executions", json={"stateMachineArn": machine}).json()["executionArn"]
    rest.put(f"/state-machines/{machine}", json={"definition": PASS_MACHINE})
    described = rest.get(f"/executions/{execution}/state-machine")
    assert described.status_code == 200, described.text
    assert described.json()["stateMachineArn"] == machine
    assert json.loads(described.json()["definition"]) == LONG_WAIT  # the revision it started with
    rest.post(f"/executions/{execution}/stop")


def test_stop_execution(rest: httpx.Client, sfn: SFNClient, new_machine: NewMachine) -> None:
    machine = new_machine(LONG_WAIT)
    execution = rest.post("/executions", json={"stateMachineArn": machine}).json()["executionArn"]
    wait_for_event(sfn, execution, "WaitStateEntered")
    stopped = rest.post(f"/executions/{execution}/stop", json={"error": "Cancelled", "cause": "by REST"})
    assert stopped.status_code == 200, stopped.text
    described = rest.get(f"/executions/{execution}").json()
    assert (described["status"], described["error"], described["cause"]) == ("ABORTED", "Cancelled", "by REST")
    assert described["stopDate"] == stopped.json()["stopDate"]

    other = rest.post("/executions", json={"stateMachineArn": machine}).json()["executionArn"]
    assert rest.post(f"/executions/{other}/stop").status_code == 200  # the body is optional
    assert rest.get(f"/executions/{other}").json()["status"] == "ABORTED"


def test_execution_started_by_boto3_is_visible_to_rest(
    rest: httpx.Client, sfn: SFNClient, create_machine: CreateMachine
) -> None:
    machine = create_machine(PASS_MACHINE)
    execution = sfn.start_execution(stateMachineArn=machine, input='{"b": 2}')["executionArn"]
    wait_for_status(sfn, execution, "SUCCEEDED")
    described = rest.get(f"/executions/{execution}").json()
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"b": 2})
    listed = rest.get("/executions", params={"stateMachineArn": machine}).json()["executions"]
    assert [item["executionArn"] for item in listed] == [execution]


@pytest.mark.parametrize("suffix", ["", "/history", "/state-machine"])
def test_missing_execution_is_404(rest: httpx.Client, suffix: str) -> None:
    assert_error(rest.get(f"/executions/{MISSING_EXECUTION}{suffix}"), 404, "ExecutionDoesNotExist")


def test_execution_errors(rest: httpx.Client, new_machine: NewMachine) -> None:
    assert_error(rest.post(f"/executions/{MISSING_EXECUTION}/stop"), 404, "ExecutionDoesNotExist")
    assert_error(rest.get("/executions/not-an-arn"), 400, "InvalidArn")
    missing_machine = {"stateMachineArn": MISSING_MACHINE}
    assert_error(rest.post("/executions", json=missing_machine), 404, "StateMachineDoesNotExist")
    machine = new_machine()
    bad_input = {"stateMachineArn": machine, "input": "{not json"}
    assert_error(rest.post("/executions", json=bad_input), 400, "InvalidExecutionInput")
    assert_error(rest.post("/executions", json={"stateMachineArn": machine, "name": "a b"}), 400, "InvalidName")
    assert_error(rest.get("/executions"), 400, "ValidationException")
    bad_filter = {"stateMachineArn": machine, "statusFilter": "DONE"}
    assert_error(rest.get("/executions", params=bad_filter), 400, "ValidationException")
    missing_list = rest.get("/executions", params={"stateMachineArn": MISSING_MACHINE})
    assert_error(missing_list, 404, "StateMachineDoesNotExist")


def test_suffixed_routes_resolve_even_for_executions_named_like_them(
    rest: httpx.Client, sfn: SFNClient, new_machine: NewMachine
) -> None:
    """The ARN path converter must neither swallow ``/history`` nor take a name for a suffix."""
    machine = new_machine()
    for name in ["history", "stop", "state-machine"]:
        body = {"stateMachineArn": machine, "name": name}
        execution = rest.post("/executions", json=body).json()["executionArn"]
        assert execution.endswith(f":{name}")
        wait_for_status(sfn, execution, "SUCCEEDED")
        assert rest.get(f"/executions/{execution}").json()["name"] == name
        assert rest.get(f"/executions/{execution}/history").json()["events"][0]["id"] == 1
        assert rest.get(f"/executions/{execution}/state-machine").json()["stateMachineArn"] == machine
        assert "stopDate" in rest.post(f"/executions/{execution}/stop").json()
    encoded = quote(f"{machine.replace(':stateMachine:', ':execution:')}:history", safe="")
    assert rest.get(f"/executions/{encoded}/history").status_code == 200  # %3A for colons works too


# --- tags ----------------------------------------------------------------------------------------
def test_tags(rest: httpx.Client, sfn: SFNClient, new_machine: NewMachine) -> None:
    arn = new_machine(tags=[{"key": "team", "value": "core"}])
    assert rest.get(f"/tags/{arn}").json() == {"tags": [{"key": "team", "value": "core"}]}
    added = rest.post(f"/tags/{arn}", json={"tags": [{"key": "env", "value": "dev"}, {"key": "team", "value": "x"}]})
    assert added.status_code == 204, added.text
    expected = [{"key": "env", "value": "dev"}, {"key": "team", "value": "x"}]
    assert rest.get(f"/tags/{arn}").json()["tags"] == expected
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == expected
    assert rest.delete(f"/tags/{arn}", params={"tagKeys": ["team", "absent"]}).status_code == 204
    assert rest.get(f"/tags/{arn}").json()["tags"] == [{"key": "env", "value": "dev"}]


def test_tag_errors(rest: httpx.Client, new_machine: NewMachine) -> None:
    assert_error(rest.get(f"/tags/{MISSING_MACHINE}"), 404, "ResourceNotFound")
    assert_error(rest.post(f"/tags/{MISSING_MACHINE}", json={"tags": []}), 404, "ResourceNotFound")
    assert_error(rest.get(f"/tags/{MISSING_EXECUTION}"), 404, "ResourceNotFound")
    assert_error(rest.get("/tags/not-an-arn"), 400, "InvalidArn")
    arn = new_machine()
    assert_error(rest.delete(f"/tags/{arn}"), 400, "ValidationException")
    too_many = {"tags": [{"key": f"k{i}", "value": ""} for i in range(51)]}
    assert_error(rest.post(f"/tags/{arn}", json=too_many), 400, "TooManyTags")


# --- versions and aliases ------------------------------------------------------------------------
def test_versions_and_aliases(rest: httpx.Client, sfn: Any, new_machine: NewMachine) -> None:
    arn = new_machine(GREET_MACHINE)
    published = rest.post(f"/state-machines/{arn}/versions", json={"description": "first"})
    assert published.status_code == 201, published.text
    version = published.json()["stateMachineVersionArn"]
    assert version == f"{arn}:1"
    assert rest.post(f"/state-machines/{arn}/versions").json()["stateMachineVersionArn"] == version
    listed = rest.get(f"/state-machines/{arn}/versions").json()["stateMachineVersions"]
    assert [item["stateMachineVersionArn"] for item in listed] == [version]
    assert rest.get(f"/state-machines/{version}").json()["description"] == "first"

    routing = [{"stateMachineVersionArn": version, "weight": 100}]
    created = rest.post("/aliases", json={"name": "LIVE", "routingConfiguration": routing})
    assert created.status_code == 201, created.text
    alias = created.json()["stateMachineAliasArn"]
    assert rest.get(f"/aliases/{alias}").json()["routingConfiguration"] == routing
    assert rest.put(f"/aliases/{alias}", json={"description": "now described"}).status_code == 200
    assert sfn.describe_state_machine_alias(stateMachineAliasArn=alias)["description"] == "now described"
    aliases = rest.get(f"/state-machines/{arn}/aliases").json()["stateMachineAliases"]
    assert [item["stateMachineAliasArn"] for item in aliases] == [alias]
    assert_error(rest.delete(f"/versions/{version}"), 400, "ConflictException")
    assert rest.delete(f"/aliases/{alias}").status_code == 204
    assert_error(rest.get(f"/aliases/{alias}"), 404, "ResourceNotFound")
    assert rest.delete(f"/versions/{version}").status_code == 204
    assert_error(rest.get(f"/state-machines/{version}"), 404, "StateMachineDoesNotExist")


# --- documentation -------------------------------------------------------------------------------
ROUTES = {
    ("get", "/v1/state-machines"),
    ("post", "/v1/state-machines"),
    ("post", "/v1/state-machines/validate"),
    ("get", "/v1/state-machines/{arn}"),
    ("put", "/v1/state-machines/{arn}"),
    ("delete", "/v1/state-machines/{arn}"),
    ("post", "/v1/executions"),
    ("get", "/v1/executions"),
    ("get", "/v1/executions/{arn}"),
    ("post", "/v1/executions/{arn}/stop"),
    ("get", "/v1/executions/{arn}/history"),
    ("get", "/v1/executions/{arn}/state-machine"),
    ("get", "/v1/tags/{arn}"),
    ("post", "/v1/tags/{arn}"),
    ("delete", "/v1/tags/{arn}"),
    ("post", "/v1/state-machines/{arn}/versions"),
    ("get", "/v1/state-machines/{arn}/versions"),
    ("get", "/v1/state-machines/{arn}/aliases"),
    ("delete", "/v1/versions/{arn}"),
    ("post", "/v1/aliases"),
    ("get", "/v1/aliases/{arn}"),
    ("put", "/v1/aliases/{arn}"),
    ("delete", "/v1/aliases/{arn}"),
}


def test_openapi_documents_every_route_with_examples(server: ServerProcess) -> None:
    document = httpx.get(f"{server.endpoint}/openapi.json").json()
    schemas = document["components"]["schemas"]
    listed = {(method, path) for path, item in document["paths"].items() for method in item}
    assert listed >= ROUTES
    for method, path in ROUTES:
        operation = document["paths"][path][method]
        assert operation["summary"] and operation["description"], (method, path)
        assert "422" not in operation["responses"], (method, path)  # errors are AWS-shaped 400s
        assert "example" in operation["responses"]["4XX"]["content"]["application/json"]
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["examples"], (method, path)
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None:
            assert schemas[_schema_name(body["schema"])]["examples"], (method, path)
        success = next(code for code in operation["responses"] if code.startswith("2"))
        content = operation["responses"][success].get("content")
        if content is not None:
            assert schemas[_schema_name(content["application/json"]["schema"])]["examples"], (method, path)


def test_openapi_documents_the_aws_json_endpoint(server: ServerProcess) -> None:
    operation = httpx.get(f"{server.endpoint}/openapi.json").json()["paths"]["/"]["post"]
    (target,) = operation["parameters"]
    assert (target["name"], target["in"]) == ("X-Amz-Target", "header")
    assert "AWSStepFunctions.StartExecution" in target["schema"]["enum"]
    assert "application/x-amz-json-1.0" in operation["requestBody"]["content"]


def test_docs_page_is_served(server: ServerProcess) -> None:
    response = httpx.get(f"{server.endpoint}/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()


def _schema_name(schema: dict[str, Any]) -> str:
    """The component a schema points at, looking through ``Optional[...]``."""
    refs: list[str | None] = [schema.get("$ref")] + [option.get("$ref") for option in schema.get("anyOf", [])]
    return next(ref for ref in refs if ref).rsplit("/", 1)[-1]
