"""One run of the shared conformance runner over a corpus, and the check of one case's result.

Both tiers (the public cases and the Lambda cases) run the same runner and judge its results the same way.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.support.shared import RUNNER, case_files


def case_ids(directory: Path) -> list[str]:
    """The ids of the recorded cases in ``directory``; none where the corpus is absent."""
    return sorted(json.loads(path.read_text())["id"] for path in case_files(directory=directory))


def run_corpus(
    endpoint: str, corpus: Path, output: Path, functions_dir: Path | None = None, workers: int = 8
) -> dict[str, Any]:
    """Run every case of ``corpus`` against ``endpoint``, ``workers`` cases at a time; results by case id.

    With ``functions_dir`` the runner first copies the corpus's functions there (the server must serve it).
    """
    command = [sys.executable, str(RUNNER), "--endpoint", endpoint, "--corpus", str(corpus)]
    command += ["--json", str(output), "--workers", str(workers)]
    if functions_dir is not None:
        command += ["--functions-dir", str(functions_dir)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert output.exists(), completed.stdout + completed.stderr
    results = json.loads(output.read_text())["results"]
    return {result["id"]: result for result in results}


def check_case(result: Mapping[str, Any], known_history_differences: Mapping[str, str]) -> None:
    """The result must match AWS's; so must the history, unless it is a known difference (then strict xfail)."""
    case_id = result["id"]
    assert result["result_match"], result["error"] or result["diffs"]
    if result["history_match"] is False:
        reason = known_history_differences.get(case_id)
        if reason:
            pytest.xfail(reason)
        raise AssertionError(result.get("history_note"))
    assert case_id not in known_history_differences, "the known difference is gone: drop it from the list"
