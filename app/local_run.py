"""``sfn run``: one execution in this process on a temporary SQLite database, its result and history printed.

The server's own runtime runs it (scheduler, integrations, the service's use cases), so what a
test sees here is what a server would do; only the database is thrown away at the end. With a mock
file and a test case, the start is ``MACHINE_ARN#TestCase``, as a server takes it.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from app import errors
from app.codec import dumps, loads
from app.composition import running
from app.executions.runtime import Runtime, build_runtime
from app.preflight import ConfigurationError, problems_of
from app.service import executions, state_machines
from app.settings import Settings, get_settings
from app.store import migrate
from app.terminal_views import print_history

POLL_SECONDS = 0.02


@dataclass(frozen=True)
class LocalRun:
    """What ``sfn run`` was asked: the definition file, the input, and how to run it.

    ``state_machine`` is the name the machine gets (the one the mock file's ``StateMachines``
    knows it by); ``mock`` and ``functions_dir`` stand in for ``SFN_MOCK_CONFIG`` and
    ``SFN_FUNCTIONS_DIR``; ``timeout`` is how long to wait for the end before giving up.
    """

    definition: Path
    input: str
    state_machine: str
    test_case: str | None = None
    mock: Path | None = None
    functions_dir: Path | None = None
    wait_time_scale: float | None = None
    timeout: float = 300.0


def run(request: LocalRun, console: Console) -> int:
    """Run the execution, print its result and history; 0 when it SUCCEEDED, 1 otherwise.

    A mistake in what was asked (an unreadable or invalid definition, input that is not JSON, a
    test case the mock file lacks, a bad setting) raises :class:`ConfigurationError`.
    """
    try:
        definition = request.definition.read_text()
    except OSError as exc:
        raise ConfigurationError([f"{request.definition}: cannot be read ({exc.strerror or exc})"]) from None
    with tempfile.TemporaryDirectory(prefix="sfn-run-") as directory:
        settings = _settings(request, Path(directory))
        migrate.upgrade(settings.database_url)
        runtime = build_runtime(settings)
        try:
            described, events = _execute(runtime, request, definition)
        except errors.ServiceError as exc:
            raise ConfigurationError([f"{exc.code}: {exc.message}"]) from None
        finally:
            runtime.close()
    _print_result(console, described)
    print_history(console, described, events)
    return 0 if described["status"] == "SUCCEEDED" else 1


def _settings(request: LocalRun, directory: Path) -> Settings:
    """The environment's settings with a database of the run's own and the command's options."""
    changes: dict[str, Any] = {"database_url": f"sqlite:///{directory / 'sfn.db'}", "execution_log": "off"}
    if request.mock is not None:
        changes["mock_config"] = request.mock
    if request.functions_dir is not None:
        changes["functions_dir"] = request.functions_dir
    if request.wait_time_scale is not None:
        changes["wait_time_scale"] = request.wait_time_scale
    settings = get_settings().model_copy(update=changes)
    problems = problems_of(settings, database=False)
    if request.test_case is not None and settings.mock_config is None:
        problems.append("--test-case needs a mock file: --mock FILE or SFN_MOCK_CONFIG")
    if problems:
        raise ConfigurationError(problems)
    return settings


def _execute(runtime: Runtime, request: LocalRun, definition: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Create the machine, start the execution, wait for its end; its description and history."""
    with running(runtime):
        role = f"arn:aws:iam::{runtime.settings.account_id}:role/sfn-run"
        created = state_machines.create(runtime, name=request.state_machine, definition=definition, role_arn=role)
        target = created["stateMachineArn"] + ("" if request.test_case is None else f"#{request.test_case}")
        execution_arn = executions.start(runtime, target, input=request.input)["executionArn"]
        deadline = time.monotonic() + request.timeout
        described = executions.describe(runtime, execution_arn)
        while described["status"] == "RUNNING" and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            described = executions.describe(runtime, execution_arn)
        return described, _history(runtime, execution_arn)


def _history(runtime: Runtime, execution_arn: str) -> list[dict[str, Any]]:
    """Every event, as plain JSON values (the service answers with ready fragments)."""
    events: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = loads(dumps(executions.history(runtime, execution_arn, next_token=token)))
        events.extend(page["events"])
        token = page.get("nextToken")
        if token is None:
            return events


def _print_result(console: Console, described: dict[str, Any]) -> None:
    """``status:``, then ``output:`` or ``error:`` and ``cause:``, each on one line as it is."""
    for field in ("status", "output", "error", "cause"):
        if field in described:
            console.print(f"{field}: {described[field]}", highlight=False, markup=False, soft_wrap=True)
