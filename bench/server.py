"""One ``app.cli serve`` process on a free loopback port, and a look at its memory."""

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

STARTUP_TIMEOUT = 60.0
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process in MB, from /proc (``VmHWM`` gives the peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not found for pid {pid}")


class BenchServer:
    """A server we own: started on 127.0.0.1 only, stopped with SIGTERM (SIGKILL if it hangs)."""

    def __init__(self, database_url: str, log_path: Path, extra_env: dict[str, str]) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        # WAIT_TIME_SCALE=1: wait_fanout measures timer accuracy and memory parks executions in a real
        # 1-hour Wait; a scaled-down clock inherited from the shell would silently change both.
        self.env = {**os.environ, "SFN_DATABASE_URL": database_url, "WAIT_TIME_SCALE": "1", **extra_env}
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("server not running")
        return self._process.pid

    def command(self) -> list[str]:
        """The process to run: this project's server on ``self.port``."""
        serve = ["serve", "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        return [sys.executable, "-m", "app.cli", *serve]

    def start(self) -> BenchServer:
        self._log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            self.command(), cwd=PROJECT_ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        self._wait_ready()
        return self

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def last_log_line(self) -> str:
        """The last line the server logged: for a crash at import time, the exception itself."""
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1] if lines else ""

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"server exited early: {self.last_log_line()} (log: {self.log_path})")
            try:
                if httpx.get(f"{self.endpoint}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"server not ready after {STARTUP_TIMEOUT:.0f}s (log: {self.log_path})")
