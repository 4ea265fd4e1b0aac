"""A fake-clock driver for the pure interpreter, shared by the ``test_engine_*`` modules.

``Driver`` plays the part of the scheduler and the store: it calls ``start()`` and then
``advance()`` in a loop, re-runs while ``run_again`` is set, fires due timers by moving a fake
``now`` forward, and feeds task news for the ``TaskInvocation`` s a transition hands out. Every
transition it sees is checked for the engine's invariants (contiguous event ids, a
``previousEventId`` naming an earlier event, a terminal event that matches the status). No server, no database.

The tests at the bottom check the driver itself and the invariants that hold for every state type.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import Any

import pytest

from app.asl.model import StateMachineModel, parse_definition
from app.durable import snapshot as snapshots
from app.durable.news import Phase, TaskNews
from app.durable.snapshot import Snapshot
from app.durable.statuses import ExecutionStatus
from app.durable.work import WorkKind
from app.engine.advance import advance, start
from app.engine.redrive import redrive
from app.engine.types import (
    EngineOptions,
    ExecutionInfo,
    HistoryEvent,
    TaskInvocation,
    Timer,
    Transition,
    Trigger,
)
from tests.support.shared import CASES_DIR, RUNNER

T0 = 1_700_000_000.0
REGION = "us-east-1"
ACCOUNT = "111111111111"
MACHINE_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:machine"
EXECUTION_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:machine:run-1"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/sfn"
LAMBDA_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:echo"
ACTIVITY_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:activity:work"

TERMINAL_EVENTS = {
    ExecutionStatus.SUCCEEDED: "ExecutionSucceeded",
    ExecutionStatus.FAILED: "ExecutionFailed",
    ExecutionStatus.ABORTED: "ExecutionAborted",
    ExecutionStatus.TIMED_OUT: "ExecutionTimedOut",
}

# What a responder returns for a task: a list of news payloads (without ``task_id``) to feed in
# order, or None to leave the task waiting (so its timers fire).
Responder = Callable[[TaskInvocation], list[dict[str, Any]] | None]


def info_for(raw_input: str) -> ExecutionInfo:
    return ExecutionInfo(
        arn=EXECUTION_ARN,
        name="run-1",
        state_machine_arn=MACHINE_ARN,
        state_machine_name="machine",
        role_arn=ROLE_ARN,
        start_time=T0,
        input_text=raw_input,
    )


def succeed_with(output: Any) -> Responder:
    """A responder whose every task succeeds with ``output`` (a callable gets the invocation)."""

    def respond(task: TaskInvocation) -> list[dict[str, Any]]:
        value = output(task) if callable(output) else output
        return [{"phase": "succeeded", "output": value}]

    return respond


def echo(task: TaskInvocation) -> list[dict[str, Any]]:
    """Every task succeeds with its own input."""
    return [{"phase": "succeeded", "output": task.input}]


def fail_with(error: str, cause: str | None = None) -> Responder:
    def respond(task: TaskInvocation) -> list[dict[str, Any]]:
        return [{"phase": "failed", "error": error, "cause": cause}]

    return respond


def sequence(*answers: list[dict[str, Any]] | None) -> Responder:
    """A responder that gives the n-th task the n-th answer (None: no answer at all)."""
    queue = list(answers)

    def respond(task: TaskInvocation) -> list[dict[str, Any]] | None:
        return queue.pop(0) if queue else None

    return respond


@dataclass
class Driver:
    """One execution driven through ``start``/``advance`` with a fake clock."""

    definition: Mapping[str, Any] | str
    raw_input: str = "{}"
    options: EngineOptions = field(default_factory=EngineOptions)
    responder: Responder | None = None
    now: float = T0

    def __post_init__(self) -> None:
        self.model: StateMachineModel = parse_definition(self.definition)
        self.info = info_for(self.raw_input)
        self.transitions: list[Transition] = []
        self.events: list[HistoryEvent] = []
        self.timers: list[Timer] = []
        self.tasks: list[TaskInvocation] = []
        self.open_tasks: list[TaskInvocation] = []
        self.closed_tokens: list[str] = []
        self.snapshot = Snapshot(root=snapshots.Frame(state=None, input=None))
        self.status = ExecutionStatus.RUNNING
        self.output: str | None = None
        self.error: str | None = None
        self.cause: str | None = None

    # --- one step ---------------------------------------------------------------------------
    def start(self) -> Transition:
        return self._record(start(self.model, self.info, self.now, self.options))

    def advance(self, trigger: Trigger) -> Transition:
        """One ``advance()``, checked to be deterministic and to leave the snapshot it is given as it was."""
        assert self.status == ExecutionStatus.RUNNING, "the execution has ended"
        before = snapshots.encode(self.snapshot)
        transition = advance(self.model, self.snapshot, trigger, self.now, self.info, self.options)
        assert snapshots.encode(self.snapshot) == before, "advance() changed the snapshot it was given"
        again = advance(self.model, self.snapshot, trigger, self.now, self.info, self.options)
        assert _comparable(again) == _comparable(transition), "advance() gave another transition for the same input"
        return self._record(transition)

    def trigger(self, kind: WorkKind, **fields: Any) -> Trigger:
        """A trigger with entropy of its own, as the execution core gives every trigger."""
        return Trigger(kind, entropy=f"entropy-{len(self.transitions)}".encode(), **fields)

    def news(self, task: TaskInvocation, phase: str, **payload: Any) -> Transition:
        return self.advance(self.trigger(WorkKind.TASK, news=TaskNews(task.task_id, Phase(phase), **payload)))

    def fire(self, timer: Timer) -> Transition:
        """Deliver ``timer`` at its due time (the clock never goes back)."""
        self.now = max(self.now, timer.due)
        self.timers.remove(timer)
        if timer.kind == WorkKind.TIMEOUT:
            return self.advance(self.trigger(WorkKind.TIMEOUT))
        return self.advance(self.trigger(WorkKind.TIMER, timer_id=timer.timer_id))

    def stop(self, error: str | None = None, cause: str | None = None) -> Transition:
        return self.advance(self.trigger(WorkKind.STOP, error=error, cause=cause))

    def redrive(self) -> Transition:
        """RedriveExecution of the ended execution, as the service applies it."""
        assert self.status != ExecutionStatus.RUNNING, "only an ended execution is redriven"
        self.info = replace(self.info, redrive_count=self.info.redrive_count + 1, redrive_time=self.now)
        self.open_tasks = []
        return self._record(redrive(self.model, self.snapshot, self.now, self.info, self.options))

    def settle(self) -> None:
        """Re-run while the engine asks for it (its step budget ran out)."""
        while self.status == ExecutionStatus.RUNNING and self.transitions[-1].run_again:
            self.advance(self.trigger(WorkKind.RUN))

    # --- the whole execution ----------------------------------------------------------------
    def run(self, *, fire_timers: bool = True, max_rounds: int = 10_000) -> Driver:
        """Start (if needed), then answer tasks and fire timers until it ends or nothing is left to do."""
        if not self.transitions:
            self.start()
        for _ in range(max_rounds):
            self.settle()
            if self.status != ExecutionStatus.RUNNING:
                return self
            if self._answer_one_task():
                continue
            if not fire_timers or not self.timers:
                return self
            self.fire(min(self.timers, key=lambda timer: (timer.due, timer.timer_id)))
        raise AssertionError("the execution did not settle")

    def _answer_one_task(self) -> bool:
        if self.responder is None:
            return False
        for task in list(self.open_tasks):
            answers = self.responder(task)
            self.open_tasks.remove(task)
            if answers is None:
                continue
            for answer in answers:
                if self.status != ExecutionStatus.RUNNING:
                    break
                self.news(task, **answer)
                self.settle()
            return True
        return False

    # --- bookkeeping and invariants ---------------------------------------------------------
    def _is_limit_timer(self, timer: Timer) -> bool:
        """The service-wide limits every execution carries (a year by default), not the machine's own."""
        return timer.kind == WorkKind.TIMEOUT and timer.due - self.now >= self.options.max_execution_seconds

    def _record(self, transition: Transition) -> Transition:
        expected_id = len(self.events) + 1
        for event in transition.events:
            assert event.id == expected_id, f"event ids must be contiguous: {event}"
            assert 0 <= event.previous_event_id < event.id, f"previousEventId is not an earlier event: {event}"
            assert event.id == 1 or event.previous_event_id > 0, f"only the first event follows none: {event}"
            assert event.timestamp == self.now
            expected_id += 1
        self.transitions.append(transition)
        self.events.extend(transition.events)
        self.timers.extend(timer for timer in transition.timers if not self._is_limit_timer(timer))
        self.tasks.extend(transition.tasks)
        self.open_tasks.extend(transition.tasks)
        self.closed_tokens.extend(transition.closed_tokens)
        self.snapshot = transition.snapshot
        assert transition.snapshot.last_event_id == len(self.events)
        self.status = transition.status
        if transition.status != ExecutionStatus.RUNNING:
            assert transition.events, "an execution ends with a terminal event"
            assert transition.events[-1].type == TERMINAL_EVENTS[transition.status]
            assert not transition.run_again
            self.output, self.error, self.cause = transition.output, transition.error, transition.cause
        else:
            assert not any(event.type in TERMINAL_EVENTS.values() for event in transition.events)
        return transition

    # --- reading the history ----------------------------------------------------------------
    @property
    def types(self) -> list[str]:
        return [event.type for event in self.events]

    def of_type(self, event_type: str) -> list[HistoryEvent]:
        return [event for event in self.events if event.type == event_type]

    def details(self, event_type: str, index: int = 0) -> dict[str, Any]:
        """The ``…EventDetails`` member of the ``index``-th event of a type."""
        event = self.of_type(event_type)[index]
        members = details_of(event)
        assert len(members) == 1, event
        only: dict[str, Any] = next(iter(members.values()))
        return only

    def exited(self, name: str) -> dict[str, Any]:
        """The ``stateExitedEventDetails`` of the (last) exit of state ``name``."""
        exits = [
            details_of(event)["stateExitedEventDetails"] for event in self.events if event.type.endswith("StateExited")
        ]
        found: list[dict[str, Any]] = [details for details in exits if details["name"] == name]
        assert found, f"state {name} never exited: {self.types}"
        return found[-1]

    @property
    def result(self) -> Any:
        assert self.status == ExecutionStatus.SUCCEEDED, (self.status, self.error, self.cause)
        assert self.output is not None
        return json.loads(self.output)


