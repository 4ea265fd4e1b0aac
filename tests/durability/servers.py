"""The environment of the fault tests' servers, and how a killed one ends."""

from __future__ import annotations

import signal
from pathlib import Path

from app.server_process import ServerProcess
from tests.conftest import TEST_WAIT_TIME_SCALE
from tests.support.server import new_server

FUNCTIONS_DIR = Path(__file__).resolve().parent / "functions"
# Short leases, so that the items a killed server had claimed come back within seconds, not 30 s.
LEASE_SECONDS = "2"
KILLED = -signal.SIGKILL


def durability_server(database_url: str, log_path: Path, **extra_env: str) -> ServerProcess:
    """A server (not started yet) with scaled waits, the test functions and short leases; ``extra_env`` adds to it."""
    env = {
        "WAIT_TIME_SCALE": TEST_WAIT_TIME_SCALE,
        "SFN_FUNCTIONS_DIR": str(FUNCTIONS_DIR),
        "SFN_LEASE_SECONDS": LEASE_SECONDS,
        **extra_env,
    }
    return new_server(database_url, log_path, env)
