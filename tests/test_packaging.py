"""The container files: compose wires the stack from one image; the image installs pinned dependencies.

These read the files; ``tests/container`` runs the stack for real where a container engine can.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# Every number of the upstream version (PostgreSQL's have two), then the variant: no tag that moves.
PINNED = {
    "python": re.compile(r"^python:\d+\.\d+\.\d+-"),
    "postgres": re.compile(r"^postgres:\d+\.\d+-"),
    "nginx": re.compile(r"^nginx:\d+\.\d+\.\d+-"),
}


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_compose_builds_one_image_that_migrates_then_runs_two_replicas() -> None:
    services = _compose()["services"]
    built = [name for name, service in services.items() if "build" in service]
    assert built == ["migrate"]
    assert services["migrate"]["image"] == services["sfn"]["image"]
    assert services["migrate"]["command"] == ["sfn", "migrate"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    server = services["sfn"]
    assert server["deploy"]["replicas"] == 2
    assert server["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "ports" not in server, "replicas are reached through the gateway's one port"
    for name in ("postgres", "sfn", "gateway"):
        assert services[name]["restart"] == "unless-stopped", name


def test_compose_checks_postgres_over_tcp_and_signs_calls_with_a_key_from_env() -> None:
    services = _compose()["services"]
    postgres = services["postgres"]
    assert "-h 127.0.0.1" in postgres["healthcheck"]["test"][1]
    assert "start_period" in postgres["healthcheck"]
    assert postgres["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")
    server = services["sfn"]["environment"]
    assert server["SFN_AUTH"] == "sigv4"
    assert "${SFN_SECRET_ACCESS_KEY" in server["SFN_CREDENTIALS"]
    assert server["SFN_DATABASE_URL"].startswith("postgresql+psycopg://sfn:${POSTGRES_PASSWORD")


def test_env_example_names_every_variable_compose_reads() -> None:
    read = set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "docker-compose.yml").read_text()))
    example = (ROOT / ".env.example").read_text()
    assert {name for name in read if not re.search(rf"^#? ?{name}=", example, re.M)} == set()


def test_gateway_publishes_on_loopback_and_fails_over_between_replicas() -> None:
    gateway = _compose()["services"]["gateway"]
    assert gateway["ports"] == ["${SFN_PUBLISH:-127.0.0.1:8083}:8083"]
    assert any(alias.startswith("sync-") for alias in gateway["networks"]["default"]["aliases"])
    nginx = (ROOT / "deploy" / "gateway" / "nginx.conf").read_text()
    assert "include /tmp/resolver.conf;" in nginx
    assert "valid=1s" in (ROOT / "deploy" / "gateway" / "start.sh").read_text()
    assert "proxy_pass http://$replicas:8083;" in nginx, "resolved per request, not once at start"
    assert "proxy_connect_timeout 1s;" in nginx
    assert "proxy_next_upstream error timeout" in nginx
    assert "proxy_set_header Host $http_host;" in nginx, "SigV4 signs the Host header with its port"


def _default(reference: str) -> str:
    """The default of a ``${VARIABLE:-default}`` reference."""
    match = re.fullmatch(r"\$\{[A-Z_]+:-(.+)\}", reference)
    assert match, reference
    return match.group(1)


def test_images_are_pinned_by_version() -> None:
    services = _compose()["services"]
    assert PINNED["postgres"].search(_default(services["postgres"]["image"]))
    assert PINNED["nginx"].search(_default(services["gateway"]["image"]))
    assert PINNED["python"].search(_default(services["migrate"]["build"]["args"]["PYTHON_IMAGE"]))
    (base,) = re.findall(r"^ARG PYTHON_IMAGE=(\S+)$", (ROOT / "Dockerfile").read_text(), re.M)
    assert PINNED["python"].search(base)


def test_dockerfile_installs_pinned_dependencies_before_the_code_and_runs_unprivileged() -> None:
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    text = "\n".join(lines)
    assert text.index("COPY pyproject.toml constraints.txt") < text.index("-c constraints.txt") < text.index("COPY app")
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert "VOLUME /data" in lines
    assert any(line.startswith("HEALTHCHECK ") for line in lines)
    assert "sqlite:////data/sfn.db" in text
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignored[ignored.index("*") :][1:5] == ["!pyproject.toml", "!constraints.txt", "!README.md", "!app/"]


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
