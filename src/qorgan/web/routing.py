"""How console routes answer: sign-in required, and the store's errors as pages.

:class:`ConsoleRoute` wraps every console handler: a request without a live session is sent
to the sign-in page (303); ``PermissionDenied`` becomes a 403 page, ``NotFound`` a 404 page,
``InvalidInput`` and ``Conflict`` a 400 / 409 page, each in the reader's language with the
navigation. (The API maps the same errors to JSON; the console's pages keep to HTML.)
``Reader`` is the dependency that yields the signed-in agency.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute

from qorgan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from qorgan.core.roles import Principal
from qorgan.web.render import page
from qorgan.web.session import reader

LOGIN = "/console/login"
ROW_ID_MAX = 2**63 - 1
"""The largest id or cursor a page accepts (a 64-bit row id, SQLite's and PostgreSQL's)."""


class SignInRequired(Exception):  # noqa: N818 (a signal, not an error)
    """The request has no live console session."""


def signed_in(request: Request) -> Principal:
    """The signed-in agency; :class:`SignInRequired` without one."""
    found = reader(request)
    if found is None:
        raise SignInRequired
    return found


Reader = Annotated[Principal, Depends(signed_in)]

_PAGES: tuple[tuple[type[Exception], int, str], ...] = (
    (PermissionDenied, 403, "error.403"),
    (NotFound, 404, "error.404"),
    (Conflict, 409, "error.400"),
    (InvalidInput, 400, "error.400"),
)


def error_page(request: Request, status_code: int, title_key: str, detail: str) -> Response:
    """An error page for the request's reader (who may be signed out)."""
    text_key = f"{title_key}.text" if status_code in (403, 404) else None
    return page(
        request, reader(request), "error.html", status_code=status_code,
        title_key=title_key, text_key=text_key, detail=detail,
    )  # fmt: skip


class ConsoleRoute(APIRoute):
    """A route whose errors are pages and whose signed-out requests go to sign-in."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                return RedirectResponse(LOGIN, status_code=303)
            except RequestValidationError:  # a malformed id or cursor: a page, not JSON
                return error_page(request, 400, "error.400", "")
            except (PermissionDenied, NotFound, Conflict, InvalidInput) as error:
                for kind, status_code, key in _PAGES:
                    if isinstance(error, kind):
                        detail = str(error) if status_code in (400, 409) else ""
                        return error_page(request, status_code, key, detail)
                raise  # pragma: no cover (every kind caught is in the table)

        return guarded
