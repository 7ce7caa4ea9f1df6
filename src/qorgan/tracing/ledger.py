"""One account's money as parcels, and the four rules that say which parcels an outflow spends.

A parcel is an amount of money from people: the victim's (with the hop depth it arrived at)
or other payers' (other victims', reported or not, and anyone else's). Parcels keep their
order of arrival; adjacent parcels of the same kind and depth merge. Money from businesses
(salaries, refunds) is the holder's *own* money, kept apart: money moving on spends it only
after the parcels, and the holder's own spending (payments to businesses) is paid from it —
and from the balance from before the history — never from the parcels. So an account
holder's savings and everyday life are never frozen in the victim's name, while the money that
passes through is pursued. Amounts are integer tiyn, and every take is exact: what leaves
plus what stays is what was there."""

from __future__ import annotations

from collections import deque

from qorgan.tracing.result import Rule

CLEAN = -1
"""The depth of a parcel that is not the victim's money."""

Piece = tuple[int, int]
"""Part of an outflow: tiyn, and the depth of the parcel it came from (or :data:`CLEAN`)."""


def carried(pieces: list[Piece]) -> tuple[int, int]:
    """The victim's money among ``pieces`` and its least depth (:data:`CLEAN` when none)."""
    depths = [d for _, d in pieces if d != CLEAN]
    return sum(a for a, d in pieces if d != CLEAN), min(depths) if depths else CLEAN


class Ledger:
    """An account's parcels, oldest first."""

    __slots__ = ("_parcels", "own", "tainted", "total")

    def __init__(self) -> None:
        self._parcels: deque[list[int]] = deque()  # [amount, depth]
        self.own = 0  # the holder's own money
        self.tainted = 0
        self.total = 0  # the parcels' sum, the holder's own money apart

    def keep(self, amount: int) -> None:
        """The holder's own money arrives (a salary, a refund)."""
        if amount > 0:
            self.own += amount

    def add(self, amount: int, depth: int) -> None:
        """Money arrives: the victim's at ``depth``, other money at :data:`CLEAN`."""
        if amount <= 0:
            return
        if self._parcels and self._parcels[-1][1] == depth:
            self._parcels[-1][0] += amount
        else:
            self._parcels.append([amount, depth])
        self.total += amount
        if depth != CLEAN:
            self.tainted += amount

    def take(self, amount: int, rule: Rule, spend: bool = False) -> list[Piece]:
        """Money leaves: the parcels ``amount`` carries by ``rule`` (the victim's at their
        depth, other money at :data:`CLEAN`) — in the order they came here under FIFO and
        LIFO, the victim's first under the proportional and poison rules.

        ``spend``: the holder's own spending (a payment to a business): paid from the
        holder's own money and, past it, from the holder's money from before the history
        (Re Hallett's rule: a holder spends their own money first), never from the parcels —
        the trace assumes the balance from before the history covers the holder's own life.
        Otherwise the money moves on: it is paid from the parcels by ``rule``, and only what
        they cannot pay comes out of the holder's own money (and past it, from money the
        history does not show): never the victim's.
        """
        if spend:
            self.own = max(0, self.own - amount)
            return []
        paid = min(amount, self.total)
        self.own = max(0, self.own - (amount - paid))
        if paid <= 0:
            return []
        if rule is Rule.FIFO:
            pieces = self._take_in_order(paid, reverse=False)
        elif rule is Rule.LIFO:
            pieces = self._take_in_order(paid, reverse=True)
        else:
            share = (
                min(paid, self.tainted)
                if rule is Rule.POISON
                else paid * self.tainted // self.total
            )
            pieces = self._take_kind(share, tainted=True)
            pieces += self._take_kind(paid - share, tainted=False)
        self.total -= paid
        self.tainted -= sum(a for a, d in pieces if d != CLEAN)
        return pieces

    def holdings(self) -> tuple[int, int]:
        """The victim's money still here and its least depth."""
        depths = [d for _, d in self._parcels if d != CLEAN]
        return self.tainted, min(depths) if depths else CLEAN

    def _take_in_order(self, amount: int, reverse: bool) -> list[Piece]:
        pieces: list[Piece] = []
        parcels = self._parcels
        while amount > 0:
            parcel = parcels[-1] if reverse else parcels[0]
            used = min(amount, parcel[0])
            pieces.append((used, parcel[1]))
            parcel[0] -= used
            amount -= used
            if parcel[0] == 0:
                if reverse:
                    parcels.pop()
                else:
                    parcels.popleft()
        if reverse:
            pieces.reverse()
        return pieces

    def _take_kind(self, amount: int, tainted: bool) -> list[Piece]:
        """``amount`` from the parcels of one kind, oldest first."""
        pieces: list[Piece] = []
        if amount <= 0:
            return pieces
        kept: deque[list[int]] = deque()
        for parcel in self._parcels:
            if amount > 0 and (parcel[1] != CLEAN) == tainted:
                used = min(amount, parcel[0])
                parcel[0] -= used
                amount -= used
                pieces.append((used, parcel[1]))
            if parcel[0] > 0:
                kept.append(parcel)
        self._parcels = kept
        return pieces
