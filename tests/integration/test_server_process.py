"""The server harness itself, on stand-in servers: readiness, a failed start named by its log, how a process ended."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import httpx
import pytest

from app.server_process import ServerProcess

ANSWERS = """
import signal
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class Health(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()

server = HTTPServer(("127.0.0.1", int(sys.argv[1])), Health)
"""
HEALTHY = ANSWERS + "server.serve_forever()\n"
DEAF_TO_SIGTERM = ANSWERS + "signal.signal(signal.SIGTERM, signal.SIG_IGN)\nserver.serve_forever()\n"
ONE_ANSWER_THEN_EXIT_3 = ANSWERS + "server.handle_request()\nsys.exit(3)\n"
CRASHES = "print('starting', flush=True)\nraise SystemExit('boom: no database')\n"
NEVER_LISTENS = "import time\nprint('still migrating', flush=True)\ntime.sleep(60)\n"


class StandIn(ServerProcess):
    """A Python script run as the server, given its port as its one argument."""

    def __init__(self, log_path: Path, script: str, startup_timeout: float = 30.0) -> None:
        super().__init__(log_path, {}, startup_timeout=startup_timeout)
        self.script = script

    def command(self) -> list[str]:
        return [sys.executable, "-c", self.script, str(self.port)]


def test_a_started_server_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    server = StandIn(tmp_path / "log", HEALTHY).start()
    assert httpx.get(f"{server.endpoint}/healthz").status_code == 200
    assert server.alive() and server.returncode is None
    assert server.wait_exit(timeout=0.1) is None, "a server that never ends by itself ended"
    assert server.stop() == -signal.SIGTERM
    assert not server.alive() and server.returncode == -signal.SIGTERM


def test_a_kill_is_sigkill(tmp_path: Path) -> None:
    assert StandIn(tmp_path / "log", HEALTHY).start().kill() == -signal.SIGKILL


def test_a_server_deaf_to_sigterm_is_killed_after_the_grace(tmp_path: Path) -> None:
    assert StandIn(tmp_path / "log", DEAF_TO_SIGTERM).start().stop(grace=0.5) == -signal.SIGKILL


def test_a_server_that_ends_by_itself_is_waited_for(tmp_path: Path) -> None:
    server = StandIn(tmp_path / "log", ONE_ANSWER_THEN_EXIT_3).start()
    assert server.wait_exit(timeout=30) == 3
    assert not server.alive() and server.returncode == 3
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.pid


def test_an_early_exit_names_the_last_line_of_the_log(tmp_path: Path) -> None:
    server = StandIn(tmp_path / "log", CRASHES)
    with pytest.raises(RuntimeError, match=r"exited early with code 1: boom: no database \(log: .*log\)"):
        server.start()
    assert server.log_tail() == "starting\nboom: no database"


def test_a_server_not_ready_in_time_is_killed_and_named_by_its_log(tmp_path: Path) -> None:
    server = StandIn(tmp_path / "log", NEVER_LISTENS, startup_timeout=2.0)
    with pytest.raises(RuntimeError, match=r"not ready after 2s: still migrating"):
        server.start()
    assert server.returncode == -signal.SIGKILL
