"""The corpus shared beside the checkout (``../shared``): the AWS-recorded conformance cases and their runner.

CI has it. Where it is absent, the tests marked ``conformance`` are left out and the run says so in
one line (see ``tests/conftest.py``).
"""

from __future__ import annotations

from pathlib import Path

CONFORMANCE = Path(__file__).resolve().parents[2].parent / "shared" / "conformance"
CASES_DIR = CONFORMANCE / "cases"
RUNNER = CONFORMANCE / "run.py"


def case_files(pattern: str = "*.json") -> list[Path]:
    """The recorded cases whose file names match ``pattern``, sorted; none where the corpus is absent."""
    return sorted(CASES_DIR.glob(pattern)) if CASES_DIR.is_dir() else []
