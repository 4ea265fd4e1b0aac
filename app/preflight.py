"""Configuration checked before a server, worker or migration starts.

A mistake in the environment is found here, before anything is served, and reported as one line
naming the variable, its value (secrets masked) and what is expected; the command then exits with
status 2. Without this a bad database URL ends in a long traceback, and a read-only SQLite file
starts a server whose every write fails.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from app.api.auth import read_credentials
from app.executions import mocks
from app.failure_log import describe
from app.integrations.connections import ENV_VAR as CONNECTIONS_VARIABLE
from app.integrations.connections import ConnectionStore
from app.settings import Settings, get_settings

EXIT_STATUS = 2
DATABASE_FORMS = "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE"
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
ACCOUNT_ID = re.compile(r"^\d{12}$")
CONNECT_TIMEOUT_SECONDS = 5
#: Variables whose value is a secret when it is given inline (a file path is shown).
INLINE_SECRETS = frozenset({"SFN_CREDENTIALS", CONNECTIONS_VARIABLE})


class ConfigurationError(Exception):
    """The environment is wrong; ``problems`` holds one printable line per mistake."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def checked_settings(*, database: bool = True) -> Settings:
    """The process's settings once every check passed; :class:`ConfigurationError` otherwise.

    ``database`` connects to the database and makes sure it takes writes (skipped by commands
    that only read the configuration).
    """
    try:
        settings = get_settings()
    except ValidationError as exc:
        raise ConfigurationError([_validation_line(error) for error in exc.errors()]) from None
    problems = problems_of(settings, database=database)
    if problems:
        raise ConfigurationError(problems)
    return settings


def problems_of(settings: Settings, *, database: bool = True) -> list[str]:
    """Every mistake in ``settings`` (and ``SFN_CONNECTIONS``), one line each."""
    problems: list[str] = []

    def check(variable: str, value: Any, problem: str | None) -> None:
        if problem is not None:
            problems.append(line(variable, value, problem))

    check("AWS_DEFAULT_REGION", settings.region, _matches(REGION, settings.region, "a region such as us-east-1"))
    check("AWS_ACCOUNT_ID", settings.account_id, _matches(ACCOUNT_ID, settings.account_id, "12 digits"))
    check("SFN_FUNCTIONS_DIR", settings.functions_dir, _directory_problem(settings.functions_dir))
    check("LAMBDA_ENDPOINT", settings.lambda_endpoint, _url_problem(settings.lambda_endpoint))
    check("SFN_PUBLIC_URL", settings.public_url, _url_problem(settings.public_url))
    for name, url in settings.function_urls.items():
        check("SFN_FUNCTION_URLS", f"{name}: {url}", _url_problem(url))
    check("SFN_EXECUTION_LOG", settings.execution_log, _log_target_problem(settings.execution_log))
    for problem in mock_problems(settings.mock_config):
        check("SFN_MOCK_CONFIG", settings.mock_config, problem)
    check("SFN_CREDENTIALS", settings.credentials, _credentials_problem(settings.auth, settings.credentials))
    connections = os.environ.get(CONNECTIONS_VARIABLE, "")
    check(CONNECTIONS_VARIABLE, connections, _parse_problem(ConnectionStore.from_environment))
    if database:
        check("SFN_DATABASE_URL", settings.database_url, database_problem(settings.database_url))
    return problems


def line(variable: str, value: Any, problem: str) -> str:
    """``VARIABLE='value': problem``, the value masked where it is a secret."""
    return f"{variable}={masked(variable, '' if value is None else str(value))!r}: {problem}"


def masked(variable: str, value: str) -> str:
    """``value`` as it may be shown: no database password, no inline credentials."""
    if variable == "SFN_DATABASE_URL":
        try:
            parsed = make_url(value)
        except ArgumentError:
            return value
        return value if parsed.password is None else parsed.render_as_string(hide_password=True)
    if variable in INLINE_SECRETS and value.lstrip().startswith("{"):
        return "{…}"
    return value


