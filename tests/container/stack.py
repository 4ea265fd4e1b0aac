"""The compose stack of docker-compose.yml, run for real through ``container-stack.sh`` (podman).

``SFN_TEST_CONTAINER_STACK`` names the script (``../shared/tools/container-stack.sh`` beside the
checkout, after its ``setup``); it runs docker-compose against a podman service, as root. The stack
runs under a project name of its own, on a free loopback port, with a secret made for the run.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import httpx
import psycopg
from botocore.config import Config
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import free_port
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
STACK_ENV = "SFN_TEST_CONTAINER_STACK"
PROJECT = "sfnstacktest"
ACCESS_KEY_ID = "stack-test"
# The tags container-stack.sh gives its stand-in base images (docker-compose.yml pins exact versions).
STANDIN_IMAGES = {
    "PYTHON_IMAGE": "docker.io/library/python:3.11-slim",
    "POSTGRES_IMAGE": "docker.io/library/postgres:16",
    "NGINX_IMAGE": "docker.io/library/nginx:1.27-alpine",
}
UP_TIMEOUT = 240.0
COMMAND_TIMEOUT = 120.0


@dataclass
class Stack:
    """The running stack: its gateway's URL, the key its servers accept, and the engine's commands."""

    script: Path
    port: int = field(default_factory=free_port)
    secret: str = field(default_factory=lambda: secrets.token_hex(16))
    postgres_password: str = field(default_factory=lambda: secrets.token_hex(16))

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            **STANDIN_IMAGES,
            "COMPOSE_PROJECT_NAME": PROJECT,
            "SFN_IMAGE": f"{PROJECT}-sfn:test",
            "SFN_PUBLISH": f"127.0.0.1:{self.port}",
            "SFN_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "SFN_SECRET_ACCESS_KEY": self.secret,
            "POSTGRES_PASSWORD": self.postgres_password,
        }

    def run(self, *arguments: str, timeout: float = COMMAND_TIMEOUT) -> str:
        """``container-stack.sh ARGUMENTS`` in the project directory; its standard output."""
        result = subprocess.run(
            [str(self.script), *arguments], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        assert result.returncode == 0, f"{arguments}: {result.stdout}{result.stderr}"
        return result.stdout

    def containers(self, service: str) -> list[str]:
        return self.run("compose", "ps", "-q", service).split()

    def inspect(self, container: str, template: str) -> str:
        return self.run("podman", "inspect", "--format", template, container).strip()

    def healthy(self, container: str) -> bool:
        return self.inspect(container, "{{.State.Status}} {{.State.Health.Status}}") == "running healthy"

    def postgres_accepts(self, container: str) -> bool:
        """Whether PostgreSQL takes a connection over TCP, as the servers make them."""
        address = self.inspect(container, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}")
        try:
            psycopg.connect(
                host=address, user="sfn", password=self.postgres_password, dbname="sfn", connect_timeout=1
            ).close()
        except psycopg.OperationalError:
            return False
        return True

    def answers(self) -> bool:
        try:
            return httpx.get(f"{self.endpoint}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def client(self, *, retries: int = 0, secret: str | None = None) -> SFNClient:
        """A boto3 client of the gateway; ``retries`` as an AWS SDK makes them (standard mode)."""
        return boto3.client(
            "stepfunctions",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=secret or self.secret,
            config=Config(
                retries={"mode": "standard", "total_max_attempts": retries + 1},
                connect_timeout=5,
                read_timeout=30,
                inject_host_prefix=False,
            ),
        )


def up(stack: Stack) -> float:
    """Build and start the stack; the seconds until the gateway answers."""
    began = time.monotonic()
    stack.run("up", timeout=UP_TIMEOUT)
    wait_until(stack.answers, 60, "the gateway does not answer")
    return time.monotonic() - began
