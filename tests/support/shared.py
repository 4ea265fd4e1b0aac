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


# The project's seed documents; one of them holds the SAM template of the Lambda retry/catch workflow.
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def seed_sam_template() -> str | None:
    """The SAM template printed in a seed document (up to its closing ``...``), or None where the seeds are absent."""
    documents = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    for document in documents:
        text = document.read_text()
        if "Transform: 'AWS::Serverless-2016-10-31'" in text:
            start = text.index("AWSTemplateFormatVersion")
            return text[start : text.index("      ...", start)]
    return None
