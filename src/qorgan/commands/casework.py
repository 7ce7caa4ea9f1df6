"""The agencies' part of a demo world: reports filed as cases, then a week of casework.

Everything goes through :class:`~qorgan.store.sql.cases.CaseService` and
:class:`~qorgan.store.sql.alerts.AlertService` as the agency concerned, so the audit log
holds each step. Choices (which orders a bank confirms, how much it blocked, which a
prosecutor extends, which money goes back) come from one seeded ``random.Random``: the same
seed plays the same week.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from qorgan.cases.freeze import FreezeOrder, OrderState
from qorgan.core.rejects import RejectSink
from qorgan.core.roles import Principal
from qorgan.store.history import load_history, seed
from qorgan.store.simboxes import connect
from qorgan.store.sql.alerts import AlertAction, AlertService, AlertStatus, Queue
from qorgan.store.sql.cases import CaseService
from qorgan.tracing import Rule, TraceLimits, bank_resolver, trace_report

LEGAL_BASIS = "CPC RK art. 161 (demo)"
CONFIRM_SHARE = 0.85
PARTIAL_SHARE = 0.25
EXTEND_SHARE = 0.3
RETURN_SHARE = 0.4
EXPIRE_SHARE = 0.3
ACTIONS_PER_QUEUE = ((AlertAction.CONFIRM, 3), (AlertAction.BLOCK, 3), (AlertAction.CLEAR, 2))

Report = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Agencies:
    """The principals that play the week.

    Attributes:
        analyst: the Anti-Fraud Centre (files cases, issues orders, decides alerts).
        prosecutor: extends orders and sanctions returns.
        banks: each bank by its upper-case name and IBAN codes.
    """

    analyst: Principal
    prosecutor: Principal
    banks: Mapping[str, Principal]

    def bank(self, name: str) -> Principal | None:
        """The bank agency an order addressed to ``name`` (a name or a code) goes to."""
        wanted = name.strip().upper()
        return self.banks.get(wanted) or next(
            (p for p in self.banks.values() if p.is_bank(wanted)), None
        )


def file_cases(cases: CaseService, analyst: Principal, world: Path) -> list[FreezeOrder]:
    """Each report traced (FIFO, up to when it was filed), filed as a case, orders issued."""
    db = connect()
    try:
        history = load_history(
            db,
            world / "transfers.parquet",
            world / "reports.parquet",
            world / "accounts.parquet",
            RejectSink(),
        )
    finally:
        db.close()
    bank_of = bank_resolver(history.banks)
    issued: list[FreezeOrder] = []
    for report in history.reports:
        trace = trace_report(history.index, seed(report), Rule.FIFO, bank_of, TraceLimits())
        case = cases.open_case(analyst, report, at=report.ts)
        cases.record_trace(analyst, case.case_id, trace, at=report.ts)
        if any(h.amount > 0 for h in trace.holdings):
            issued += cases.issue_orders(analyst, case.case_id, LEGAL_BASIS, report.ts)
    return issued


def play_week(
    cases: CaseService, orders: list[FreezeOrder], agencies: Agencies, rng: random.Random
) -> datetime | None:
    """Banks confirm, the prosecutor extends, banks return money, the oldest orders expire.

    Returns:
        The moment the expiry ran at (the demo's "now"), or ``None`` without orders.
    """
    if not orders:
        return None
    confirmed: list[tuple[FreezeOrder, Principal]] = []
    for order in sorted(orders, key=lambda o: (o.issued_at, o.order_id)):
        bank = agencies.bank(order.bank)
        if bank is None or rng.random() >= CONFIRM_SHARE:
            continue
        at = order.issued_at + timedelta(hours=rng.randint(1, 8))
        done = cases.confirm(bank, order.order_id, _blocked(order, rng), at)
        confirmed.append((done, bank))
    extended = set()
    for order, _ in confirmed:
        if rng.random() < EXTEND_SHARE:
            at = order.history[-1].at + timedelta(days=1)
            cases.extend(agencies.prosecutor, order.order_id, 10, "investigation continues", at)
            extended.add(order.order_id)
    for n, (order, bank) in enumerate(confirmed):
        if rng.random() < RETURN_SHARE:
            _return(cases, order, bank, n, rng)
    expiries = sorted(o.expires_at for o in orders if o.order_id not in extended)
    now = expiries[int(len(expiries) * EXPIRE_SHARE)] if expiries else orders[-1].expires_at
    cases.expire_due(now + timedelta(seconds=1))
    return now + timedelta(seconds=1)


def _blocked(order: FreezeOrder, rng: random.Random) -> dict[str, int]:
    """What the bank found on each account: all that was ordered, or sometimes less."""
    blocked = {}
    for item in order.items:
        share = rng.uniform(0.4, 0.95) if rng.random() < PARTIAL_SHARE else 1.0
        blocked[item.account] = int(item.amount_ordered * share)
    return blocked


def _return(
    cases: CaseService, order: FreezeOrder, bank: Principal, n: int, rng: random.Random
) -> None:
    """Part or all of what the order blocked goes back, on a prosecutor's sanction."""
    at = order.history[0].at + timedelta(days=2)
    for item in order.items:
        if item.returnable <= 0:
            continue
        amount = item.returnable if rng.random() < 0.5 else max(1, item.returnable // 2)
        sanction = f"SANCTION-{order.issued_at:%Y%m%d}-{n:04d}"
        cases.record_return(bank, order.order_id, item.account, amount, sanction, at)


def decide_alerts(alerts: AlertService, analyst: Principal, rng: random.Random) -> int:
    """The analyst confirms, blocks and clears a few open alerts of every queue."""
    decided = 0
    for queue in Queue:
        page = alerts.page(analyst, queue, AlertStatus.OPEN, limit=50)
        chosen = rng.sample(list(page.items), min(len(page.items), 8))
        plan = [action for action, count in ACTIONS_PER_QUEUE for _ in range(count)]
        for alert, action in zip(chosen, plan, strict=False):
            alerts.act(analyst, alert.id, action, f"demo: analyst {action.value}s")
            decided += 1
    return decided


def orders_by_state(cases: CaseService, analyst: Principal) -> dict[str, int]:
    """How many orders are in each state."""
    counts = {}
    for state in OrderState:
        counts[state.value] = cases.list_orders(analyst, state=state, size=1).total
    return counts
