"""Choice rules of the JSONPath query language: parsing into frozen rules and evaluating them.

AWS semantics, as recorded in the conformance cases: a comparison whose operand types do not
fit the operator is simply false (``NumericEquals`` on a string, ``BooleanEquals`` on ``0``);
only a ``Variable`` (or ``...Path`` operand) that selects nothing fails the execution with
``States.Runtime``, except under ``IsPresent``, whose whole point is to ask.

:class:`ChoiceRule` is open: the JSONata ``Condition`` rule can subclass it and implement
:meth:`ChoiceRule.evaluate` without touching this module's evaluator.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from app.asl import regex
from app.asl.errors import NO_CHOICE_MATCHED, RUNTIME, StatesError
from app.asl.paths import PathNotFound, evaluate_path
from app.asl.scope import DataScope

NO_CHOICE_MATCHED_CAUSE = "No Choice Rule matched the state input and the Choice state has no Default."

_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Comparator = Callable[[Any, Any], bool]


class InvalidChoiceRuleError(ValueError):
    """A rule that is not a well-formed JSONPath Choice rule."""


@dataclass(frozen=True, kw_only=True)
class ChoiceRule(ABC):
    """A Choice rule. Top-level rules carry ``Next`` and may carry ``Assign``; nested ones neither."""

    next: str | None = None
    assign: Mapping[str, Any] | None = None

    @abstractmethod
    def evaluate(self, scope: DataScope) -> bool:
        """Whether the rule matches the data in ``scope``."""


@dataclass(frozen=True, kw_only=True)
class Comparison(ChoiceRule):
    """``Variable`` compared by ``operator`` with a literal, or with a path's value if ``operand_is_path``."""

    variable: str
    operator: str
    operand: Any
    operand_is_path: bool = False

    def evaluate(self, scope: DataScope) -> bool:
        """Apply the operator; a Variable that selects nothing only answers ``IsPresent``."""
        try:
            value = evaluate_path(self.variable, scope)
        except PathNotFound as missing:
            if self.operator == "IsPresent":
                return self.operand is False
            raise _invalid_condition_path(self.variable) from missing
        if self.operator == "IsPresent":
            return self.operand is True
        return _OPERATORS[self.operator](value, self._operand_value(scope))

    def _operand_value(self, scope: DataScope) -> Any:
        """The literal, or the value the ``...Path`` operand selects."""
        if not self.operand_is_path:
            return self.operand
        try:
            return evaluate_path(self.operand, scope)
        except PathNotFound as missing:
            raise _invalid_condition_path(self.operand) from missing


@dataclass(frozen=True, kw_only=True)
class And(ChoiceRule):
    """True when every nested rule is true (evaluated in order, stopping at the first false)."""

    rules: tuple[ChoiceRule, ...]

    def evaluate(self, scope: DataScope) -> bool:
        """Conjunction, short-circuiting like AWS."""
        return all(rule.evaluate(scope) for rule in self.rules)


@dataclass(frozen=True, kw_only=True)
class Or(ChoiceRule):
    """True when any nested rule is true (evaluated in order, stopping at the first true)."""

    rules: tuple[ChoiceRule, ...]

    def evaluate(self, scope: DataScope) -> bool:
        """Disjunction, short-circuiting like AWS."""
        return any(rule.evaluate(scope) for rule in self.rules)


@dataclass(frozen=True, kw_only=True)
class Not(ChoiceRule):
    """Negation of one nested rule."""

    rule: ChoiceRule

    def evaluate(self, scope: DataScope) -> bool:
        """Negation; a failure inside (a missing Variable) still fails."""
        return not self.rule.evaluate(scope)


def parse_rule(rule: Mapping[str, Any]) -> ChoiceRule:
    """Turn one JSON Choice rule (top-level or nested) into a typed, frozen rule."""
    if "Condition" in rule:
        raise InvalidChoiceRuleError("'Condition' rules belong to the JSONata query language")
    common: dict[str, Any] = {"next": rule.get("Next"), "assign": rule.get("Assign")}
    if "And" in rule:
        return And(rules=_parse_list(rule["And"], "And"), **common)
    if "Or" in rule:
        return Or(rules=_parse_list(rule["Or"], "Or"), **common)
    if "Not" in rule:
        if not isinstance(rule["Not"], Mapping):
            raise InvalidChoiceRuleError("'Not' must hold one Choice rule")
        return Not(rule=parse_rule(rule["Not"]), **common)
    return _parse_comparison(rule, common)


