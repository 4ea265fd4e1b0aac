"""The working state of one ``advance()`` call: its own copy of the snapshot, events written so far, timers armed.

The snapshot is a tree of frames (see ``app.durable.snapshot``): the root frame runs the
machine's states, a running Parallel or Map keeps its branches or iterations as child frames.
"""

from __future__ import annotations

import base64
import hashlib
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.asl.model import StateMachineModel
from app.asl.scope import DataScope
from app.asl.states.base import StateSpec
from app.codec import dumps
from app.durable.snapshot import ArmedTimer, Frame, MapItem, Snapshot, TimerPurpose
from app.durable.statuses import ExecutionStatus
from app.engine.context import context_object
from app.engine.types import EngineOptions, ExecutionInfo, HistoryEvent, MapChildren, TaskInvocation, Timer, Transition

TERMINAL_EVENTS = frozenset({"ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"})
TOKEN_BYTES = 48


class HistoryLimitReachedError(Exception):
    """The next event would pass the history limit; only the execution's end may take the last slot."""


def new_frame(start_at: str, state_input: Any, variables: Mapping[str, Any]) -> Frame:
    """A frame about to enter ``start_at`` with ``state_input``."""
    return Frame(state=start_at, input=state_input, variables=dict(variables))


@dataclass(frozen=True)
class _CachedContext:
    """The context object last built, with the frame and item it was built for: held, so that no other
    object can take their identity while it is cached."""

    frame: Frame
    item: MapItem | None
    key: tuple[Any, ...]
    value: dict[str, Any]


