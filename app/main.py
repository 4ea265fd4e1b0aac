"""The ASGI application: API routes, and a lifespan that migrates and starts the scheduler."""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from app.api import auth, aws_json, health, metrics_route, rest, rest_resources
from app.api.aws_json import AwsJsonEndpoint
from app.composition import running
from app.console import pages
from app.executions.runtime import Runtime, build_runtime
from app.settings import Settings, get_settings
from app.store import migrate
from app.version import version

GIL_SWITCH_INTERVAL = 0.0005
DESCRIPTION = """
A self-hosted, durable engine for Amazon States Language workflows.

* **`POST /`** speaks the AWS Step Functions API (AWS JSON 1.0): point boto3, the AWS CLI or any
  AWS SDK at this server with `endpoint_url`.
* **`/v1/...`** are readable REST routes over the same operations, for browsers and scripts.
* **`/console`** is the web console: state machines, executions as graphs, their histories.
"""


def _reload_mocks_on_hangup(runtime: Runtime) -> bool:
    """SIGHUP reads the mock file again (only the main thread's loop can take signals)."""
    if runtime.mocks is None or threading.current_thread() is not threading.main_thread():
        return False
    asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, runtime.mocks.reload)
    return True


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> AwsJsonEndpoint:
    """Build the app; the lifespan applies migrations, then runs the scheduler until shutdown.

    The AWS JSON endpoint wraps the FastAPI app, which serves the REST routes, docs and health.
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A thread holding the database (SQLite's single writer) often waits for the GIL after each
        # statement; a short switch interval keeps that wait, and so the write queue, short.
        sys.setswitchinterval(GIL_SWITCH_INTERVAL)
        migrate.upgrade(settings.database_url)
        rt = runtime or build_runtime(settings)
        app.state.runtime = rt
        try:
            with running(rt, scheduler=settings.run_scheduler):
                reloads_on_hangup = _reload_mocks_on_hangup(rt)
                app.state.ready = True
                try:
                    yield
                finally:
                    if reloads_on_hangup:
                        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
                    app.state.ready = False
        finally:
            rt.close()

    # Swagger UI and ReDoc from files installed with the server: the docs work offline.
    app = FastAPIOffline(title="Step Functions server", version=version(), description=DESCRIPTION, lifespan=lifespan)
    app.state.ready = False
    pages.mount(app)  # the web console at /console, where a browser at / is sent
    app.include_router(health.router)
    app.include_router(metrics_route.router)
    app.include_router(rest.build_router())
    app.include_router(rest_resources.build_router())

    def openapi() -> dict[str, Any]:
        schema = app.openapi_schema
        if schema is None:
            schema = FastAPI.openapi(app)  # cached on the app, with the entry added below
            schema["paths"] = {"/": aws_json.openapi_entry(), **schema["paths"]}
            rest.document_bodies(schema, rest_resources.BODIES)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return aws_json.AwsJsonEndpoint(app, auth.verifier(settings.auth, settings.credentials))
