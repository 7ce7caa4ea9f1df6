"""Fraud rings laundering USDT on top of the ordinary market: the chain's event loop.

Each cash-out's USDT is paid to a ring's collection wallet; the ring consolidates, peels the
money through intermediate and merge wallets, and parks it with its organisers or at an
exchange deposit. Fraud money is tracked in lots (cash-out, hop, raw units) per ring address;
a transfer takes lots first-in first-out, so each cash-out's share of every transfer is
known exactly. Everything runs through :class:`~qorgan.sim.chain_market.Market`'s clock and
ledger, interleaved in time with the ordinary traffic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qorgan.sim.chain_market import ANALYST, MINUTE_MS, SANCTIONED, USDT, Market, legit_exchanges

Flow = tuple[str, int, str, str, int, str, int]


@dataclass(slots=True)
class _Ring:
    collection: list[str]
    merge: list[str]
    beneficiaries: list[str]
    offramp: list[str]
    consolidating: bool = False


@dataclass(slots=True)
class _Lot:
    cashout_id: str
    hop: int
    value: int


@dataclass(slots=True)
class Economy(Market):
    """The market plus the fraud rings.

    Build it, call :meth:`populate`, :meth:`add_cashout` for each cash-out, then :meth:`run`.
    """

    lots: dict[str, list[_Lot]] = field(default_factory=dict)
    flows: list[Flow] = field(default_factory=list)
    parked: dict[tuple[str, str], int] = field(default_factory=dict)
    rings: dict[str, _Ring] = field(default_factory=dict)
    beneficiary: set[str] = field(default_factory=set)
    offramp: set[str] = field(default_factory=set)
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)

    # ----- fraud rings --------------------------------------------------------------------
    def _ring(self, ring_id: str) -> _Ring:
        if ring_id in self.rings:
            return self.rings[ring_id]
        p, share = self.p, self.p.ring_tag_share
        n_coll = int(self.rng.integers(p.collection_wallets[0], p.collection_wallets[1] + 1))
        n_ben = int(self.rng.integers(p.beneficiaries[0], p.beneficiaries[1] + 1))
        ring = _Ring(
            [self.address("collection", ring_id) for _ in range(n_coll)],
            [self.address("merge", ring_id) for _ in range(p.merge_wallets)],
            [self.address("beneficiary", ring_id) for _ in range(n_ben)],
            [],
        )
        for addr in ring.collection:
            self._tag(addr, "Fraud collection wallet", "scam", ANALYST, share)
        for addr in ring.merge:
            self._tag(addr, "Laundering wallet", "dropper", ANALYST, share)
        for addr in ring.beneficiaries:
            self._tag(addr, "Fraud organiser wallet", "scam", ANALYST, share / 2)
        self.beneficiary.update(ring.beneficiaries)
        legit = legit_exchanges(p.exchange_mix)
        for _ in range(int(self.rng.integers(1, 3))):
            bad = self.rng.random() < p.sanctioned_offramp_share
            addr = self.deposit(ring_id, SANCTIONED[0] if bad else self._mix(legit))
            if addr not in self.offramp:
                ring.offramp.append(addr)
                self.offramp.add(addr)
        self.rings[ring_id] = ring
        return ring

    def add_cashout(
        self, ts_ms: int, cashout_id: str, ring_id: str, exchange: str, usdt: int
    ) -> None:
        """Schedule the exchange's (or P2P trader's) payout of ``usdt`` raw units at ``ts_ms``."""
        self._at(ts_ms, "cashout", cashout_id, ring_id, exchange, str(usdt))

    def _cashout(self, cashout_id: str, ring_id: str, exchange: str, usdt: int) -> None:
        ring = self._ring(ring_id)
        src = self._pick(self.traders if exchange.startswith("p2p") else self.hot_wallets(exchange))
        coll = self._pick(ring.collection)
        self.sources[cashout_id] = (src, coll)
        if usdt <= 0:
            return
        self._fund(src, usdt)
        txh, log_index = self._pay(src, coll, usdt)
        self.flows.append((cashout_id, 0, src, coll, usdt, txh, log_index))
        self.lots.setdefault(coll, []).append(_Lot(cashout_id, 1, usdt))
        if not ring.consolidating:
            ring.consolidating = True
            self._at(self._later(self.p.consolidation_hours), "consolidate", ring_id)

    def _move(self, src: str, dst: str, value: int) -> None:
        txh, log_index = self._pay(src, dst, value)
        queue, left = self.lots[src], value
        while left > 0:
            lot = queue[0]
            part = min(lot.value, left)
            self.flows.append((lot.cashout_id, lot.hop, src, dst, part, txh, log_index))
            if dst in self.offramp:
                key = (lot.cashout_id, dst)
                self.parked[key] = self.parked.get(key, 0) + part
            else:
                self.lots.setdefault(dst, []).append(_Lot(lot.cashout_id, lot.hop + 1, part))
            left -= part
            lot.value -= part
            if lot.value == 0:
                queue.pop(0)

    def _consolidate(self, ring_id: str) -> None:
        ring = self.rings[ring_id]
        ring.consolidating = False
        hub = self.address("intermediate", ring_id)
        self._tag(hub, "Laundering wallet", "dropper", ANALYST, self.p.ring_tag_share)
        for coll in ring.collection:
            held = self.ledger.balance(coll)
            if held > 0:
                self._move(coll, hub, held)
        lo, hi = self.p.intermediate_hops
        hops = int(self.rng.integers(lo, hi + 1))
        self._at(self._later(self.p.hop_delay_hours), "forward", ring_id, hub, str(hops - 1))

    def _forward(self, ring_id: str, addr: str, remaining: int) -> None:
        ring, p = self.rings[ring_id], self.p
        self.pending.discard(addr)
        held = self.ledger.balance(addr)
        if held <= 0:
            return
        if remaining <= 0:
            if self.rng.random() < p.offramp_share:
                dst = self._pick(ring.offramp)
                self._move(addr, dst, held)
                self._sweep_later(dst, p.sweep_delay_minutes, MINUTE_MS)
            else:
                self._move(addr, self._pick(ring.beneficiaries), held)
            return
        k = 1
        if self.rng.random() < p.split_probability:
            k = int(self.rng.integers(p.split_parts[0], p.split_parts[1] + 1))
        for part in _split(self.rng, held, k):
            merges = [m for m in ring.merge if m != addr]
            if merges and self.rng.random() < p.merge_probability:
                dst = self._pick(merges)
            else:
                dst = self.address("intermediate", ring_id)
                self._tag(dst, "Laundering wallet", "dropper", ANALYST, p.ring_tag_share)
            self._move(addr, dst, part)
            if dst not in self.pending:
                self.pending.add(dst)
                self._at(
                    self._later(p.hop_delay_hours), "forward", ring_id, dst, str(remaining - 1)
                )

    def _on_event(self, kind: str, args: tuple[str, ...]) -> None:
        if kind == "cashout":
            self._cashout(args[0], args[1], args[2], int(args[3]))
        elif kind == "consolidate":
            self._consolidate(args[0])
        else:
            self._forward(args[0], args[1], int(args[2]))

    def holdings(self) -> list[tuple[str, str, int, str]]:
        """Where each cash-out's money rests: ``(cashout_id, address, raw, role)`` rows."""
        rest: dict[tuple[str, str, str], int] = {}
        for addr, queue in self.lots.items():
            role = "beneficiary" if addr in self.beneficiary else "in_transit"
            for lot in queue:
                key = (lot.cashout_id, addr, role)
                rest[key] = rest.get(key, 0) + lot.value
        for (cid, addr), value in self.parked.items():
            rest[(cid, addr, "exchange_deposit")] = value
        return sorted((cid, addr, value, role) for (cid, addr, role), value in rest.items())


def _split(rng: np.random.Generator, value: int, k: int) -> list[int]:
    """``value`` in ``k`` parts, all but the last rounded to whole USDT (peel-chain style)."""
    if k <= 1 or value < 2 * k * USDT:
        return [value]
    shares = rng.dirichlet(np.full(k, 1.5))
    parts = [max(USDT, int(value * s) // USDT * USDT) for s in shares[:-1]]
    rest = value - sum(parts)
    return [*parts, rest] if rest > 0 else [value]
