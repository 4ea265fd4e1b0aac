"""The console's pages: HTML shells rendered by Jinja2, whose scripts fetch their data from ``/v1``.

A page carries only what its address says (which machine, which execution); everything shown
comes from the REST routes, with the caller's credentials, so the pages themselves need no
authentication and hold no data.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

HERE = Path(__file__).parent
PREFIX = "/console"
STATIC = f"{PREFIX}/static"
_templates = Jinja2Templates(directory=HERE / "templates")

#: Page name → (template, title, nav entry it belongs to).
_PAGES = {
    "machines": ("machines.html", "State machines", "machines"),
    "machine": ("machine.html", "State machine", "machines"),
    "editor": ("editor.html", "Edit a state machine", "machines"),
    "executions": ("executions.html", "Executions", "executions"),
    "execution": ("execution.html", "Execution", "executions"),
    "activities": ("activities.html", "Activities", "activities"),
}


def mount(app: FastAPI) -> None:
    """Serve the console under ``/console`` and send a browser at ``/`` there."""
    app.mount(STATIC, StaticFiles(directory=HERE / "static"), name="console-static")
    app.include_router(_router())


def _router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    async def home() -> RedirectResponse:
        return RedirectResponse(PREFIX)

    async def machines(request: Request) -> HTMLResponse:
        return _page(request, "machines")

    async def machine(request: Request, arn: str) -> HTMLResponse:
        return _page(request, "machine", arn)

    async def editor(request: Request) -> HTMLResponse:
        return _page(request, "editor", request.query_params.get("arn", ""))

    async def executions(request: Request) -> HTMLResponse:
        return _page(request, "executions", request.query_params.get("stateMachineArn", ""))

    async def execution(request: Request, arn: str) -> HTMLResponse:
        return _page(request, "execution", arn)

    async def activities(request: Request) -> HTMLResponse:
        return _page(request, "activities")

    router.add_api_route("/", home)
    router.add_api_route(PREFIX, machines)
    router.add_api_route(f"{PREFIX}/state-machines/{{arn:path}}", machine)
    router.add_api_route(f"{PREFIX}/editor", editor)
    router.add_api_route(f"{PREFIX}/executions", executions)
    router.add_api_route(f"{PREFIX}/executions/{{arn:path}}", execution)
    router.add_api_route(f"{PREFIX}/activities", activities)
    return router


def _page(request: Request, name: str, subject: str = "") -> HTMLResponse:
    template, title, section = _PAGES[name]
    context = {"page": name, "title": title, "section": section, "subject": subject, "static": STATIC}
    return _templates.TemplateResponse(request, template, context)
