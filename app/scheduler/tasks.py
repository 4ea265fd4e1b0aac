"""Runs integration calls for ``invoke`` work items on a thread pool, outside any transaction.

A call in flight keeps its work item leased; if this process dies, the lease runs out and
another worker calls again (integrations are called at least once).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from app.crashpoints import crash_point
from app.durable import news
from app.durable.news import MAX_CAUSE, Phase, TaskNews
from app.durable.work import MAP_CHILD, MAX_ATTEMPTS, RETRY_DELAY, STOP_JOB, Invocation, WorkKind
from app.executions.caller import Caller, call_safely
from app.executions.deliveries import (
    ExecutionNotRunningError,
    RaceLostError,
    deliver,
    deliver_news,
    settle_news,
)
from app.executions.runtime import Runtime
from app.executions.triggers import new_trigger
from app.executions.watches import awaits_task
from app.failure_log import RepeatingFailure
from app.store import work_items
from app.store.database import unavailable
from app.store.work_items import WorkItem

log = logging.getLogger(__name__)

#: The wait before the second look at a ``.sync`` job (the first is at once; each next wait doubles the one
#: before), and the longest between two looks.
SECOND_LOOK_SECONDS = 1.0
LONGEST_LOOK_SECONDS = 60.0


class TaskRunner:
    """A bounded pool of threads that call integrations and report the news to the execution."""

    def __init__(self, runtime: Runtime, caller: Caller, threads: int = 32) -> None:
        self.runtime = runtime
        self.caller = caller
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sfn-task")
        self._in_flight: set[int] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._failures = RepeatingFailure(log, "task calls")
        self._keeper = threading.Thread(target=self._keep_leases, name="sfn-task-leases", daemon=True)
        self._keeper.start()

    def submit(self, item: WorkItem) -> None:
        with self._lock:
            if item.id in self._in_flight:
                return
            self._in_flight.add(item.id)
        self._pool.submit(self._run, item)

    def stop(self) -> None:
        self._stopping.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, item: WorkItem) -> None:
        invocation = Invocation.from_json(item.payload)
        answer: TaskNews | None
        began = self._failures.now()
        try:
            if item.attempts > MAX_ATTEMPTS:  # called again and again, its news never stored
                cause = f"The task was called {MAX_ATTEMPTS} times and its result could never be recorded"
                answer = news.call_failed(invocation.task_id, "States.Runtime", cause)
            else:
                answer = self._answer(item, invocation)
        except Exception as exc:  # the database was out of reach (call_safely made news of every other failure)
            self._failures.failed(exc)
            self._retry_later(item)
            return
        finally:
            with self._lock:
                self._in_flight.discard(item.id)
        crash_point("after_integration_call")
        try:
            if answer is None:  # nothing to tell: a job nobody waits for was stopped, or a Map Run's children started
                self.runtime.db.write_small(functools.partial(work_items.delete, item_id=item.id))
            elif answer.phase == Phase.RUNNING:
                self._look_again(item, invocation)
            elif invocation.resource == MAP_CHILD:  # one of many at once for one Map: applied together, in batches
                self._enqueue(item, answer)
            else:
                self._report(item, invocation, answer)
            self._failures.succeeded(began)
        except Exception as exc:  # the lease runs out and the call is retried, a bounded number of times
            self._failures.failed(exc)

    def _retry_later(self, item: WorkItem) -> None:
        """Make the call again after a while (a bounded number of times: each claim counts); if even that
        cannot be written, the item's lease runs out instead."""
        with contextlib.suppress(Exception):
            later = self.runtime.clock.now() + RETRY_DELAY
            self.runtime.db.write_small(functools.partial(work_items.release, item_id=item.id, visible_at=later))

    def _answer(self, item: WorkItem, invocation: Invocation) -> TaskNews | None:
        """The call's news (None: it has nothing to tell); for a look at a ``.sync`` job its execution no longer
        waits for, the job is stopped instead, and there is no news."""
        if item.kind != WorkKind.WATCH or awaits_task(self.runtime, item.execution_arn, invocation.task_id):
            return call_safely(self.caller, item.execution_arn, invocation)
        call_safely(self.caller, item.execution_arn, dataclasses.replace(invocation, resource=STOP_JOB))
        return None

    def _look_again(self, item: WorkItem, invocation: Invocation) -> None:
        """The job still runs: the next look in place of this one, later each time (up to a minute)."""
        looks = int(invocation.input.get("Looks", 0)) + 1
        delay = (
            min(SECOND_LOOK_SECONDS * 2 ** (looks - 1), LONGEST_LOOK_SECONDS)
            * self.runtime.engine_options.wait_time_scale
        )
        again = dataclasses.replace(invocation, input={**invocation.input, "Looks": looks})

        def write(conn: sa.Connection) -> None:
            work_items.delete(conn, item.id)
            work_items.enqueue(
                conn, item.execution_arn, WorkKind.WATCH, again.to_json(), self.runtime.clock.now() + delay
            )

        self.runtime.db.write_small(write)

    def _report(self, item: WorkItem, invocation: Invocation, answer: TaskNews) -> None:
        """Deliver the call's news; news that cannot be stored fails the task (``States.Runtime``)."""
        try:
            deliver(self.runtime, item.execution_arn, new_trigger(WorkKind.TASK, news=answer), item.id)
            return
        except ExecutionNotRunningError:
            return
        except RaceLostError:  # the execution is busy with its other tasks' news: this news waits in the queue
            self._queue(item, answer)
            return
        except Exception as exc:
            if unavailable(exc):  # a fault of the server, not the task's: its lease runs out and it is called again
                raise
            log.exception("the result of a task of %s could not be stored", item.execution_arn)
            cause = f"The task's result could not be stored: {type(exc).__name__}: {exc}"
        failure = news.call_failed(invocation.task_id, "States.Runtime", cause[:MAX_CAUSE])
        with contextlib.suppress(ExecutionNotRunningError):
            deliver(self.runtime, item.execution_arn, new_trigger(WorkKind.TASK, news=failure), item.id)

    def _queue(self, item: WorkItem, answer: TaskNews) -> None:
        """The news as a work item in place of the call's (applied at once if the execution is free by then)."""
        with self.runtime.db.write() as conn:
            work_items.delete(conn, item.id)
            applied = deliver_news(self.runtime, conn, item.execution_arn, answer, self.runtime.clock.now())
        settle_news(self.runtime, applied)

    def _enqueue(self, item: WorkItem, answer: TaskNews) -> None:
        """The news as a work item in place of the call's, for the scheduler to apply with the others queued."""

        def write(conn: sa.Connection) -> None:
            work_items.delete(conn, item.id)
            work_items.enqueue(conn, item.execution_arn, WorkKind.TASK, answer.to_json(), self.runtime.clock.now())

        self.runtime.db.write_small(write)
        self.runtime.signal_work()

    def _keep_leases(self) -> None:
        lease = self.runtime.settings.lease_seconds
        while not self._stopping.wait(lease / 3):
            with self._lock:
                ids = list(self._in_flight)
            if not ids:
                continue
            try:
                with self.runtime.db.write() as conn:
                    for item_id in ids:
                        work_items.extend_lease(conn, item_id, self.runtime.clock.now() + lease)
            except Exception:
                log.exception("could not extend the leases of running tasks")
