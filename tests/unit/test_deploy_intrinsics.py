"""CloudFormation's intrinsic functions as ``sfn deploy`` resolves them, and the errors that name where."""

from __future__ import annotations

from typing import Any

import pytest

from app.deploy.errors import DeployError
from app.deploy.intrinsics import Scope, resolve, resolve_properties


def scope() -> Scope:
    return Scope(
        refs={"Env": "dev", "AWS::Region": "eu-west-1", "Flow": "arn:flow", "Ports": ["80", "443"]},
        attributes={("Fn", "Arn"): "arn:fn"},
        conditions={"IsDev": True},
        mappings={"Sizes": {"dev": {"Memory": 128}}},
        placeholders={"Role": ("stack-Role", "arn:aws:iam::1:role/stack-Role")},
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "Env"}, "dev"),
        ({"Fn::GetAtt": ["Fn", "Arn"]}, "arn:fn"),
        ({"Fn::GetAtt": "Fn.Arn"}, "arn:fn"),
        ({"Fn::GetAtt": ["Role", "Arn"]}, "arn:aws:iam::1:role/stack-Role"),
        ({"Fn::Sub": "${Env}-${AWS::Region}-${Fn.Arn}-${!Literal}"}, "dev-eu-west-1-arn:fn-${Literal}"),
        ({"Fn::Sub": ["${A}/${Env}", {"A": {"Ref": "Flow"}}]}, "arn:flow/dev"),
        ({"Fn::Join": ["-", ["a", {"Ref": "Env"}, 3]]}, "a-dev-3"),
        ({"Fn::If": ["IsDev", "small", "large"]}, "small"),
        ({"Fn::Not": [{"Condition": "IsDev"}]}, False),
        ({"Fn::Equals": [{"Ref": "Env"}, "dev"]}, True),
        ({"Fn::And": [{"Condition": "IsDev"}, {"Fn::Equals": ["a", "b"]}]}, False),
        ({"Fn::Or": [{"Condition": "IsDev"}, {"Fn::Equals": ["a", "b"]}]}, True),
        ({"Fn::Select": [1, {"Ref": "Ports"}]}, "443"),
        ({"Fn::Split": [",", "a,b"]}, ["a", "b"]),
        ({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Memory"]}, 128),
        ({"Fn::Base64": "hi"}, "aGk="),
        ({"Keep": {"Ref": "Env"}, "Drop": {"Ref": "AWS::NoValue"}}, {"Keep": "dev"}),
        ([{"Ref": "AWS::NoValue"}, 1], [1]),
    ],
)
def test_intrinsics_resolve(value: Any, expected: Any) -> None:
    assert resolve(value, scope(), "here") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"P": {"Fn::ImportValue": "x"}}, "resource R property P: Fn::ImportValue is not supported by sfn deploy"),
        ({"P": {"Ref": "Nope"}}, "resource R property P: Ref to 'Nope', which is no parameter or resource"),
        ({"P": {"Fn::GetAtt": ["Fn", "Name"]}}, "resource R property P: Fn::GetAtt 'Fn.Name': no such attribute"),
        ({"P": {"Fn::Sub": "${Missing}"}}, "Fn::Sub names ${Missing}"),
        ({"P": {"Fn::If": ["Unknown", 1, 2]}}, "no condition named 'Unknown'"),
        ({"P": {"Fn::Join": ["-", "not a list"]}}, "Fn::Join's values must be a list"),
    ],
)
def test_an_intrinsic_that_cannot_be_resolved_names_the_resource_and_property(
    value: dict[str, Any], message: str
) -> None:
    with pytest.raises(DeployError) as raised:
        resolve_properties(value, scope(), "resource R")
    assert message in str(raised.value)


def test_hostile_nesting_is_bounded() -> None:
    deep: Any = "x"
    for _ in range(10_000):
        deep = {"Fn::Join": ["", [deep]]}
    with pytest.raises(DeployError, match="nested more than"):
        resolve(deep, scope(), "here")
