"""Cases: the list a reader may see, and one case with its timeline, money-flow graph,
freeze orders and returns.

The case comes from :meth:`~qorgan.store.sql.cases.CaseService.get_case` (the read is
audited; a bank sees only its own orders and no trace, an operator no case at all), the
graph from the newest recorded trace (:mod:`qorgan.web.flowgraph`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from qorgan.cases import access
from qorgan.cases.case import CaseEvent
from qorgan.core.errors import PermissionDenied
from qorgan.core.money import to_tiyn
from qorgan.core.roles import Principal
from qorgan.tracing.result import Trace
from qorgan.web import flowgraph
from qorgan.web.i18n import Texts
from qorgan.web.render import lang_of, page
from qorgan.web.routing import ConsoleRoute, Reader
from qorgan.web.services import case_page, cases_of

MONEY_FIELDS = frozenset(
    {"loss", "held", "cashed_out", "unresolved", "ordered", "blocked", "returned", "amount"}
)
FIELD_LABELS = {
    **{name: f"col.{name}" for name in MONEY_FIELDS},
    "report_id": "col.report",
    "fraud_type": "col.fraud_type",
    "transfers": "col.transfers",
    "order_id": "col.order",
    "state": "col.state",
    "expires_at": "col.expires",
    "account": "col.account",
    "author": "col.author",
    "text": "col.note",
    "reason": "col.reason",
    "rule": "col.rule",
    "holdings": "col.holdings",
}
VALUE_PREFIXES = {"fraud_type": "fraud", "state": "orderstate"}


def _reads_cases(reader: Principal) -> None:
    if reader.role not in access.READ:
        raise PermissionDenied(f"a {reader.role.value} may not read cases")


def event_detail(event: CaseEvent, texts: Texts) -> list[tuple[str, str]]:
    """An event's detail as (label, value) pairs: amounts in ₸, times in Almaty's zone,
    known words translated."""
    pairs = []
    for key, raw in event.detail.items():
        label = texts(FIELD_LABELS[key]) if key in FIELD_LABELS else key
        value = raw
        if key in MONEY_FIELDS:
            try:
                value = texts.money(to_tiyn(Decimal(raw)))
            except (InvalidOperation, ValueError):
                value = raw
        elif key.endswith("_at"):
            try:
                value = texts.when(datetime.fromisoformat(raw))
            except ValueError:
                value = raw
        elif key in VALUE_PREFIXES:
            value = texts.maybe(VALUE_PREFIXES[key], raw)
        pairs.append((label, value))
    return pairs


@dataclass(frozen=True, slots=True)
class FlowView:
    """The graph and its flows as table rows (source, target, amount, transfers)."""

    svg: Markup
    rows: tuple[tuple[str, str, str, int], ...]
    hidden: int
    hidden_amount: str


def flow_view(case_id: str, trace: Trace | None, texts: Texts) -> FlowView | None:
    """The case's money-flow graph, or ``None`` without a trace."""
    if trace is None:
        return None
    graph = flowgraph.layout(trace)
    rows = tuple((e.source, e.target, texts.money(e.amount), e.transfers) for e in graph.edges)
    svg = flowgraph.render(graph, texts, case_id)
    return FlowView(svg, rows, graph.hidden, texts.money(graph.hidden_amount))


def cases_router() -> APIRouter:
    """``/console/cases`` and ``/console/cases/{case_id}``."""
    router = APIRouter(prefix="/console/cases", route_class=ConsoleRoute)

    @router.get("")
    def case_list(request: Request, reader: Reader, before: str | None = None) -> Response:
        """The cases the reader may see, newest first."""
        _reads_cases(reader)
        found = case_page(request, reader, before)
        return page(request, reader, "cases.html", "cases", cases=found, before=before)

    @router.get("/{case_id}")
    def case_file(request: Request, reader: Reader, case_id: str) -> Response:
        """One case: status, reports, timeline, money flow, orders, returns."""
        _reads_cases(reader)
        found = cases_of(request).get_case(reader, case_id)
        texts = Texts(lang_of(request))
        return page(
            request, reader, "case.html", "cases", file=found,
            flow=flow_view(case_id, found.trace, texts),
            events=[(e, event_detail(e, texts)) for e in found.case.events],
            sees_trace=access.sees_everything(reader),
        )  # fmt: skip

    return router
