"""The corpus shared beside the checkout (``../shared``): the AWS-recorded conformance cases and their runner.

CI has it. Where it is absent, the tests marked ``conformance`` are left out and the run says so in
one line (see ``tests/conftest.py``).
"""

from __future__ import annotations

from pathlib import Path

CONFORMANCE = Path(__file__).resolve().parents[2].parent / "shared" / "conformance"
CASES_DIR = CONFORMANCE / "cases"
# Cases whose machines call Lambda functions, and (in its functions/ folder) the functions they call.
LAMBDA_CASES_DIR = CONFORMANCE / "lambda-cases"
RUNNER = CONFORMANCE / "run.py"


def case_files(pattern: str = "*.json", directory: Path = CASES_DIR) -> list[Path]:
    """The recorded cases whose file names match ``pattern``, sorted; none where the corpus is absent."""
    return sorted(directory.glob(pattern)) if directory.is_dir() else []
