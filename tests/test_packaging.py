"""The container files: compose parses and wires the stack; the image installs from pyproject."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_compose_runs_two_replicas_behind_one_port_on_healthy_postgres() -> None:
    services = _compose()["services"]
    assert "healthcheck" in services["postgres"]
    migrate = services["migrate"]
    assert migrate["command"] == ["sfn", "migrate"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    server = services["sfn"]
    assert server["deploy"]["replicas"] == 2
    assert server["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert server["environment"]["SFN_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "ports" not in server, "replicas are reached through the gateway's one port"
    gateway = services["gateway"]
    assert gateway["ports"] == ["8083:8083"]
    assert any(alias.startswith("sync-") for alias in gateway["networks"]["default"]["aliases"])
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_pass http://sfn_servers" in nginx
    assert "server sfn:8083" in nginx


def test_dockerfile_installs_from_pyproject_and_migrates_first() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "COPY pyproject.toml" in dockerfile
    assert "pip install" in dockerfile
    command = next(line for line in dockerfile.splitlines() if line.startswith("CMD"))
    assert command.index("sfn migrate") < command.index("sfn serve")


def _compose_command() -> list[str] | None:
    """``docker compose`` (the plugin) or ``docker-compose``, whichever can read a compose file here."""
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.mark.skipif(_compose_command() is None, reason="no docker compose here (.ci/run installs docker-compose)")
def test_docker_compose_config_parses() -> None:
    command = _compose_command()
    assert command is not None
    result = subprocess.run([*command, "config", "-q"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
