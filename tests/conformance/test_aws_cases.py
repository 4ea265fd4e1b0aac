"""The AWS-recorded conformance cases, run against a live server by the shared conformance runner.

The cases and their runner live in ``../shared/conformance`` (they are not copied here); where that
directory is absent the tier is left out, with one line saying so. Each case is one test, so a regression names
the case that broke.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.server_process import ServerProcess
from tests.conformance.corpus import case_ids, check_case, run_corpus
from tests.support.shared import CASES_DIR

pytestmark = pytest.mark.conformance


@pytest.fixture(scope="session")
def conformance_results(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run the whole corpus once per backend; results by case id."""
    output = tmp_path_factory.mktemp("conformance") / "results.json"
    return run_corpus(server.endpoint, CASES_DIR, output)


@pytest.mark.parametrize("case_id", case_ids(CASES_DIR))
def test_case_matches_aws(case_id: str, conformance_results: dict[str, Any]) -> None:
    check_case(conformance_results[case_id])
