"""What happened to each state of an execution, read from its history: the facts the console colours
its graph with, shows when a state is clicked, and draws as a timeline.

A state may be entered many times (a loop, a retry of a Map iteration, twenty iterations of one
processor); each time is an *entry*, from its ``…StateEntered`` event to its ``…StateExited``.
Entries of one name close first in, first out. Events between (a task scheduled, started,
failed, retried) belong to the latest entry still open, which is exact for one line of execution
and the best a history without per-branch links allows when branches run side by side.

Each event names the event it follows from (``previousEventId``): a Map iteration's first state
follows its ``MapIterationStarted``, a Parallel branch's its ``ParallelStateStarted``. Following
these links puts every entry in a *lane*: the Map iterations and Parallel branches it runs in
(``"Each [3]"``, ``"Both branch 2 / Each [0]"``), ``""`` for the execution's own line.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: How a state's latest entry is shown: the word the console prints (and the CSS class it uses).
SUCCEEDED = "succeeded"
FAILED = "failed"
CAUGHT = "caught"
RUNNING = "running"
WAITING = "waiting"
TAKEN = "taken"
PASSED = "passed"
ABORTED = "aborted"
NOT_REACHED = "not-reached"

#: Events of a task (Lambda, activity, integration) that start another attempt when one came before.
_ATTEMPT_EVENTS = frozenset({"TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled"})
#: States that wait for something outside the engine, shown as waiting rather than running.
_WAITING_TYPES = frozenset({"Wait", "Task"})


@dataclass
class Entry:
    """One visit of a state."""

    state: str
    type: str
    entered_id: int
    entered_at: float
    input: str | None
    exited_at: float | None = None
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    attempts: int = 0
    events: list[int] = field(default_factory=list)
    status: str = RUNNING
    #: A task's data flow as its events tell it: what it was called with (after InputPath and
    #: Parameters) and what it answered (before ResultSelector, ResultPath and OutputPath).
    task_input: str | None = None
    task_result: str | None = None
    lane: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "type": self.type,
            "enteredEventId": self.entered_id,
            "enteredAt": self.entered_at,
            "exitedAt": self.exited_at,
            "input": self.input,
            "output": self.output,
            "error": self.error,
            "cause": self.cause,
            "retries": max(0, self.attempts - 1),
            "taskInput": self.task_input,
            "taskResult": self.task_result,
            "eventIds": self.events,
            "status": self.status,
            "lane": self.lane,
        }


@dataclass
class Iteration:
    """One iteration of a Map state."""

    state: str
    index: int
    started_at: float
    ended_at: float | None = None
    status: str = RUNNING
    #: The lane of the iteration's own states.
    lane: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "index": self.index,
            "startedAt": self.started_at,
            "endedAt": self.ended_at,
            "status": self.status,
            "lane": self.lane,
        }


@dataclass
class Progress:
    """Entries in the order they began, each state's status, and the Map iterations."""

    entries: list[Entry]
    statuses: dict[str, str]
    iterations: list[Iteration]

    def as_json(self) -> dict[str, Any]:
        return {
            "states": self.statuses,
            "entries": [entry.as_json() for entry in self.entries],
            "iterations": [iteration.as_json() for iteration in self.iterations],
        }


def read(events: Iterable[Mapping[str, Any]], execution_status: str) -> Progress:
    """The progress of an execution from its events (AWS's shape: ``id``, ``type``, ``timestamp``,
    and the type's ``…EventDetails`` member) and its current status."""
    entries: list[Entry] = []
    open_by_name: dict[str, deque[Entry]] = {}
    open_stack: list[Entry] = []
    iterations: dict[tuple[str, int], Iteration] = {}
    lanes = _Lanes()
    for event in events:
        kind = str(event["type"])
        event_id = int(event["id"])
        at = float(event["timestamp"])
        details = _details(event)
        lane = lanes.place(event_id, int(event.get("previousEventId", event_id - 1)), kind, details)
        if kind.endswith("StateEntered"):
            entry = Entry(
                str(details.get("name")),
                kind.removesuffix("StateEntered"),
                event_id,
                at,
                details.get("input"),
                lane=lane,
            )
            entry.events.append(event_id)
            entries.append(entry)
            open_by_name.setdefault(entry.state, deque()).append(entry)
            open_stack.append(entry)
        elif kind.endswith("StateExited"):
            queue = open_by_name.get(str(details.get("name")))
            if queue:
                entry = queue.popleft()
                open_stack.remove(entry)
                entry.exited_at, entry.output = at, details.get("output")
                entry.events.append(event_id)
                entry.status = _exited_status(entry)
        elif kind.startswith("MapIteration"):
            _iteration(iterations, kind, details, at, lanes.nested(lane, _iteration_label(details)))
        elif open_stack and not kind.startswith("Execution"):
            _attach(open_stack[-1], kind, event_id, details)
    for entry in open_stack:
        entry.status = _open_status(entry, execution_status)
    return Progress(entries, _statuses(entries), sorted(iterations.values(), key=lambda it: (it.state, it.index)))


def _details(event: Mapping[str, Any]) -> Mapping[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, Mapping):
            return value
    return {}


