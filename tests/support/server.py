"""A real ``sfn serve`` process on a free loopback port, for tests that talk to it over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import httpx

STARTUP_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """Starts, stops and kills one server process; ``endpoint`` is its base URL."""

    def __init__(self, database_url: str, log_path: Path, extra_env: dict[str, str] | None = None) -> None:
        self.database_url = database_url
        self.log_path = log_path
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "SFN_DATABASE_URL": database_url,
            "SFN_POLL_SECONDS": "0.2",
            **(extra_env or {}),
        }
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> ServerProcess:
        self._log = self.log_path.open("ab")
        command = [
            sys.executable,
            "-m",
            "app.cli",
            "serve",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
        ]
        self._process = subprocess.Popen(command, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_ready()
        return self

    def stop(self) -> None:
        """A graceful shutdown (SIGTERM), as a service manager does it."""
        self._end(signal.SIGTERM)

    def kill(self) -> None:
        """A crash: SIGKILL, no chance to clean up."""
        self._end(signal.SIGKILL)

    def _end(self, sig: signal.Signals) -> None:
        if self._process is None:
            return
        self._process.send_signal(sig)
        self._process.wait(timeout=30)
        self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.endpoint}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server not ready after {STARTUP_TIMEOUT}s:\n{self.log_path.read_text()}")
