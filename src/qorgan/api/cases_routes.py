"""The cases API: victim reports, cases, freeze orders, extensions, releases and returns.

Routes are thin: they read the body, call :class:`~qorgan.store.sql.cases.CaseService`
(``app.state.cases``), and map the domain objects to the ``...Public`` schemas. Roles are
enforced by the service (``docs/cases.md`` has the table); the API key only says who calls.
Amounts travel as decimal strings in tenge (``"1500.00"``), never floats.

``app.state.tracer``, when set, is a ``Callable[[ReportRecord], Trace]`` over a loaded
transfer history: ``POST /v1/reports`` then traces the new report at once and records the
trace as Qorgan itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, FastAPI, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from qorgan.api.auth import Caller, database_of
from qorgan.cases.calendar import KAZAKHSTAN
from qorgan.cases.case import Case, CaseFile
from qorgan.cases.freeze import FreezeOrder, order_json
from qorgan.cases.returns import Return
from qorgan.core.errors import InvalidFields, InvalidValue
from qorgan.core.feeds import REPORTS
from qorgan.core.intake import record_from
from qorgan.core.money import from_tiyn, parse_money, to_tiyn
from qorgan.core.records import ReportRecord
from qorgan.store.sql.cases import CaseService, utc_now
from qorgan.tracing.result import Trace

Tracer = Callable[[ReportRecord], Trace]
Tenge = Annotated[str, Field(pattern=r"^\d+(\.\d{1,2})?$", examples=["1500.00"])]


class ReportCreate(BaseModel):
    """A victim's report: the columns of the reports feed (CONTRACTS.md)."""

    model_config = ConfigDict(extra="forbid")

    report_id: str = Field(min_length=1)
    ts: str | int = Field(description="ISO 8601 with offset, or epoch milliseconds")
    victim_account: str = Field(description="IBAN")
    victim_phone: str | None = None
    fraud_type: Literal[
        "bank_impersonation", "police_impersonation", "fake_shop", "investment", "loan", "other"
    ]
    transfer_ids: list[str] = Field(min_length=1)


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=10_000)


class OrdersCreate(BaseModel):
    """Issue one freeze order per bank from the case's newest trace."""

    model_config = ConfigDict(extra="forbid")
    legal_basis: str = Field(min_length=1, examples=["CPC RK art. 161"])
    min_amount: Tenge = "0"


class ConfirmCreate(BaseModel):
    """What the bank actually blocked, per account of the order (missing: nothing)."""

    model_config = ConfigDict(extra="forbid")
    blocked: dict[str, Tenge]


class ExtendCreate(BaseModel):
    """A prosecutor's extension: a new expiry, or business days past the current one."""

    model_config = ConfigDict(extra="forbid")
    until: datetime | None = None
    days: int | None = Field(default=None, ge=1, le=365)
    reason: str = Field(min_length=1)


class ReleaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Literal["lifted", "mistaken"]


class ReturnCreate(BaseModel):
    """Money the bank sent back from a blocked account to the victim."""

    model_config = ConfigDict(extra="forbid")
    account: str
    amount: Tenge
    sanction: str = Field(min_length=1, description="the prosecutor's sanction reference")


class ItemPublic(BaseModel):
    account: str
    amount_ordered: str
    amount_blocked: str | None
    amount_returned: str


class OrderStepPublic(BaseModel):
    at: str
    action: str
    state: str
    reason: str


class OrderPublic(BaseModel):
    order_id: str
    case_id: str
    bank: str
    legal_basis: str
    issued_at: str
    expires_at: str
    state: str
    release_reason: str | None
    amount_ordered: str
    amount_blocked: str
    amount_returned: str
    items: list[ItemPublic]
    history: list[OrderStepPublic]


class OrderPage(BaseModel):
    items: list[OrderPublic]
    total: int
    page: int
    size: int


class ReportPublic(BaseModel):
    report_id: str
    ts: datetime
    victim_account: str
    victim_phone: str | None
    fraud_type: str
    transfer_ids: list[str]


class EventPublic(BaseModel):
    at: datetime
    kind: str
    bank: str | None
    detail: dict[str, str]


class ReturnPublic(BaseModel):
    order_id: str
    account: str
    amount: str
    to_account: str
    at: datetime
    sanction: str


class NotePublic(BaseModel):
    at: datetime
    author: str
    text: str


