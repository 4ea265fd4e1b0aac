"""A mistake in the environment stops ``sfn serve`` before it serves: one line naming it, exit status 2."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.databases import postgres_admin_url

SECRET = "s3cret-password"


def _serve(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``sfn serve`` on a port nothing listens on; a refused configuration never reaches it."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("SFN_", "AWS_"))}
    command = [sys.executable, "-m", "app.cli", "serve", "--port", "9", *args]
    return subprocess.run(command, env={**clean, **env}, cwd=cwd, capture_output=True, text=True, timeout=60)


def _read_only_sqlite(directory: Path) -> str:
    """A database SQLite opens read-only (a chmod would not stop root, who runs CI)."""
    path = directory / "read-only.db"
    sqlite3.connect(path).close()
    return f"sqlite:///file:{path}?mode=ro&uri=true"


CASES = {
    "not a URL": ({"SFN_DATABASE_URL": "nonsense"}, "SFN_DATABASE_URL='nonsense': not a database URL"),
    "unsupported database": ({"SFN_DATABASE_URL": "mysql://u@h/d"}, "unsupported database 'mysql'"),
    "missing directory": (
        {"SFN_DATABASE_URL": "sqlite:////no/such/dir/sfn.db"},
        "the directory /no/such/dir does not exist",
    ),
    "in-memory database": ({"SFN_DATABASE_URL": "sqlite://"}, "an in-memory database loses every execution"),
    "region": ({"AWS_DEFAULT_REGION": "not a region"}, "AWS_DEFAULT_REGION='not a region': expected a region"),
    "account id": ({"AWS_ACCOUNT_ID": "abc"}, "AWS_ACCOUNT_ID='abc': expected 12 digits"),
    "functions directory": ({"SFN_FUNCTIONS_DIR": "/no/functions"}, "SFN_FUNCTIONS_DIR='/no/functions': no such"),
    "connections file": ({"SFN_CONNECTIONS": "/no/connections.json"}, "SFN_CONNECTIONS='/no/connections.json':"),
    "inline connections": ({"SFN_CONNECTIONS": '{"a": ' + SECRET}, "SFN_CONNECTIONS='{…}': JSONDecodeError"),
    "auth without credentials": ({"SFN_AUTH": "sigv4"}, "SFN_CREDENTIALS='': SFN_AUTH=sigv4 needs credentials"),
    "auth mode": ({"SFN_AUTH": "password"}, "SFN_AUTH='password': expected none, or sigv4"),
    "a number": ({"SFN_WORKERS": "many"}, "SFN_WORKERS='many': expected a valid integer"),
    "lambda endpoint": ({"LAMBDA_ENDPOINT": "localhost:3001"}, "LAMBDA_ENDPOINT='localhost:3001': expected an http"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_one_line_naming_the_variable_and_exit_status_2(case: str, tmp_path: Path) -> None:
    env, expected = CASES[case]
    result = _serve(env, tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sfn: ") and expected in lines[0], lines[0]
    assert SECRET not in result.stderr
    assert not list(tmp_path.iterdir()), "nothing is created before the configuration is known good"


def test_a_read_only_sqlite_file_is_refused_at_start(tmp_path: Path) -> None:
    result = _serve({"SFN_DATABASE_URL": _read_only_sqlite(tmp_path)}, tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"sfn: SFN_DATABASE_URL='sqlite:///file:{tmp_path}/read-only.db?mode=ro&uri=true': "
        "cannot use the database: OperationalError: attempt to write a readonly database"
    ]


def test_several_mistakes_are_reported_together(tmp_path: Path) -> None:
    result = _serve({"AWS_ACCOUNT_ID": "1", "AWS_DEFAULT_REGION": "mars", "SFN_FUNCTIONS_DIR": "/nope"}, tmp_path)
    assert result.returncode == 2
    variables = [line.split("=", 1)[0] for line in result.stderr.splitlines()]
    assert variables == ["sfn: AWS_DEFAULT_REGION", "sfn: AWS_ACCOUNT_ID", "sfn: SFN_FUNCTIONS_DIR"]


def test_an_unreachable_postgresql_names_the_url_without_its_password(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://sfn:{SECRET}@127.0.0.1:9/sfn"
    result = _serve({"SFN_DATABASE_URL": url}, tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("sfn: SFN_DATABASE_URL='postgresql+psycopg://sfn:***@127.0.0.1:9/sfn': cannot use")
    assert SECRET not in line


@pytest.mark.postgres
def test_a_read_only_postgresql_is_refused_at_start(tmp_path: Path) -> None:
    url = postgres_admin_url()
    result = _serve({"SFN_DATABASE_URL": url, "PGOPTIONS": "-c default_transaction_read_only=on"}, tmp_path)
    assert result.returncode == 2
    assert "the database is read-only" in result.stderr


def test_an_unknown_log_level_is_a_usage_error(tmp_path: Path) -> None:
    result = _serve({}, tmp_path, "--log-level", "verbose")
    assert result.returncode == 2
    assert "invalid choice: 'verbose'" in result.stderr
    assert "Traceback" not in result.stderr
