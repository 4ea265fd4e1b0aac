"""The AWS-recorded conformance cases, run against a live server by the shared conformance runner.

The cases and their runner live in ``../shared/conformance`` (they are not copied here); where that
directory is absent the tier is left out, with one line saying so. Each case is one test, so a regression names
the case that broke.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from app.server_process import ServerProcess
from tests.support.shared import CASES_DIR, RUNNER, case_files

pytestmark = pytest.mark.conformance

# Cases whose recorded history this server does not reproduce, with the reason.
KNOWN_HISTORY_DIFFERENCES = {
    "scenarios.test_base_scenarios.test_parallel_state_nested": (
        "AWS records no ParallelStateExited for the inner Parallel that ends a branch; "
        "this server writes one for every Parallel state it exits"
    ),
}


def _case_ids() -> list[str]:
    return sorted(json.loads(path.read_text())["id"] for path in case_files())


CASE_IDS = _case_ids()


@pytest.fixture(scope="session")
def conformance_results(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run the whole corpus once per backend; results by case id."""
    output = tmp_path_factory.mktemp("conformance") / "results.json"
    command = [
        sys.executable,
        str(RUNNER),
        "--endpoint",
        server.endpoint,
        "--corpus",
        str(CASES_DIR),
        "--json",
        str(output),
        "--workers",
        "8",
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert output.exists(), completed.stdout + completed.stderr
    results = json.loads(output.read_text())["results"]
    return {result["id"]: result for result in results}


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_matches_aws(case_id: str, conformance_results: dict[str, Any]) -> None:
    result = conformance_results[case_id]
    assert result["result_match"], result["error"] or result["diffs"]
    if result["history_match"] is False:
        reason = KNOWN_HISTORY_DIFFERENCES.get(case_id)
        if reason:
            pytest.xfail(reason)
        raise AssertionError(result.get("history_note"))
    assert case_id not in KNOWN_HISTORY_DIFFERENCES, "the known difference is gone: drop it from the list"