def _attach(entry: Entry, kind: str, event_id: int, details: Mapping[str, Any]) -> None:
    entry.events.append(event_id)
    if kind in _ATTEMPT_EVENTS:
        entry.attempts += 1
        entry.task_input = details.get("parameters", details.get("input"))
    elif kind.endswith("Succeeded") and "output" in details:
        entry.task_result = details["output"]
    if "error" in details or "cause" in details:
        entry.error, entry.cause = details.get("error"), details.get("cause")


class _Lanes:
    """The lane of each event so far, from the event it follows.

    A Map or Parallel writes its own events (an iteration's end, its join, its exit) after the
    child that ended, so they follow that child's last event: they are put back in the fan's lane.
    """

    def __init__(self) -> None:
        self._lane: dict[int, str] = {}
        #: Events that start lines of their own: a Map iteration's start (its label), a Parallel's start.
        self._forks: dict[int, str | None] = {}
        self._branches: dict[int, int] = {}
        self._entered_name: dict[int, str] = {}
        #: The lanes of the Map and Parallel states entered and not yet left, by name.
        self._fans: dict[str, deque[str]] = {}

    def place(self, event_id: int, previous: int, kind: str, details: Mapping[str, Any]) -> str:
        lane = self._own_lane(self._lane.get(previous, ""), previous, kind, details)
        self._lane[event_id] = lane
        name = str(details.get("name"))
        if kind.endswith("StateEntered"):
            self._entered_name[event_id] = name
            if kind in _FAN_ENTERED:
                self._fans.setdefault(name, deque()).append(lane)
        elif kind == "MapIterationStarted":
            self._forks[event_id] = _iteration_label(details)
        elif kind == "ParallelStateStarted":
            self._forks[event_id] = None
            self._entered_name[event_id] = self._entered_name.get(previous, "Parallel")
        return lane

    def _own_lane(self, inherited: str, previous: int, kind: str, details: Mapping[str, Any]) -> str:
        name = str(details.get("name"))
        if kind.endswith("StateEntered") and previous in self._forks:
            label = self._forks[previous]
            if label is None:  # a Parallel branch: numbered in the order the branches begin
                self._branches[previous] = self._branches.get(previous, 0) + 1
                label = f"{self._entered_name.get(previous, 'Parallel')} branch {self._branches[previous]}"
            return self.nested(inherited, label)
        if kind.endswith("StateExited") and self._fans.get(name):
            return self._fans[name].popleft()
        if kind.startswith("MapIteration") and self._fans.get(name):
            return self._fans[name][0]
        if kind.startswith(("MapState", "ParallelState", "MapRun")) and not kind.endswith("Entered"):
            around = [lane for lanes in self._fans.values() for lane in lanes if _within(inherited, lane)]
            return max(around, key=len, default=inherited)
        return inherited

    @staticmethod
    def nested(lane: str, label: str) -> str:
        return f"{lane} / {label}" if lane else label


_FAN_ENTERED = frozenset({"MapStateEntered", "ParallelStateEntered"})


def _within(lane: str, outer: str) -> bool:
    """Whether ``lane`` is ``outer`` or runs inside it."""
    return not outer or lane == outer or lane.startswith(f"{outer} / ")


def _iteration_label(details: Mapping[str, Any]) -> str:
    return f"{details.get('name')} [{details.get('index')}]"


def _iteration(
    iterations: dict[tuple[str, int], Iteration], kind: str, details: Mapping[str, Any], at: float, lane: str
) -> None:
    key = (str(details.get("name")), int(details.get("index", -1)))
    if kind == "MapIterationStarted":
        iterations[key] = Iteration(key[0], key[1], at, lane=lane)
        return
    iteration = iterations.get(key)
    if iteration is not None:
        iteration.ended_at = at
        iteration.status = {"MapIterationSucceeded": SUCCEEDED, "MapIterationAborted": ABORTED}.get(kind, FAILED)


def _exited_status(entry: Entry) -> str:
    if entry.error is not None:
        return CAUGHT  # it failed, and a Catch took the execution on
    return {"Choice": TAKEN, "Pass": PASSED}.get(entry.type, SUCCEEDED)


def _open_status(entry: Entry, execution_status: str) -> str:
    """A state entered and never left: still at work while the execution runs, else where it ended."""
    if entry.type == "Fail":
        return FAILED  # even in a Map iteration whose failure the Map tolerated
    if execution_status == "RUNNING":
        return WAITING if entry.type in _WAITING_TYPES else RUNNING
    if execution_status == "ABORTED":
        return ABORTED
    if execution_status == "SUCCEEDED":
        return SUCCEEDED  # a Succeed state has no exit in some histories
    return FAILED


#: Which entry's status a state shows when it has several: a failure anywhere, then work in progress.
_PRECEDENCE = {FAILED: 0, ABORTED: 1, WAITING: 2, RUNNING: 3, CAUGHT: 4}


def _statuses(entries: list[Entry]) -> dict[str, str]:
    statuses: dict[str, str] = {}
    for entry in entries:
        known = statuses.get(entry.state)
        if known is None or _PRECEDENCE.get(entry.status, 9) <= _PRECEDENCE.get(known, 9):
            statuses[entry.state] = entry.status
    return statuses
