"""``kill -9`` in the middle of a mixed workload; a new server on the same database finishes it, as if no crash."""

from __future__ import annotations

import pytest

from tests.durability.conftest import Fleet
from tests.durability.runner import Starter, midway
from tests.durability.servers import KILLED
from tests.durability.workload import KINDS, Cluster
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

# 9 kinds x 25: 225 executions.
COUNTS = {kind: 25 for kind in KINDS if kind != "whoami"}


@pytest.mark.timeout(150)
def test_kill9_midway_then_restart(fleet: Fleet, reference: dict[str, list[str]]) -> None:
    first = fleet.server("first")
    cluster = Cluster([first])
    workload = fleet.workload(cluster, "k9", COUNTS)
    total = sum(COUNTS.values())
    starter = Starter(workload).start()

    wait_until(midway(workload, total, 0.35), timeout=60, what="a third of the workload did not end")
    first.kill()
    assert first.returncode == KILLED

    second = fleet.server("second")
    cluster.set_servers([second])
    starter.join(timeout=90)
    workload.wait_until_all_end(timeout=90)
    workload.verify(reference)
    print(f"activity attempts lost to the kill and timed out: {workload.timed_out_attempts}")


@pytest.mark.timeout(150)
def test_two_kills_in_a_row(fleet: Fleet, reference: dict[str, list[str]]) -> None:
    """The second server dies too, soon after it started recovering; the third one finishes."""
    counts = dict.fromkeys(COUNTS, 6)
    total = sum(counts.values())
    cluster = Cluster([fleet.server("first")])
    workload = fleet.workload(cluster, "k9twice", counts)
    starter = Starter(workload).start()
    for label in ("second", "third"):
        wait_until(midway(workload, total, 0.2 if label == "second" else 0.5), 60, "the workload did not progress")
        dying = fleet.servers[-1]
        dying.kill()
        assert dying.returncode == KILLED
        cluster.set_servers([fleet.server(label)])
    starter.join(timeout=90)
    workload.wait_until_all_end(timeout=90)
    workload.verify(reference)
