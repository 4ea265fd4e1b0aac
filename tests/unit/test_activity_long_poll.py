"""GetActivityTask's long poll, in process: an empty answer when no task comes, a wake-up when one does.

The poll's durations are module constants; here the long poll is made instant (for the empty
answer) or the periodic look for tasks of other processes is pushed out of reach (so only a
wake-up can end the wait before the test's own deadline).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.executions.runtime import Runtime, build_runtime
from app.service import activities
from app.settings import Settings
from app.store import migrate, task_tokens

TEST_DEADLINE = 10.0


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    url = f"sqlite:///{tmp_path / 'sfn.db'}"
    migrate.upgrade(url)
    built = build_runtime(Settings(database_url=url))
    yield built
    built.close()


def _schedule_task(runtime: Runtime, activity_arn: str) -> None:
    """A task of the activity, scheduled as an Activity task state would (its execution is not needed here)."""
    row = {
        "token": "T" * 64,
        "execution_arn": "arn:aws:states:us-east-1:123456789012:execution:m:e",
        "task_id": 1,
        "activity_arn": activity_arn,
        "status": "SCHEDULED",
        "input": '{"x":1}',
        "worker_name": None,
        "heartbeat_seconds": None,
        "heartbeat_timer_id": None,
        "created_at": runtime.clock.now(),
    }
    with runtime.db.write() as conn:
        task_tokens.insert_rows(conn, [row])


def test_a_poll_without_a_task_answers_empty(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    arn = activities.create(runtime, "quiet")["activityArn"]
    monkeypatch.setattr(activities, "LONG_POLL_SECONDS", 0.0)
    assert asyncio.run(activities.get_task(runtime, arn, "worker")) == {}


def test_a_waiting_poll_is_woken_by_a_new_task(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    arn = activities.create(runtime, "busy")["activityArn"]
    monkeypatch.setattr(activities, "CROSS_PROCESS_POLL_SECONDS", 3600.0)

    async def scenario() -> dict[str, str]:
        poll = asyncio.ensure_future(activities.get_task(runtime, arn, "worker"))
        while not runtime.activity_waiters.waiting(arn):
            assert not poll.done(), poll.result()
            await asyncio.sleep(0.01)
        _schedule_task(runtime, arn)
        runtime.signal_activity(arn)
        return await asyncio.wait_for(poll, TEST_DEADLINE)

    task = asyncio.run(scenario())
    assert task == {"taskToken": "T" * 64, "input": '{"x":1}'}
