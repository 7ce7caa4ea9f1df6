"""Keyed state of payment scoring: what is remembered of one account, in sliding windows.

Kept apart from the rules (:mod:`qorgan.banking.payments`) so that a state store can hold it
without the rules: per account, a few sets of 64-bit hashes and the last hour's and day's
moves with their running sums.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

DAY_S = 86_400.0
HOUR_S = 3_600.0

Move = tuple[float, float, int, bool]  # t, amount, counterparty hash, counterparty new to us


@dataclass(slots=True)
class Recent:
    """The moves of one account within a sliding window, with their running sum and the
    counterparties new to the account among them — constant work per move, however busy the
    account (a marketplace receives thousands of payments a day)."""

    span_s: float
    moves: deque[Move] = field(default_factory=deque)
    total: float = 0.0
    strangers: dict[int, int] = field(default_factory=dict)  # new counterparty -> its moves

    def add(self, move: Move) -> None:
        self.moves.append(move)
        self.total += move[1]
        if move[3]:
            self.strangers[move[2]] = self.strangers.get(move[2], 0) + 1

    def expire(self, now: float) -> None:
        moves, before = self.moves, now - self.span_s
        if not moves or moves[0][0] >= before:
            return
        while moves and moves[0][0] < before:
            _, amount, who, new = moves.popleft()
            self.total -= amount
            if new:
                left = self.strangers[who] - 1
                if left:
                    self.strangers[who] = left
                else:
                    del self.strangers[who]
        if not moves:
            self.total = 0.0  # no rounding left over from the subtractions


@dataclass(slots=True)
class AccountState:
    """What the scorer remembers of one account: its history as payer and as payee.

    Sets hold 64-bit hashes. ``out_hour``, ``out_day`` and ``in_day`` are the moves of the
    last hour and day; ``arrivals`` the recent credits that were unusual for the account
    (from a new payer, at least twice its largest earlier credit) as ``(t, amount)``.
    """

    out_n: int = 0
    out_max: float = 0.0
    in_max: float = 0.0
    hours: int = 0  # bit h set: has paid at local hour h
    payees: set[int] = field(default_factory=set)
    payers: set[int] = field(default_factory=set)
    banks: set[str] = field(default_factory=set)
    devices: set[str] = field(default_factory=set)
    ips: set[str] = field(default_factory=set)
    out_hour: Recent = field(default_factory=lambda: Recent(HOUR_S))
    out_day: Recent = field(default_factory=lambda: Recent(DAY_S))
    in_day: Recent = field(default_factory=lambda: Recent(DAY_S))
    arrivals: deque[tuple[float, float]] = field(default_factory=deque)