class Run:
    """Accumulates one transition. Every mutation goes through here so ids stay contiguous.

    ``snapshot`` must be the run's own (a copy): the run changes its frames in place.
    """

    def __init__(
        self,
        model: StateMachineModel,
        snapshot: Snapshot,
        now: float,
        info: ExecutionInfo,
        options: EngineOptions,
        entropy: bytes = b"",
    ) -> None:
        self.model = model
        self.options = options
        self.snapshot = snapshot
        self.now = now
        self.info = info
        self.entropy = entropy
        self.events: list[HistoryEvent] = []
        self.timers: list[Timer] = []
        self.tasks: list[TaskInvocation] = []
        self.closed_tokens: list[str] = []
        self.map_children: list[MapChildren] = []
        self.reopened_map_runs: list[str] = []
        self.status = ExecutionStatus.RUNNING
        self.output: str | None = None
        self.error: str | None = None
        self.cause: str | None = None
        self.run_again = False
        self.applied = False
        self.steps = 0
        self._yield_at = None if options.step_seconds is None else time.monotonic() + options.step_seconds
        self.inspecting = options.inspection is not None  # TestState: checked before each inspect() call
        self.frame: Frame = snapshot.root
        self._cached_context: _CachedContext | None = None
        self.states: Mapping[str, StateSpec] = model.states

    def budget_spent(self) -> bool:
        """Whether this ``advance()`` has entered as many states, or spent as long, as it may."""
        yield_at = self._yield_at
        return self.steps >= self.options.step_budget or (yield_at is not None and time.monotonic() >= yield_at)

    def inspect(self, step: str, value: Any) -> None:
        """Record a step of the inspected state's data flow (TestState); nothing otherwise."""
        inspection = self.options.inspection
        if inspection is not None and self.is_root and self.frame.state == inspection.state:
            inspection.steps[step] = value

    # --- events -------------------------------------------------------------------------------
    def emit(self, event_type: str, details_key: str | None = None, details: dict[str, Any] | None = None) -> int:
        """Append an event and return its id. Its ``previousEventId`` is the event it follows from: the last
        one of the line of execution that writes it (a Parallel branch, a Map iteration), so a reader can
        tell branches and iterations apart; the execution's own events follow the latest event of all."""
        last = self.snapshot.last_event_id
        event_id = last + 1
        own_last = self.frame.last_event
        previous = last if own_last is None or event_type.startswith("Execution") else own_last
        limit = self.options.max_history_events
        if (
            event_id >= limit
            and event_type != "ExecutionSucceeded"
            and not (event_id == limit and event_type in TERMINAL_EVENTS)
        ):
            raise HistoryLimitReachedError
        payload = {details_key: details} if details_key and details is not None else None
        self.events.append(HistoryEvent(event_id, previous, event_type, self.now, payload))
        self.snapshot.last_event_id = self.frame.last_event = event_id
        return event_id

    # --- the frame being run ------------------------------------------------------------------
    def focus(self, frame: Frame, states: Mapping[str, StateSpec]) -> None:
        self.frame = frame
        self.states = states

    @property
    def is_root(self) -> bool:
        return self.frame is self.snapshot.root

    @property
    def state(self) -> StateSpec:
        assert self.frame.state is not None
        return self.states[self.frame.state]

    @property
    def state_input(self) -> Any:
        return self.frame.input

    @property
    def variables(self) -> dict[str, Any]:
        return self.frame.variables

    def scope(self, data: Any) -> DataScope:
        """What expressions of the current state see, with ``data`` as ``$``."""
        return DataScope(input=data, context=self._context(), variables=self.variables)

    def _context(self) -> dict[str, Any]:
        """The context object of the current state, built once per state (it is asked for often)."""
        frame = self.frame
        entered_time = frame.entered_time or self.now
        retry_count = sum(frame.retries.values()) if self.state.retry else None
        token = None if frame.task is None else frame.task.token
        key = (frame.state, entered_time, retry_count, token)
        cached = self._cached_context
        if cached is not None and cached.frame is frame and cached.item is frame.item and cached.key == key:
            return cached.value
        context = context_object(self.info, self.state.name, entered_time, retry_count)
        if frame.item is not None:
            context["Map"] = {"Item": {"Index": frame.item.index, "Value": frame.item.value}}
        if token:
            context["Task"] = {"Token": token}
        self._cached_context = _CachedContext(frame, frame.item, key, context)
        return context

    def next_id(self) -> int:
        """A fresh number for fencing timers and tokens."""
        self.snapshot.seq += 1
        return self.snapshot.seq

    def task_token(self, task_id: int) -> str:
        """The callback token of a task: unguessable, derived from the trigger's entropy and the task."""
        assert self.entropy, "a trigger that may issue task tokens must carry entropy"
        digest = hashlib.blake2b(self.entropy + task_id.to_bytes(8, "big"), digest_size=TOKEN_BYTES).digest()
        return base64.urlsafe_b64encode(digest).decode()

    def arm_timer(self, due: float, purpose: TimerPurpose = TimerPurpose.WAIT) -> int:
        """Arm a timer for the current frame; its id fences stale deliveries.

        ``wait`` and ``retry`` timers suspend the frame; ``task_timeout`` and ``heartbeat``
        timers guard a running task.
        """
        timer_id = self.next_id()
        self.frame.timers[timer_id] = ArmedTimer(purpose, due)  # kept to re-arm it if its work item is lost
        self.timers.append(Timer(timer_id, due))
        return timer_id

    def drop_children(self) -> None:
        """Forget the current frame's branches or iterations, closing the tokens they still wait on."""
        children, self.frame.children = self.frame.children, None
        if children is None:
            return
        for child in children.frames:
            self.closed_tokens.extend(_open_tokens(child))

    def rng(self) -> random.Random:
        """Randomness that is the same if this transition is ever computed again (jitter)."""
        return random.Random(f"{self.info.arn}:{self.snapshot.last_event_id}")

    # --- ending the execution -----------------------------------------------------------------
    def finish(
        self, status: ExecutionStatus, *, output: Any = None, error: str | None = None, cause: str | None = None
    ) -> None:
        self.status = status
        self.output = None if output is None else dumps(output)
        self.error = error
        self.cause = cause
        root = self.snapshot.root
        self.closed_tokens.extend(_open_tokens(root))
        for record in self.snapshot.map_runs:  # a run its Map did not end ends with the execution
            if record.status == ExecutionStatus.RUNNING:
                record.status, record.stop = ExecutionStatus.ABORTED, self.now
        if status == ExecutionStatus.SUCCEEDED:
            root.children = None
        else:  # where a redrive takes the execution up again, with the branches and iterations it had
            root.failed_at = root.state
        root.state = None
        root.timers = {}
        root.task = None

    def transition(self) -> Transition:
        return Transition(
            events=self.events,
            snapshot=self.snapshot,
            status=self.status,
            timers=self.timers,
            tasks=self.tasks,
            closed_tokens=self.closed_tokens,
            map_children=self.map_children,
            reopened_map_runs=self.reopened_map_runs,
            run_again=self.run_again,
            applied=self.applied,
            output=self.output,
            error=self.error,
            cause=self.cause,
        )


def _open_tokens(frame: Frame) -> list[str]:
    """Tokens of the tasks a frame and its children still wait on."""
    return [each.task.token for each in frame.walk() if each.task is not None and each.task.token]
