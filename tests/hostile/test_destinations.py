"""HTTP Tasks reach public addresses, and private ones only when the operator allows them (no SSRF)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
import pytest

from app.integrations.destinations import DestinationRefusedError, Destinations, GuardedTransport
from app.server_process import ServerProcess
from tests.conftest import ROLE_ARN, TEST_CONNECTION_ARN, TEST_CONNECTIONS, make_client
from tests.support.databases import sqlite_url
from tests.support.server import new_server
from tests.support.waiting import wait_for_end

REFUSED = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "::1",
    "fe80::1",
    "::ffff:127.0.0.1",
]


@pytest.mark.parametrize("address", REFUSED)
def test_private_loopback_and_link_local_addresses_are_refused(address: str) -> None:
    refusal = Destinations.parse(None).refusal("target", [address])
    assert refusal is not None and "SFN_HTTP_ALLOW" in refusal


def test_public_addresses_and_allowed_ones_pass() -> None:
    assert Destinations.parse(None).refusal("example.com", ["93.184.216.34", "2606:2800:220:1::1"]) is None
    allowed = Destinations.parse("10.0.0.0/8, internal.example, ::1")
    assert allowed.refusal("any", ["10.20.30.40"]) is None
    assert allowed.refusal("internal.example", ["192.168.0.9"]) is None
    assert allowed.refusal("any", ["::1"]) is None
    assert allowed.refusal("any", ["192.168.0.9"]) is not None


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"hello": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def loopback_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_the_guarded_transport_connects_only_where_allowed(loopback_url: str) -> None:
    with (
        httpx.Client(transport=GuardedTransport(Destinations.parse(None))) as guarded,
        pytest.raises(DestinationRefusedError),
    ):
        guarded.get(loopback_url)
    with httpx.Client(transport=GuardedTransport(Destinations.parse("127.0.0.1"))) as allowed:
        assert allowed.get(loopback_url).json() == {"hello": True}


@pytest.fixture
def strict_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server with the default policy: no private destination allowed."""
    env = {"SFN_CONNECTIONS": json.dumps(TEST_CONNECTIONS)}
    process = new_server(sqlite_url(tmp_path), tmp_path / "server.log", env).start()
    yield process
    process.kill()


def test_a_workflow_cannot_reach_the_server_itself(strict_server: ServerProcess) -> None:
    sfn = make_client(strict_server.endpoint)
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::http:invoke",
        "Parameters": {
            "ApiEndpoint": f"{strict_server.endpoint}/v1/state-machines",
            "Method": "GET",
            "Authentication": {"ConnectionArn": TEST_CONNECTION_ARN},
        },
        "End": True,
    }
    machine = sfn.create_state_machine(
        name="ssrf", definition=json.dumps({"StartAt": "Get", "States": {"Get": task}}), roleArn=ROLE_ARN
    )["stateMachineArn"]
    ended = wait_for_end(sfn, sfn.start_execution(stateMachineArn=machine)["executionArn"], timeout=20)
    assert ended["status"] == "FAILED" and ended["error"] == "States.Runtime"
    assert "SFN_HTTP_ALLOW" in ended["cause"]
