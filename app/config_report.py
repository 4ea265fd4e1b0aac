"""The configuration told to a person: ``sfn config``, and the lines a server logs when it starts."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from app.api.auth import read_credentials
from app.preflight import environment_variables, masked
from app.settings import Settings
from app.version import version


def configuration_lines(settings: Settings) -> list[str]:
    """Every environment variable: its effective value (secrets masked), where it came from, its meaning."""
    lines: list[str] = []
    for field, variable in environment_variables().items():
        info = Settings.model_fields[field]
        value = getattr(settings, field)
        shown = masked(variable, "" if value is None else _plain(value))
        origin = "set" if _is_set(variable) else "default"
        lines.append(f"{variable}={shown}  ({origin})")
        lines.append(f"    {info.description}")
    return lines


def startup_lines(settings: Settings, url: str) -> list[str]:
    """What a starting server says: where it listens, its database, functions, authentication."""
    scheduler = f"{settings.workers} threads" if settings.run_scheduler else "off (SFN_RUN_SCHEDULER=false)"
    return [
        f"sfn {version()} at {url}: console at {url}/console, AWS API at POST /, REST at /v1, API docs at {url}/docs, "
        "health at /healthz",
        f"database: {database_description(settings.database_url)}",
        f"functions: {functions_description(settings)}",
        f"authentication: {authentication_description(settings)}",
        f"scheduler: {scheduler}; ARNs in region {settings.region}, account {settings.account_id}",
    ]


def database_description(url: str) -> str:
    """``SQLite file /abs/path`` or ``PostgreSQL user@host:port/db`` (no password)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {Path(parsed.database or '').resolve()}"
    return f"PostgreSQL {parsed.username}@{parsed.host}:{parsed.port or 5432}/{parsed.database}"


def functions_description(settings: Settings) -> str:
    """Which local functions Lambda tasks can call, and where else they go."""
    parts: list[str] = []
    if settings.functions_dir is not None:
        names = sorted(path.stem for path in settings.functions_dir.glob("*.py") if not path.name.startswith("_"))
        listed = ", ".join(names) if names else "none"
        parts.append(f"{len(names)} in {settings.functions_dir.resolve()} ({listed})")
    if settings.function_urls:
        parts.append(f"{len(settings.function_urls)} by URL ({', '.join(sorted(settings.function_urls))})")
    if settings.lambda_endpoint:
        parts.append(f"others through the Lambda API at {settings.lambda_endpoint}")
    else:
        parts.append("others through AWS Lambda where the server has AWS credentials")
    if len(parts) == 1 and not settings.lambda_endpoint:
        hint = "set SFN_FUNCTIONS_DIR to a directory of NAME.py files with handler(event, context)"
        parts.insert(0, f"none local ({hint})")
    return "; ".join(parts)


def authentication_description(settings: Settings) -> str:
    if settings.auth == "none" or settings.credentials is None:
        return "none: anyone who reaches the port can use the API (SFN_AUTH=sigv4 turns it on)"
    return f"SigV4, {len(read_credentials(settings.credentials))} access key(s)"


def _plain(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key}={item}" for key, item in value.items())
    return str(value)


def _is_set(variable: str) -> bool:
    return any(name.upper() == variable for name in os.environ)
