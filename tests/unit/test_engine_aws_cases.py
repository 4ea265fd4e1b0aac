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


def _case_ids() -> list[str]:
    return sorted(json.loads(path.read_text())["id"] for path in case_files())


@pytest.mark.conformance
@pytest.mark.parametrize("case_id", _case_ids())
def test_recorded_case_on_the_pure_engine(case_id: str) -> None:
    check_case(load_case(case_id))
