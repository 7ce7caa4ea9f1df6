"""The web console: server-rendered pages in Kazakh, Russian and English, for every role.

``mount(app)`` adds the console under ``/console`` to the API's application (left out of
its OpenAPI document): sign-in with the agency's API key, the dashboard of KPIs, the alert
queues with their actions, cases with the money-flow graph, registry search and the audit
log. Charts and the graph are SVG drawn by :mod:`qorgan.web.charts` and
:mod:`qorgan.web.flowgraph`; styles are ``static/console.css``; there is no script.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute

from qorgan.web.pages import console_router
from qorgan.web.session import Sessions


def mount(app: FastAPI) -> None:
    """Add the console's routes and static files to ``app``; ``GET /`` leads to it unless
    the app answers ``/`` itself."""
    app.state.console_sessions = Sessions()
    app.mount(
        "/console/static",
        StaticFiles(packages=[("qorgan.web", "static")]),
        name="console-static",
    )
    app.include_router(console_router())
    if not any(_path(route) == "/" for route in app.router.routes):

        @app.get("/", include_in_schema=False)
        def home() -> RedirectResponse:
            return RedirectResponse("/console", status_code=303)


def _path(route: BaseRoute) -> str | None:
    return getattr(route, "path", None)
