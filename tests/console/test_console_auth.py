"""The console on a server that requires credentials: it asks for them, sends them with its calls,
and keeps them for the tab only encrypted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from app.server_process import ServerProcess
from tests.console.conftest import DESKTOP
from tests.support.databases import sqlite_url
from tests.support.server import new_server

pytestmark = pytest.mark.browser

KEY, SECRET = "console-key", "a-secret-nobody-may-read"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    directory: Path = tmp_path_factory.mktemp("guarded-console")
    env = {"SFN_AUTH": "sigv4", "SFN_CREDENTIALS": json.dumps({KEY: SECRET})}
    server = new_server(sqlite_url(directory), directory / "server.log", env).start()
    yield server
    server.stop()


def test_the_console_asks_for_credentials_and_keeps_them_encrypted(browser: Browser, guarded: ServerProcess) -> None:
    context = browser.new_context(viewport=DESKTOP, base_url=guarded.endpoint)
    try:
        page = context.new_page()
        page.goto("/console")
        dialog = page.locator("#sign-in")
        expect(dialog).to_be_visible()
        page.fill("input[name=accessKeyId]", KEY)
        page.fill("input[name=secret]", "wrong")
        page.click("#sign-in-form button[type=submit]")
        expect(page.locator("#sign-in-error")).to_contain_text("refused")
        page.fill("input[name=secret]", SECRET)
        page.click("#sign-in-form button[type=submit]")
        expect(dialog).to_be_hidden()
        expect(page.locator("#machines-empty")).to_be_visible()
        stored = page.evaluate("JSON.stringify({...sessionStorage}) + JSON.stringify({...localStorage})")
        assert SECRET not in stored and KEY not in stored, "the credentials are stored only encrypted"
        assert "sfn-console-credentials" in stored
        page.reload()
        expect(page.locator("#machines-empty")).to_be_visible()
        expect(dialog).to_be_hidden()
        page.click("#sign-out")
        expect(dialog).to_be_visible()
    finally:
        context.close()
