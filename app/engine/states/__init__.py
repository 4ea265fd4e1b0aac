"""How each state type runs: one module per type, registered by its ``Type`` name."""

from __future__ import annotations

from app.engine.states import choice, fail, map_, parallel, pass_, succeed, task, wait
from app.engine.states.base import StateHandler

HANDLERS: dict[str, StateHandler] = {
    "Pass": StateHandler(pass_.enter),
    "Succeed": StateHandler(succeed.enter),
    "Fail": StateHandler(fail.enter),
    "Wait": StateHandler(wait.enter, wait.on_timer),
    "Choice": StateHandler(choice.enter),
    "Parallel": StateHandler(parallel.enter, fan=parallel.FAN),
    "Map": StateHandler(map_.enter, fan=map_.FAN),
    "Task": StateHandler(task.enter, on_task=task.on_task),
}


def handler_for(state_type: str) -> StateHandler | None:
    """The handler of a state type, or None when this engine cannot run that type."""
    return HANDLERS.get(state_type)