def _comparable(transition: Transition) -> tuple[Any, ...]:
    """A transition with its snapshot in stored form, for comparing two of them."""
    return (
        transition.events,
        snapshots.encode(transition.snapshot),
        transition.status,
        transition.timers,
        transition.tasks,
        transition.closed_tokens,
        transition.run_again,
        transition.output,
        transition.error,
        transition.cause,
        transition.applied,
    )


def details_of(event: HistoryEvent) -> dict[str, Any]:
    """The ``…EventDetails`` members of an event that has some, as every state and task event does."""
    assert event.details is not None, event
    return event.details


def execute(
    definition: Mapping[str, Any] | str,
    value: Any = None,
    *,
    raw_input: str | None = None,
    responder: Responder | None = None,
    wait_time_scale: float = 1.0,
    step_budget: int = 1000,
) -> Driver:
    """Run a definition to its end (or until it waits for nothing the driver can provide)."""
    text = raw_input if raw_input is not None else json.dumps({} if value is None else value)
    options = EngineOptions(wait_time_scale=wait_time_scale, step_budget=step_budget)
    return Driver(definition, text, options, responder).run()


def machine(states: Mapping[str, Any], start_at: str | None = None, **top: Any) -> dict[str, Any]:
    """A definition from its states; starts at the first one unless told otherwise."""
    return {"StartAt": start_at or next(iter(states)), "States": dict(states), **top}


