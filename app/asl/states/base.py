"""Fields every state shares, and how they are read from a definition."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.asl.handlers import Catcher, Retrier, parse_catchers, parse_retriers

if TYPE_CHECKING:
    from app.asl.model import SubMachine
    from app.asl.validation.states import Walk

JSONPATH = "JSONPath"
JSONATA = "JSONata"


class Missing:
    """Marks a field that the definition leaves out (distinct from an explicit JSON null)."""

    _instance: Missing | None = None

    def __new__(cls) -> Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING = Missing()


@dataclass(frozen=True)
class StateSpec:
    """A state of a machine: name, type, transition and the data-flow fields common to most types.

    ``input_path``/``output_path``/``result_path`` are ``None`` when the definition sets them to
    JSON null (which has its own meaning) and ``"$"`` when it leaves them out.
    """

    name: str
    type: str
    query_language: str
    next: str | None = None
    end: bool = False
    input_path: str | None = "$"
    output_path: str | None = "$"
    result_path: str | None = "$"
    parameters: Any = MISSING
    result_selector: Any = MISSING
    arguments: Any = MISSING
    output: Any = MISSING
    assign: Mapping[str, Any] = field(default_factory=dict)
    retry: tuple[Retrier, ...] = ()
    catch: tuple[Catcher, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_jsonata(self) -> bool:
        return self.query_language == JSONATA


def common_fields(name: str, raw: Mapping[str, Any], machine_language: str) -> dict[str, Any]:
    """The keyword arguments of :class:`StateSpec` read from a state's definition object."""
    return {
        "name": name,
        "type": raw["Type"],
        "query_language": raw.get("QueryLanguage", machine_language),
        "next": raw.get("Next"),
        "end": bool(raw.get("End", False)),
        "input_path": raw.get("InputPath", "$"),
        "output_path": raw.get("OutputPath", "$"),
        "result_path": raw.get("ResultPath", "$"),
        "parameters": raw.get("Parameters", MISSING),
        "result_selector": raw.get("ResultSelector", MISSING),
        "arguments": raw.get("Arguments", MISSING),
        "output": raw.get("Output", MISSING),
        "assign": raw.get("Assign", {}),
        "retry": parse_retriers(raw.get("Retry", [])),
        "catch": parse_catchers(raw.get("Catch", [])),
        "raw": raw,
    }


SubMachineParser = Callable[[Mapping[str, Any], str], "SubMachine"]


#: Builds a state's spec from its name, definition and the machine's query language; the last
#: argument parses the sub-machines it holds (Parallel branches, a Map's item processor).
Parser = Callable[[str, Mapping[str, Any], str, SubMachineParser], StateSpec]
#: Reports what is wrong with a state beyond the field tables: (walk, state, location, language, depth).
Checker = Callable[["Walk", dict[str, Any], str, str, int], None]


@dataclass(frozen=True)
class StateKind:
    """One state type as the language defines it: its model and its validation rules.

    ``fields`` are the members it accepts besides ``Type``, ``Comment`` and ``QueryLanguage``;
    ``required`` must be there; of ``exactly_one`` exactly one must be; ``transitions`` says it
    takes exactly one of ``Next`` and ``End``; ``check`` reports anything else. The engine adds
    how it runs (``app.engine.states``).
    """

    name: str
    spec: type[StateSpec]
    parse: Parser
    fields: frozenset[str]
    required: tuple[str, ...] = ()
    exactly_one: tuple[str, ...] = ()
    transitions: bool = False
    check: Checker | None = None
