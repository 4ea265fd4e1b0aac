"""CloudFormation's intrinsic functions, resolved against what the deployment knows.

``Ref`` and ``Fn::GetAtt`` of the template's resources resolve to this server's ARNs and names (known before
anything is made: names are derived from the stack and the logical id), of parameters to their values, and of
the pseudo-parameters to the server's region and account. ``Fn::Sub``, ``Fn::Join``, ``Fn::If`` (with
``Fn::Equals``, ``Fn::Not``, ``Fn::And``, ``Fn::Or`` and ``Condition``), ``Fn::Select``, ``Fn::Split``,
``Fn::FindInMap`` and ``Fn::Base64`` are evaluated; any other intrinsic is an error naming where it is.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.codec import dumps
from app.deploy.errors import DeployError

SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
#: Bounds a template's nesting (and so the work a hostile one can ask for).
MAX_DEPTH = 64


class _NoValue:
    """``Ref: AWS::NoValue``: the property or list item it stands for is left out."""


NO_VALUE = _NoValue()


@dataclass
class Scope:
    """What names resolve to: ``refs`` (parameters, pseudo-parameters, resources), ``attributes``
    (``(logical id, attribute)`` of resources), ``conditions`` and ``mappings``."""

    refs: dict[str, Any] = field(default_factory=dict)
    attributes: dict[tuple[str, str], Any] = field(default_factory=dict)
    conditions: dict[str, bool] = field(default_factory=dict)
    mappings: Mapping[str, Any] = field(default_factory=dict)
    #: Resources not run here, as ``(name, ARN)``: any attribute ending in ``Arn`` is the ARN, others the name.
    placeholders: dict[str, tuple[str, str]] = field(default_factory=dict)


def resolve(value: Any, scope: Scope, where: str) -> Any:
    """``value`` with every intrinsic function evaluated; ``where`` names the place for errors."""
    return _Resolver(scope, where).value(value, 0)


def resolve_properties(properties: Any, scope: Scope, where: str) -> dict[str, Any]:
    """A resource's properties resolved one by one, so an error names the property it is in."""
    if not isinstance(properties, dict):
        raise DeployError(f"{where}: Properties must be an object")
    resolved = {key: resolve(value, scope, f"{where} property {key}") for key, value in properties.items()}
    return {key: value for key, value in resolved.items() if value is not NO_VALUE}


