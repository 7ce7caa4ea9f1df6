"""What deciding an alert writes to the registry, inside the action's own transaction.

========  =========================================================================
confirm   a ``confirmed`` claim from the actor when it may confirm (police, analyst,
          admin), else a ``suspected`` one when it may report the subject's kind
block     as confirm, then ``blocked`` when the actor may block (analyst, admin)
clear     ``cleared`` when the indicator exists and the actor may clear it
========  =========================================================================

The rules are the registry's own (:mod:`qorgan.registry.lifecycle`: claims fold in with
``absorb``, moves by hand go through ``transition``); only the session is the caller's, so
the alert's status, the indicator and the audit entry commit together.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from qorgan.core.errors import InvalidValue
from qorgan.core.ports import IndicatorKind, IndicatorStatus
from qorgan.core.roles import Principal, may_assert_kind, may_see_kind, may_set_status
from qorgan.registry.indicator import Claim
from qorgan.registry.lifecycle import absorb, transition
from qorgan.registry.values import normalise
from qorgan.store.sql.alert_records import AlertAction
from qorgan.store.sql.alert_tables import AlertRow
from qorgan.store.sql.indicators import IndicatorRow

_TO_BLOCKED = {
    IndicatorStatus.CLEARED: (IndicatorStatus.SUSPECTED, IndicatorStatus.CONFIRMED,
                              IndicatorStatus.BLOCKED),
    IndicatorStatus.SUSPECTED: (IndicatorStatus.CONFIRMED, IndicatorStatus.BLOCKED),
    IndicatorStatus.CONFIRMED: (IndicatorStatus.BLOCKED,),
    IndicatorStatus.BLOCKED: (),
}  # fmt: skip
"""The legal moves from each status to blocked."""


def write_registry(
    session: Session, actor: Principal, row: AlertRow, action: AlertAction, now: datetime
) -> dict[str, str | None]:
    """The registry's part of an action, in ``session``; what it moved, for the audit entry."""
    kind = IndicatorKind(row.subject_kind)
    if not may_see_kind(actor, kind):
        return {"from": None, "to": None}
    try:
        value = normalise(kind, row.subject)
    except InvalidValue:  # an alphanumeric SMS sender: no registry kind holds it
        return {"from": None, "to": None}
    query = select(IndicatorRow).where(IndicatorRow.kind == kind.value, IndicatorRow.value == value)
    indicator_row = session.scalar(query.with_for_update())
    before = indicator_row.indicator() if indicator_row is not None else None
    after = before
    if action is AlertAction.CLEAR:
        clearable = before is not None and before.status is not IndicatorStatus.CLEARED
        if before is not None and clearable and may_set_status(actor, IndicatorStatus.CLEARED):
            after = transition(before, IndicatorStatus.CLEARED, now)
    else:
        claim = _claim(actor, kind, value, row, now)
        after = absorb(before, claim) if claim is not None else before
        wants_block = action is AlertAction.BLOCK and may_set_status(actor, IndicatorStatus.BLOCKED)
        if after is not None and wants_block:
            for step in _TO_BLOCKED[after.status]:
                after = transition(after, step, now)
    if after is not None and after != before:
        if indicator_row is None:
            indicator_row = IndicatorRow(kind=kind.value, value=value)
            session.add(indicator_row)
        indicator_row.take(after, now)
        session.flush()
    return {
        "from": before.status.value if before is not None else None,
        "to": after.status.value if after is not None else None,
    }


def _claim(
    actor: Principal, kind: IndicatorKind, value: str, row: AlertRow, now: datetime
) -> Claim | None:
    if may_set_status(actor, IndicatorStatus.CONFIRMED):
        status = IndicatorStatus.CONFIRMED
    elif may_assert_kind(actor, kind):
        status = IndicatorStatus.SUSPECTED
    else:
        return None
    confidence = min(max(float(row.score), 0.0), 1.0)
    return Claim(kind, value, actor.agency, confidence, now, status, (f"alert:{row.id}",))
