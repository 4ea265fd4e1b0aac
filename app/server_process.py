"""One server process on a free loopback port: started, known ready, stopped or killed, and its exit code.

The tests and the bench both drive real ``python -m app.cli serve`` processes over HTTP; this is the one
place that knows how to start one, tell when it answers (or that it died trying), and end it. What a
caller needs of the server (its database, clock scale, working directory) it passes in: nothing here
guesses it. Only the standard library and httpx, so that any caller can use it without the app's
dependencies being loaded.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Self

import httpx

HOST = "127.0.0.1"
STARTUP_TIMEOUT = 30.0
# Longer than the server's own graceful shutdown (5 s, open long polls included): a stop that takes longer hangs.
STOP_GRACE_SECONDS = 30.0
# SIGKILL cannot be caught; this bounds only a process stuck in the kernel.
REAP_TIMEOUT = 30.0
READY_POLL_SECONDS = 0.05


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """A server of ours, listening on 127.0.0.1 only; ``endpoint`` is its base URL.

    ``env`` is added to this process's environment for the child; ``cwd`` is where it runs (this
    process's working directory if None). Output goes to ``log_path``. Subclasses run another program
    on ``self.port`` by overriding :meth:`command`, and ``ready_path`` if it answers readiness elsewhere.
    """

    #: The path that answers 200 once the process serves.
    ready_path = "/healthz"

    def __init__(
        self,
        log_path: Path,
        env: Mapping[str, str],
        *,
        cwd: Path | None = None,
        startup_timeout: float = STARTUP_TIMEOUT,
        log_level: str = "warning",
    ) -> None:
        self.log_path = log_path
        self.log_level = log_level
        self.env = {**os.environ, **env}
        self.cwd = cwd
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.endpoint = f"http://{HOST}:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._returncode: int | None = None

    def command(self) -> list[str]:
        """The program to run: this project's server on ``self.port``."""
        serve = ["serve", "--host", HOST, "--port", str(self.port), "--log-level", self.log_level]
        return [sys.executable, "-m", "app.cli", *serve]

    def start(self) -> Self:
        """Start the process and return once ``/healthz`` answers; raises if it exits or hangs first."""
        if self._process is not None:
            raise RuntimeError("server already running")
        self._log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            self.command(), cwd=self.cwd, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        try:
            self._wait_ready()
        except BaseException:
            self.kill()
            raise
        return self

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("server not running")
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        """How the process ended (negative: the signal that ended it); None until then."""
        return self._returncode

    def alive(self) -> bool:
        """Whether the process still runs; one that died by itself is reaped and its exit code kept."""
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
            return self._returncode
        try:
            code = self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        return self._reap(code)

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> int | None:
        """SIGTERM, as a service manager stops a service, then SIGKILL after ``grace`` s; the exit code."""
        if self._process is None:
            return self._returncode
        self._process.send_signal(signal.SIGTERM)
        try:
            code = self._process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            return self.kill()
        return self._reap(code)

    def kill(self) -> int | None:
        """A crash: SIGKILL, no chance to clean up; the exit code."""
        if self._process is None:
            return self._returncode
        self._process.kill()
        return self._reap(self._process.wait(timeout=REAP_TIMEOUT))

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the log: for a crash at startup, the last one is the exception."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.rstrip().splitlines()[-lines:])

    def _reap(self, code: int) -> int:
        self._returncode = code
        self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None
        return code

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(
                    f"server exited early with code {self._returncode}: {self.log_tail(1)} (log: {self.log_path})"
                )
            if self._answers():
                return
            time.sleep(READY_POLL_SECONDS)
        raise RuntimeError(
            f"server not ready after {self.startup_timeout:g}s: {self.log_tail(1)} (log: {self.log_path})"
        )

    def _answers(self) -> bool:
        try:
            return httpx.get(f"{self.endpoint}{self.ready_path}", timeout=1.0).status_code == 200
        except httpx.TransportError:
            return False


#: The credentials callers sign moto's calls with (moto takes any).
MOTO_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


class MotoServer(ServerProcess):
    """moto's AWS API server (``python -m moto.server``, from the test extras) on a free loopback port: the
    AWS services the tests' and the bench's servers call (``AWS_ENDPOINT_URL`` = ``endpoint``)."""

    ready_path = "/moto-api/"

    def __init__(self, log_path: Path) -> None:
        super().__init__(log_path, MOTO_CREDENTIALS)

    def command(self) -> list[str]:
        return [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(self.port)]