class TracePublic(BaseModel):
    """A trace's figures (tenge) and where the money is held."""

    report_id: str
    rule: str
    loss: str
    held: str
    cashed_out: str
    unresolved: str
    holdings: list[dict[str, str]]


class CasePublic(BaseModel):
    case_id: str
    status: str
    opened_at: datetime
    returned: str = Field(description="tenge returned to the victim so far")
    reports: list[ReportPublic]
    events: list[EventPublic]
    trace: TracePublic | None
    orders: list[OrderPublic]
    returns: list[ReturnPublic]
    notes: list[NotePublic]


def _tenge(text: str, field: str, source: str, zero: bool = False) -> int:
    """Decimal tenge as tiyn, or a 422 naming the field."""
    if zero and Decimal(text) == 0:
        return 0
    try:
        return to_tiyn(parse_money(text))
    except InvalidValue as error:
        raise InvalidFields(source, [(field, error.reason)]) from None


def _service(request: Request) -> CaseService:
    """``app.state.cases`` when set (tests inject a clock there), else a service over the
    app's database, calendar (``app.state.calendar``) and clock (``app.state.clock``)."""
    state = request.app.state
    service: CaseService | None = getattr(state, "cases", None)
    if service is not None:
        return service
    calendar = getattr(state, "calendar", None) or KAZAKHSTAN
    return CaseService(database_of(request), calendar, getattr(state, "clock", None) or utc_now)


def _order(order: FreezeOrder) -> OrderPublic:
    return OrderPublic.model_validate(order_json(order))


def _return(ret: Return) -> ReturnPublic:
    return ReturnPublic(
        order_id=ret.order_id,
        account=ret.account,
        amount=str(from_tiyn(ret.amount)),
        to_account=ret.to_account,
        at=ret.at,
        sanction=ret.sanction,
    )


def _trace(trace: Trace | None) -> TracePublic | None:
    if trace is None:
        return None
    holdings = [
        {"account": h.account, "bank": h.bank, "amount": str(from_tiyn(h.amount))}
        for h in trace.holdings
    ]
    return TracePublic(
        report_id=trace.report_id,
        rule=trace.rule.value,
        loss=str(from_tiyn(trace.loss)),
        held=str(from_tiyn(trace.held)),
        cashed_out=str(from_tiyn(trace.cashed_out)),
        unresolved=str(from_tiyn(trace.unresolved)),
        holdings=holdings,
    )


def _case(folder: CaseFile) -> CasePublic:
    case: Case = folder.case
    return CasePublic(
        case_id=case.case_id,
        status=case.status.value,
        opened_at=case.opened_at,
        returned=str(from_tiyn(folder.returned)),
        reports=[
            ReportPublic(
                report_id=r.report_id,
                ts=r.ts,
                victim_account=r.victim_account,
                victim_phone=r.victim_phone,
                fraud_type=r.fraud_type.value,
                transfer_ids=list(r.transfer_ids),
            )
            for r in case.reports
        ],
        events=[
            EventPublic(at=e.at, kind=e.kind.value, bank=e.bank, detail=dict(e.detail))
            for e in case.events
        ],
        trace=_trace(folder.trace),
        orders=[_order(o) for o in folder.orders],
        returns=[_return(r) for r in folder.returns],
        notes=[NotePublic(at=n.at, author=n.author, text=n.text) for n in folder.notes],
    )


class Problem(BaseModel):
    detail: str | list[dict[str, Any]]


_MEANINGS = {
    400: "a value that cannot be used (e.g. more blocked than ordered)",
    401: "no API key, or an unknown, revoked or disabled one",
    403: "the caller's role may not do this",
    404: "no such case or order, or not one the caller may see",
    409: "the step contradicts the stored state (e.g. the order's state)",
    422: "fields missing or invalid, each named",
}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": meaning} for code, meaning in _MEANINGS.items()
}


def mount(app: FastAPI) -> None:
    """Add the cases routes; ``app.state.tracer`` stays ``None`` until a history is loaded.

    The store's errors (``NotFound`` 404, ``Conflict`` 409, ``PermissionDenied`` 403) are
    mapped by the registry's ``mount``, which the app calls first.
    """
    if getattr(app.state, "tracer", None) is None:
        app.state.tracer = None
    app.include_router(cases_router())


