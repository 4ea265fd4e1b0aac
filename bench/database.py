"""Which database the benchmarked server uses: a throw-away SQLite file, or the PostgreSQL one given."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


@dataclass
class Database:
    """A database URL, and the temporary directory to remove afterwards when we made one."""

    url: str
    temp_dir: Path | None = field(default=None)

    @property
    def kind(self) -> str:
        return "postgresql" if self.url.startswith("postgresql") else "sqlite"

    @property
    def persistent(self) -> bool:
        """True when state outlives our server (PostgreSQL): then we must clean up after ourselves."""
        return self.temp_dir is None

    def display(self) -> str:
        """The URL without its password, for tables and JSON files."""
        parts = urlsplit(self.url)
        if parts.password is None:
            return self.url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))

    def close(self) -> None:
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)


def choose_database() -> Database:
    """PostgreSQL when SFN_DATABASE_URL names one; otherwise SQLite in a fresh temp directory.

    A sqlite SFN_DATABASE_URL is ignored on purpose: benchmarking into a developer's own database
    file would both skew the figures and litter it with thousands of executions.
    """
    url = os.environ.get("SFN_DATABASE_URL", "")
    if url.startswith("postgresql"):
        return Database(url)
    temp_dir = Path(tempfile.mkdtemp(prefix="sfn-bench-"))
    return Database(f"sqlite:///{temp_dir / 'sfn.db'}", temp_dir)
