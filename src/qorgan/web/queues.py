"""Alert queues: a page of a queue, one alert with its reasons and evidence, and actions.

Pages are keyset-paged by the store (50 newest first, ``before`` = the last id shown), so a
queue of 100k alerts costs one indexed query per page. Confirm, block and clear are POST
forms; the store changes the alert, the registry and the audit log in one transaction, and
the page comes back with a flash naming the audit entry.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from qorgan.core.errors import Conflict, InvalidInput, NotFound
from qorgan.core.roles import Principal, Role
from qorgan.store.sql.alerts import Alert, AlertAction, AlertStatus, Queue, visible_queues
from qorgan.web.render import page, set_flash
from qorgan.web.routing import ROW_ID_MAX, ConsoleRoute, Reader, error_page
from qorgan.web.services import alerts_of, audit_seq
from qorgan.web.session import same_origin

RowId = Annotated[int, Path(ge=1, le=ROW_ID_MAX)]
"""An alert's id in a path: a positive 64-bit integer (else a 400 page)."""

PAGE = 50


def may_act(reader: Principal, alert: Alert) -> bool:
    """Whether ``reader`` is offered the actions: an open alert it sees, not a prosecutor
    (the store checks again when it acts)."""
    return alert.status is AlertStatus.OPEN and reader.role is not Role.PROSECUTOR


def _queue(name: str) -> Queue:
    try:
        return Queue(name)
    except ValueError:
        raise NotFound(f"no queue {name!r}") from None


def _status(name: str | None) -> AlertStatus | None:
    if not name:
        return None
    try:
        return AlertStatus(name)
    except ValueError:
        raise InvalidInput(f"unknown status {name!r}") from None


def evidence_rows(alert: Alert) -> list[tuple[str, str]]:
    """The evidence as (field, value) rows; non-text values as compact JSON."""
    rows = []
    for key, value in sorted(alert.evidence.items()):
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        rows.append((str(key), text))
    return rows


def queues_router() -> APIRouter:
    """The alert routes under ``/console/alerts``."""
    router = APIRouter(prefix="/console/alerts", route_class=ConsoleRoute)

    @router.get("/{queue}")
    def queue_page(
        request: Request,
        reader: Reader,
        queue: str,
        status: str | None = None,
        before: Annotated[int | None, Query(ge=0, le=ROW_ID_MAX)] = None,
    ) -> Response:
        """A page of a queue, newest first."""
        chosen, wanted = _queue(queue), _status(status)
        service = alerts_of(request)
        found = service.page(reader, chosen, wanted, before, PAGE)
        return page(
            request, reader, "alerts.html", "alerts", queue=chosen, status=wanted,
            statuses=list(AlertStatus), queues=visible_queues(reader),
            counts=service.counts(reader), alerts=found, before=before,
        )  # fmt: skip

    @router.get("/{queue}/{alert_id}")
    def alert_page(request: Request, reader: Reader, queue: str, alert_id: RowId) -> Response:
        """One alert: facts, reasons, evidence, and the actions the reader may take."""
        chosen = _queue(queue)
        alert = alerts_of(request).get(reader, alert_id)
        if alert.queue is not chosen:
            raise NotFound(f"no alert {alert_id} in {chosen.value}")
        return page(
            request, reader, "alert.html", "alerts", queue=chosen, alert=alert,
            evidence=evidence_rows(alert), may_act=may_act(reader, alert),
            actions=list(AlertAction), prosecutor=reader.role is Role.PROSECUTOR,
        )  # fmt: skip

    @router.post("/{queue}/{alert_id}/{action}")
    def act(
        request: Request,
        reader: Reader,
        queue: str,
        alert_id: RowId,
        action: str,
        note: Annotated[str, Form(max_length=2000)] = "",
    ) -> Response:
        """Confirm, block or clear; back to the alert with a flash naming the audit entry."""
        if not same_origin(request):
            return error_page(request, 403, "error.403", "")
        chosen = _queue(queue)
        try:
            taken = AlertAction(action)
        except ValueError:
            raise NotFound(f"no action {action!r}") from None
        response = RedirectResponse(f"/console/alerts/{chosen.value}/{alert_id}", 303)
        if alerts_of(request).get(reader, alert_id).queue is not chosen:
            raise NotFound(f"no alert {alert_id} in {chosen.value}")
        try:
            alerts_of(request).act(reader, alert_id, taken, note)
        except Conflict:
            set_flash(response, "conflict")
            return response
        seq = audit_seq(request, f"alert.{taken.value}", str(alert_id))
        set_flash(response, taken.value, str(seq or ""))
        return response

    return router
