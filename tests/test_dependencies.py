"""Installs are reproducible: constraints.txt pins every dependency, and CI installs through it as the README does."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==\S+$")


def _pinned() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"not an exact pin: {line!r}"
        pins[canonicalize_name(match.group(1))] = line
    return pins


def test_constraints_pin_every_declared_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    pins = _pinned()
    missing = [name for name in declared if canonicalize_name(Requirement(name).name) not in pins]
    assert missing == [], "run `make constraints`"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = [line.strip() for line in readme.splitlines() if line.strip().endswith(".venv/bin/python -m pytest")]
    assert len(commands) == 1, commands
    assert "-c constraints.txt" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert commands[0] in [line.strip() for line in ci]
