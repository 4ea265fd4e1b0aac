"""Crash points: a process armed with ``SFN_CRASH_POINT`` kills itself there and nowhere else.

A child process that passes every point in turn shows that an unarmed point does nothing and that an armed
one kills on its n-th pass, not before. Servers armed at each point show that the scheduler reaches it (one
that never dies fails with "never reached crash point") and that a fresh server on the same database then
finishes the work.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.crashpoints import CRASH_AFTER_ENV, CRASH_POINT_ENV, POINTS
from tests.durability.conftest import Fleet
from tests.durability.runner import Starter, crashed_or_done
from tests.durability.servers import KILLED
from tests.durability.workload import KINDS, Cluster
from tests.support.waiting import wait_until

COUNTS = {kind: 4 for kind in KINDS if kind != "whoami"}
# Die on the n-th time the point is reached: far enough into the workload that work is in every stage.
CRASH_AFTER = {
    "after_claim": 6,
    "after_integration_call": 3,
    "after_fence": 12,
    "before_commit": 12,
    "after_commit": 12,
}
PASS_EVERY_POINT = """
from app.crashpoints import POINTS, crash_point

for turn in range(2):
    for point in sorted(POINTS):
        crash_point(point)
        print(turn, point, flush=True)
"""
PASSES = [f"{turn} {point}" for turn in range(2) for point in sorted(POINTS)]


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("point", sorted(POINTS))
def test_crash_point_then_recover(fleet: Fleet, reference: dict[str, list[str]], point: str) -> None:
    armed = fleet.server("armed", SFN_CRASH_POINT=point, SFN_CRASH_AFTER=str(CRASH_AFTER[point]))
    cluster = Cluster([armed])
    workload = fleet.workload(cluster, f"cp-{point.replace('_', '-')}", COUNTS)
    total = sum(COUNTS.values())
    starter = Starter(workload).start()

    wait_until(crashed_or_done(armed, workload, starter, total), timeout=60, what=f"no crash at {point}")
    assert not armed.alive(), f"the workload ended but the server never reached crash point {point!r}"
    assert armed.returncode == KILLED, f"exit code {armed.returncode}, not SIGKILL:\n{armed.log_tail()}"

    fresh = fleet.server("fresh")
    cluster.set_servers([fresh])
    starter.join(timeout=90)
    workload.wait_until_all_end(timeout=90)
    workload.verify(reference)


def pass_every_point_twice(**env: str) -> subprocess.CompletedProcess[str]:
    """A child process that passes each crash point twice, printing ``<turn> <point>`` after each pass."""
    # Unarmed unless ``env`` arms it, whatever the environment of the tests says.
    environment = {**os.environ, CRASH_POINT_ENV: "", CRASH_AFTER_ENV: "", **env}
    return subprocess.run(
        [sys.executable, "-c", PASS_EVERY_POINT],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_unarmed_points_do_nothing() -> None:
    ended = pass_every_point_twice()
    assert ended.returncode == 0, ended.stderr
    assert ended.stdout.splitlines() == PASSES


@pytest.mark.parametrize("after", [1, 2])
@pytest.mark.parametrize("point", sorted(POINTS))
def test_an_armed_point_kills_on_its_nth_pass_and_not_before(point: str, after: int) -> None:
    ended = pass_every_point_twice(**{CRASH_POINT_ENV: point, CRASH_AFTER_ENV: str(after)})
    assert ended.returncode == KILLED, ended.stderr
    assert ended.stdout.splitlines() == PASSES[: PASSES.index(f"{after - 1} {point}")]
