"""The values that cross the engine's boundary: what it is given and what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from app.codec import loads
from app.durable.news import TaskNews
from app.durable.snapshot import Snapshot
from app.durable.statuses import ExecutionStatus
from app.durable.work import WorkKind


@dataclass(frozen=True)
class ExecutionInfo:
    """The facts about an execution that the context object and the events need.

    ``input_text`` is the execution's input as it was given; :attr:`input` is its value, parsed
    the first time something reads it (``$$.Execution.Input``) unless the caller already had it
    (:meth:`knowing_input`): most deliveries never need it. ``test_case`` names the mock test case
    a new execution runs (the snapshot keeps it from then on).
    """

    arn: str
    name: str
    state_machine_arn: str
    state_machine_name: str
    role_arn: str
    start_time: float
    input_text: str
    redrive_count: int = 0
    redrive_time: float | None = None
    test_case: str | None = None

    @cached_property
    def input(self) -> Any:
        return loads(self.input_text)

    def knowing_input(self, value: Any) -> ExecutionInfo:
        """This info with the input's value given, by a caller that parsed it already."""
        self.__dict__["input"] = value
        return self


@dataclass(frozen=True)
class Trigger:
    """What woke the execution: a run request, a fired timer, a task's news, a stop, its deadline.

    ``timer_id`` names the fired timer, ``error``/``cause`` the reason of a stop, ``news`` a task's
    news. ``entropy`` is the randomness the transition may use (the secret that task tokens are
    derived from): the caller draws it, so the same trigger on the same snapshot at the same time
    always yields the same transition.
    """

    kind: WorkKind
    timer_id: int | None = None
    error: str | None = None
    cause: str | None = None
    news: TaskNews | None = None
    entropy: bytes = b""
    #: UpdateMapRun's change: the Map Run's ARN and the settings it changes.
    update: dict[str, Any] | None = None


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

    ``timer`` wakes the frame that armed it (fenced by ``timer_id``); ``timeout`` is the
    execution's deadline (``TimeoutSeconds``, or the service's maximum duration), with the moment
    to warn that it approaches.
    """

    timer_id: int
    due: float
    kind: WorkKind = WorkKind.TIMER
    warn_at: float | None = None


@dataclass(frozen=True)
class TaskInvocation:
    """Work a Task state hands to the outside world once the transition is committed.

    ``activity_arn`` set: queue the task for GetActivityTask. ``token`` set: a callback token the
    store must record (activities and ``.waitForTaskToken``). ``call`` True: an integration must
    be called (Lambda, HTTP, nested execution); False for activities.
    """

    task_id: int
    resource: str
    input: Any
    call: bool
    token: str | None = None
    activity_arn: str | None = None
    timeout_seconds: float | None = None
    heartbeat_seconds: float | None = None
    role_arn: str | None = None  # the Task's Credentials: the call is made as this role
    heartbeat_timer_id: int | None = None


@dataclass(frozen=True)
class MockedResult:
    """What a mocked Task invocation answers: its result (``Return``), or the error it throws."""

    output: Any = None
    error: str | None = None
    cause: str | None = None


class MockedResponses(Protocol):
    """The mocked responses of test cases, as the Task state asks for them where it calls out."""

    def response(self, state_machine: str, test_case: str, state: str, index: int) -> MockedResult | None:
        """The answer of invocation ``index`` of ``state``; None when the test case does not mock the
        state (it runs for real). Raises ``StatesError`` (``States.Runtime``) when the test case
        mocks the state but has no response for that invocation."""
        ...


@dataclass
class Inspection:
    """TestState's look into one state: what each step of its data flow produced, by AWS's names
    (``afterInputPath``, ``afterParameters``, ``result``, ...), and the error it met, if any."""

    state: str
    steps: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EngineOptions:
    """Knobs of the interpreter that come from configuration, not from the definition.

    ``step_budget`` caps the states one ``advance()`` enters, so one commit stays small and other
    executions get their turn; every caller of the execution core uses the same budget.
    ``step_seconds`` caps the wall time one ``advance()`` spends entering states (states that are
    each cheap to count but slow to evaluate); None leaves only the count, and the engine
    deterministic. ``mocks`` answers the Task states of executions that run a mock test case.
    """

    wait_time_scale: float = 1.0
    step_budget: int = 1000
    step_seconds: float | None = None
    max_history_events: int = 25_000
    max_execution_seconds: float = 365 * 24 * 3600
    limit_warning_share: float = 0.8
    inspection: Inspection | None = None
    mocks: MockedResponses | None = None


@dataclass(frozen=True)
class MapChildren:
    """The children a distributed Map's run begins with, by position: the input of each and the items it runs."""

    map_run_arn: str
    inputs: list[Any]
    items: list[int]


@dataclass
class Transition:
    """The result of one ``advance()``: commit all of it, or none of it."""

    events: list[HistoryEvent]
    snapshot: Snapshot
    status: ExecutionStatus = ExecutionStatus.RUNNING
    timers: list[Timer] = field(default_factory=list)
    tasks: list[TaskInvocation] = field(default_factory=list)
    closed_tokens: list[str] = field(default_factory=list)
    #: The children of the Map Runs this transition begins, for the store.
    map_children: list[MapChildren] = field(default_factory=list)
    #: The Map Runs this transition redrives: their unsuccessful children are reopened in the store.
    reopened_map_runs: list[str] = field(default_factory=list)
    run_again: bool = False
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    applied: bool = False

    @property
    def changed(self) -> bool:
        """Whether there is anything to commit (a stale trigger yields no change).

        ``applied`` marks a trigger that changed the snapshot without writing an event (a task's
        early news held back, for example): the snapshot must still be saved.
        """
        return bool(self.applied or self.events or self.timers or self.tasks or self.closed_tokens or self.run_again)

    def then(self, later: Transition) -> Transition:
        """This transition followed by ``later`` (advanced from this one's snapshot), as one commit."""
        return Transition(
            events=self.events + later.events,
            snapshot=later.snapshot,
            status=later.status,
            timers=self.timers + later.timers,
            tasks=self.tasks + later.tasks,
            closed_tokens=self.closed_tokens + later.closed_tokens,
            map_children=self.map_children + later.map_children,
            reopened_map_runs=self.reopened_map_runs + later.reopened_map_runs,
            run_again=later.run_again,
            output=later.output,
            error=later.error,
            cause=later.cause,
            applied=self.applied or later.applied,
        )
