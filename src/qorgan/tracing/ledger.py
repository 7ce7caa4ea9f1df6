"""One account's money as parcels, and the four rules that say which parcels an outflow spends.

A parcel is an amount of the victim's money (with the hop depth it arrived at) or of other
money (other people's payments). Parcels keep their order of arrival; adjacent parcels of the
same kind and depth merge. The balance the account held before the victim's money reached it
is kept apart, as the *reserve*: it is not the victim's and, under every rule, it is spent
only after the money that arrived since — so an account holder's own savings are never
frozen in the victim's name while the money that passed through is pursued. Amounts are
integer tiyn, and every take is exact: what leaves plus what stays is what was there.
"""

from __future__ import annotations

from collections import deque

from qorgan.tracing.result import Rule

CLEAN = -1
"""The depth of a parcel that is not the victim's money."""


class Ledger:
    """An account's parcels, oldest first."""

    __slots__ = ("_parcels", "reserve", "tainted", "total")

    def __init__(self, reserve: int = 0) -> None:
        self._parcels: deque[list[int]] = deque()  # [amount, depth]
        self.reserve = max(0, reserve)
        self.tainted = 0
        self.total = 0  # the parcels' sum, the reserve apart

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

    def take(self, amount: int, rule: Rule) -> tuple[int, int]:
        """Money leaves: the victim's part of ``amount`` by ``rule``, and its least depth
        (:data:`CLEAN` when none of it is the victim's).

        What the parcels cannot pay comes out of the reserve (and past it, from money the
        history does not show): never the victim's.
        """
        paid = min(amount, self.total)
        self.reserve = max(0, self.reserve - (amount - paid))
        amount = paid
        if amount <= 0:
            return 0, CLEAN
        if rule is Rule.FIFO:
            taken, depth = self._take_in_order(amount, reverse=False)
        elif rule is Rule.LIFO:
            taken, depth = self._take_in_order(amount, reverse=True)
        elif rule is Rule.POISON:
            first = min(amount, self.tainted)
            taken, depth = self._take_kind(first, tainted=True)
            self._take_kind(amount - first, tainted=False)
        else:
            share = amount * self.tainted // self.total
            taken, depth = self._take_kind(share, tainted=True)
            self._take_kind(amount - share, tainted=False)
        return taken, depth

    def holdings(self) -> tuple[int, int]:
        """The victim's money still here and its least depth."""
        depths = [d for _, d in self._parcels if d != CLEAN]
        return self.tainted, min(depths) if depths else CLEAN

    def _take_in_order(self, amount: int, reverse: bool) -> tuple[int, int]:
        taken, depth = 0, CLEAN
        parcels = self._parcels
        self.total -= amount
        while amount > 0:
            parcel = parcels[-1] if reverse else parcels[0]
            used = min(amount, parcel[0])
            if parcel[1] != CLEAN:
                taken += used
                depth = parcel[1] if depth == CLEAN else min(depth, parcel[1])
            parcel[0] -= used
            amount -= used
            if parcel[0] == 0:
                if reverse:
                    parcels.pop()
                else:
                    parcels.popleft()
        self.tainted -= taken
        return taken, depth

    def _take_kind(self, amount: int, tainted: bool) -> tuple[int, int]:
        """``amount`` from the parcels of one kind, oldest first."""
        taken, depth = 0, CLEAN
        if amount <= 0:
            return 0, CLEAN
        kept: deque[list[int]] = deque()
        for parcel in self._parcels:
            if amount > 0 and (parcel[1] != CLEAN) == tainted:
                used = min(amount, parcel[0])
                parcel[0] -= used
                amount -= used
                taken += used
                if tainted:
                    depth = parcel[1] if depth == CLEAN else min(depth, parcel[1])
            if parcel[0] > 0:
                kept.append(parcel)
        self._parcels = kept
        self.total -= taken
        if tainted:
            self.tainted -= taken
        return (taken, depth) if tainted else (0, CLEAN)
