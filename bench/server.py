"""The bench's server processes, and a look at their memory."""

from __future__ import annotations

from pathlib import Path

from app.server_process import ServerProcess

STARTUP_TIMEOUT = 60.0
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process in MB, from /proc (``VmHWM`` gives the peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not found for pid {pid}")


class BenchServer(ServerProcess):
    """A server process of the bench, run from the project root (``python -m bench.…`` needs it) on a real clock."""

    def __init__(self, database_url: str, log_path: Path, extra_env: dict[str, str]) -> None:
        # WAIT_TIME_SCALE=1: wait_fanout measures timer accuracy and memory parks executions in a real
        # 1-hour Wait; a scaled-down clock inherited from the shell would silently change both.
        env = {"SFN_DATABASE_URL": database_url, "WAIT_TIME_SCALE": "1", **extra_env}
        super().__init__(log_path, env, cwd=PROJECT_ROOT, startup_timeout=STARTUP_TIMEOUT)
