"""Follow a victim's money forward in time, from the reported transfers to where it is now.

The trace replays, in global order, every transfer of the accounts the money has reached
(and only those). When the money reaches an account, its history before that moment is
replayed into a :class:`~qorgan.tracing.ledger.Ledger` (what it already held: other people's
money in transit, the holder's own); from then on the ledger takes in every credit and pays
every debit by the chosen :class:`~qorgan.tracing.result.Rule`, and each transfer carries its
parcels on in the order they were paid. Money withdrawn (``CASH``) or spent on crypto
(``CRYPTO:<exchange>``) ends its branch as a cash-out. The replay stops at the report's time,
so the holdings are where the money sat when the victim reported — what a freeze can still
catch."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from qorgan.core.errors import InvalidValue
from qorgan.core.iban import bank_code_of
from qorgan.tracing.index import OUTSIDE_CASH, OUTSIDE_NONE, TransferIndex
from qorgan.tracing.ledger import CLEAN, Ledger, Piece, carried
from qorgan.tracing.result import CashOut, CashOutKind, Holding, Hop, Rule, Trace


@dataclass(frozen=True, slots=True)
class TraceLimits:
    """How far a trace follows the money.

    Attributes:
        max_depth: hops from the victim after which money is not followed (it is counted
            as unresolved).
        min_piece: tiyn; a smaller piece reaching a new account is not followed (dust:
            unresolved), so the haircut rule cannot spread a report over the whole country.
        max_accounts: accounts one trace may visit; past it, money reaching a new account is
            unresolved.
    """

    max_depth: int = 12
    min_piece: int = 100_00
    max_accounts: int = 20_000


@dataclass(frozen=True, slots=True)
class ReportSeed:
    """What a trace needs of a victim report."""

    report_id: str
    ts: datetime
    victim_account: str
    transfer_ids: tuple[str, ...]


BankOf = Callable[[str], str]


def bank_resolver(banks: Mapping[str, str] | None = None) -> BankOf:
    """An account's bank: from the accounts feed when known, else the IBAN's bank code."""

    def bank_of(account: str) -> str:
        if banks is not None and account in banks:
            return banks[account]
        try:
            return bank_code_of(account)
        except InvalidValue:
            return "unknown"

    return bank_of


def trace_report(
    index: TransferIndex,
    report: ReportSeed,
    rule: Rule = Rule.FIFO,
    bank_of: BankOf | None = None,
    limits: TraceLimits = TraceLimits(),
) -> Trace:
    """Trace one report's money through ``index`` up to the report's time.

    Money is conserved: the holdings, cash-outs and unresolved money add up to the loss (the
    amounts of the reported transfers the history holds), to the tiyn.
    """
    bank_of = bank_of or bank_resolver()
    found: dict[int, str] = {}
    missing: list[str] = []
    for tid in dict.fromkeys(report.transfer_ids):
        position = index.position(tid)
        if position is None:
            missing.append(tid)
        else:
            found[position] = tid
    horizon = index.first_at_or_after(int(report.ts.timestamp() * 1000))
    if found:
        horizon = max(horizon, max(found) + 1)
    run = _Run(index, rule, limits, horizon, _victim_codes(index, found, report))
    for position in found:
        heapq.heappush(run.events, (position, -1))
    run.seeds = set(found)
    run.replay()
    loss = int(sum(int(index.amount[p]) for p in found))
    return run.result(report, loss, bank_of, tuple(missing))


def opening(index: TransferIndex, code: int, before: int) -> Ledger:
    """``code``'s ledger just before ``before``, from its history: the money of people
    (in transit) as parcels, the money of businesses (salaries, refunds) as its holder's
    own. Money moving on that the parcels and the own money cannot pay came from before the
    history; the holder's own spending is taken to be paid from that earlier balance when
    its own money runs out, and never reduces the parcels (see :meth:`Ledger.take`)."""
    ledger = Ledger()
    business = index.business
    positions = index.timeline(code, -1, before)
    for src, dst, amount in zip(
        index.src[positions].tolist(),
        index.dst[positions].tolist(),
        index.amount[positions].tolist(),
        strict=True,
    ):
        if src == dst:
            continue
        if dst == code:
            if business[src]:
                ledger.keep(amount)
            else:
                ledger.add(amount, CLEAN)
        else:  # every parcel here is other money: any rule takes the same amounts
            ledger.take(amount, Rule.FIFO, bool(business[dst]))
    return ledger


def _victim_codes(index: TransferIndex, found: Mapping[int, str], report: ReportSeed) -> set[int]:
    codes = {int(index.src[p]) for p in found}
    return {c for c in codes if index.account(c) == report.victim_account} or codes


class _Run:
    """The state of one trace while it replays."""

    def __init__(
        self,
        index: TransferIndex,
        rule: Rule,
        limits: TraceLimits,
        horizon: int,
        victim: set[int],
    ) -> None:
        self.index = index
        self.rule = rule
        self.limits = limits
        self.horizon = horizon
        self.victim = victim
        self.events: list[tuple[int, int]] = []
        self.seeds: set[int] = set()
        self.ledgers: dict[int, Ledger] = {}
        self.timelines: dict[int, tuple[np.ndarray, int]] = {}
        self.arrived: dict[int, int] = {}  # account -> position of the last tainted arrival
        self.hops: dict[int, tuple[int, int]] = {}  # position -> (tainted tiyn, depth)
        self.cash_outs: dict[int, int] = {}  # position -> tainted tiyn
        self.unresolved = 0

    def replay(self) -> None:
        last = -1
        while self.events:
            position, code = heapq.heappop(self.events)
            if code >= 0:
                self._advance(code)
            if position != last:
                self._transfer(position)
                last = position

    def _advance(self, code: int) -> None:
        timeline, i = self.timelines[code]
        if i + 1 < len(timeline):
            self.timelines[code] = (timeline, i + 1)
            heapq.heappush(self.events, (int(timeline[i + 1]), code))

    def _transfer(self, position: int) -> None:
        index = self.index
        src, dst = int(index.src[position]), int(index.dst[position])
        amount = int(index.amount[position])
        if position in self.seeds:
            pieces: list[Piece] = [(amount, 0)]
        elif src in self.ledgers:
            pieces = self.ledgers[src].take(amount, self.rule, bool(index.business[dst]))
        else:
            pieces = []
        tainted, depth = carried(pieces)
        if not tainted:
            ledger = self.ledgers.get(dst)
            if ledger is not None:
                self._credit(ledger, src, amount)
            return
        self.hops[position] = (tainted, depth + 1)
        ledger = self.ledgers.get(dst)
        if ledger is None:
            if index.outside[dst] != OUTSIDE_NONE:
                self.cash_outs[position] = tainted
                return
            if (
                dst in self.victim
                or depth + 1 > self.limits.max_depth
                or tainted < self.limits.min_piece
                or len(self.ledgers) >= self.limits.max_accounts
            ):
                self.unresolved += tainted
                return
            ledger = self._activate(dst, position)
        for part, d in pieces:
            if d == CLEAN:
                self._credit(ledger, src, part)
            else:
                ledger.add(part, d + 1)
        self._credit(ledger, src, amount - sum(a for a, _ in pieces))
        self.arrived[dst] = position

    def _credit(self, ledger: Ledger, src: int, amount: int) -> None:
        if self.index.business[src]:
            ledger.keep(amount)
        else:
            ledger.add(amount, CLEAN)

    def _activate(self, code: int, position: int) -> Ledger:
        index = self.index
        ledger = self.ledgers[code] = opening(index, code, position)
        timeline = index.timeline(code, position, self.horizon)
        if len(timeline):
            self.timelines[code] = (timeline, 0)
            heapq.heappush(self.events, (int(timeline[0]), code))
        return ledger

    def result(
        self, report: ReportSeed, loss: int, bank_of: BankOf, missing: tuple[str, ...]
    ) -> Trace:
        index = self.index
        holdings = []
        for code, ledger in self.ledgers.items():
            held, depth = ledger.holdings()
            if held:
                account = index.account(code)
                holdings.append(
                    Holding(account, bank_of(account), held, index.when(self.arrived[code]), depth)
                )
        holdings.sort(key=lambda h: (-h.amount, h.account))
        cash_outs = []
        for position, tainted in sorted(self.cash_outs.items()):
            src, dst = int(index.src[position]), int(index.dst[position])
            account = index.account(src)
            kind = CashOutKind.ATM if index.outside[dst] == OUTSIDE_CASH else CashOutKind.CRYPTO
            cash_outs.append(
                CashOut(
                    str(index.ids[position].as_py()),
                    index.when(position),
                    account,
                    bank_of(account),
                    kind,
                    index.account(dst),
                    tainted,
                )
            )
        hops = tuple(
            Hop(
                str(index.ids[p].as_py()),
                index.when(p),
                index.account(int(index.src[p])),
                index.account(int(index.dst[p])),
                tainted,
                int(index.amount[p]),
                depth,
                self.rule,
            )
            for p, (tainted, depth) in sorted(self.hops.items())
        )
        return Trace(
            report.report_id,
            report.victim_account,
            report.ts,
            self.rule,
            loss,
            tuple(holdings),
            tuple(cash_outs),
            hops,
            self.unresolved,
            missing,
        )
