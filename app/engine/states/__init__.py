"""How each state type runs: one module per type beside the language's own (``app.asl.states``).

:data:`STATE_TYPES` is the one registry of state types: for each, its model and validation rules
(the language's :class:`StateKind`) and its handler. It is built at import, and the import fails
if a kind of the language has no handler here, or a handler no kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.asl.states import KINDS
from app.asl.states.base import StateKind
from app.engine.states import choice, fail, map_, parallel, pass_, succeed, task, wait
from app.engine.states.base import StateHandler

_HANDLERS: dict[str, StateHandler] = {
    "Pass": pass_.HANDLER,
    "Succeed": succeed.HANDLER,
    "Fail": fail.HANDLER,
    "Wait": wait.HANDLER,
    "Choice": choice.HANDLER,
    "Parallel": parallel.HANDLER,
    "Map": map_.HANDLER,
    "Task": task.HANDLER,
}


@dataclass(frozen=True)
class StateType:
    """A state type whole: how the language reads and checks it, and how the engine runs it."""

    kind: StateKind
    handler: StateHandler


def _registry() -> dict[str, StateType]:
    if set(_HANDLERS) != set(KINDS):
        raise ImportError(
            f"state types without a handler: {sorted(set(KINDS) - set(_HANDLERS))}; "
            f"handlers without a state type: {sorted(set(_HANDLERS) - set(KINDS))}"
        )
    return {name: StateType(kind, _HANDLERS[name]) for name, kind in KINDS.items()}


STATE_TYPES = _registry()


def handler_for(state_type: str) -> StateHandler | None:
    """The handler of a state type, or None when this engine cannot run that type."""
    state = STATE_TYPES.get(state_type)
    return None if state is None else state.handler
