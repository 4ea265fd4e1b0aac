"""Every AWS-recorded conformance case, run on the pure interpreter (no server, no database).

The same cases run against a live server in ``tests/conformance``; here they pin the engine alone,
in well under a second, and compare exactly as the shared runner does: status, output (or error
and cause) with the recorded redactions, and the ordered history event types (a multiset plus
first and last event where branches interleave).
"""

from __future__ import annotations

import json

import pytest

from tests.support.shared import case_files
from tests.unit.test_engine_harness import check_case, load_case

# Where the engine's history differs from AWS's recording, with what is wrong.
KNOWN_DIFFERENCES = {
    "scenarios.test_base_scenarios.test_parallel_state_nested": (
        "AWS records a single ParallelStateExited for a Parallel nested as the last state of a branch "
        "of another Parallel; the engine writes one ParallelStateExited per Parallel (10 events, not 9)"
    ),
}


def _case_ids() -> list[str]:
    return sorted(json.loads(path.read_text())["id"] for path in case_files())


def _params() -> list[object]:
    params: list[object] = []
    for case_id in _case_ids():
        marks = []
        if case_id in KNOWN_DIFFERENCES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENCES[case_id]))
        params.append(pytest.param(case_id, marks=marks, id=case_id))
    return params


@pytest.mark.conformance
@pytest.mark.parametrize("case_id", _params())
def test_recorded_case_on_the_pure_engine(case_id: str) -> None:
    check_case(load_case(case_id))
