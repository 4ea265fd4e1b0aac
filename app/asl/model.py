"""A parsed state machine: the typed, frozen form the engine runs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from app.asl.states import KINDS, map_, parallel, task
from app.asl.states.base import JSONPATH, StateSpec, common_fields
from app.codec import loads


@dataclass(frozen=True)
class SubMachine:
    """A list of states with a start: the whole machine, a Parallel branch or a Map processor."""

    start_at: str
    states: Mapping[str, StateSpec]


@dataclass(frozen=True)
class StateMachineModel(SubMachine):
    """A whole definition: where to start, every state by name, and the machine-wide settings.

    ``waits_for_children`` tells the execution core whether an execution may leave ``.sync`` child
    executions running at its end, which it then stops.
    """

    query_language: str = JSONPATH
    timeout_seconds: int | None = None
    comment: str | None = None
    waits_for_children: bool = True


def parse_definition(definition: str | Mapping[str, Any]) -> StateMachineModel:
    """Build the model of a definition that validation has already accepted."""
    raw: Mapping[str, Any] = loads(definition) if isinstance(definition, str) else definition
    language = raw.get("QueryLanguage", JSONPATH)
    top = parse_sub_machine(raw, language)
    return StateMachineModel(
        start_at=top.start_at,
        states=top.states,
        query_language=language,
        timeout_seconds=raw.get("TimeoutSeconds"),
        comment=raw.get("Comment"),
        waits_for_children=any(_starts_sync_child(spec) for spec in all_states(top)),
    )


def all_states(machine: SubMachine) -> Iterator[StateSpec]:
    """Every state of a machine, including those inside Parallel branches and Map processors."""
    for spec in machine.states.values():
        yield spec
        if isinstance(spec, parallel.ParallelSpec):
            for branch in spec.branches:
                yield from all_states(branch)
        if isinstance(spec, map_.MapSpec) and spec.processor is not None:
            yield from all_states(spec.processor)


def _starts_sync_child(spec: StateSpec) -> bool:
    """Whether a state waits for child executions: a ``.sync`` nested execution, or a distributed Map's children."""
    if isinstance(spec, map_.MapSpec):
        return spec.distributed
    resource = spec.resource if isinstance(spec, task.TaskSpec) else None
    return (
        resource is not None
        and (resource.service, resource.action) == ("states", "startExecution")
        and resource.pattern in ("sync", "sync2")
    )


def parse_sub_machine(raw: Mapping[str, Any], language: str) -> SubMachine:
    """States inside branches and processors inherit the machine's query language."""
    states = {name: _parse_state(name, body, language) for name, body in raw["States"].items()}
    return SubMachine(start_at=raw["StartAt"], states=states)


def _parse_state(name: str, raw: Mapping[str, Any], language: str) -> StateSpec:
    kind = KINDS.get(raw["Type"])
    if kind is None:
        return StateSpec(**common_fields(name, raw, language))
    return kind.parse(name, raw, language, parse_sub_machine)
