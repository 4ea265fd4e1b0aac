"""The console tier's one server, one browser and one set of executions of every kind, per session.

Screenshots of each page go to ``SFN_CONSOLE_SCREENSHOTS`` when it names a directory, else to the
session's temporary directory; the README shows two of them, ``console-execution.png`` and
``console-executions.png``, copied to ``docs/images``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from mypy_boto3_stepfunctions import SFNClient
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from app.server_process import ServerProcess
from tests.conftest import FUNCTIONS_DIR, ROLE_ARN, TEST_WAIT_TIME_SCALE, make_client
from tests.console import machines
from tests.support.browser import launch
from tests.support.databases import sqlite_url
from tests.support.server import new_server
from tests.support.waiting import wait_for_status, wait_until

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
#: Playwright's wait for something the console shows (its refreshes come every 2-5 s).
SHOWN_MS = 15_000

Screenshot = Callable[[Page, str], None]
expect.set_options(timeout=SHOWN_MS)


@dataclass(frozen=True)
class Scenario:
    """The ARNs of the machines and executions the tests look at."""

    machines: dict[str, str]
    succeeded: str
    caught: str
    waiting: str
    approval: str
    mapped: str
    parallel: str
    chain: list[str]
    showcase: str


@pytest.fixture(scope="session")
def console_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    directory = tmp_path_factory.mktemp("console")
    env = {"WAIT_TIME_SCALE": TEST_WAIT_TIME_SCALE, "SFN_FUNCTIONS_DIR": str(FUNCTIONS_DIR)}
    server = new_server(sqlite_url(directory), directory / "server.log", env).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def console_sfn(console_server: ServerProcess) -> SFNClient:
    return make_client(console_server.endpoint)


@pytest.fixture(scope="session")
def scenario(console_sfn: SFNClient, console_server: ServerProcess) -> Scenario:
    sfn, endpoint = console_sfn, console_server.endpoint
    definitions = {
        "orders": machines.SUCCEEDS,
        "payments": machines.FAILS_AFTER_CATCH,
        "reminders": machines.WAITS,
        "approvals": machines.APPROVAL,
        "fan-out": machines.MAP_OF_20,
        "side-by-side": machines.PARALLEL,
        "continues": machines.CONTINUES,
        "order-pipeline": machines.SHOWCASE,
        "nightly": machines.WAITS,  # its one execution waits for the whole session
    }
    arns = {
        name: sfn.create_state_machine(name=name, definition=json.dumps(body), roleArn=ROLE_ARN)["stateMachineArn"]
        for name, body in definitions.items()
    }

    def start(machine: str, name: str, given: object) -> str:
        return sfn.start_execution(stateMachineArn=arns[machine], name=name, input=json.dumps(given))["executionArn"]

    found = Scenario(
        machines=arns,
        succeeded=start("orders", "order-1001", {"order": 1001}),
        caught=start("payments", "payment-7", {"amount": 7}),
        waiting=start("reminders", "remind-me", {}),
        approval=start("approvals", "approve-42", {"request": 42}),
        mapped=start("fan-out", "twenty", {"items": list(range(20))}),
        parallel=start("side-by-side", "both-ways", {"x": 1}),
        chain=[start("continues", "run-1", {"run": 1})],
        showcase=start("order-pipeline", "order-2031", {"inStock": True, "items": ["book", "lamp", "mug"]}),
    )
    start("nightly", "tonight", {})
    for arn, status in [
        (found.succeeded, "SUCCEEDED"),
        (found.caught, "FAILED"),
        (found.mapped, "SUCCEEDED"),
        (found.parallel, "SUCCEEDED"),
        (found.chain[0], "SUCCEEDED"),
        (found.showcase, "SUCCEEDED"),
    ]:
        wait_for_status(sfn, arn, status)
    for _ in range(2):  # each run of the chain starts the next
        wait_until(lambda: bool(_children(endpoint, found.chain[-1])), 30, "the next run of the chain never started")
        found.chain.append(_children(endpoint, found.chain[-1])[0])
        wait_for_status(sfn, found.chain[-1], "SUCCEEDED")
    return found


def _children(endpoint: str, arn: str) -> list[str]:
    """The executions ``arn`` started (a member of the REST answer that boto3 leaves out)."""
    described = httpx.get(f"{endpoint}/v1/executions/{arn}").json()
    return list(described.get("startedExecutionArns", []))


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for the tier, closed when the tier ends: Playwright's sync API keeps an event loop
    running in the thread while it is open, which later tests calling ``asyncio.run`` must not meet."""
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, console_server: ServerProcess) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, base_url=console_server.endpoint)
    context.set_default_timeout(SHOWN_MS)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == [], f"the page's scripts failed: {errors}"


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    asked = os.environ.get("SFN_CONSOLE_SCREENSHOTS")
    directory = Path(asked) if asked else tmp_path_factory.mktemp("screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def screenshot(screenshots: Path) -> Screenshot:
    """Writes the page as it is now to ``<name>.png`` in the screenshot directory."""

    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(screenshots / f"{name}.png"), full_page=False)

    return take
