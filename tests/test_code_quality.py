"""The linters are part of the suite, so the one test command also keeps the code clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["app", "tests", "bench"]


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("arguments", [["check", *SOURCES], ["format", "--check", *SOURCES]])
def test_ruff(arguments: list[str]) -> None:
    result = _run(sys.executable, "-m", "ruff", *arguments)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr
