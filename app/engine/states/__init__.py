"""How each state type runs: one module per type, registered by its ``Type`` name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.engine.outcomes import Outcome
from app.engine.run import Run


@dataclass(frozen=True)
class StateHandler:
    """``enter`` runs when the state is entered; ``on_timer`` when a timer it armed fires."""

    enter: Callable[[Run], Outcome]
    on_timer: Callable[[Run], Outcome] | None = None


def handler_for(state_type: str) -> StateHandler | None:
    """The handler of a state type, or None when this engine cannot run that type."""
    from app.engine.states import fail, pass_, succeed, wait

    handlers = {
        "Pass": StateHandler(pass_.enter),
        "Succeed": StateHandler(succeed.enter),
        "Fail": StateHandler(fail.enter),
        "Wait": StateHandler(wait.enter, wait.on_timer),
    }
    return handlers.get(state_type)
