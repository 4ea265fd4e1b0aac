"""The wheel works installed normally: ``sfn migrate`` and ``sfn serve`` run from any directory.

The wheel is built from a copy of the sources and installed (without its dependencies, which this
test's interpreter already has) into a directory of its own that comes first on ``PYTHONPATH``;
the commands run from a directory that holds no sources, so nothing beside the package can help.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory

from app.server_process import HOST, ServerProcess
from app.store import migrate

ROOT = Path(__file__).resolve().parents[1]
JSON_1_0 = "application/x-amz-json-1.0"


class InstalledServer(ServerProcess):
    """``sfn serve`` as the installed console script runs it."""

    def __init__(self, script: Path, log_path: Path, env: Mapping[str, str], cwd: Path) -> None:
        super().__init__(log_path, env, cwd=cwd)
        self.script = script

    def command(self) -> list[str]:
        return [str(self.script), "serve", "--host", HOST, "--port", str(self.port), "--log-level", "warning"]


def _pip(*arguments: str | Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pip", "-q", *map(str, arguments)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory the wheel is installed into: the package, its data files and ``bin/sfn``."""
    sources = tmp_path_factory.mktemp("sources")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, sources / name)
    shutil.copytree(ROOT / "app", sources / "app", ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path_factory.mktemp("wheels")
    _pip("wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", wheels, sources)
    (wheel,) = wheels.glob("sfn_server-*.whl")
    target = tmp_path_factory.mktemp("installed")
    _pip("install", "--no-deps", "--target", target, wheel)
    return target


@pytest.fixture
def elsewhere(tmp_path: Path, installed: Path) -> tuple[Path, dict[str, str]]:
    """A working directory without sources, and an environment that imports the installed package first."""
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {**os.environ, "PYTHONPATH": str(installed), "SFN_DATABASE_URL": f"sqlite:///{tmp_path / 'sfn.db'}"}
    return workdir, env


def test_the_installed_package_is_the_one_imported(installed: Path, elsewhere: tuple[Path, dict[str, str]]) -> None:
    workdir, env = elsewhere
    probe = "import app.main, app.store.migrate as m; print(app.main.__file__); print(m.SCRIPTS)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=workdir, env=env, capture_output=True, text=True, check=True
    )
    for line in result.stdout.splitlines():
        assert Path(line).is_relative_to(installed), line


def test_sfn_migrate_brings_an_empty_database_to_head(installed: Path, elsewhere: tuple[Path, dict[str, str]]) -> None:
    workdir, env = elsewhere
    sfn = installed / "bin" / "sfn"
    result = subprocess.run([sfn, "migrate"], cwd=workdir, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    head = ScriptDirectory(str(migrate.SCRIPTS)).get_current_head()
    database = env["SFN_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]


def test_sfn_serve_migrates_and_answers(
    installed: Path, elsewhere: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    workdir, env = elsewhere
    server = InstalledServer(installed / "bin" / "sfn", tmp_path / "server.log", env, workdir).start()
    try:
        answer = httpx.post(
            f"{server.endpoint}/",
            headers={"X-Amz-Target": "AWSStepFunctions.ListStateMachines", "Content-Type": JSON_1_0},
            content=b"{}",
        )
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"stateMachines": []}
        console = httpx.get(f"{server.endpoint}/console")  # its templates and scripts ship in the wheel
        assert console.status_code == 200 and "machines.js" in console.text
        assert httpx.get(f"{server.endpoint}/console/static/graph.js").status_code == 200
    finally:
        server.stop()
