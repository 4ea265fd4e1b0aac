"""The Choice state: picks the next state by the first rule that matches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.asl import jsonata_adapter
from app.asl.choice import ChoiceRule, parse_rule
from app.asl.errors import QUERY_EVALUATION_ERROR, StatesError
from app.asl.scope import DataScope
from app.asl.states.base import StateKind, StateSpec, SubMachineParser, common_fields
from app.asl.validation.choice import check_choices
from app.asl.validation.diagnostics import child
from app.asl.validation.expressions import check_jsonata
from app.asl.validation.schema import IO_FIELDS, JSONATA

if TYPE_CHECKING:
    from app.asl.validation.states import Walk


@dataclass(frozen=True, kw_only=True)
class ConditionRule(ChoiceRule):
    """A JSONata ``Condition`` rule: an expression that must evaluate to a boolean."""

    condition: Any
    output: Any = None
    has_output: bool = False

    def evaluate(self, scope: DataScope) -> bool:
        if not jsonata_adapter.is_expression(self.condition):
            return bool(self.condition)
        value = jsonata_adapter.evaluate_expression(self.condition, scope, field="Condition")
        if not isinstance(value, bool):
            text = str(self.condition).removeprefix("{%").removesuffix("%}").strip()
            raise StatesError(
                QUERY_EVALUATION_ERROR,
                f"The JSONata expression '{text}' specified for the field 'Condition' returned an unexpected "
                f"result type. Expected 'boolean', but was '{jsonata_adapter.json_type(value)}' for value: "
                f"{value}",
            )
        return value


@dataclass(frozen=True)
class ChoiceSpec(StateSpec):
    choices: tuple[ChoiceRule, ...] = ()
    default: str | None = None


def parse_choice_rule(rule: Mapping[str, Any]) -> ChoiceRule:
    if "Condition" in rule:
        return ConditionRule(
            next=rule.get("Next"),
            assign=rule.get("Assign", {}),
            condition=rule["Condition"],
            output=rule.get("Output"),
            has_output="Output" in rule,
        )
    return parse_rule(rule)


def parse(name: str, raw: Mapping[str, Any], machine_language: str, sub: SubMachineParser) -> ChoiceSpec:
    return ChoiceSpec(
        **common_fields(name, raw, machine_language),
        choices=tuple(parse_choice_rule(rule) for rule in raw["Choices"]),
        default=raw.get("Default"),
    )


def check(walk: Walk, state: dict[str, Any], location: str, language: str, depth: int) -> None:
    check_choices(walk.report, state, location, language)
    if language == JSONATA and isinstance(state.get("Choices"), list):
        check_jsonata(walk.report, state["Choices"], child(location, "Choices"))


KIND = StateKind(
    "Choice",
    ChoiceSpec,
    parse,
    fields=IO_FIELDS | {"Assign", "Choices", "Default"},
    required=("Choices",),
    check=check,
)
