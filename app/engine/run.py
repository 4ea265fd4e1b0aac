"""The working state of one ``advance()`` call: snapshot, events written so far, timers armed."""

from __future__ import annotations

import copy
from typing import Any

from app.asl.model import StateMachineModel
from app.asl.scope import DataScope
from app.asl.states.base import StateSpec
from app.engine.context import context_object
from app.engine.jsontext import dumps
from app.engine.types import RUNNING, EngineOptions, ExecutionInfo, HistoryEvent, Timer, Transition


class Run:
    """Accumulates one transition. Every mutation goes through here so ids stay contiguous."""

    def __init__(
        self,
        model: StateMachineModel,
        snapshot: dict[str, Any],
        now: float,
        info: ExecutionInfo,
        options: EngineOptions,
    ) -> None:
        self.model = model
        self.options = options
        self.snapshot = copy.deepcopy(snapshot)
        self.now = now
        self.info = info
        self.events: list[HistoryEvent] = []
        self.timers: list[Timer] = []
        self.status = RUNNING
        self.output: str | None = None
        self.error: str | None = None
        self.cause: str | None = None
        self.suspended = False
        self.run_again = False

    # --- events -------------------------------------------------------------------------------
    def emit(
        self, event_type: str, details_key: str | None = None, details: dict[str, Any] | None = None
    ) -> int:
        """Append an event linked to the previous one and return its id."""
        last = int(self.snapshot["last_event_id"])
        event_id = last + 1
        payload = {details_key: details} if details_key and details is not None else None
        self.events.append(HistoryEvent(event_id, last, event_type, self.now, payload))
        self.snapshot["last_event_id"] = event_id
        return event_id

    # --- the current state --------------------------------------------------------------------
    @property
    def state(self) -> StateSpec:
        return self.model.states[self.snapshot["state"]]

    @property
    def state_input(self) -> Any:
        return self.snapshot["input"]

    @property
    def entered_event_id(self) -> int:
        return int(self.snapshot["entered"])

    def scope(self, data: Any) -> DataScope:
        """What expressions of the current state see, with ``data`` as ``$``."""
        context = context_object(self.info, self.state.name, float(self.snapshot["entered_time"]))
        return DataScope(input=data, context=context, variables=self.snapshot.get("vars", {}))

    def arm_timer(self, due: float) -> None:
        """Suspend the current state until ``due``; the timer's id fences stale deliveries."""
        timer_id = int(self.snapshot.get("seq", 0)) + 1
        self.snapshot["seq"] = timer_id
        self.snapshot["timer"] = timer_id
        self.timers.append(Timer(timer_id, due))
        self.suspended = True

    # --- ending the execution -----------------------------------------------------------------
    def finish(
        self, status: str, *, output: Any = None, error: str | None = None, cause: str | None = None
    ) -> None:
        self.status = status
        self.output = None if output is None else dumps(output)
        self.error = error
        self.cause = cause
        self.snapshot["state"] = None
        self.snapshot["timer"] = None

    def transition(self) -> Transition:
        return Transition(
            events=self.events,
            snapshot=self.snapshot,
            status=self.status,
            timers=self.timers,
            run_again=self.run_again,
            output=self.output,
            error=self.error,
            cause=self.cause,
        )
