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
from typing import cast

from sqlalchemy import Select, and_, exists, func, or_, select
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

    def add_to(self, dimension: str, key: str, value: object, amount: int) -> None:
        """One grouped figure: by ``day`` (which also makes the total), ``channel`` or
        ``region`` (a missing channel or region is left out of its breakdown)."""
        if dimension == "day":
            self.totals[key] += amount
            self.days[key][cast(date, value)] += amount
        elif value:
            target = self.channels if dimension == "channel" else self.regions
            target[key][str(value)] += amount

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


_ALERT_KEYS = {"calls": "calls_blocked", "sms": "sms_blocked", "payments": "payments_stopped",
               "droppers": "droppers_found"}  # fmt: skip


def _alert_figures(session: Session, scope: KpiScope, tally: _Tally) -> None:
    """Alert figures as three ``GROUP BY`` queries (by local day, channel and region): the
    database adds up, so the dashboard's cost does not grow with the alerts held."""
    counted = or_(
        and_(AlertRow.queue.in_(("calls", "sms")), AlertRow.decision == "block"),
        and_(AlertRow.queue == "payments", AlertRow.decision == "hold"),
        AlertRow.queue == "droppers",
        AlertRow.status == "blocked",
    )
    where = [
        AlertRow.queue.in_([q for q in scope.queues if q in _ALERT_KEYS]),
        AlertRow.status != "cleared",
        counted,
    ]
    if scope.bank is not None:
        where.append(AlertRow.bank == scope.bank)
    amount = func.sum(func.coalesce(AlertRow.amount, 0))
    for dimension in (AlertRow.day, AlertRow.channel, AlertRow.region):
        query = (
            select(AlertRow.queue, dimension, func.count(), amount)
            .where(*where)
            .group_by(AlertRow.queue, dimension)
        )
        for queue, value, count, total in session.execute(query):
            key = _ALERT_KEYS[queue]
            tally.add_to(dimension.key, key, value, int(count))
            if queue == "payments":
                tally.add_to(dimension.key, "payments_stopped_amount", value, int(total or 0))
    if "simboxes" in scope.queues:
        _box_figures(session, tally)


def _box_figures(session: Session, tally: _Tally) -> None:
    """Each box once (the ``box`` of its SIMs' evidence, else the SIM): the first of its
    SIMs' alerts dates and places it."""
    sims = select(
        AlertRow.subject, AlertRow.day, AlertRow.id, AlertRow.channel, AlertRow.region,
        AlertRow.evidence,
    ).where(AlertRow.queue == "simboxes", AlertRow.status != "cleared")  # fmt: skip
    first: dict[str, tuple[date, int, str | None, str | None]] = {}
    for subject, day, serial, channel, region, evidence in session.execute(sims):
        box = str(json.loads(evidence).get("box") or subject)
        seen = (day, serial, channel, region)
        if box not in first or seen[:2] < first[box][:2]:
            first[box] = seen
    for day, _, channel, region in first.values():
        tally.add_to("day", "simboxes_found", day, 1)
        tally.add_to("channel", "simboxes_found", channel, 1)
        tally.add_to("region", "simboxes_found", region, 1)


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