def evaluate_rule(rule: ChoiceRule, scope: DataScope) -> bool:
    """Whether ``rule`` matches; raises StatesError(States.Runtime) for a path that selects nothing."""
    return rule.evaluate(scope)


def select_next(choices: Sequence[ChoiceRule], default: str | None, scope: DataScope) -> str:
    """The state to go to: the first matching rule's ``Next``, else ``Default``, else NoChoiceMatched."""
    rule = matched_rule(choices, scope)
    if rule is None:
        if default is None:
            raise StatesError(NO_CHOICE_MATCHED, NO_CHOICE_MATCHED_CAUSE)
        return default
    if rule.next is None:
        raise InvalidChoiceRuleError("a top-level Choice rule needs 'Next'")
    return rule.next


def matched_rule(choices: Sequence[ChoiceRule], scope: DataScope) -> ChoiceRule | None:
    """The first matching rule (None if none), for callers that also need its ``Assign``."""
    return next((choice for choice in choices if choice.evaluate(scope)), None)


def _parse_list(rules: Any, operator: str) -> tuple[ChoiceRule, ...]:
    """The nested rules of ``And`` / ``Or``: a non-empty array of rule objects."""
    if not isinstance(rules, list) or not rules or not all(isinstance(rule, Mapping) for rule in rules):
        raise InvalidChoiceRuleError(f"'{operator}' must hold a non-empty array of Choice rules")
    return tuple(parse_rule(rule) for rule in rules)


def _parse_comparison(rule: Mapping[str, Any], common: dict[str, Any]) -> Comparison:
    """A data-test rule: ``Variable`` plus exactly one comparison operator."""
    variable = rule.get("Variable")
    if not isinstance(variable, str) or not variable.startswith("$"):
        raise InvalidChoiceRuleError("a comparison needs a 'Variable' path")
    names = [key for key in rule if key in _LITERAL_OPERATORS or key in _PATH_OPERATORS]
    if len(names) != 1:
        raise InvalidChoiceRuleError(f"a comparison needs exactly one operator, found {names or 'none'}")
    name = names[0]
    operand = rule[name]
    if name in _PATH_OPERATORS:
        _check(isinstance(operand, str) and operand.startswith("$"), name, "a path")
        base = name.removesuffix("Path")
        return Comparison(variable=variable, operator=base, operand=operand, operand_is_path=True, **common)
    _check_literal(name, operand)
    return Comparison(variable=variable, operator=name, operand=operand, **common)


def _check_literal(operator: str, operand: Any) -> None:
    """Each operator family takes one literal type, as definition validation demands."""
    if operator.startswith(("Is", "Boolean")):
        _check(isinstance(operand, bool), operator, "a boolean")
    elif operator.startswith("String"):
        _check(isinstance(operand, str), operator, "a string")
    elif operator.startswith("Numeric"):
        _check(_is_number(operand), operator, "a number")
    else:
        _check(_timestamp_key(operand) is not None, operator, "an RFC 3339 timestamp")


def _check(ok: bool, operator: str, expected: str) -> None:
    """Raise InvalidChoiceRuleError naming the operator and what it expects."""
    if not ok:
        raise InvalidChoiceRuleError(f"'{operator}' must be {expected}")


def _invalid_condition_path(path: str) -> StatesError:
    """AWS's failure when a Choice rule's path selects nothing."""
    return StatesError(
        RUNTIME, f"Invalid path '{path}': The choice state's condition path references an invalid value."
    )


def _is_number(value: Any) -> bool:
    """JSON numbers only: Python's bool is an int but JSON's true is not a number."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _utf16(text: str) -> bytes:
    """Order strings by UTF-16 code units, as Java's ``String.compareTo`` does."""
    return text.encode("utf-16-be", "surrogatepass")


def _strings(compare: Callable[[bytes, bytes], bool]) -> Comparator:
    """A string comparison that is false unless both sides are strings."""
    return lambda value, operand: (
        isinstance(value, str) and isinstance(operand, str) and compare(_utf16(value), _utf16(operand))
    )


def _numbers(compare: Callable[[Any, Any], bool]) -> Comparator:
    """A numeric comparison that is false unless both sides are JSON numbers."""
    return lambda value, operand: _is_number(value) and _is_number(operand) and compare(value, operand)


