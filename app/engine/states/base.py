"""The shape of a state handler, shared by every state module."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from app.asl.states.base import StateSpec
from app.durable.news import TaskNews
from app.durable.snapshot import Frame
from app.engine.outcomes import Outcome
from app.engine.run import Run


@dataclass(frozen=True)
class Fan:
    """How a state that runs child frames (Parallel, Map) follows and joins them."""

    states_of: Callable[[StateSpec, Frame], Mapping[str, StateSpec]]
    child_done: Callable[[Run, int], None]
    ready: Callable[[Run], bool]
    join: Callable[[Run], Outcome]


@dataclass(frozen=True)
class StateHandler:
    """How one state type runs.

    ``enter`` runs when the state is entered (and again on retry); ``on_timer`` when its Wait timer
    fires; ``fan`` follows child frames; ``on_task`` takes a task's news (started, succeeded,
    failed, timed out) while the state waits for it; ``recover`` makes again the calls it waits for whose
    work items were lost (without it, those of a task: ``states/task.recover``).
    """

    enter: Callable[[Run], Outcome]
    on_timer: Callable[[Run], Outcome] | None = None
    fan: Fan | None = None
    on_task: Callable[[Run, TaskNews], Outcome] | None = None
    recover: Callable[[Run], None] | None = None