def load_case(case_id: str) -> dict[str, Any]:
    """An AWS-recorded conformance case (tests that read one are marked ``conformance``)."""
    case: dict[str, Any] = json.loads((CASES_DIR / f"{case_id}.json").read_text())
    return case


@functools.cache
def _conformance_runner() -> ModuleType:
    """The shared runner's comparison functions (redactions, JSON text), loaded without running it."""
    spec = importlib.util.spec_from_file_location("sfn_conformance_run", RUNNER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_case(case: Mapping[str, Any]) -> Driver:
    """Run a recorded case on the pure engine; compare it as the shared runner does."""
    runner = _conformance_runner()
    run = execute(case["definition"], raw_input=case["input"])
    expected, compare = case["expected"], case["compare"]
    redacted = set(compare.get("redacted_paths", []))
    tokens = compare.get("redaction_tokens", [])
    diffs: list[str] = []
    assert run.status == expected["status"], (run.error, run.cause)
    if expected["status"] == ExecutionStatus.SUCCEEDED:
        runner.field_matches(expected["output"], run.output, "output", redacted, tokens, diffs)
    else:
        runner.field_matches(expected["error"], run.error, "error", redacted, tokens, diffs)
        runner.field_matches(expected["cause"], run.cause, "cause", redacted, tokens, diffs)
    assert diffs == []
    if expected["history_types"] is not None:
        matched, why = runner.history_matches(
            expected["history_types"], run.types, compare.get("history_concurrent", False)
        )
        assert matched, f"{why}: {run.types}"
    return run


# --- tests of the driver and of invariants every execution keeps ------------------------------
PASS_END = {"Type": "Pass", "End": True}


def test_start_writes_execution_started_and_asks_to_run_again() -> None:
    driver = Driver(machine({"P": PASS_END}), '{"a": 1}')
    first = driver.start()
    assert [event.type for event in first.events] == ["ExecutionStarted"]
    assert first.events[0].previous_event_id == 0
    assert first.events[0].details == {
        "executionStartedEventDetails": {"input": '{"a": 1}', "inputDetails": {"truncated": False}, "roleArn": ROLE_ARN}
    }
    assert first.run_again and first.status == ExecutionStatus.RUNNING
    assert first.snapshot.root.state == "P"
    assert first.snapshot.root.input == {"a": 1}
    limit = EngineOptions().max_execution_seconds
    assert [(timer.kind, timer.due, timer.warn_at) for timer in first.timers] == [
        (WorkKind.TIMEOUT, T0 + limit, T0 + limit * 0.8)
    ]
    assert first.tasks == []


def test_the_raw_input_text_is_kept_verbatim_in_execution_started() -> None:
    driver = Driver(machine({"P": PASS_END}), '{ "b" : [1, 2] }').run()
    assert driver.details("ExecutionStarted")["input"] == '{ "b" : [1, 2] }'
    assert driver.exited("P")["output"] == '{"b":[1,2]}'
    assert driver.output == '{"b":[1,2]}'


def test_a_run_after_the_start_finishes_a_deterministic_machine_in_one_transition() -> None:
    driver = Driver(machine({"A": {"Type": "Pass", "Next": "B"}, "B": PASS_END}))
    driver.start()
    second = driver.advance(driver.trigger(WorkKind.RUN))
    assert second.status == ExecutionStatus.SUCCEEDED
    assert [event.type for event in second.events] == [
        "PassStateEntered",
        "PassStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert second.snapshot.root.state is None
    assert second.changed


def test_advance_does_not_mutate_the_snapshot_it_is_given() -> None:
    driver = Driver(machine({"W": {"Type": "Wait", "Seconds": 3, "End": True}}))
    driver.start()
    waiting = driver.advance(driver.trigger(WorkKind.RUN))
    frozen = snapshots.encode(waiting.snapshot)
    driver.fire(waiting.timers[0])
    assert snapshots.encode(waiting.snapshot) == frozen


def test_advance_is_deterministic_for_the_same_snapshot_trigger_and_time() -> None:
    """Task tokens come from the trigger's entropy: the same input gives the same transition, tokens included."""
    definition = machine(
        {
            "Par": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": ACTIVITY_ARN, "End": True}}},
                    {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": True}}},
                ],
                "End": True,
            }
        }
    )
    driver = Driver(definition)
    driver.start()
    trigger = driver.trigger(WorkKind.RUN)
    first = advance(driver.model, driver.snapshot, trigger, driver.now, driver.info, driver.options)
    second = advance(driver.model, driver.snapshot, trigger, driver.now, driver.info, driver.options)
    assert _comparable(first) == _comparable(second)
    assert first.tasks[0].token is not None and len(first.tasks[0].token) == 64
    other = advance(driver.model, driver.snapshot, driver.trigger(WorkKind.STOP), driver.now, driver.info)
    reentropied = Trigger(WorkKind.RUN, entropy=b"other")
    third = advance(driver.model, driver.snapshot, reentropied, driver.now, driver.info, driver.options)
    assert third.tasks[0].token != first.tasks[0].token
    assert other.status == ExecutionStatus.ABORTED


def test_the_snapshot_is_plain_json() -> None:
    definition = machine(
        {
            "Par": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": True}}}],
                "Next": "T",
            },
            "T": {"Type": "Task", "Resource": ACTIVITY_ARN, "End": True},
        }
    )
    driver = Driver(definition).run()
    assert driver.status == ExecutionStatus.RUNNING
    stored = snapshots.encode(driver.snapshot)
    assert json.loads(json.dumps(stored)) == stored
    assert snapshots.encode(snapshots.decode(json.loads(json.dumps(stored)))) == stored