@dataclass
class _Resolver:
    scope: Scope
    where: str

    def value(self, value: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise DeployError(f"{self.where}: nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, list):
            items = [self.value(item, depth + 1) for item in value]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref" or key.startswith("Fn::") or (key == "Condition" and isinstance(argument, str)):
                return self.function(key, argument, depth)
        resolved = {key: self.value(item, depth + 1) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}

    def function(self, name: str, argument: Any, depth: int) -> Any:
        handler = _FUNCTIONS.get(name)
        if handler is None:
            raise DeployError(f"{self.where}: {name} is not supported by sfn deploy")
        return handler(self, argument, depth + 1)

    def text(self, value: Any, depth: int, what: str) -> str:
        resolved = self.value(value, depth)
        if isinstance(resolved, bool):
            return "true" if resolved else "false"
        if isinstance(resolved, int | float | str):
            return str(resolved)
        raise DeployError(f"{self.where}: {what} must be a string, not {dumps(resolved)}")

    def ref(self, argument: Any, depth: int) -> Any:
        name = self.text(argument, depth, "Ref")
        if name == "AWS::NoValue":
            return NO_VALUE
        if name not in self.scope.refs:
            raise DeployError(f"{self.where}: Ref to '{name}', which is no parameter or resource of the template")
        return self.scope.refs[name]

    def get_att(self, argument: Any, depth: int) -> Any:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        parts = self.value(argument, depth)
        if not (isinstance(parts, list) and len(parts) == 2 and all(isinstance(part, str) for part in parts)):
            raise DeployError(f"{self.where}: Fn::GetAtt takes [LogicalId, Attribute]")
        key = (parts[0], parts[1])
        if parts[0] in self.scope.placeholders:
            name, arn = self.scope.placeholders[parts[0]]
            return arn if parts[1].endswith("Arn") else name
        if key not in self.scope.attributes:
            if not any(logical == parts[0] for logical, _ in self.scope.attributes):
                raise DeployError(f"{self.where}: Fn::GetAtt of '{parts[0]}', which is no resource of the template")
            raise DeployError(f"{self.where}: Fn::GetAtt '{parts[0]}.{parts[1]}': no such attribute here")
        return self.scope.attributes[key]

    def sub(self, argument: Any, depth: int) -> str:
        if isinstance(argument, str):
            template, variables = argument, {}
        elif isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str):
            template, raw = argument
            if not isinstance(raw, dict):
                raise DeployError(f"{self.where}: Fn::Sub's variables must be an object")
            variables = {name: self.text(item, depth, f"Fn::Sub variable {name}") for name, item in raw.items()}
        else:
            raise DeployError(f"{self.where}: Fn::Sub takes a string or [string, {{variables}}]")

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"  # ${!Literal} writes ${Literal}
            if name in variables:
                return variables[name]
            if name in self.scope.refs:
                return self.text(self.scope.refs[name], depth, f"${{{name}}}")
            if "." in name:
                return self.text(self.get_att(name, depth), depth, f"${{{name}}}")
            raise DeployError(f"{self.where}: Fn::Sub names ${{{name}}}, which is no parameter, resource or variable")

        return SUB_VARIABLE.sub(replace, template)

    def join(self, argument: Any, depth: int) -> str:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise DeployError(f"{self.where}: Fn::Join takes [delimiter, [values]]")
        delimiter = self.text(argument[0], depth, "Fn::Join's delimiter")
        items = self.value(argument[1], depth)
        if not isinstance(items, list):
            raise DeployError(f"{self.where}: Fn::Join's values must be a list")
        return delimiter.join(self.text(item, depth, "a value of Fn::Join") for item in items)

    def if_(self, argument: Any, depth: int) -> Any:
        if not (isinstance(argument, list) and len(argument) == 3 and isinstance(argument[0], str)):
            raise DeployError(f"{self.where}: Fn::If takes [condition, value if true, value if false]")
        chosen = argument[1] if self.condition(argument[0]) else argument[2]
        return self.value(chosen, depth)

    def condition(self, name: str) -> bool:
        try:
            return self.scope.conditions[name]  # a template's conditions are evaluated on first use
        except KeyError:
            raise DeployError(f"{self.where}: no condition named '{name}'") from None

    def boolean(self, argument: Any, depth: int, what: str) -> bool:
        value = self.value(argument, depth)
        if not isinstance(value, bool):
            raise DeployError(f"{self.where}: {what} takes conditions, not {dumps(value)}")
        return value

    def conditions(self, argument: Any, depth: int, what: str) -> list[bool]:
        if not isinstance(argument, list) or not argument:
            raise DeployError(f"{self.where}: {what} takes a list of conditions")
        return [self.boolean(item, depth, what) for item in argument]

    def equals(self, argument: Any, depth: int) -> bool:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise DeployError(f"{self.where}: Fn::Equals takes [value, value]")
        left, right = (self.value(item, depth) for item in argument)
        return bool(dumps(left) == dumps(right) or str(left) == str(right))

    def select(self, argument: Any, depth: int) -> Any:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise DeployError(f"{self.where}: Fn::Select takes [index, [values]]")
        index, items = self.value(argument[0], depth), self.value(argument[1], depth)
        try:
            return items[int(index)]
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            raise DeployError(f"{self.where}: Fn::Select index {index} of {dumps(items)}") from exc

    def split(self, argument: Any, depth: int) -> list[str]:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise DeployError(f"{self.where}: Fn::Split takes [delimiter, string]")
        delimiter = self.text(argument[0], depth, "Fn::Split's delimiter")
        return self.text(argument[1], depth, "Fn::Split's string").split(delimiter)

    def find_in_map(self, argument: Any, depth: int) -> Any:
        if not (isinstance(argument, list) and len(argument) in (3, 4)):
            raise DeployError(f"{self.where}: Fn::FindInMap takes [map, top-level key, second-level key]")
        names = [self.text(item, depth, "a key of Fn::FindInMap") for item in argument[:3]]
        try:
            return self.value(self.scope.mappings[names[0]][names[1]][names[2]], depth)
        except (KeyError, TypeError) as exc:
            if len(argument) == 4 and isinstance(argument[3], dict) and "DefaultValue" in argument[3]:
                return self.value(argument[3]["DefaultValue"], depth)
            raise DeployError(f"{self.where}: Fn::FindInMap finds nothing at {'/'.join(names)}") from exc


_FUNCTIONS: dict[str, Callable[[_Resolver, Any, int], Any]] = {
    "Ref": _Resolver.ref,
    "Fn::GetAtt": _Resolver.get_att,
    "Fn::Sub": _Resolver.sub,
    "Fn::Join": _Resolver.join,
    "Fn::If": _Resolver.if_,
    "Fn::Equals": _Resolver.equals,
    "Fn::Not": lambda r, a, d: not r.conditions(a, d, "Fn::Not")[0],
    "Fn::And": lambda r, a, d: all(r.conditions(a, d, "Fn::And")),
    "Fn::Or": lambda r, a, d: any(r.conditions(a, d, "Fn::Or")),
    "Condition": lambda r, a, d: r.condition(a),
    "Fn::Select": _Resolver.select,
    "Fn::Split": _Resolver.split,
    "Fn::FindInMap": _Resolver.find_in_map,
    "Fn::Base64": lambda r, a, d: base64.b64encode(r.text(a, d, "Fn::Base64").encode()).decode(),
}
