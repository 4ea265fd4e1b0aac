"""Schedules fire on the engine's clock: once per due time, never early, once after downtime, across processes.

Each test runs real runtimes (the server's use cases, its store) on a new SQLite or PostgreSQL database with
a ``FakeClock``, so hundreds of minutes pass in a second. Two runtimes on one database stand for two servers:
each has its own connection pool and its own claimer, as two processes do.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import arns, metrics
from app.clock import FakeClock
from app.executions.runtime import Runtime, build_runtime
from app.service import executions, schedules, state_machines
from app.service.schedule_firing import ScheduleFirer, execution_name
from app.settings import Settings
from app.store import migrate
from tests.conftest import ROLE_ARN
from tests.support.databases import drop_database, new_database

PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
# 2026-12-03T20:00:00Z: whole minutes, so cron and rate occurrences are easy to read.
START = 1_796_328_000.0


@pytest.fixture
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    url = new_database(backend, tmp_path)
    migrate.upgrade(url)
    yield url
    drop_database(backend, url)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def runtime(database: str, clock: FakeClock) -> Iterator[Runtime]:
    runtime = build_runtime(Settings(database_url=database), clock)
    yield runtime
    runtime.close()


def machine(runtime: Runtime, name: str = "nightly") -> str:
    return str(state_machines.create(runtime, name=name, definition=PASS, role_arn=ROLE_ARN)["stateMachineArn"])


def firings(outcome: str) -> float:
    """This process's ``sfn_schedule_firings_total`` of an outcome."""
    return metrics.REGISTRY.get_sample_value("sfn_schedule_firings_total", {"outcome": outcome}) or 0.0


def started_by(runtime: Runtime, schedule: str) -> list[str]:
    """The executions a schedule started, oldest first (what ``started_by`` records)."""
    from app.store import executions as stored

    arn = arns.schedule(runtime.settings.region, runtime.settings.account_id, schedule)
    with runtime.db.read() as conn:
        return stored.started_by(conn, arn)


def test_a_rate_schedule_fires_once_a_minute_for_hundreds_of_minutes_never_early(
    runtime: Runtime, clock: FakeClock
) -> None:
    target = machine(runtime)
    schedules.create(
        runtime, schedules.ScheduleSpec("every-minute", "rate(1 minute)", target, input='{"from": "schedule"}')
    )
    firer = ScheduleFirer(runtime)
    assert firer.fire_due() == 0  # created now: the first occurrence is a minute away
    for minute in range(1, 301):
        clock.advance(59.999)
        assert firer.fire_due() == 0, f"fired early before minute {minute}"
        clock.advance(0.001)
        assert firer.fire_due() == 1, f"minute {minute}"
        assert firer.fire_due() == 0, f"fired twice at minute {minute}"
    fired = started_by(runtime, "every-minute")
    assert len(fired) == 300
    first = executions.describe(runtime, fired[0])
    assert first["name"] == "every-minute-20261203T2001Z"
    assert first["input"] == '{"from": "schedule"}'
    assert first["startedByScheduleArn"] == arns.schedule("us-east-1", "123456789012", "every-minute")
    assert "startedByExecutionArn" not in first
    shown = schedules.get(runtime, "every-minute")
    assert shown["LastInvocation"] == "2026-12-04T01:00:00Z"
    assert shown["LastExecutionArn"] == fired[-1]
    assert shown["NextInvocation"] == "2026-12-04T01:01:00Z"


def test_a_cron_schedule_in_a_time_zone_fires_at_its_wall_time(runtime: Runtime, clock: FakeClock) -> None:
    target = machine(runtime)
    spec = schedules.ScheduleSpec("paris-nine", "cron(0 9 ? * MON-FRI *)", target, timezone="Europe/Paris")
    schedules.create(runtime, spec)
    firer = ScheduleFirer(runtime)
    fired_days = []
    for _ in range(7 * 24):  # a week, hour by hour
        clock.advance(3600)
        if firer.fire_due():
            fired_days.append(executions.describe(runtime, started_by(runtime, "paris-nine")[-1])["name"])
    # 2026-12-04 is a Friday; 09:00 in Paris is 08:00 UTC in December.
    assert fired_days == [
        "paris-nine-20261204T0800Z",
        "paris-nine-20261207T0800Z",
        "paris-nine-20261208T0800Z",
        "paris-nine-20261209T0800Z",
        "paris-nine-20261210T0800Z",
    ]


def test_after_downtime_a_missed_occurrence_fires_once_not_a_burst(database: str, clock: FakeClock) -> None:
    """The server stops; ten due times pass; the next server fires once, then keeps the rhythm from now."""
    first = build_runtime(Settings(database_url=database), clock)
    target = machine(first)
    schedules.create(first, schedules.ScheduleSpec("hourly", "rate(1 hour)", target))
    clock.advance(3600)
    assert ScheduleFirer(first).fire_due() == 1
    first.close()

    clock.advance(10 * 3600 + 120)  # down across ten due times
    second = build_runtime(Settings(database_url=database), clock)
    try:
        firer = ScheduleFirer(second)
        assert firer.fire_due() == 1
        assert firer.fire_due() == 0
        names = [executions.describe(second, arn)["name"] for arn in started_by(second, "hourly")]
        assert names == ["hourly-20261203T2100Z", "hourly-20261203T2200Z"]  # the earliest missed occurrence
        assert schedules.get(second, "hourly")["NextInvocation"] == "2026-12-04T08:00:00Z"
        clock.advance(3600 - 120 - 0.001)
        assert firer.fire_due() == 0  # not early after a restart either
        clock.advance(0.001)
        assert firer.fire_due() == 1
    finally:
        second.close()


