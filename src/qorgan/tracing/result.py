"""What a fund trace returns: where a victim's money is now, how it got there, what left.

Amounts are integer tiyn (1/100 tenge) inside the trace, so sums are exact; the JSON and the
API show them as decimal tenge strings. The money of one report is conserved::

    sum(holdings) + sum(cash_outs) + unresolved == loss
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Rule(StrEnum):
    """How the money moving out of an account is matched to the parcels it holds (see
    docs/tracing.md; under every rule the holder's own money moves last).

    - ``fifo``: first in, first out (Clayton's rule; the default, as courts use it): an
      outflow spends the oldest parcels first, other people's money that reached the account
      before the victim's included.
    - ``lifo``: last in, first out: an outflow spends the newest money first.
    - ``proportional``: the haircut: an outflow carries every kind of money the account holds
      in proportion to how much of it is there.
    - ``poison``: taint first: an outflow carries the victim's money first, as far as the
      account holds it (the textbook poison rule taints the whole outflow and so creates
      money; this one pursues the money as far as it can while keeping it conserved).
    """

    FIFO = "fifo"
    LIFO = "lifo"
    PROPORTIONAL = "proportional"
    POISON = "poison"


class CashOutKind(StrEnum):
    """How traced money left the banking system."""

    ATM = "atm"  # to_account CASH: withdrawn
    CRYPTO = "crypto"  # to_account CRYPTO:<exchange>: a lead for the crypto trace


@dataclass(frozen=True, slots=True)
class Hop:
    """One transfer that carried some of the victim's money."""

    transfer_id: str
    ts: datetime
    from_account: str
    to_account: str
    amount: int  # tiyn of the victim's money it carried (at most the transfer's amount)
    transfer_amount: int  # tiyn, the whole transfer
    depth: int  # 1: the victim's own fraud transfer; 2: the next move; ...
    rule: Rule  # the rule that placed ``amount`` on this transfer


@dataclass(frozen=True, slots=True)
class Holding:
    """Victim's money still in an account at the report's time: what a freeze order blocks."""

    account: str
    bank: str  # bank code or name (from the accounts feed, else the IBAN's bank code)
    amount: int  # tiyn
    since: datetime  # when the last of it arrived
    depth: int  # hops from the victim


@dataclass(frozen=True, slots=True)
class CashOut:
    """Victim's money that left the banking system: the end of a branch."""

    transfer_id: str
    ts: datetime
    account: str  # the account it left from
    bank: str
    kind: CashOutKind
    destination: str  # ``CASH`` or ``CRYPTO:<exchange>``
    amount: int  # tiyn


@dataclass(frozen=True, slots=True)
class Trace:
    """One report's trace.

    Attributes:
        report_id: the report traced.
        victim_account: the victim's IBAN.
        as_of: the report's time: the trace follows transfers made before it.
        rule: the allocation rule used.
        loss: tiyn the victim's reported transfers moved out (the money traced).
        holdings: accounts holding the money at ``as_of``, largest first.
        cash_outs: withdrawals and crypto purchases that carried it, oldest first.
        hops: every transfer that carried some of it, in time order.
        unresolved: tiyn the trace could not place: reported transfer ids not in the history,
            money past the depth limit, money spent back to the victim's own account.
        missing_transfers: reported transfer ids that the history does not hold.
    """

    report_id: str
    victim_account: str
    as_of: datetime
    rule: Rule
    loss: int
    holdings: tuple[Holding, ...]
    cash_outs: tuple[CashOut, ...]
    hops: tuple[Hop, ...]
    unresolved: int
    missing_transfers: tuple[str, ...] = ()

    @property
    def held(self) -> int:
        """Tiyn still in accounts."""
        return sum(h.amount for h in self.holdings)

    @property
    def cashed_out(self) -> int:
        """Tiyn withdrawn or turned into crypto."""
        return sum(c.amount for c in self.cash_outs)
