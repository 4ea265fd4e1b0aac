"""Diagnostics as ValidateStateMachineDefinition reports them, and the InvalidDefinition text.

Codes and message texts follow what AWS returns (measured wording where known), so that a
client comparing error strings against AWS sees the same thing here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from app.asl.suggest import closest

ERROR = "ERROR"
WARNING = "WARNING"

INVALID_JSON_DESCRIPTION = "INVALID_JSON_DESCRIPTION"
MISSING_DESCRIPTION = "MISSING_DESCRIPTION"
SCHEMA_VALIDATION_FAILED = "SCHEMA_VALIDATION_FAILED"
MISSING_END_STATE = "MISSING_END_STATE"
DUPLICATE_STATE_NAME = "DUPLICATE_STATE_NAME"
INVALID_STATE_NAME = "INVALID_STATE_NAME"
INVALID_LABEL_NAME = "INVALID_LABEL_NAME"
DUPLICATE_LABEL_NAME = "DUPLICATE_LABEL_NAME"
MISSING_TRANSITION_TARGET = "MISSING_TRANSITION_TARGET"
TOO_DEEPLY_NESTED = "TOO_DEEPLY_NESTED"
INVALID_JSONATA_EXPRESSION = "INVALID_JSONATA_EXPRESSION"

#: How many "did you mean" guesses one validation makes at most (more are not read anyway).
MAX_GUESSES = 50


@dataclass(frozen=True)
class Diagnostic:
    """One finding; ``location`` is a JSON-pointer-like path (``/States/A/Retry[0]``), "" if none.

    ``hint`` and ``cause`` are for people (``sfn validate``), never part of AWS's answer: a hint
    says more than AWS's fixed message (a "did you mean"), and ``cause`` is the location of the
    error this one may only follow from, so that a report can show the root cause alone.
    """

    severity: str
    code: str
    message: str
    location: str
    hint: str = ""
    cause: str = ""


@dataclass
class Report:
    """Collects diagnostics in the order the checks find them.

    ``explain`` asks the checks for the hints whose search costs more than the check itself
    (the closest of many state names, ``guess``); the API, which never shows hints, leaves it off.
    """

    items: list[Diagnostic] = field(default_factory=list)
    explain: bool = False
    guesses_left: int = MAX_GUESSES

    def guess(self, name: str, known: Collection[str]) -> str | None:
        """The known name that ``name`` most likely misspells, when explaining.

        Each guess compares ``name`` with every known name; a bounded number of them keeps a
        definition with thousands of dangling references quick to check.
        """
        if not self.explain or self.guesses_left <= 0:
            return None
        self.guesses_left -= 1
        return closest(name, known)

    def error(self, code: str, message: str, location: str, *, hint: str = "", cause: str = "") -> None:
        """Record an ERROR diagnostic."""
        self.items.append(Diagnostic(ERROR, code, message, location, hint, cause))

    def schema(self, message: str, location: str, *, hint: str = "") -> None:
        """Record the most common error: the definition does not fit the language's schema."""
        self.error(SCHEMA_VALIDATION_FAILED, message, location, hint=hint)


def child(location: str, key: str) -> str:
    """Location of an object member."""
    return f"{location}/{key}"


def item(location: str, index: int) -> str:
    """Location of an array element, written the way AWS writes it (``Branches[0]``)."""
    return f"{location}[{index}]"


def format_invalid_definition(diagnostics: list[Diagnostic]) -> str:
    """The message of CreateStateMachine's ``InvalidDefinition`` error for these diagnostics.

    AWS joins every error as ``CODE: message at location`` inside one quoted string, and
    writes ``null`` where a diagnostic has no location.
    """
    parts = [f"{d.code}: {d.message} at {d.location or 'null'}" for d in diagnostics if d.severity == ERROR]
    return "Invalid State Machine Definition: '" + ", ".join(parts) + "'"