def database_problem(url: str) -> str | None:
    """Why the database at ``url`` cannot serve: not a URL, unreachable, or not taking writes."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return f"not a database URL; expected {DATABASE_FORMS}"
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        problem = _sqlite_path_problem(parsed)
        if problem is not None or not _sqlite_file_exists(parsed):
            return problem  # a new file is created by the first migration, in a directory known writable
        return _write_probe(parsed, {"timeout": CONNECT_TIMEOUT_SECONDS}, _sqlite_takes_writes)
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            return f"the {parsed.get_driver_name()} driver is not installed; expected postgresql+psycopg://…"
        return _write_probe(parsed, {"connect_timeout": CONNECT_TIMEOUT_SECONDS}, _postgres_takes_writes)
    return f"unsupported database {backend!r}; expected {DATABASE_FORMS}"


def _sqlite_path_problem(url: URL) -> str | None:
    database = url.database or ""
    if database in ("", ":memory:"):
        return "an in-memory database loses every execution; expected sqlite:///PATH to a file"
    if url.query.get("uri") == "true":
        return None  # a SQLite URI (file:…?mode=…): only SQLite itself can tell
    path = Path(database)
    directory = path.parent.resolve()
    if not directory.is_dir():
        return f"the directory {directory} does not exist; expected a database file in an existing directory"
    if path.is_dir():
        return f"{path.resolve()} is a directory; expected a database file"
    if not os.access(directory, os.W_OK):
        return f"the directory {directory} is not writable (SQLite writes its journal beside the database)"
    return None


def _sqlite_file_exists(url: URL) -> bool:
    return url.query.get("uri") == "true" or Path(url.database or "").is_file()


def _write_probe(url: URL, connect_args: dict[str, Any], probe: Callable[[sa.Connection], str | None]) -> str | None:
    """Connect, and make sure the database takes a write (rolled back: nothing changes)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args=connect_args)
    try:
        with engine.connect() as conn:
            problem = probe(conn)
            conn.rollback()
    except sa.exc.DBAPIError as exc:
        return f"cannot use the database: {describe(exc.orig or exc)}"
    finally:
        engine.dispose()
    return problem


def _sqlite_takes_writes(conn: sa.Connection) -> str | None:
    """Rewrite the header's user version with its own value: a read-only file refuses even that."""
    version = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
    conn.exec_driver_sql("BEGIN IMMEDIATE")
    conn.exec_driver_sql(f"PRAGMA user_version = {version}")
    return None


def _postgres_takes_writes(conn: sa.Connection) -> str | None:
    if conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on":
        return "the database is read-only (a standby?); expected a primary that takes writes"
    return None


def _matches(pattern: re.Pattern[str], value: str, expected: str) -> str | None:
    return None if pattern.match(value) else f"expected {expected}"


def _directory_problem(directory: Path | None) -> str | None:
    if directory is None or directory.is_dir():
        return None
    return f"no such directory ({directory.resolve()}); expected a directory of NAME.py function files"


def _url_problem(url: str | None) -> str | None:
    if url is None or re.match(r"^https?://[^/\s]+", url):
        return None
    return "expected an http:// or https:// URL"


def _log_target_problem(target: str) -> str | None:
    if target.lower() in ("stdout", "off") or Path(target).parent.is_dir():
        return None
    return f"the directory {Path(target).parent.resolve()} does not exist; expected stdout, off or a file path"


def mock_problems(path: Path | None) -> list[str]:
    """Every mistake in the mock file, one line each naming its field (test case, response, index)."""
    if path is None:
        return []
    try:
        mocks.read(path)
    except mocks.MockConfigError as exc:
        return exc.problems
    return []


def _credentials_problem(auth: str, credentials: str | None) -> str | None:
    if auth != "sigv4":
        return None
    if not credentials:
        return "SFN_AUTH=sigv4 needs credentials; expected a JSON object of access key id -> secret, or its file"
    return _parse_problem(lambda: read_credentials(credentials))


def _parse_problem(parse: Callable[[], object]) -> str | None:
    try:
        parse()
    except (OSError, ValueError, TypeError, KeyError) as exc:
        return describe(exc)
    return None


def _validation_line(error: Any) -> str:
    """One line for a value pydantic refused, named by its environment variable."""
    field = str(error["loc"][0]) if error.get("loc") else "configuration"
    variable = _ENV_NAMES.get(field, field)
    info = Settings.model_fields.get(field) or _FIELDS_BY_VARIABLE.get(variable.upper())
    if error.get("type") == "string_pattern_mismatch" and info is not None and info.description:
        return line(variable, error.get("input"), f"expected {info.description}")
    return line(variable, error.get("input"), f"expected {error['msg'].lower().removeprefix('input should be ')}")


def environment_variables() -> dict[str, str]:
    """Each setting's field name -> the environment variable that sets it."""
    names: dict[str, str] = {}
    for field, info in Settings.model_fields.items():
        alias = info.validation_alias
        choices = getattr(alias, "choices", None)
        names[field] = str(choices[0]) if choices else field.upper()
    return names


_ENV_NAMES = environment_variables()
_FIELDS_BY_VARIABLE = {variable: Settings.model_fields[field] for field, variable in _ENV_NAMES.items()}
