"""The working state of one ``advance()`` call: snapshot, events written so far, timers armed.

A snapshot is a tree of *frames*. The root frame is the snapshot itself; a Parallel or Map state
that runs keeps its branches or iterations as child frames under ``kids``. Every frame has its
own current state, input, variables and pending timer, so the same handlers run at any depth.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from typing import Any

from app.asl.model import StateMachineModel
from app.asl.scope import DataScope
from app.asl.states.base import StateSpec
from app.codec import dumps, loads
from app.engine.context import context_object
from app.engine.types import (
    RUNNING,
    EngineOptions,
    ExecutionInfo,
    HistoryEvent,
    TaskInvocation,
    Timer,
    Transition,
)

Frame = dict[str, Any]
TERMINAL_EVENTS = frozenset({"ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"})


class HistoryLimitReachedError(Exception):
    """The next event would pass the history limit; only the execution's end may take the last slot."""


WAITING_PURPOSES = ("wait", "retry")


def new_frame(start_at: str, state_input: Any, variables: Mapping[str, Any]) -> Frame:
    """A frame about to enter ``start_at`` with ``state_input``."""
    return {"state": start_at, "input": state_input, "vars": dict(variables), "entered": None}


def is_suspended(frame: Frame) -> bool:
    """Whether a frame waits for a timer (a Wait state, a retry back-off) or a task."""
    purposes = frame.get("timers", {}).values()
    return "task" in frame or any(purpose in WAITING_PURPOSES for purpose in purposes)


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
        self.snapshot: dict[str, Any] = loads(dumps(snapshot))  # a private copy, faster than deepcopy
        self.now = now
        self.info = info
        self.events: list[HistoryEvent] = []
        self.timers: list[Timer] = []
        self.tasks: list[TaskInvocation] = []
        self.closed_tokens: list[str] = []
        self.status = RUNNING
        self.output: str | None = None
        self.error: str | None = None
        self.cause: str | None = None
        self.run_again = False
        self.applied = False
        self.steps = 0
        self.frame: Frame = self.snapshot
        self._context_key: tuple[Any, ...] | None = None
        self._context_value: dict[str, Any] = {}
        self.states: Mapping[str, StateSpec] = model.states

    # --- events -------------------------------------------------------------------------------
    def emit(self, event_type: str, details_key: str | None = None, details: dict[str, Any] | None = None) -> int:
        """Append an event linked to the previous one and return its id."""
        last = int(self.snapshot["last_event_id"])
        event_id = last + 1
        limit = self.options.max_history_events
        if (
            event_id >= limit
            and event_type != "ExecutionSucceeded"
            and not (event_id == limit and event_type in TERMINAL_EVENTS)
        ):
            raise HistoryLimitReachedError
        payload = {details_key: details} if details_key and details is not None else None
        self.events.append(HistoryEvent(event_id, last, event_type, self.now, payload))
        self.snapshot["last_event_id"] = event_id
        return event_id

    # --- the frame being run ------------------------------------------------------------------
    def focus(self, frame: Frame, states: Mapping[str, StateSpec]) -> None:
        self.frame = frame
        self.states = states

    @property
    def is_root(self) -> bool:
        return self.frame is self.snapshot

    @property
    def state(self) -> StateSpec:
        return self.states[self.frame["state"]]

    @property
    def state_input(self) -> Any:
        return self.frame["input"]

    @property
    def variables(self) -> dict[str, Any]:
        variables: dict[str, Any] = self.frame.setdefault("vars", {})
        return variables

    def scope(self, data: Any) -> DataScope:
        """What expressions of the current state see, with ``data`` as ``$``."""
        return DataScope(input=data, context=self._context(), variables=self.variables)

    def _context(self) -> dict[str, Any]:
        """The context object of the current state, built once per state (it is asked for often)."""
        frame = self.frame
        entered_time = float(frame.get("entered_time") or self.now)
        retry_count = sum(frame.get("retries", {}).values()) if self.state.retry else None
        token = frame.get("task", {}).get("token")
        key = (id(frame), frame["state"], entered_time, retry_count, token, id(frame.get("map_item")))
        if key == self._context_key:
            return self._context_value
        context = context_object(self.info, self.state.name, entered_time, retry_count)
        if "map_item" in frame:
            context["Map"] = {"Item": frame["map_item"]}
        if token:
            context["Task"] = {"Token": token}
        self._context_key, self._context_value = key, context
        return context

    def next_id(self) -> int:
        """A fresh number for fencing timers and tokens."""
        value = int(self.snapshot.get("seq", 0)) + 1
        self.snapshot["seq"] = value
        return value

    def arm_timer(self, due: float, purpose: str = "wait") -> int:
        """Arm a timer for the current frame; its id fences stale deliveries.

        ``wait`` and ``retry`` timers suspend the frame; ``task_timeout`` and ``heartbeat``
        timers guard a running task.
        """
        timer_id = self.next_id()
        self.frame.setdefault("timers", {})[str(timer_id)] = purpose
        self.frame.setdefault("timer_due", {})[str(timer_id)] = due  # to re-arm it if its work item is lost
        self.timers.append(Timer(timer_id, due))
        return timer_id

    def drop_children(self) -> None:
        """Forget the current frame's branches or iterations, closing the tokens they still wait on."""
        kids = self.frame.pop("kids", None)
        if kids is None:
            return
        for child in kids["frames"]:
            for frame in walk(child):
                token = frame.get("task", {}).get("token")
                if token:
                    self.closed_tokens.append(token)

    def rng(self) -> random.Random:
        """Randomness that is the same if this transition is ever computed again (jitter)."""
        return random.Random(f"{self.info.arn}:{self.snapshot['last_event_id']}")

    # --- ending the execution -----------------------------------------------------------------
    def finish(self, status: str, *, output: Any = None, error: str | None = None, cause: str | None = None) -> None:
        self.status = status
        self.output = None if output is None else dumps(output)
        self.error = error
        self.cause = cause
        for frame in walk(self.snapshot):
            if "task" in frame and frame["task"].get("token"):
                self.closed_tokens.append(frame["task"]["token"])
        self.snapshot["state"] = None
        for key in ("kids", "timers", "timer_due", "task"):
            self.snapshot.pop(key, None)

    def transition(self) -> Transition:
        return Transition(
            events=self.events,
            snapshot=self.snapshot,
            status=self.status,
            timers=self.timers,
            tasks=self.tasks,
            closed_tokens=self.closed_tokens,
            run_again=self.run_again,
            applied=self.applied,
            output=self.output,
            error=self.error,
            cause=self.cause,
        )


def walk(frame: Frame) -> Iterator[Frame]:
    """Every frame of a tree, parents before children."""
    yield frame
    for child in frame.get("kids", {}).get("frames", []):
        yield from walk(child)
