"""What the API and the scheduler share within one process: database, clock, settings, wake-ups."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import sqlalchemy as sa

from app import arns
from app.asl.model import StateMachineModel, parse_definition
from app.clock import Clock, SystemClock
from app.engine.types import EngineOptions, HistoryEvent
from app.executions.express import ExpressRunner
from app.executions.logs import LogLevel, LogSink, records
from app.executions.mocks import MockSource
from app.executions.signals import ActivityWaiters, Wakeup
from app.settings import Settings
from app.store import executions, secrets, state_machines
from app.store.database import Database
from app.store.notifications import PostgresNotifier

MODEL_CACHE_SIZE = 256
WORK_MESSAGE = "work"
ACTIVITY_PREFIX = "activity:"
SCHEDULES_MESSAGE = "schedules"
OPEN_COUNT_TTL = 1.0
CALLER_SECRET = "caller"
LOG_LEVEL_TTL = 1.0


@dataclass(frozen=True)
class Revision:
    """A parsed revision of a state machine, as an execution of it needs it."""

    model: StateMachineModel
    role_arn: str


@dataclass
class Runtime:
    """The process-wide dependencies, built once at start-up and passed down explicitly."""

    settings: Settings
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    wakeup: Wakeup = field(default_factory=Wakeup)
    #: Wakes the schedules' thread, apart from the scheduler's: work committed is no news for schedules.
    schedules_wakeup: Wakeup = field(default_factory=Wakeup)
    activity_waiters: ActivityWaiters = field(default_factory=ActivityWaiters)
    _revisions: OrderedDict[str, Revision] = field(default_factory=OrderedDict)
    _revisions_lock: threading.Lock = field(default_factory=threading.Lock)
    _open_count: tuple[float, int] = (-OPEN_COUNT_TTL, 0)
    _log_levels: dict[str, tuple[float, LogLevel]] = field(default_factory=dict)
    notifier: PostgresNotifier | None = None
    logs: LogSink = field(default_factory=lambda: LogSink("off"))
    express: ExpressRunner | None = None
    mocks: MockSource | None = None
    _caller_key: bytes | None = None

    def caller_key(self) -> bytes:
        """The key that proves a call comes from one of this database's executions' functions
        (shared by every process of the database; made by the first that needs it)."""
        if self._caller_key is None:
            self._caller_key = secrets.get_or_create(self.db, CALLER_SECRET).encode()
        return self._caller_key

    def close(self) -> None:
        if self.notifier is not None:
            self.notifier.stop()
        self.logs.close()
        self.db.dispose()

    def require_express(self) -> ExpressRunner:
        """The runner of Express executions, which the composition hands in with the integrations."""
        if self.express is None:
            raise RuntimeError("this process runs no Express executions")
        return self.express

    def signal_work(self) -> None:
        """New work is committed: wake this process's scheduler, and the other processes'."""
        self.wakeup.notify()
        if self.notifier is not None:
            self.notifier.broadcast(WORK_MESSAGE)

    def signal_schedules(self) -> None:
        """A schedule was created or changed: wake the schedules' thread, here and in the other processes."""
        self.schedules_wakeup.notify()
        if self.notifier is not None:
            self.notifier.broadcast(SCHEDULES_MESSAGE)

    def signal_activity(self, activity_arn: str) -> None:
        """A task of ``activity_arn`` is scheduled: wake the pollers waiting for it, here and elsewhere."""
        self.activity_waiters.notify(activity_arn)
        if self.notifier is not None:
            self.notifier.broadcast(ACTIVITY_PREFIX + activity_arn)

    def receive(self, message: str) -> None:
        """A wake-up from another process."""
        if message.startswith(ACTIVITY_PREFIX):
            self.activity_waiters.notify(message.removeprefix(ACTIVITY_PREFIX))
        elif message == SCHEDULES_MESSAGE:
            self.schedules_wakeup.notify()
        else:
            self.wakeup.notify()

    @property
    def engine_options(self) -> EngineOptions:
        settings = self.settings
        return EngineOptions(
            wait_time_scale=settings.wait_time_scale,
            max_history_events=settings.max_history_events,
            max_execution_seconds=settings.max_execution_seconds,
            limit_warning_share=settings.limit_warning_share,
            step_seconds=settings.step_seconds,
            mocks=self.mocks,
        )

    def open_executions(self, conn: sa.Connection) -> int:
        """How many executions are RUNNING, counted at most once a second (the cap is a guard rail)."""
        now = time.monotonic()
        with self._revisions_lock:
            counted_at, count = self._open_count
            if now - counted_at < OPEN_COUNT_TTL:
                self._open_count = (counted_at, count + 1)
                return count
        count = executions.count_running(conn)
        with self._revisions_lock:
            self._open_count = (now, count + 1)
        return count

    def log_events(self, state_machine_arn: str, execution_arn: str, events: list[HistoryEvent]) -> None:
        """Write the log records of committed events that the machine's ``loggingConfiguration`` asks for."""
        if not events or not self.logs.enabled:
            return
        level = self._log_level(state_machine_arn)
        if level.enabled:
            self.logs.write(records(level, execution_arn, events))

    def _log_level(self, state_machine_arn: str) -> LogLevel:
        """A machine's logging level, read at most once a second (a change applies within that second). A
        distributed Map's children log as the machine whose Map runs them, as on AWS."""
        state_machine_arn = arns.labelled_parent(state_machine_arn)
        now = time.monotonic()
        cached = self._log_levels.get(state_machine_arn)
        if cached is not None and now - cached[0] < LOG_LEVEL_TTL:
            return cached[1]
        with self.db.read() as conn:
            machine = state_machines.get(conn, state_machine_arn)
        level = LogLevel.of(None if machine is None else machine.logging_configuration)
        self._log_levels[state_machine_arn] = (now, level)
        return level

    def revision(self, conn: sa.Connection, revision_id: str) -> Revision:
        """The parsed definition of a revision; revisions never change, so parse each once."""
        with self._revisions_lock:
            cached = self._revisions.get(revision_id)
            if cached is not None:
                self._revisions.move_to_end(revision_id)
                return cached
        row = state_machines.get_revision(conn, revision_id)
        if row is None:
            raise LookupError(f"revision {revision_id} is missing")
        revision = Revision(parse_definition(row.definition), row.role_arn)
        with self._revisions_lock:
            self._revisions[revision_id] = revision
            while len(self._revisions) > MODEL_CACHE_SIZE:
                self._revisions.popitem(last=False)
        return revision


def build_runtime(settings: Settings, clock: Clock | None = None) -> Runtime:
    """The runtime of one process; on PostgreSQL it also listens for other processes' wake-ups."""
    runtime = Runtime(
        settings=settings,
        db=Database(settings.database_url, settings.database_connections),
        clock=clock or SystemClock(),
        logs=LogSink(settings.execution_log),
        mocks=None if settings.mock_config is None else MockSource(settings.mock_config),
    )
    runtime.notifier = runtime.db.dialect.notifier(runtime.db.engine, runtime.receive)
    if runtime.notifier is not None:
        runtime.notifier.start()
    return runtime
