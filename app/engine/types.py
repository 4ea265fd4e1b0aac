"""The values that cross the engine's boundary: what it is given and what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

RUNNING = "RUNNING"
SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"
ABORTED = "ABORTED"
TIMED_OUT = "TIMED_OUT"

TriggerKind = Literal["run", "timer", "stop", "timeout"]


@dataclass(frozen=True)
class ExecutionInfo:
    """The facts about an execution that the context object and the events need."""

    arn: str
    name: str
    state_machine_arn: str
    state_machine_name: str
    role_arn: str
    start_time: float
    input: Any


@dataclass(frozen=True)
class Trigger:
    """What woke the execution: a run request, a fired timer, a stop request or its deadline."""

    kind: TriggerKind
    timer_id: int | None = None
    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True)
class HistoryEvent:
    """One AWS history event; ``details`` is keyed by the ``…EventDetails`` member name."""

    id: int
    previous_event_id: int
    type: str
    timestamp: float
    details: dict[str, Any] | None = None


@dataclass(frozen=True)
class Timer:
    """A wake-up the store must deliver no earlier than ``due`` as a trigger of kind ``kind``.

    ``timer`` wakes the state that armed it (fenced by ``timer_id``); ``timeout`` is the
    execution's own deadline (``TimeoutSeconds`` of the machine).
    """

    timer_id: int
    due: float
    kind: TriggerKind = "timer"


@dataclass(frozen=True)
class EngineOptions:
    """Knobs of the interpreter that come from configuration, not from the definition."""

    wait_time_scale: float = 1.0
    step_budget: int = 500


@dataclass
class Transition:
    """The result of one ``advance()``: commit all of it, or none of it."""

    events: list[HistoryEvent]
    snapshot: dict[str, Any]
    status: str = RUNNING
    timers: list[Timer] = field(default_factory=list)
    run_again: bool = False
    output: str | None = None
    error: str | None = None
    cause: str | None = None

    @property
    def changed(self) -> bool:
        """Whether there is anything to commit (a stale trigger yields no change)."""
        return bool(self.events) or self.run_again