def cases_router() -> APIRouter:
    """The routes of cases and freeze orders."""
    router = APIRouter(prefix="/v1", tags=["cases"], responses=ERRORS)

    @router.post("/reports", status_code=201)
    def file_report(body: ReportCreate, caller: Caller, request: Request) -> CasePublic:
        """File a victim's report: creates the case, or returns the case that holds this
        ``report_id`` already. Traced at once when the server has a transfer history."""
        service = _service(request)
        report = cast(ReportRecord, record_from(REPORTS, body.model_dump(), "report"))
        case = service.open_case(caller, report)
        tracer: Tracer | None = getattr(request.app.state, "tracer", None)
        if tracer is not None and not any(e.kind.value == "trace_recorded" for e in case.events):
            service.record_trace(None, case.case_id, tracer(report))
        return _case(service.get_case(caller, case.case_id))

    @router.get("/cases/{case_id}")
    def read_case(case_id: str, caller: Caller, request: Request) -> CasePublic:
        """A case with its timeline, orders and returns, as the caller may see it (a bank:
        only its own orders; an operator: 404). The read is audited."""
        return _case(_service(request).get_case(caller, case_id))

    @router.post("/cases/{case_id}/notes", status_code=201)
    def add_note(case_id: str, body: NoteCreate, caller: Caller, request: Request) -> NotePublic:
        """Add a note to a case the caller may read."""
        note = _service(request).add_note(caller, case_id, body.text)
        return NotePublic(at=note.at, author=note.author, text=note.text)

    @router.post("/cases/{case_id}/freeze-orders", status_code=201)
    def issue_orders(
        case_id: str, body: OrdersCreate, caller: Caller, request: Request
    ) -> list[OrderPublic]:
        """Issue one freeze order per bank from the case's newest trace (police, analyst)."""
        minimum = _tenge(body.min_amount, "min_amount", "orders", zero=True)
        issued = _service(request).issue_orders(caller, case_id, body.legal_basis, None, minimum)
        return [_order(o) for o in issued]

    @router.get("/freeze-orders")
    def list_orders(
        caller: Caller,
        request: Request,
        bank: str | None = None,
        state: Literal["issued", "confirmed", "extended", "released", "returned"] | None = None,
        page: Annotated[int, Query(ge=1)] = 1,
        size: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> OrderPage:
        """Freeze orders, newest first; a bank gets only its own."""
        found = _service(request).list_orders(caller, bank, state, page, size)
        items = [_order(o) for o in found.items]
        return OrderPage(items=items, total=found.total, page=found.page, size=found.size)

    @router.get("/freeze-orders/{order_id}")
    def read_order(order_id: str, caller: Caller, request: Request) -> OrderPublic:
        """One order: its bank's, or any for an official."""
        return _order(_service(request).get_order(caller, order_id))

    @router.post("/freeze-orders/{order_id}/confirm")
    def confirm(
        order_id: str, body: ConfirmCreate, caller: Caller, request: Request
    ) -> OrderPublic:
        """The addressed bank says what it actually blocked (at most what was ordered)."""
        blocked = {
            account: _tenge(amount, f"blocked.{account}", "confirmation", zero=True)
            for account, amount in body.blocked.items()
        }
        return _order(_service(request).confirm(caller, order_id, blocked))

    @router.post("/freeze-orders/{order_id}/extend")
    def extend(order_id: str, body: ExtendCreate, caller: Caller, request: Request) -> OrderPublic:
        """A prosecutor extends the order before it expires."""
        if (body.until is None) == (body.days is None):
            raise InvalidFields("extension", [("until", "give either until or days")])
        until: datetime | int = body.until if body.until is not None else cast(int, body.days)
        if isinstance(until, datetime) and until.tzinfo is None:
            raise InvalidFields("extension", [("until", "needs a UTC offset")])
        return _order(_service(request).extend(caller, order_id, until, body.reason))

    @router.post("/freeze-orders/{order_id}/release")
    def release(
        order_id: str, body: ReleaseCreate, caller: Caller, request: Request
    ) -> OrderPublic:
        """Lift an order (``lifted`` or ``mistaken``); expiry happens by itself."""
        return _order(_service(request).release(caller, order_id, body.reason))

    @router.post("/freeze-orders/{order_id}/returns", status_code=201)
    def record_return(
        order_id: str, body: ReturnCreate, caller: Caller, request: Request
    ) -> ReturnPublic:
        """The order's bank records money returned to the victim on a prosecutor's sanction."""
        amount = _tenge(body.amount, "amount", "return")
        ret = _service(request).record_return(caller, order_id, body.account, amount, body.sanction)
        return _return(ret)

    return router
