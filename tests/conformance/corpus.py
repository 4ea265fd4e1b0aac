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


def check_case(result: Mapping[str, Any]) -> None:
    """The result must match AWS's, and so must the history."""
    assert result["result_match"], result["error"] or result["diffs"]
    assert result["history_match"] is not False, result.get("history_note")