def _timestamps(compare: Callable[[Any, Any], bool]) -> Comparator:
    """A timestamp comparison that is false unless both sides parse as RFC 3339 timestamps."""

    def comparator(value: Any, operand: Any) -> bool:
        left, right = _timestamp_key(value), _timestamp_key(operand)
        return left is not None and right is not None and compare(left, right)

    return comparator


def _timestamp_key(value: Any) -> tuple[int, int] | None:
    """Parse ``2016-03-14T01:59:00.123Z`` / ``...+01:00`` into (epoch seconds, nanoseconds).

    Uppercase ``T`` and a ``Z`` or numeric offset are required, as the States Language spec says;
    nanoseconds are kept because AWS compares fractions beyond Python's microseconds.
    """
    match = _TIMESTAMP.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_hours, off_minutes = match.groups()
    offset = timedelta(0)
    if not zulu:
        offset = int(sign + "1") * timedelta(hours=int(off_hours), minutes=int(off_minutes))
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=timezone(offset))
    except ValueError:
        return None
    return (moment - _EPOCH) // timedelta(seconds=1), int((fraction or "").ljust(9, "0"))


def _string_matches(value: Any, pattern: Any) -> bool:
    """``StringMatches``: ``*`` matches any run of characters; a backslash makes the next one literal."""
    if not (isinstance(value, str) and isinstance(pattern, str)):
        return False
    return _wildcard(pattern).fullmatch(value) is not None


def _wildcard(pattern: str) -> Any:
    """Translate a StringMatches pattern into an anchored regular expression."""
    parts: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            parts.append(regex.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            parts.append(".*" if char == "*" else regex.escape(char))
    if escaped:
        parts.append(regex.escape("\\"))
    # Many wildcards over a long text take the backtracking engine polynomial time; RE2 is linear.
    return regex.compile_linear("".join(parts), dotall=True)


def _same_type(kind: type) -> Comparator:
    """Equality that never crosses JSON types (``BooleanEquals`` on ``1`` is false)."""
    return lambda value, operand: isinstance(value, kind) and isinstance(operand, kind) and value == operand


def _is(test: Callable[[Any], bool]) -> Comparator:
    """A type test compared with the rule's ``true``/``false``."""
    return lambda value, expected: test(value) is expected


_OPERATORS: dict[str, Comparator] = {
    "StringEquals": _strings(lambda a, b: a == b),
    "StringLessThan": _strings(lambda a, b: a < b),
    "StringGreaterThan": _strings(lambda a, b: a > b),
    "StringLessThanEquals": _strings(lambda a, b: a <= b),
    "StringGreaterThanEquals": _strings(lambda a, b: a >= b),
    "StringMatches": _string_matches,
    "NumericEquals": _numbers(lambda a, b: a == b),
    "NumericLessThan": _numbers(lambda a, b: a < b),
    "NumericGreaterThan": _numbers(lambda a, b: a > b),
    "NumericLessThanEquals": _numbers(lambda a, b: a <= b),
    "NumericGreaterThanEquals": _numbers(lambda a, b: a >= b),
    "BooleanEquals": _same_type(bool),
    "TimestampEquals": _timestamps(lambda a, b: a == b),
    "TimestampLessThan": _timestamps(lambda a, b: a < b),
    "TimestampGreaterThan": _timestamps(lambda a, b: a > b),
    "TimestampLessThanEquals": _timestamps(lambda a, b: a <= b),
    "TimestampGreaterThanEquals": _timestamps(lambda a, b: a >= b),
    "IsNull": _is(lambda value: value is None),
    "IsNumeric": _is(_is_number),
    "IsString": _is(lambda value: isinstance(value, str)),
    "IsBoolean": _is(lambda value: isinstance(value, bool)),
    "IsTimestamp": _is(lambda value: _timestamp_key(value) is not None),
}
"""Operators applied to a selected value; ``IsPresent`` is answered before one exists."""

_LITERAL_OPERATORS = frozenset(_OPERATORS) | {"IsPresent"}
_PATH_OPERATORS = frozenset(
    f"{name}Path" for name in _OPERATORS if name.startswith(("String", "Numeric", "Boolean", "Timestamp"))
) - {"StringMatchesPath"}
