"""The AWS-recorded cases whose machines call Lambda functions, run by the shared runner against a live server.

The runner copies the corpus's functions into a directory of its own, so these cases get a server of their
own that serves that directory (``SFN_FUNCTIONS_DIR``), on a fresh database, with real time: their
``TimeoutSeconds`` and retry intervals are part of what AWS recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conformance.corpus import case_ids, check_case, run_corpus
from tests.support.databases import drop_database, new_database
from tests.support.server import new_server
from tests.support.shared import LAMBDA_CASES_DIR

pytestmark = pytest.mark.conformance


@pytest.fixture(scope="module")
def lambda_results(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Run the whole Lambda corpus once per backend, on a server of its own; results by case id."""
    directory = tmp_path_factory.mktemp(f"lambda-conformance-{backend}")
    functions = directory / "functions"
    functions.mkdir()
    database_url = new_database(backend, directory)
    server = new_server(database_url, directory / "server.log", {"SFN_FUNCTIONS_DIR": str(functions)}).start()
    try:
        # No more cases at once than the server has function workers: a case with a one-second TimeoutSeconds
        # must not wait for a worker that another case holds.
        yield run_corpus(server.endpoint, LAMBDA_CASES_DIR, directory / "results.json", functions, workers=4)
    finally:
        server.stop()
        drop_database(backend, database_url)


@pytest.mark.parametrize("case_id", case_ids(LAMBDA_CASES_DIR))
def test_lambda_case_matches_aws(case_id: str, lambda_results: dict[str, Any]) -> None:
    check_case(lambda_results[case_id])
