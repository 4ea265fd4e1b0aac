"""``sfn deploy`` against a live server: templates made real through the API, updated in place, deleted.

The seed's SAM template (the Lambda retry/catch workflow, with its ``function`` given as a local Python function)
deploys unchanged and its schedule starts an execution every minute, on the engine's clock of a second process
on the server's database; the continue-as-new example's template deploys and its chain runs.
"""

from __future__ import annotations

import functools
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from mypy_boto3_stepfunctions import SFNClient

from app.cli import main
from app.clock import FakeClock
from app.composition import running
from app.executions.runtime import build_runtime
from app.server_process import ServerProcess
from app.service.schedule_firing import ScheduleFirer
from app.settings import Settings, get_settings
from tests.support.shared import seed_sam_template
from tests.support.waiting import wait_for_end, wait_until

ROOT = Path(__file__).resolve().parents[2]
RANDOM_ERROR = ROOT / "examples" / "lambda_retry_catch" / "functions"
# The seed's template refers to a function resource it does not show: here it is a local Python function.
SEED_FUNCTION = f"""  function:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {RANDOM_ERROR}
      Handler: random_error.handler
      Runtime: python3.11
"""


@pytest.fixture(autouse=True)
def wide_output(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COLUMNS", "250")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def sfn_cli(server: ServerProcess, capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main([*arguments, "--endpoint", server.endpoint])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rest(server: ServerProcess, method: str, path: str) -> httpx.Response:
    return httpx.request(method, f"{server.endpoint}/v1{path}", timeout=30)


def raw_description(server: ServerProcess, execution_arn: str) -> dict[str, Any]:
    """DescribeExecution as the server answers it (boto3 drops the members AWS's model lacks)."""
    response = httpx.post(
        server.endpoint,
        headers={"X-Amz-Target": "AWSStepFunctions.DescribeExecution", "Content-Type": "application/x-amz-json-1.0"},
        content=json.dumps({"executionArn": execution_arn}),
    )
    body: dict[str, Any] = response.json()
    return body


def stack_name() -> str:
    return f"stack-{uuid.uuid4().hex[:8]}"


def test_the_seed_sam_template_deploys_and_its_schedule_starts_an_execution_every_minute(
    server: ServerProcess, sfn: SFNClient, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = seed_sam_template()
    if seed is None:
        pytest.skip("the seed documents (../shared/seeds) are absent here")
    template = tmp_path / "template.yaml"
    template.write_text(seed + SEED_FUNCTION)
    stack = stack_name()
    code, out, err = sfn_cli(server, capsys, "deploy", str(template), "--stack-name", stack)
    assert code == 0, err
    machine_arn = f"arn:aws:states:us-east-1:123456789012:stateMachine:{stack}-statemachine"
    assert "statemachine.scheduled" in out and machine_arn in out
    schedule = rest(server, "GET", f"/schedules/{stack}-statemachine-scheduled").json()
    assert schedule["ScheduleExpression"] == "rate(1 minute)"
    assert schedule["Target"] == {"Arn": machine_arn}
    assert schedule["StackName"] == stack
    definition = json.loads(sfn.describe_state_machine(stateMachineArn=machine_arn)["definition"])
    parameters = definition["States"]["Invoke"]["Parameters"]
    assert parameters["FunctionName"] == f"arn:aws:lambda:us-east-1:123456789012:function:{stack}-function"
    assert json.loads(parameters["Payload"]) == {"max-depth": 5, "current-depth": 0, "error-rate": 0.2}

    # A rate's first occurrence is due at once: the live server fires it.
    schedule_path = f"/schedules/{stack}-statemachine-scheduled"
    wait_until(lambda: "LastInvocation" in rest(server, "GET", schedule_path).json(), 15, "the first occurrence")

    # A second server process on the same database, on the engine's clock: three minutes pass at once. What the
    # executions then wait for is due on that clock, so that process runs them (the live server would in 3 min).
    clock = FakeClock(time.time())
    other = build_runtime(Settings(database_url=database_url, poll_seconds=0.1), clock)
    try:
        with running(other):  # its schedule thread fires too: whichever looks first fires each occurrence
            firer = ScheduleFirer(other)

            def started() -> list[Any]:
                return list(sfn.list_executions(stateMachineArn=machine_arn)["executions"])

            def has_started(count: int) -> bool:
                return len(started()) >= count

            for minute in range(1, 4):
                clock.advance(60)
                firer.fire_due()
                wait_until(functools.partial(has_started, minute + 1), 10, f"the execution of minute {minute}")
                assert len(started()) == minute + 1
            for item in started():
                ended = wait_for_end(sfn, item["executionArn"])
                assert ended["status"] == "SUCCEEDED"
                assert json.loads(ended["output"]) == "Invocation succeeded!"  # InvocationType Event: not awaited
                assert raw_description(server, item["executionArn"])["startedByScheduleArn"] == schedule["Arn"]
    finally:
        other.close()

    code, out, err = sfn_cli(server, capsys, "deploy", "--delete", "--stack-name", stack)
    assert code == 0, err
    assert out.count("DELETED") == 3
    assert rest(server, "GET", f"/schedules/{stack}-statemachine-scheduled").status_code == 404
    assert rest(server, "GET", f"/functions/{stack}-function").status_code == 404
    assert rest(server, "GET", f"/stacks/{stack}").status_code == 404


TEMPLATE = """
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Greeting: {Type: String, Default: Hello}
  Stage: {Type: String, Default: dev, AllowedValues: [dev, prod]}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Globals:
  Function:
    Runtime: python3.11
    Environment:
      Variables:
        STAGE: !Ref Stage
Resources:
  Greeter:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: greeter/
      Handler: app.greet
      Timeout: 10
      Environment:
        Variables:
          GREETING: !Ref Greeting
  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineType: !If [IsProd, EXPRESS, STANDARD]
      RoleArn: !GetAtt Role.Arn
      DefinitionString: !Sub
        - >-
          {"StartAt": "Greet", "States": {
          "Greet": {"Type": "Task", "Resource": "${GreeterArn}", "ResultPath": "$.greeting", "Next": "Where"},
          "Where": {"Type": "Pass", "Parameters": {"greeting.$": "$.greeting", "region": "${AWS::Region}",
          "stack": "${AWS::StackName}", "extra": "${Extra}"}, "End": true}}}
        - GreeterArn: !GetAtt Greeter.Arn
          Extra: !Join [",", [!Ref Greeting, !Select [1, !Split ["-", "a-b-c"]]]]
  Nightly:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: cron(0 3 ? * MON-FRI *)
      ScheduleExpressionTimezone: Europe/Paris
      FlexibleTimeWindow: {Mode: "OFF"}
      Target:
        Arn: !Ref Flow
        RoleArn: !GetAtt Role.Arn
        Input: '{"who": "night"}'
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  ProdQueue:
    Type: AWS::StepFunctions::Activity
    Condition: IsProd
    Properties: {Name: prod-queue}
  %(extra)s
Outputs:
  FlowArn:
    Value: !Ref Flow
  Joined:
    Value: !Join [":", [!Ref Greeting, !GetAtt Greeter.Arn]]
"""
QUEUE = """Queue:
    Type: AWS::StepFunctions::Activity
    Properties: {Name: !Sub "${AWS::StackName}-queue"}"""
GREETER = """import os


def greet(event, context):
    return f"{os.environ['GREETING']} {event['who']} from {os.environ['STAGE']} %s"
"""


def write_stack(directory: Path, version: str, extra: str = "") -> Path:
    (directory / "greeter").mkdir(exist_ok=True)
    (directory / "greeter" / "app.py").write_text(GREETER % version)
    template = directory / "template.yaml"
    template.write_text(TEMPLATE % {"extra": extra})
    return template


def run(sfn: SFNClient, machine_arn: str, execution_input: dict[str, Any]) -> Any:
    arn = sfn.start_execution(stateMachineArn=machine_arn, input=json.dumps(execution_input))["executionArn"]
    ended = wait_for_end(sfn, arn)
    assert ended["status"] == "SUCCEEDED", ended
    return json.loads(ended["output"])


def test_deploy_update_in_place_and_delete_a_stack(
    server: ServerProcess, sfn: SFNClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = stack_name()
    machine_arn = f"arn:aws:states:us-east-1:123456789012:stateMachine:{stack}-Flow"
    function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{stack}-Greeter"
    code, out, err = sfn_cli(server, capsys, "deploy", str(write_stack(tmp_path, "v1", QUEUE)), "--stack-name", stack)
    assert code == 0, err
    lines = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 3}
    assert "CREATED" in lines["Greeter"] and "CREATED" in lines["Flow"] and "CREATED" in lines["Nightly"]
    assert "CREATED" in lines["Queue"]
    assert "SKIPPED" in lines["Role"] and "IAM is not enforced" in lines["Role"]
    assert "SKIPPED" in lines["ProdQueue"] and "condition IsProd is false" in lines["ProdQueue"]
    assert f"FlowArn = {machine_arn}" in out
    assert f"Joined = Hello:{function_arn}" in out
    assert run(sfn, machine_arn, {"who": "you"}) == {
        "greeting": "Hello you from dev v1",
        "region": "us-east-1",
        "stack": stack,
        "extra": "Hello,b",
    }
    assert sfn.describe_state_machine(stateMachineArn=machine_arn)["roleArn"] == (
        f"arn:aws:iam::123456789012:role/{stack}-Role"
    )
    nightly = rest(server, "GET", f"/schedules/{stack}-Nightly").json()
    assert nightly["ScheduleExpressionTimezone"] == "Europe/Paris"
    assert nightly["Target"] == {"Arn": machine_arn, "Input": '{"who": "night"}'}
    queue_arn = f"arn:aws:states:us-east-1:123456789012:activity:{stack}-queue"
    assert sfn.describe_activity(activityArn=queue_arn)["name"] == f"{stack}-queue"

    # New code, a new parameter value, and no more Queue: the next call runs the new code, Queue goes.
    template = write_stack(tmp_path, "v2")
    code, out, err = sfn_cli(
        server, capsys, "deploy", str(template), "--stack-name", stack, "--parameter-overrides", "Greeting=Hi"
    )
    assert code == 0, err
    assert "UPDATED" in out and "DELETED" in out
    assert run(sfn, machine_arn, {"who": "you"})["greeting"] == "Hi you from dev v2"
    with pytest.raises(ClientError, match="ActivityDoesNotExist"):
        sfn.describe_activity(activityArn=queue_arn)
    function = rest(server, "GET", f"/functions/{stack}-Greeter").json()
    assert function["Environment"]["Variables"] == {"STAGE": "dev", "GREETING": "Hi"}
    assert function["Timeout"] == 10

    code, out, _ = sfn_cli(server, capsys, "stacks")
    assert code == 0 and stack in out
    code, out, _ = sfn_cli(server, capsys, "stacks", stack)
    shown = json.loads(out)
    assert shown["Outputs"]["Joined"] == f"Hi:{function_arn}"
    assert shown["Parameters"] == {"Greeting": "Hi", "Stage": "dev"}

    code, out, err = sfn_cli(server, capsys, "deploy", "--delete", "--stack-name", stack)
    assert code == 0, err
    with pytest.raises(ClientError):
        run(sfn, machine_arn, {"who": "anyone"})
    assert rest(server, "GET", f"/schedules/{stack}-Nightly").status_code == 404
    assert rest(server, "GET", f"/functions/{stack}-Greeter").status_code == 404


@pytest.mark.parametrize(
    ("template", "arguments", "code", "message"),
    [
        (
            "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n"
            "      RoleArn: !ImportValue shared-role\n      Definition: {}\n",
            [],
            1,
            "resource M (AWS::StepFunctions::StateMachine) property RoleArn: Fn::ImportValue is not supported",
        ),
        (
            "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n"
            "      Definition: {StartAt: Nope, States: {A: {Type: Pass, End: true}}}\n",
            [],
            1,
            "resource M: InvalidDefinition",
        ),
        (
            "Parameters:\n  Needed: {Type: String}\nResources:\n  A:\n    Type: AWS::StepFunctions::Activity\n",
            [],
            1,
            "parameter Needed has no Default: give it with --parameter-overrides Needed=VALUE",
        ),
        (
            "Resources:\n  A:\n    Type: AWS::StepFunctions::Activity\n",
            ["--parameter-overrides", "Nope=1"],
            1,
            "--parameter-overrides names Nope, not parameters of the template",
        ),
        ("Resources:\n  A: [unclosed\n", [], 1, "cannot be read"),
        (
            "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      CodeUri: s3://bucket/code.zip\n      Handler: app.handler\n      Runtime: python3.11\n",
            [],
            1,
            "resource F (AWS::Serverless::Function) property CodeUri: S3 is not read",
        ),
        (
            "Resources:\n  A:\n    Type: AWS::StepFunctions::Activity\n",
            ["--parameter-overrides", "oops"],
            2,
            "KEY=VALUE",
        ),
        (
            "Resources:\n  A:\n    Type: AWS::StepFunctions::Activity\n",
            ["--stack-name", "9-bad_name"],  # the last --stack-name counts
            1,
            "Invalid stack name '9-bad_name'",
        ),
    ],
)
def test_a_template_that_cannot_be_deployed_says_where(
    server: ServerProcess,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    template: str,
    arguments: list[str],
    code: int,
    message: str,
) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(template)
    exit_code, _, err = sfn_cli(server, capsys, "deploy", str(path), "--stack-name", stack_name(), *arguments)
    assert exit_code == code
    assert message in err


def test_the_continue_as_new_template_deploys_and_its_chain_runs(
    server: ServerProcess, sfn: SFNClient, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = stack_name()
    template = ROOT / "examples" / "continue_as_new" / "template.yaml"
    code, out, err = sfn_cli(server, capsys, "deploy", str(template), "--stack-name", stack)
    assert code == 0, err
    machine_arn = f"arn:aws:states:us-east-1:123456789012:stateMachine:{stack}-ContinueAsNew"
    assert f"StateMachineArn = {machine_arn}" in out
    first = sfn.start_execution(stateMachineArn=machine_arn, input=json.dumps({"restart": {"executionCount": 3}}))
    ended = wait_for_end(sfn, first["executionArn"], timeout=60)
    assert ended["status"] == "SUCCEEDED", ended
    chain = [ended]
    while "next" in json.loads(chain[-1]["output"]):
        chain.append(wait_for_end(sfn, json.loads(chain[-1]["output"])["next"]["ExecutionArn"], timeout=60))
    assert [execution["status"] for execution in chain] == ["SUCCEEDED"] * 3
    assert sfn_cli(server, capsys, "deploy", "--delete", "--stack-name", stack)[0] == 0


ALIASED = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      AutoPublishAlias: live
      Logging:
        Level: ERROR
        IncludeExecutionData: true
        Destinations:
          - CloudWatchLogsLogGroup:
              LogGroupArn: !GetAtt Logs.Arn
      Tracing: {Enabled: true}
      Definition:
        StartAt: P
        States:
          P: {Type: Pass, Result: %d, End: true}
      Events:
        FirstMonday:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 8 ? * 2#1 *)
            ScheduleExpressionTimezone: America/New_York
            Input: '{"from": "schedule"}'
  Logs:
    Type: AWS::Logs::LogGroup
"""


def test_auto_publish_alias_logging_tracing_and_a_schedule_of_the_alias(
    server: ServerProcess, sfn: SFNClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack, template = stack_name(), tmp_path / "template.yaml"
    machine_arn = f"arn:aws:states:us-east-1:123456789012:stateMachine:{stack}-Machine"
    for release in (1, 2):
        template.write_text(ALIASED % release)
        code, _, err = sfn_cli(server, capsys, "deploy", str(template), "--stack-name", stack)
        assert code == 0, err
        alias = sfn.describe_state_machine_alias(stateMachineAliasArn=f"{machine_arn}:live")
        assert alias["routingConfiguration"] == [{"stateMachineVersionArn": f"{machine_arn}:{release}", "weight": 100}]
        assert run(sfn, f"{machine_arn}:live", {}) == release
    described = sfn.describe_state_machine(stateMachineArn=machine_arn)
    assert described["loggingConfiguration"]["level"] == "ERROR"
    assert described["loggingConfiguration"]["destinations"] == [
        {"cloudWatchLogsLogGroup": {"logGroupArn": f"arn:aws:logs:us-east-1:123456789012:{stack}-Logs"}}
    ]
    assert described["tracingConfiguration"] == {"enabled": True}
    schedule = rest(server, "GET", f"/schedules/{stack}-Machine-FirstMonday").json()
    assert schedule["Target"] == {"Arn": f"{machine_arn}:live", "Input": '{"from": "schedule"}'}
    assert schedule["ScheduleExpressionTimezone"] == "America/New_York"
    assert schedule["NextInvocation"].endswith(("T13:00:00Z", "T12:00:00Z"))  # 8:00 in New York
    assert sfn_cli(server, capsys, "deploy", "--delete", "--stack-name", stack)[0] == 0