@pytest.mark.parametrize("budget", [1, 7, 500])
def test_step_budget_splits_a_long_chain_into_several_runs(budget: int) -> None:
    count = 1200
    states: dict[str, dict[str, Any]] = {
        f"S{index}": {"Type": "Pass", "Next": f"S{index + 1}"} for index in range(count - 1)
    }
    states[f"S{count - 1}"] = {"Type": "Pass", "Result": "done", "End": True}
    driver = Driver(machine(states), options=EngineOptions(step_budget=budget)).run()
    assert driver.status == ExecutionStatus.SUCCEEDED
    assert driver.output == '"done"'
    assert len(driver.events) == 2 + 2 * count
    runs = list(driver.transitions[1:])
    assert len(runs) == -(-count // budget)
    assert all(transition.run_again for transition in runs[:-1])
    # each run enters at most ``budget`` states
    assert all(sum(event.type == "PassStateEntered" for event in t.events) <= budget for t in runs)


def test_the_default_step_budget_needs_several_advances_for_2200_states() -> None:
    states: dict[str, dict[str, Any]] = {
        f"S{index}": {"Type": "Pass", "Next": f"S{index + 1}"} for index in range(2199)
    }
    states["S2199"] = PASS_END
    driver = execute(machine(states), {"n": 1})
    assert driver.result == {"n": 1}
    assert len(driver.transitions) == 1 + 3  # start, then 1000 + 1000 + 200 states
    assert [t.run_again for t in driver.transitions] == [True, True, True, False]


def test_a_run_trigger_on_a_waiting_execution_changes_nothing() -> None:
    driver = Driver(machine({"W": {"Type": "Wait", "Seconds": 10, "End": True}})).run(fire_timers=False)
    again = driver.advance(driver.trigger(WorkKind.RUN))
    assert again.events == [] and again.timers == [] and not again.changed


def test_a_pending_execution_is_idle_until_its_trigger() -> None:
    driver = Driver(machine({"T": {"Type": "Task", "Resource": ACTIVITY_ARN, "End": True}})).run()
    assert driver.status == ExecutionStatus.RUNNING
    assert driver.types == ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled"]
