"""A template turned into what this server runs, before anything is called: names, substitutions, skips."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

import pytest

from app.deploy.errors import DeployError
from app.deploy.resources import Place, Plan, plan
from app.deploy.template import base_scope, load

PLACE = Place("demo", "eu-west-1", "111122223333")


def planned(tmp_path: Path, text: str, **overrides: str) -> Plan:
    path = tmp_path / "template.yaml"
    path.write_text(text)
    template = load(path)
    return plan(template, base_scope(template, PLACE.stack, PLACE.region, PLACE.account, overrides), PLACE)


def test_substitutions_go_into_each_string_of_the_definition(tmp_path: Path) -> None:
    result = planned(
        tmp_path,
        """
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionSubstitutions:
        Target: !GetAtt Worker.Arn
        Doc: '{"a": 1}'
      Definition:
        StartAt: Call
        States:
          Call: {Type: Task, Resource: "${Target}", Comment: "doc ${Doc}", End: true}
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code:
        ZipFile: |
          def handler(event, context):
              return event
""",
    )
    (machine,) = result.machines
    assert machine.name == "demo-Flow"
    assert machine.arn == "arn:aws:states:eu-west-1:111122223333:stateMachine:demo-Flow"
    assert machine.role_arn == "arn:aws:iam::111122223333:role/FlowRole"
    state = json.loads(machine.definition)["States"]["Call"]
    assert state["Resource"] == "arn:aws:lambda:eu-west-1:111122223333:function:demo-Worker"
    assert state["Comment"] == 'doc {"a": 1}'  # the JSON text stays a string: the definition stays whole
    (function,) = result.functions
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(function.body["ZipFile"]))) as archive:
        assert archive.namelist() == ["index.py"]
    assert function.body["Timeout"] == 3.0  # Lambda's default


def test_what_is_not_run_here_is_skipped_with_its_reason(tmp_path: Path) -> None:
    result = planned(
        tmp_path,
        """
Parameters:
  Stage: {Type: String, Default: dev}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Node:
    Type: AWS::Serverless::Function
    Properties: {Runtime: nodejs20.x, Handler: index.handler, InlineCode: "x"}
  Bucket:
    Type: AWS::S3::Bucket
  Later:
    Type: AWS::StepFunctions::Activity
    Condition: IsProd
""",
    )
    reasons = {item.logical_id: item.reason for item in result.skipped}
    assert reasons == {
        "Node": "runtime 'nodejs20.x': this server runs Python functions only",
        "Bucket": "not a resource this server runs",
        "Later": "its condition IsProd is false",
    }
    assert result.activities == [] and result.functions == []


def test_globals_and_parameters(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    (tmp_path / "src" / "__pycache__").mkdir()
    (tmp_path / "src" / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"stale")
    result = planned(
        tmp_path,
        """
Parameters:
  Size: {Type: Number, Default: 5}
Globals:
  Function:
    Runtime: python3.11
    Timeout: 7
    Environment: {Variables: {SHARED: one, SIZE: !Ref Size}}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub "${AWS::StackName}-fn"
      CodeUri: src/
      Handler: app.handler
      Environment: {Variables: {OWN: two}}
""",
        Size="9",
    )
    (function,) = result.functions
    assert function.name == "demo-fn"
    assert function.body["Timeout"] == 7.0
    assert function.body["Environment"] == {"SHARED": "one", "SIZE": "9", "OWN": "two"}
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(function.body["ZipFile"]))) as archive:
        assert archive.namelist() == ["app.py"]


def test_a_number_parameter_must_be_a_number(tmp_path: Path) -> None:
    with pytest.raises(DeployError, match="parameter Size is of Type Number, not 'many'"):
        planned(
            tmp_path,
            "Parameters:\n  Size: {Type: Number}\nResources:\n  A: {Type: AWS::StepFunctions::Activity}\n",
            Size="many",
        )
