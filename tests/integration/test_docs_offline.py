"""The API documentation works on a machine without internet: Chromium, with every request that is
not to the server refused, opens ``/docs`` and finds the operations listed by Swagger UI."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Route, sync_playwright

from app.server_process import ServerProcess
from tests.support.browser import launch
from tests.support.databases import sqlite_url
from tests.support.server import new_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    directory = tmp_path_factory.mktemp("docs")
    server = new_server(sqlite_url(directory), directory / "server.log").start()
    yield server
    server.stop()


def test_docs_load_with_the_network_cut_off(docs_server: ServerProcess) -> None:
    refused: list[str] = []

    def only_the_server(route: Route) -> None:
        if route.request.url.startswith(docs_server.endpoint):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.route("**/*", only_the_server)
            page.goto(docs_server.endpoint + "/docs")
            page.wait_for_selector(".opblock", timeout=15_000)
            listed = page.inner_text("#swagger-ui")
        finally:
            browser.close()
    assert refused == [], "the page needed nothing from outside the server"
    assert "Step Functions server" in listed
    for path in ("/v1/state-machines", "/v1/executions", "/v1/overview/executions", "/healthz"):
        assert path in listed
    assert "AWS JSON 1.0 endpoint" in listed


def test_redoc_assets_are_served_too(docs_server: ServerProcess) -> None:
    page = httpx.get(docs_server.endpoint + "/redoc").text
    script = page.split('src="', 2)[-1].split('"', 1)[0]
    assert script.startswith("/") and not script.startswith("//"), "served by the server, not a CDN"
    assert httpx.get(docs_server.endpoint + script).status_code == 200


def test_no_page_names_a_cdn(docs_server: ServerProcess) -> None:
    for path in ("/docs", "/redoc"):
        assert "cdn." not in httpx.get(docs_server.endpoint + path).text, path
