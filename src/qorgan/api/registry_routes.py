"""``/v1/indicators``: the shared registry over HTTP, for agencies with API keys.

Routes are thin: they parse, call :class:`~qorgan.store.sql.registry.SqlRegistry` (which
applies the role rules of :mod:`qorgan.core.roles` and writes the audit log), and map the
result to a schema. A kind the caller may not see answers 404, as a value the registry does
not know does, so that an operator cannot probe for bank accounts.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, FastAPI, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from qorgan.api.auth import Caller, database_of, require
from qorgan.core.errors import Conflict, NotFound, PermissionDenied
from qorgan.core.ports import IndicatorKind, IndicatorStatus
from qorgan.core.roles import Principal, Role
from qorgan.registry import Claim, Indicator
from qorgan.store.sql.registry import MAX_PAGE, SqlRegistry


class AssertionPublic(BaseModel):
    source: str
    at: datetime
    confidence: float
    status: IndicatorStatus


class IndicatorPublic(BaseModel):
    """An indicator as an agency sees it."""

    kind: IndicatorKind
    value: str
    status: IndicatorStatus
    confidence: float
    first_seen: datetime
    last_seen: datetime
    status_at: datetime
    sources: list[AssertionPublic]
    evidence: list[str]
    shared_with: list[Role]

    @classmethod
    def of(cls, indicator: Indicator) -> IndicatorPublic:
        return cls(
            kind=indicator.kind,
            value=indicator.value,
            status=indicator.status,
            confidence=indicator.confidence,
            first_seen=indicator.first_seen,
            last_seen=indicator.last_seen,
            status_at=indicator.status_at,
            sources=[AssertionPublic(**_fields(a)) for a in indicator.sources],
            evidence=list(indicator.evidence),
            shared_with=sorted(indicator.shared_with),
        )


def _fields(assertion: object) -> dict[str, Any]:
    return {name: getattr(assertion, name) for name in ("source", "at", "confidence", "status")}


class IndicatorPage(BaseModel):
    items: list[IndicatorPublic]
    total: int
    page: int
    size: int


class IndicatorCreate(BaseModel):
    """An agency reports a value (recorded as a claim of ``agency:<name>``)."""

    model_config = ConfigDict(extra="forbid")

    kind: IndicatorKind
    value: str = Field(min_length=1, max_length=300)
    confidence: float = Field(ge=0.0, le=1.0)
    at: AwareDatetime | None = Field(default=None, description="when it was seen; now if absent")
    status: Literal["suspected", "confirmed"] = "suspected"
    evidence: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        default_factory=list, max_length=100
    )


class StatusChange(BaseModel):
    """A status move by hand."""

    model_config = ConfigDict(extra="forbid")

    status: IndicatorStatus
    note: str = Field(default="", max_length=2000)


class Problem(BaseModel):
    detail: str


_lock = threading.Lock()


def registry_of(request: Request, _: Caller) -> SqlRegistry:
    """The app's registry on its database, made on first use: after the caller is
    authenticated, so that a request without a key never touches the database."""
    state = request.app.state
    with _lock:
        if getattr(state, "registry", None) is None:
            state.registry = SqlRegistry(database_of(request))
        registry: SqlRegistry = state.registry
    return registry


class IndicatorValue(Convertor[str]):
    """A value in a path: anything (URLs hold slashes) but a trailing ``/status``."""

    regex = r".+(?<!/status)"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


Registry = Annotated[SqlRegistry, Depends(registry_of)]
Reporter = Annotated[
    Principal, Depends(require(Role.ANALYST, Role.ADMIN, Role.OPERATOR, Role.BANK))
]
Curator = Annotated[Principal, Depends(require(Role.ANALYST, Role.ADMIN, Role.POLICE))]
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem} for code in (400, 401, 403, 404, 409)
}


def _add_routes(app: FastAPI) -> None:
    """The routes, added to the app itself (not through a router), so that a 405 can name
    every method of a path."""
    register_url_convertor("indicator_value", IndicatorValue())
    router = APIRouter(prefix="/v1/indicators", tags=["registry"], responses=ERRORS)

    @router.get("")
    def search_indicators(
        registry: Registry,
        caller: Caller,
        value: Annotated[str | None, Query(description="value prefix", max_length=300)] = None,
        kind: IndicatorKind | None = None,
        status: IndicatorStatus | None = None,
        page: Annotated[int, Query(ge=1)] = 1,
        size: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    ) -> IndicatorPage:
        """Indicators by value prefix, kind and status, newest changes first (audited)."""
        found = registry.search(value_prefix=value, kind=kind, status=status, page=page,
                                size=size, reader=caller)  # fmt: skip
        items = [IndicatorPublic.of(i) for i in found.items]
        return IndicatorPage(items=items, total=found.total, page=found.page, size=found.size)

    @router.post("", status_code=201)
    def report_indicator(
        registry: Registry, caller: Reporter, body: Annotated[IndicatorCreate, Body()]
    ) -> IndicatorPublic:
        """Report a value: analysts any kind, operators telecom kinds, banks their kinds."""
        claim = Claim(
            body.kind, body.value, f"agency:{caller.agency}", body.confidence,
            body.at or datetime.now(UTC), IndicatorStatus(body.status), tuple(body.evidence),
        )  # fmt: skip
        return IndicatorPublic.of(registry.submit(caller, [claim])[0])

    @router.get("/{kind}/{value:indicator_value}")
    def read_indicator(
        registry: Registry, caller: Caller, kind: IndicatorKind, value: str
    ) -> IndicatorPublic:
        """One indicator (the read is written to the audit log)."""
        return IndicatorPublic.of(registry.read(caller, kind, value))

    @router.post("/{kind}/{value:path}/status")
    def set_indicator_status(
        registry: Registry,
        caller: Curator,
        kind: IndicatorKind,
        value: str,
        change: Annotated[StatusChange, Body()],
    ) -> IndicatorPublic:
        """Move an indicator (analysts, admins; police may confirm), audited."""
        moved = registry.set_status(caller, kind, value, change.status, change.note)
        return IndicatorPublic.of(moved)

    for route in router.routes:
        app.router.routes.append(route)


_STATUSES: dict[type[Exception], int] = {NotFound: 404, Conflict: 409, PermissionDenied: 403}


async def _http_error(request: Request, error: Exception) -> Response:
    """FastAPI's answer, with ``Allow`` naming every method of the path on a 405 (Starlette
    names only the first route's when one path has a route per method)."""
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 405:
        allowed: set[str] = set()
        for route in request.app.routes:
            if isinstance(route, BaseRoute) and route.matches(request.scope)[0] != Match.NONE:
                allowed |= getattr(route, "methods", None) or set()
        if allowed:
            error.headers = {**(error.headers or {}), "Allow": ", ".join(sorted(allowed))}
    return await http_exception_handler(request, error)


def mount(app: FastAPI) -> None:
    """Add the registry routes, and map the store's errors to HTTP statuses."""
    for kind, code in _STATUSES.items():

        async def handler(_: Request, error: Exception, code: int = code) -> JSONResponse:
            return JSONResponse({"detail": str(error)}, status_code=code)

        app.add_exception_handler(kind, handler)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    _add_routes(app)
