"""Debian's Chromium for the browser tests, driven by Playwright (whose own browser download cannot
work offline). ``.ci/run`` installs it; elsewhere its absence skips those tests, under CI it fails them."""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import Browser, Playwright

#: Quiet, offline-friendly flags: no background calls home, no first-run work, no sandbox (root in CI).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """The system Chromium, or a skip (a failure under CI) when there is none."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed under CI: .ci/run must install it")
    pytest.skip("browser tests need Debian's chromium (installed by .ci/run); not installed here")


def launch(playwright: Playwright) -> Browser:
    """A headless Chromium from the system, never a downloaded one."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
