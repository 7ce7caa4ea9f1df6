"""Signing in with an agency's API key, and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from qorgan.core.errors import PermissionDenied
from qorgan.web.render import page, set_flash
from qorgan.web.routing import LOGIN, ConsoleRoute, error_page
from qorgan.web.session import (
    COOKIE,
    check_key,
    clear_cookie,
    reader,
    same_origin,
    sessions_of,
    set_cookie,
)


def signin_router() -> APIRouter:
    """``GET``/``POST /console/login`` and ``POST /console/logout``."""
    router = APIRouter(route_class=ConsoleRoute)

    @router.get(LOGIN)
    def login_form(request: Request) -> Response:
        """The sign-in form (the dashboard when already signed in)."""
        if reader(request) is not None:
            return RedirectResponse("/console", status_code=303)
        return page(request, None, "login.html", "login", error=False)

    @router.post(LOGIN)
    def login(request: Request, key: Annotated[str, Form()] = "") -> Response:
        """Check the key; a session cookie and the dashboard, or the form again (401)."""
        if not same_origin(request):
            return error_page(request, 403, "error.403", "")
        try:
            check_key(request, key)
        except PermissionDenied:
            return page(request, None, "login.html", "login", status_code=401, error=True)
        response = RedirectResponse("/console", status_code=303)
        set_cookie(request, response, sessions_of(request).open(key.strip()))
        return response

    @router.post("/console/logout")
    def logout(request: Request) -> Response:
        """End the session and go back to the sign-in form."""
        if not same_origin(request):
            return error_page(request, 403, "error.403", "")
        sessions_of(request).close(request.cookies.get(COOKIE))
        response = RedirectResponse(LOGIN, status_code=303)
        clear_cookie(response)
        set_flash(response, "signed_out")
        return response

    return router
