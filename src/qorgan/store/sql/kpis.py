"""The console's headline figures, from the alerts, freeze orders, returns and cases.

======================== ==================================================================
key                      what it counts
======================== ==================================================================
calls_blocked            call alerts the screen blocked or an agency blocked
sms_blocked              SMS alerts likewise
simboxes_found           distinct SIM boxes (the ``box`` of the evidence, else the SIM)
payments_stopped         payment alerts held before confirmation or blocked by hand
payments_stopped_amount  their amount, tiyn
droppers_found           dropper accounts found
money_frozen             tiyn blocked by confirmed, extended or returned freeze orders
money_returned           tiyn returned to victims
cases_open               cases not closed
======================== ==================================================================

Alerts an agency cleared (false positives) count nowhere. ``daily`` has one point per local
(Almaty) day from the first to the last day with any figure, zeros included: alerts by
their time, money frozen by the order's issue, returns by their time, cases by their
opening. ``by_channel`` and ``by_region`` hold the alert figures that carry a channel or a
region; the money and case figures have none (empty maps).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from qorgan.cases.calendar import local_date
from qorgan.cases.case import CaseStatus
from qorgan.cases.freeze import OrderState
from qorgan.store.sql.alert_tables import AlertRow
from qorgan.store.sql.case_tables import CaseRow, FreezeItemRow, FreezeOrderRow, ReturnRow

KEYS = (
    "calls_blocked",
    "sms_blocked",
    "simboxes_found",
    "payments_stopped",
    "payments_stopped_amount",
    "droppers_found",
    "money_frozen",
    "money_returned",
    "cases_open",
)
"""Every KPI key, in the order the console shows them."""

FROZEN_STATES = (OrderState.CONFIRMED.value, OrderState.EXTENDED.value, OrderState.RETURNED.value)


@dataclass(frozen=True, slots=True)
class Kpis:
    """Figures for one reader.

    Attributes:
        totals: each key of :data:`KEYS` to its value.
        daily: each key to ``(local day, value)`` points, ascending.
        by_channel: each key to channel to value.
        by_region: each key to region to value.
    """

    totals: dict[str, int]
    daily: dict[str, list[tuple[date, int]]]
    by_channel: dict[str, dict[str, int]]
    by_region: dict[str, dict[str, int]]


@dataclass(frozen=True, slots=True)
class KpiScope:
    """What a reader's figures cover.

    Attributes:
        queues: the alert queues it sees.
        bank: a bank reader's bank (alerts of that bank only), else ``None``.
        bank_codes: a bank reader's name and IBAN codes (its orders), upper case.
        cases: whether it sees cases and orders at all (not an operator).
    """

    queues: tuple[str, ...]
    bank: str | None
    bank_codes: frozenset[str]
    cases: bool


class _Tally:
    """Figures being added up: per key a total, per day, per channel and per region."""

    def __init__(self) -> None:
        self.totals = dict.fromkeys(KEYS, 0)
        self.days: dict[str, dict[date, int]] = {k: defaultdict(int) for k in KEYS}
        self.channels: dict[str, dict[str, int]] = {k: defaultdict(int) for k in KEYS}
        self.regions: dict[str, dict[str, int]] = {k: defaultdict(int) for k in KEYS}

    def add(
        self, key: str, value: int, at: datetime, channel: str | None, region: str | None
    ) -> None:
        self.totals[key] += value
        self.days[key][local_date(at)] += value
        if channel:
            self.channels[key][channel] += value
        if region:
            self.regions[key][region] += value

    def kpis(self) -> Kpis:
        return Kpis(
            totals=dict(self.totals),
            daily={k: _series(v) for k, v in self.days.items()},
            by_channel={k: dict(sorted(v.items())) for k, v in self.channels.items()},
            by_region={k: dict(sorted(v.items())) for k, v in self.regions.items()},
        )


def _series(days: dict[date, int]) -> list[tuple[date, int]]:
    if not days:
        return []
    first, last = min(days), max(days)
    return [(first + timedelta(n), days.get(first + timedelta(n), 0)) for n in range(
        (last - first).days + 1
    )]  # fmt: skip


def compute_kpis(session: Session, scope: KpiScope) -> Kpis:
    """Every figure of :data:`KEYS` that ``scope`` covers (the rest stay 0)."""
    tally = _Tally()
    _alert_figures(session, scope, tally)
    if scope.cases:
        _money_figures(session, scope, tally)
        _case_figures(session, scope, tally)
    return tally.kpis()


def _alert_figures(session: Session, scope: KpiScope, tally: _Tally) -> None:
    query = select(
        AlertRow.queue, AlertRow.at, AlertRow.decision, AlertRow.status, AlertRow.channel,
        AlertRow.region, AlertRow.amount, AlertRow.subject,
    ).where(AlertRow.queue.in_(scope.queues), AlertRow.status != "cleared")  # fmt: skip
    if scope.bank is not None:
        query = query.where(AlertRow.bank == scope.bank)
    boxes: dict[str, tuple[datetime, str | None, str | None]] = {}
    for queue, at, decision, status, channel, region, amount, subject in session.execute(query):
        blocked = status == "blocked"
        if queue in ("calls", "sms") and (decision == "block" or blocked):
            tally.add(f"{queue}_blocked", 1, at, channel, region)
        elif queue == "payments" and (decision == "hold" or blocked):
            tally.add("payments_stopped", 1, at, channel, region)
            tally.add("payments_stopped_amount", amount or 0, at, channel, region)
        elif queue == "droppers":
            tally.add("droppers_found", 1, at, channel, region)
        elif queue == "simboxes":
            boxes[subject] = (at, channel, region)
    if boxes:
        _box_figures(session, boxes, tally)


def _box_figures(
    session: Session, sims: dict[str, tuple[datetime, str | None, str | None]], tally: _Tally
) -> None:
    """Each box once: the first of its SIMs' alerts dates and places it."""
    evidence = session.execute(
        select(AlertRow.subject, AlertRow.evidence).where(
            AlertRow.queue == "simboxes", AlertRow.status != "cleared"
        )
    )
    box_of = {subject: str(json.loads(text).get("box") or subject) for subject, text in evidence}
    first: dict[str, tuple[datetime, str | None, str | None]] = {}
    for sim, seen in sims.items():
        box = box_of.get(sim, sim)
        if box not in first or seen[0] < first[box][0]:
            first[box] = seen
    for at, channel, region in first.values():
        tally.add("simboxes_found", 1, at, channel, region)


