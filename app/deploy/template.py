"""A template read from its file: resources, parameters with their values, conditions, mappings, outputs.

The file is decoded by ``cfn-lint``'s decoder, which reads YAML and JSON and turns the short-form tags
(``!Ref``, ``!GetAtt``, ``!Sub``…) into their long forms; nothing here parses YAML by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.deploy.errors import DeployError
from app.deploy.intrinsics import Scope, resolve

MAX_TEMPLATE_BYTES = 1024 * 1024  # CloudFormation's limit for a template given from S3
MAX_RESOURCES = 500  # CloudFormation's limit per template
PSEUDO_PARTITION = "aws"


@dataclass(frozen=True)
class Template:
    """A decoded template and the directory its relative paths (``CodeUri``, ``DefinitionUri``) start from."""

    body: dict[str, Any]
    directory: Path

    @property
    def resources(self) -> dict[str, Any]:
        resources = self.body.get("Resources")
        if not isinstance(resources, dict) or not resources:
            raise DeployError("the template has no Resources")
        if len(resources) > MAX_RESOURCES:
            raise DeployError(f"the template has {len(resources)} resources, more than {MAX_RESOURCES}")
        return resources

    def section(self, name: str) -> dict[str, Any]:
        value = self.body.get(name) or {}
        if not isinstance(value, dict):
            raise DeployError(f"the template's {name} must be an object")
        return value


def load(path: Path) -> Template:
    """The template at ``path``; a ``DeployError`` listing what the decoder found wrong."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DeployError(f"cannot read {path}: {exc.strerror}") from exc
    if size > MAX_TEMPLATE_BYTES:
        raise DeployError(f"{path} is larger than {MAX_TEMPLATE_BYTES} bytes")
    try:
        from cfnlint.decode import decode
    except ImportError as exc:
        raise DeployError("sfn deploy reads templates with cfn-lint: pip install 'sfn-server[deploy]'") from exc
    body, problems = decode(str(path))
    if problems or not isinstance(body, dict):
        details = "; ".join(f"line {problem.linenumber}: {problem.message}" for problem in problems) or "not a template"
        raise DeployError(f"{path} cannot be read: {details}")
    return Template(_plain(body), path.resolve().parent)


def base_scope(template: Template, stack_name: str, region: str, account: str, overrides: Mapping[str, str]) -> Scope:
    """Parameters (defaults, then overrides), pseudo-parameters, mappings and (lazily) conditions."""
    declared = template.section("Parameters")
    unknown = sorted(set(overrides) - set(declared))
    if unknown:
        raise DeployError(f"--parameter-overrides names {', '.join(unknown)}, not parameters of the template")
    refs: dict[str, Any] = {
        "AWS::Region": region,
        "AWS::AccountId": account,
        "AWS::StackName": stack_name,
        "AWS::StackId": f"arn:aws:cloudformation:{region}:{account}:stack/{stack_name}/{stack_name}",
        "AWS::Partition": PSEUDO_PARTITION,
        "AWS::URLSuffix": "amazonaws.com",
        "AWS::NotificationARNs": [],
    }
    for name, spec in declared.items():
        refs[name] = _parameter_value(name, spec if isinstance(spec, dict) else {}, overrides.get(name))
    scope = Scope(refs=refs, mappings=template.section("Mappings"))
    scope.conditions = _Conditions(template.section("Conditions"), scope)
    return scope


def parameter_values(template: Template, scope: Scope) -> dict[str, Any]:
    return {name: scope.refs[name] for name in template.section("Parameters")}


def _parameter_value(name: str, spec: dict[str, Any], override: str | None) -> Any:
    value = override if override is not None else spec.get("Default")
    if value is None:
        raise DeployError(f"parameter {name} has no Default: give it with --parameter-overrides {name}=VALUE")
    text = ",".join(str(item) for item in value) if isinstance(value, list) else str(value)
    allowed = spec.get("AllowedValues")
    if isinstance(allowed, list) and text not in [str(item) for item in allowed]:
        raise DeployError(f"parameter {name} is '{text}', not one of {', '.join(str(item) for item in allowed)}")
    kind = str(spec.get("Type", "String"))
    if kind == "Number":
        try:
            float(text)
        except ValueError:
            raise DeployError(f"parameter {name} is of Type Number, not '{text}'") from None
    if kind.startswith("List<") or kind == "CommaDelimitedList":
        return [item.strip() for item in text.split(",")]
    return text


class _Conditions(dict[str, bool]):
    """A template's conditions, each evaluated when first asked for (they may refer to one another)."""

    def __init__(self, raw: dict[str, Any], scope: Scope) -> None:
        super().__init__()
        self._raw = raw
        self._scope = scope
        self._evaluating: set[str] = set()

    def __missing__(self, name: str) -> bool:
        if name not in self._raw:
            raise KeyError(name)
        if name in self._evaluating:
            raise DeployError(f"condition {name} refers to itself")
        self._evaluating.add(name)
        value = resolve(self._raw[name], self._scope, f"condition {name}")
        self._evaluating.discard(name)
        if not isinstance(value, bool):
            raise DeployError(f"condition {name} is not true or false")
        self[name] = value
        return value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (dict.__contains__(self, name) or name in self._raw)


def _plain(value: Any) -> Any:
    """The decoder's node classes (which remember lines) as plain dicts, lists and strings."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    return value
