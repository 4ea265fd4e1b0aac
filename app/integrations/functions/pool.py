"""A fixed number of worker processes that run Python handlers one call at a time each.

Not ``concurrent.futures.ProcessPoolExecutor``: that pool breaks as a whole when one worker dies and
cannot stop a single call that runs too long. Here a call that times out has its worker killed, a
worker that dies is dropped, and either is replaced by a fresh process on the next call.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any

from .protocol import Invocation, Reply
from .worker import serve

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TimedOut:
    """The call did not finish in time; its worker was killed."""


@dataclass(frozen=True)
class WorkerLost:
    """The worker process died during the call; ``exitcode`` is negative for a signal, ``None`` if unknown."""

    exitcode: int | None


RunResult = Reply | TimedOut | WorkerLost


def _context() -> BaseContext:
    # Fork-server children start from a clean single-threaded process (forking the threaded server is unsafe)
    # and much faster than spawn; spawn is the portable fallback. The fork server imports the worker's code
    # once, so a new worker only forks; the parent's main module it imports too (as multiprocessing does by
    # default), which is why ``app.cli`` imports little at module level.
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["__main__", serve.__module__])
        return context
    return multiprocessing.get_context("spawn")


class _Worker:
    """One process and the parent's end of its pipe."""

    def __init__(self, context: BaseContext, lifeline: Connection, environment: Mapping[str, str]) -> None:
        parent_end, child_end = context.Pipe(duplex=True)
        process: Any = context.Process(  # type: ignore[attr-defined]
            target=serve, args=(child_end, lifeline, dict(environment)), name="sfn-function-worker", daemon=True
        )
        process.start()
        child_end.close()
        self.process = process
        self.connection: Connection = parent_end

    def alive(self) -> bool:
        return bool(self.process.is_alive())

    def call(self, invocation: Invocation, timeout: float) -> RunResult:
        try:
            self.connection.send(invocation)
            if not self.connection.poll(max(timeout, 0.0)):
                self.kill()
                return TimedOut()
            reply = self.connection.recv()
        except (EOFError, OSError):
            return WorkerLost(self._exitcode())
        return reply if isinstance(reply, Reply) else WorkerLost(None)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()

    def _exitcode(self) -> int | None:
        self.process.join(timeout=5)
        self.connection.close()
        code = self.process.exitcode
        return None if code is None else int(code)


class WorkerPool:
    """Runs invocations on at most ``size`` processes at once, started on demand and replaced when lost."""

    def __init__(self, size: int, environment: Mapping[str, str]) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one process")
        self._environment = dict(environment)
        self._context = _context()
        # Never written to: when this process ends, however it ends, the workers read EOF and exit.
        self._lifeline, self._lifeline_keeper = self._context.Pipe(duplex=False)
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._closed = False

    def run(self, invocation: Invocation, timeout: float) -> RunResult:
        """Run one invocation; waiting for a free process counts against ``timeout`` too."""
        deadline = time.monotonic() + timeout
        if not self._slots.acquire(timeout=max(timeout, 0.0)):
            return TimedOut()
        try:
            worker = self._checkout()
            result: RunResult = WorkerLost(None)
            try:
                result = worker.call(invocation, deadline - time.monotonic())
            finally:
                self._checkin(worker, keep=isinstance(result, Reply))
            return result
        finally:
            self._slots.release()

    def warm(self) -> None:
        """Start one idle worker in the background, so the next call does not wait for a process to start.

        The first start also starts the fork server, which imports the server's modules: about a second,
        enough for a Task with a short ``TimeoutSeconds`` to time out on its first call.
        """
        threading.Thread(target=self._start_idle, name="sfn-function-warm", daemon=True).start()

    def _start_idle(self) -> None:
        try:
            worker = _Worker(self._context, self._lifeline, self._environment)
        except Exception:  # the pool was closed meanwhile, or no process can start: calls will say so
            log.debug("could not start a worker ahead of time", exc_info=True)
            return
        with self._lock:
            if not self._closed:
                self._idle.append(worker)
                return
        worker.kill()

    def close(self) -> None:
        """Kill every worker, idle or busy; calls still running fail as lost workers."""
        with self._lock:
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._busy.clear()
        for worker in workers:
            worker.kill()
        self._lifeline_keeper.close()
        self._lifeline.close()

    def _checkout(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool is closed")
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    self._busy.add(worker)
                    return worker
                worker.kill()
        worker = _Worker(self._context, self._lifeline, self._environment)
        with self._lock:
            self._busy.add(worker)
        return worker

    def _checkin(self, worker: _Worker, *, keep: bool) -> None:
        with self._lock:
            self._busy.discard(worker)
            if keep and not self._closed:
                self._idle.append(worker)
                return
            closed = self._closed
        worker.kill()
        if not closed:
            self.warm()  # its replacement starts now, not when the next call (with its own timeout) comes
