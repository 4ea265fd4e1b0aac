"""Express executions: run in this process's memory from start to end, each state at most once.

AWS keeps no history of an Express execution: a crash loses it, and what remains of it is its
result (to a StartSyncExecution caller) and the log records its ``loggingConfiguration`` asks
for. Here every Express execution is a coroutine on one event-loop thread of its own: the engine
computes its transitions on that thread, integrations are called on a small thread pool, and
its timers (Wait states, retries, task timeouts, the duration limit) are the loop's timers. No
database row is written, so an Express execution costs what its states cost.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from app import metrics
from app.asl.model import StateMachineModel
from app.clock import Clock
from app.durable.news import TaskNews
from app.durable.statuses import ExecutionStatus
from app.durable.work import Invocation, WorkKind
from app.engine.advance import advance
from app.engine.advance import start as start_transition
from app.engine.types import EngineOptions, ExecutionInfo, HistoryEvent, Timer, Transition, Trigger
from app.executions import server_log
from app.executions.caller import Caller, call_safely
from app.executions.triggers import new_trigger

log = logging.getLogger(__name__)

#: States an execution may run on the thread that starts it, before it moves to the runner's loop.
INLINE_STEPS = 100

#: Receives each transition's events as the execution goes (its log records), or nothing.
EventListener = Callable[[list[HistoryEvent]], None]


@dataclass(frozen=True)
class ExpressOutcome:
    """How an Express execution ended."""

    status: ExecutionStatus
    stop_date: float
    output: str | None = None
    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True)
class ExpressStart:
    """An Express execution to run: its facts, its parsed definition, who hears its events, and
    what to do with its outcome (called on a pool thread: it may write to the database)."""

    info: ExecutionInfo
    model: StateMachineModel
    listener: EventListener | None = None
    on_end: Callable[[ExpressOutcome], None] | None = None
    options: EngineOptions | None = None  # the runner's own when None
    logged: bool = True  # whether the server's log tells of it (TestState's runs are not executions)


@dataclass
class _Progress:
    """One running execution's pending timers and the news of its tasks."""

    timers: dict[int, Timer] = field(default_factory=dict)
    news: asyncio.Queue[TaskNews] = field(default_factory=asyncio.Queue)


class ExpressRunner:
    """Runs Express executions on a loop thread of its own; any thread may hand one in."""

    def __init__(self, caller: Caller, clock: Clock, options: EngineOptions, threads: int = 32) -> None:
        self.caller = caller
        self.clock = clock
        self.options = options
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sfn-express-task")
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="sfn-express", daemon=True)
        self._thread.start()

    def run(self, start: ExpressStart) -> concurrent.futures.Future[ExpressOutcome]:
        """Start an execution; the future completes when it ends.

        Its first states run here, on the caller's thread, up to :data:`INLINE_STEPS`: an execution
        of a few Pass and Choice states ends without a hop to the loop thread and back.
        """
        metrics.EXECUTIONS_STARTED.labels(start.info.state_machine_name, "EXPRESS").inc()
        first = self._first_steps(start)
        if first.status == ExecutionStatus.RUNNING or start.on_end is not None:
            return asyncio.run_coroutine_threadsafe(self._execute(start, first), self._loop)
        if start.listener is not None:
            start.listener(first.events)
        _log(start, first)
        done: concurrent.futures.Future[ExpressOutcome] = concurrent.futures.Future()
        done.set_result(self._outcome(start, first))
        return done

    def stop(self) -> None:
        """Abandon every running execution (at most once: they do not resume) and end the thread."""

        def cancel_all() -> None:
            for task in asyncio.all_tasks(self._loop):
                task.cancel()
            self._loop.call_soon(self._loop.stop)

        if self._loop.is_running():
            self._loop.call_soon_threadsafe(cancel_all)
            self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self._loop.close()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _first_steps(self, start: ExpressStart) -> Transition:
        info, model = start.info, start.model
        options = start.options or self.options
        started = start_transition(model, info, self.clock.now(), options)
        inline = replace(options, step_budget=INLINE_STEPS)
        return started.then(advance(model, started.snapshot, new_trigger(WorkKind.RUN), self.clock.now(), info, inline))

    def _outcome(self, start: ExpressStart, transition: Transition) -> ExpressOutcome:
        metrics.EXECUTIONS_ENDED.labels(start.info.state_machine_name, transition.status).inc()
        return ExpressOutcome(
            transition.status, self.clock.now(), transition.output, transition.error, transition.cause
        )

    async def _execute(self, start: ExpressStart, transition: Transition) -> ExpressOutcome:
        info, model = start.info, start.model
        options = start.options or self.options
        progress = _Progress()
        while True:
            self._absorb(start, progress, transition)
            if transition.status != ExecutionStatus.RUNNING:
                outcome = self._outcome(start, transition)
                if start.on_end is not None:
                    await self._loop.run_in_executor(self._pool, start.on_end, outcome)
                return outcome
            trigger = await self._next_trigger(progress, transition.run_again)
            transition = advance(model, transition.snapshot, trigger, self.clock.now(), info, options)

    def _absorb(self, start: ExpressStart, progress: _Progress, transition: Transition) -> None:
        """Hand out what a transition asks for: log its events, arm its timers, call its tasks."""
        if start.listener is not None and transition.events:
            start.listener(transition.events)
        _log(start, transition)
        for timer in transition.timers:
            progress.timers[timer.timer_id] = timer
        for task in transition.tasks:
            invocation = Invocation(
                task.task_id, task.resource, task.input, task.token, task.timeout_seconds, task.role_arn
            )
            self._call(start.info.arn, invocation, progress)

    def _call(self, arn: str, invocation: Invocation, progress: _Progress) -> None:
        future = self._loop.run_in_executor(self._pool, call_safely, self.caller, arn, invocation)
        future.add_done_callback(lambda done: _tell(progress, done.result()))

    async def _next_trigger(self, progress: _Progress, run_again: bool) -> Trigger:
        """Go on at once, or wait for the first of: a task's news, the earliest timer."""
        if run_again:
            await asyncio.sleep(0)  # let the other executions on this loop have their turn
            return new_trigger(WorkKind.RUN)
        while True:
            due = min(progress.timers.values(), key=lambda timer: timer.due, default=None)
            delay = None if due is None else max(0.0, due.due - self.clock.now())
            try:
                news = await asyncio.wait_for(progress.news.get(), delay)
            except TimeoutError:
                assert due is not None
                del progress.timers[due.timer_id]
                return new_trigger(due.kind, timer_id=due.timer_id)
            return new_trigger(WorkKind.TASK, news=news)


def _tell(progress: _Progress, news: TaskNews | None) -> None:
    """A call's news for the execution; a call with nothing to tell leaves its task waiting."""
    if news is not None:
        progress.news.put_nowait(news)


def _log(start: ExpressStart, transition: Transition) -> None:
    if start.logged:
        server_log.log_transition(
            start.info.arn,
            transition.events,
            transition.status,
            start.info.start_time,
            transition.error,
            transition.cause,
        )


def express_options(options: EngineOptions, max_seconds: float) -> EngineOptions:
    """The engine options of Express executions: their own duration limit (AWS: five minutes)."""
    return replace(options, max_execution_seconds=max_seconds)
