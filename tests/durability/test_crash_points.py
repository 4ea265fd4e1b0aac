"""A server armed with ``SFN_CRASH_POINT`` kills itself there; a fresh server on the same database finishes the work.

These tests need the scheduler to call ``app.crashpoints.crash_point(name)`` at each point. Until it does, the
armed server never dies and each test fails with "never reached crash point".
"""

from __future__ import annotations

import pytest

from app.crashpoints import POINTS
from tests.durability.conftest import Fleet
from tests.durability.runner import Starter, crashed_or_done, wait_until
from tests.durability.servers import KILLED
from tests.durability.workload import KINDS, Cluster

COUNTS = {kind: 4 for kind in KINDS if kind != "whoami"}
# Die on the n-th time the point is reached: far enough into the workload that work is in every stage.
CRASH_AFTER = {"after_claim": 6, "after_integration_call": 3, "before_commit": 12, "after_commit": 12}


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


def test_unarmed_points_do_nothing() -> None:
    from app.crashpoints import crash_point

    for point in sorted(POINTS):
        crash_point(point)  # this test process is not armed: it must survive
