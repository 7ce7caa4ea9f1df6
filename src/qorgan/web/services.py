"""The services the console's pages call, found on (or made once for) the app.

The console shares the API's objects where the API made them: ``app.state.registry`` (the
registry and its lookup map), ``app.state.cases`` (tests inject a clock there),
``app.state.clock`` and ``app.state.calendar``; ``app.state.alerts`` may be injected too.
Whatever is missing is made on first use over the app's database (migrated on first use).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request

from qorgan.api.auth import database_of
from qorgan.cases.calendar import KAZAKHSTAN
from qorgan.core.roles import Principal
from qorgan.store.sql.alerts import AlertService
from qorgan.store.sql.audit import list_entries
from qorgan.store.sql.case_queries import CasePage, list_cases
from qorgan.store.sql.cases import CaseService, utc_now
from qorgan.store.sql.registry import SqlRegistry

AUDIT_PAGE = 50
_lock = threading.Lock()


def clock_of(request: Request) -> Callable[[], datetime]:
    """The app's clock (``app.state.clock``), else the wall clock."""
    clock: Callable[[], datetime] | None = getattr(request.app.state, "clock", None)
    return clock or utc_now


def registry_of(request: Request) -> SqlRegistry:
    """The app's registry, made on first use."""
    state = request.app.state
    with _lock:
        if getattr(state, "registry", None) is None:
            state.registry = SqlRegistry(database_of(request))
        registry: SqlRegistry = state.registry
    return registry


def alerts_of(request: Request) -> AlertService:
    """``app.state.alerts``, else one made over the app's database and registry."""
    state = request.app.state
    service: AlertService | None = getattr(state, "alerts", None)
    if service is not None:
        return service
    registry = registry_of(request)
    with _lock:
        if getattr(state, "console_alerts", None) is None:
            state.console_alerts = AlertService(database_of(request), registry, clock_of(request))
        made: AlertService = state.console_alerts
    return made


def cases_of(request: Request) -> CaseService:
    """``app.state.cases``, else a service over the app's database, calendar and clock."""
    state = request.app.state
    service: CaseService | None = getattr(state, "cases", None)
    if service is not None:
        return service
    calendar = getattr(state, "calendar", None) or KAZAKHSTAN
    return CaseService(database_of(request), calendar, clock_of(request))


def case_page(request: Request, reader: Principal, before: str | None) -> CasePage:
    """A page of the cases ``reader`` may see."""
    return list_cases(database_of(request), reader, before, clock=clock_of(request))


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One audit entry as the console shows it."""

    seq: int
    ts: datetime
    actor: str
    role: str | None
    action: str
    subject_kind: str
    subject_id: str


def audit_page(request: Request, before: int | None) -> tuple[list[AuditLine], int | None]:
    """The newest audit entries older than ``before``, and the cursor of the next page."""
    with database_of(request).session() as session:
        rows = list_entries(session, before, AUDIT_PAGE + 1)
        lines = [
            AuditLine(r.seq, r.ts, r.actor, r.role, r.action, r.subject_kind, r.subject_id)
            for r in rows
        ]
    more = len(lines) > AUDIT_PAGE
    lines = lines[:AUDIT_PAGE]
    return lines, (lines[-1].seq if more else None)


def audit_seq(request: Request, action: str, subject_id: str) -> int | None:
    """The ``seq`` of the newest entry of ``action`` on ``subject_id`` among the latest 100
    (how the console names the entry an action just wrote)."""
    with database_of(request).session() as session:
        for row in list_entries(session, None, 100):
            if row.action == action and row.subject_id == subject_id:
                return row.seq
    return None
