"""History shape under quick callbacks, without any crash: what the durability comparison leaves out on purpose."""

from __future__ import annotations

import pytest

from tests.durability.conftest import Fleet
from tests.durability.invariants import history
from tests.durability.workload import Cluster

EXECUTIONS = 40


@pytest.mark.slow
@pytest.mark.timeout(90)
def test_activity_started_is_recorded_before_the_answer(fleet: Fleet) -> None:
    """A worker can only answer a task it took: ``ActivityStarted`` comes before every ``ActivitySucceeded/Failed``.

    The workers answer at once, so the task's "started" news and its answer reach the scheduler together.
    """
    cluster = Cluster([fleet.server("only")])
    workload = fleet.workload(cluster, "order", {"activity": EXECUTIONS})
    workload.start_all()
    workload.wait_until_all_end(timeout=60)
    wrong: list[str] = []
    for arn in workload.executions:
        types = [event["type"] for event in history(cluster.client(), arn)]
        attempt: list[str] = []
        for kind in types:
            if kind == "ActivityScheduled":
                attempt = []
            attempt.append(kind)
            if kind in ("ActivitySucceeded", "ActivityFailed") and "ActivityStarted" not in attempt:
                wrong.append(f"{arn}: {kind} without ActivityStarted: {types}")
                break
    assert not wrong, f"{len(wrong)} of {EXECUTIONS} executions:\n" + "\n".join(wrong[:5])