def test_two_servers_sharing_schedules_never_fire_an_occurrence_twice(database: str, clock: FakeClock) -> None:
    servers = [build_runtime(Settings(database_url=database), clock) for _ in range(2)]
    try:
        target = machine(servers[0])
        for index in range(5):
            schedules.create(servers[0], schedules.ScheduleSpec(f"shared-{index}", "rate(1 minute)", target))
        firers = [ScheduleFirer(runtime) for runtime in servers]
        totals = [0, 0]
        barrier = threading.Barrier(2)

        def fire(index: int) -> None:
            barrier.wait()  # both look at the same moment
            totals[index] += firers[index].fire_due()

        for _ in range(60):
            clock.advance(60)

            threads = [threading.Thread(target=fire, args=(index,)) for index in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        counts = [len(started_by(servers[0], f"shared-{index}")) for index in range(5)]
        assert counts == [60] * 5
        assert sum(totals) == 300
    finally:
        for runtime in servers:
            runtime.close()


def test_a_server_that_died_after_starting_an_occurrence_is_not_repeated(runtime: Runtime, clock: FakeClock) -> None:
    """A claim whose holder died is taken over after its lease; the start finds the first one's execution."""
    target = machine(runtime)
    schedules.create(runtime, schedules.ScheduleSpec("crashy", "rate(5 minutes)", target))
    clock.advance(300)
    due_at = START + 300
    # The dead server: it claimed the occurrence and started its execution, then died before moving the row on.
    from app.store import schedules as stored

    with runtime.db.write() as conn:
        assert stored.claim(conn, "crashy", due_at, "dead-server", clock.now(), clock.now() + 60)
    schedule_arn = arns.schedule("us-east-1", "123456789012", "crashy")
    executions.start(runtime, target, name=execution_name("crashy", due_at), input="{}", started_by=schedule_arn)
    firer = ScheduleFirer(runtime)
    assert firer.fire_due() == 0  # the lease still holds
    clock.advance(61)
    already = firings("already_started")
    firer.fire_due()
    assert len(started_by(runtime, "crashy")) == 1
    assert firings("already_started") == already + 1
    assert schedules.get(runtime, "crashy")["NextInvocation"] == "2026-12-03T20:10:00Z"


def test_disabled_ended_and_failing_schedules(runtime: Runtime, clock: FakeClock) -> None:
    target = machine(runtime)
    firer = ScheduleFirer(runtime)
    schedules.create(runtime, schedules.ScheduleSpec("off", "rate(1 minute)", target, state="DISABLED"))
    schedules.create(runtime, schedules.ScheduleSpec("short", "rate(1 minute)", target, end_date=START + 150))
    schedules.create(runtime, schedules.ScheduleSpec("orphan", "rate(1 minute)", machine(runtime, "doomed")))
    state_machines.delete(runtime, arns.state_machine("us-east-1", "123456789012", "doomed"))
    for _ in range(5):
        clock.advance(60)
        firer.fire_due()
    assert started_by(runtime, "off") == []
    assert len(started_by(runtime, "short")) == 2  # 20:01 and 20:02; 20:03 is past the end date
    assert schedules.get(runtime, "short")["NextInvocation"] is None
    orphan = schedules.get(runtime, "orphan")
    assert orphan["LastError"].startswith(("StateMachineDoesNotExist", "StateMachineDeleting"))
    assert orphan["NextInvocation"] == "2026-12-03T20:06:00Z"  # it moves on


def test_an_update_that_keeps_the_rhythm_keeps_the_pending_occurrence(runtime: Runtime, clock: FakeClock) -> None:
    target = machine(runtime)
    schedules.create(runtime, schedules.ScheduleSpec("tweak", "rate(10 minutes)", target))
    clock.advance(300)
    schedules.update(runtime, schedules.ScheduleSpec("tweak", "rate(10 minutes)", target, input='{"v": 2}'))
    assert schedules.get(runtime, "tweak")["NextInvocation"] == "2026-12-03T20:10:00Z"
    schedules.update(runtime, schedules.ScheduleSpec("tweak", "rate(1 hour)", target))
    assert schedules.get(runtime, "tweak")["NextInvocation"] == "2026-12-03T21:05:00Z"


def test_a_schedule_enabled_again_fires_at_its_next_due_time(runtime: Runtime, clock: FakeClock) -> None:
    target = machine(runtime)
    schedules.create(runtime, schedules.ScheduleSpec("paused", "rate(10 minutes)", target))
    schedules.update(runtime, schedules.ScheduleSpec("paused", "rate(10 minutes)", target, state="DISABLED"))
    assert schedules.get(runtime, "paused")["NextInvocation"] is None
    clock.advance(3600 + 60)
    firer = ScheduleFirer(runtime)
    assert firer.fire_due() == 0
    schedules.update(runtime, schedules.ScheduleSpec("paused", "rate(10 minutes)", target))
    assert firer.fire_due() == 0  # the occurrences while it was disabled are not made up
    assert schedules.get(runtime, "paused")["NextInvocation"] == "2026-12-03T21:10:00Z"  # its rhythm from 20:00
