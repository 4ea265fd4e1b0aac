"""Who is woken after a commit: schedulers only for work due before their own next look."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from app.clock import FakeClock
from app.durable.snapshot import Frame, Snapshot
from app.durable.statuses import ExecutionStatus
from app.durable.work import WorkKind
from app.engine.types import TaskInvocation, Timer, Transition
from app.executions.deliveries import announce
from app.executions.runtime import Runtime

NOW = 1_000.0
POLL_SECONDS = 1.0


@dataclass
class _Settings:
    poll_seconds: float = POLL_SECONDS


@dataclass
class _Runtime:
    settings: _Settings = field(default_factory=_Settings)
    clock: FakeClock = field(default_factory=lambda: FakeClock(NOW))
    work_signals: int = 0
    activities: list[str] = field(default_factory=list)

    def signal_work(self) -> None:
        self.work_signals += 1

    def signal_activity(self, activity_arn: str) -> None:
        self.activities.append(activity_arn)


def _announce(*transitions: Transition, queued: bool = False) -> _Runtime:
    runtime = _Runtime()
    announce(cast(Runtime, runtime), list(transitions), queued=queued)
    return runtime


def _transition(**changes: Any) -> Transition:
    return Transition(events=[], snapshot=Snapshot(root=Frame(state=None, input=None)), **changes)


def test_a_far_timer_wakes_no_one() -> None:
    deadline = Timer(0, NOW + 3600, kind=WorkKind.TIMEOUT, warn_at=NOW + 2880)
    assert _announce(_transition(timers=[deadline])).work_signals == 0


def test_a_timer_due_before_the_next_poll_wakes_the_schedulers() -> None:
    wait = Timer(1, NOW + POLL_SECONDS / 2)
    assert _announce(_transition(timers=[wait])).work_signals == 1


def test_more_states_to_run_and_calls_to_make_wake_the_schedulers() -> None:
    call = TaskInvocation(task_id=1, resource="arn:aws:lambda:us-east-1:123456789012:function:f", input={}, call=True)
    assert _announce(_transition(run_again=True)).work_signals == 1
    assert _announce(_transition(tasks=[call])).work_signals == 1


def test_an_ended_execution_wakes_schedulers_only_for_queued_news() -> None:
    assert _announce(_transition(status=ExecutionStatus.SUCCEEDED)).work_signals == 0
    assert _announce(_transition(status=ExecutionStatus.SUCCEEDED), queued=True).work_signals == 1


def test_activity_tasks_wake_their_pollers_not_the_schedulers() -> None:
    arn = "arn:aws:states:us-east-1:123456789012:activity:work"
    task = TaskInvocation(task_id=1, resource=arn, input={}, call=False, token="x" * 64, activity_arn=arn)
    runtime = _announce(_transition(status=ExecutionStatus.RUNNING, tasks=[task]))
    assert runtime.activities == [arn]
    assert runtime.work_signals == 0


def test_a_timer_is_measured_against_the_time_of_the_commit() -> None:
    """The horizon moves with the clock: a timer far at first is near once time has passed."""
    runtime = _Runtime()
    wait = Timer(1, NOW + 10 * POLL_SECONDS)
    announce(cast(Runtime, runtime), [_transition(timers=[wait])])
    assert runtime.work_signals == 0
    runtime.clock.advance(9.5 * POLL_SECONDS)
    announce(cast(Runtime, runtime), [_transition(timers=[wait])])
    assert runtime.work_signals == 1
