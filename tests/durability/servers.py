"""Server processes for fault tests: ones that may die on their own (crash points) and report how they ended."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from tests.conftest import TEST_WAIT_TIME_SCALE
from tests.support.server import ServerProcess

FUNCTIONS_DIR = Path(__file__).resolve().parent / "functions"
# Short leases, so that the items a killed server had claimed come back within seconds, not 30 s.
LEASE_SECONDS = "2"
KILLED = -signal.SIGKILL
STOP_GRACE_SECONDS = 5.0


def server_env(**extra: str) -> dict[str, str]:
    """The environment of every durability server: scaled waits, the test functions, short leases."""
    return {
        "WAIT_TIME_SCALE": TEST_WAIT_TIME_SCALE,
        "SFN_FUNCTIONS_DIR": str(FUNCTIONS_DIR),
        "SFN_LEASE_SECONDS": LEASE_SECONDS,
        **extra,
    }


class FaultyServer(ServerProcess):
    """A :class:`ServerProcess` that remembers its exit code and can be waited on when it dies by itself."""

    def __init__(self, database_url: str, log_path: Path, extra_env: dict[str, str] | None = None) -> None:
        super().__init__(database_url, log_path, server_env(**(extra_env or {})))
        self.returncode: int | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None, "not running"
        return self._process.pid

    def alive(self) -> bool:
        if self._process is None:
            return False
        code = self._process.poll()
        if code is None:
            return True
        self._reap(code)
        return False

    def wait_exit(self, timeout: float) -> int | None:
        """Wait up to ``timeout`` s for the process to end by itself; its exit code, or None if still running."""
        if self._process is None:
            return self.returncode
        try:
            code = self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self._reap(code)
        return code

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """SIGTERM, then SIGKILL after ``grace`` seconds.

        Open ``GetActivityTask`` long polls (up to 60 s) hold a graceful shutdown; the tests do not wait for them.
        """
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self._process.send_signal(signal.SIGKILL)
        self._end(signal.SIGKILL)

    def _end(self, sig: signal.Signals) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(sig)
        if self._process is not None:
            self._reap(self._process.wait(timeout=30))

    def _reap(self, code: int) -> None:
        self.returncode = code
        self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])
