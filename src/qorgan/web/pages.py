"""The dashboard, registry search and audit log pages, and the console's router.

Routes are thin: who is signed in (``Reader``), one service call, one template. Queues are
in :mod:`qorgan.web.queues`, cases in :mod:`qorgan.web.casefiles`, signing in in
:mod:`qorgan.web.signin`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from qorgan.core.errors import PermissionDenied
from qorgan.web import dashboard
from qorgan.web.casefiles import cases_router
from qorgan.web.i18n import Texts
from qorgan.web.lookup import search
from qorgan.web.queues import queues_router
from qorgan.web.render import AUDITORS, lang_of, page
from qorgan.web.routing import ROW_ID_MAX, ConsoleRoute, Reader
from qorgan.web.services import alerts_of, audit_page, registry_of
from qorgan.web.signin import signin_router

MAX_QUERY = 300


def pages_router() -> APIRouter:
    """The dashboard, ``/console/registry`` and ``/console/audit``."""
    router = APIRouter(prefix="/console", route_class=ConsoleRoute)

    @router.get("")
    def dashboard_page(request: Request, reader: Reader) -> Response:
        """KPI tiles, daily charts and breakdowns, for what the reader's role may see."""
        kpis = alerts_of(request).kpis(reader)
        texts = Texts(lang_of(request))
        return page(
            request, reader, "dashboard.html", "dashboard",
            tiles=dashboard.tiles(kpis, reader, texts),
            daily=dashboard.daily_charts(kpis, reader, texts),
            breakdowns=dashboard.breakdowns(kpis, reader, texts),
        )  # fmt: skip

    @router.get("/registry")
    def registry_page(request: Request, reader: Reader, q: str = "") -> Response:
        """Search the registry by any identifier."""
        query = q.strip()[:MAX_QUERY]
        result = search(registry_of(request), reader, query) if query else None
        return page(request, reader, "registry.html", "registry", query=query, result=result)

    @router.get("/audit")
    def audit_log(
        request: Request,
        reader: Reader,
        before: Annotated[int | None, Query(ge=0, le=ROW_ID_MAX)] = None,
    ) -> Response:
        """The newest audit entries (analysts and admins)."""
        if reader.role not in AUDITORS:
            raise PermissionDenied(f"a {reader.role.value} may not read the audit log")
        lines, next_before = audit_page(request, before)
        return page(
            request, reader, "audit.html", "audit",
            entries=lines, next_before=next_before, before=before,
        )  # fmt: skip

    return router


def console_router() -> APIRouter:
    """Every console route."""
    router = APIRouter(include_in_schema=False)
    for part in (signin_router(), pages_router(), queues_router(), cases_router()):
        router.include_router(part)
    return router