def _of_bank(query: Select[int, datetime], scope: KpiScope) -> Select[int, datetime]:
    if scope.bank is None:
        return query
    return query.where(func.upper(FreezeOrderRow.bank).in_(sorted(scope.bank_codes)))


def _money_figures(session: Session, scope: KpiScope, tally: _Tally) -> None:
    frozen = (
        select(func.coalesce(FreezeItemRow.amount_blocked, 0), FreezeOrderRow.issued_at)
        .join(FreezeOrderRow, FreezeItemRow.order_id == FreezeOrderRow.order_id)
        .where(FreezeOrderRow.state.in_(FROZEN_STATES))
    )
    for amount, at in session.execute(_of_bank(frozen, scope)):
        tally.add("money_frozen", int(amount), at, None, None)
    returned = select(ReturnRow.amount, ReturnRow.at).join(
        FreezeOrderRow, ReturnRow.order_id == FreezeOrderRow.order_id
    )
    for amount, at in session.execute(_of_bank(returned, scope)):
        tally.add("money_returned", int(amount), at, None, None)


def _case_figures(session: Session, scope: KpiScope, tally: _Tally) -> None:
    query = select(CaseRow.opened_at).where(CaseRow.status != CaseStatus.CLOSED.value)
    if scope.bank is not None:
        codes = sorted(scope.bank_codes)
        ordered = exists().where(
            FreezeOrderRow.case_id == CaseRow.case_id, func.upper(FreezeOrderRow.bank).in_(codes)
        )
        query = query.where(or_(func.upper(CaseRow.filed_bank).in_(codes), ordered))
    for (at,) in session.execute(query):
        tally.add("cases_open", 1, at, None, None)
