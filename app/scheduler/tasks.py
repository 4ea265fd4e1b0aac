"""Runs integration calls for ``invoke`` work items on a thread pool, outside any transaction.

A call in flight keeps its work item leased; if this process dies, the lease runs out and
another worker calls again (integrations are called at least once).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from app.crashpoints import crash_point
from app.engine.types import Trigger
from app.executions.deliveries import ExecutionNotRunningError, deliver
from app.executions.runtime import Runtime
from app.store import work_items
from app.store.work_items import WorkItem

log = logging.getLogger(__name__)


class Caller(Protocol):
    def call(self, execution_arn: str, invocation: dict[str, Any]) -> dict[str, Any]: ...


class TaskRunner:
    """A bounded pool of threads that call integrations and report the news to the execution."""

    def __init__(self, runtime: Runtime, caller: Caller, threads: int = 32) -> None:
        self.runtime = runtime
        self.caller = caller
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sfn-task")
        self._in_flight: set[int] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
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
        try:
            news = self.caller.call(item.execution_arn, item.payload)
        except Exception as exc:  # a bug in an integration must not lose the task
            log.exception("integration call for %s failed", item.execution_arn)
            news = {"phase": "failed", "error": "States.Runtime", "cause": f"Internal error calling the task: {exc}"}
        finally:
            with self._lock:
                self._in_flight.discard(item.id)
        crash_point("after_integration_call")
        trigger = Trigger(kind="task", payload={"task_id": item.payload["task_id"], **news})
        try:
            deliver(self.runtime, item.execution_arn, trigger, item.id)
        except ExecutionNotRunningError:
            return

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
