"""What every surface and the scheduler share within one process: database, clock, settings."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.asl.model import StateMachineModel, parse_definition
from app.clock import Clock, SystemClock
from app.engine.types import EngineOptions
from app.scheduler.wakeup import ActivityWaiters, Wakeup
from app.settings import Settings
from app.store import state_machines
from app.store.database import Database

MODEL_CACHE_SIZE = 256


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
    activity_waiters: ActivityWaiters = field(default_factory=ActivityWaiters)
    _revisions: OrderedDict[str, Revision] = field(default_factory=OrderedDict)
    _revisions_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def engine_options(self) -> EngineOptions:
        return EngineOptions(wait_time_scale=self.settings.wait_time_scale)

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
    return Runtime(settings=settings, db=Database(settings.database_url), clock=clock or SystemClock())
