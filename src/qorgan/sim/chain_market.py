"""The ordinary USDT market on TRON: exchanges, P2P traders, merchants and users.

:class:`Market` owns the clock, the event queue and the :class:`~qorgan.sim.tron.TokenLedger`
(which refuses to spend money an address does not hold). Exchanges keep a cold wallet that
refills their hot wallets; users withdraw, deposit (deposits are swept to a hot wallet),
pay each other and merchants, and trade with P2P traders, who receive from many and park
their excess at an exchange. :class:`qorgan.sim.chain_flows.Economy` adds the fraud rings.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from qorgan.sim.tron import MINT_ADDRESS, TokenLedger, new_address

if TYPE_CHECKING:
    from qorgan.sim.chain import ChainParams

EXCHANGE_NAMES = {
    "binance": "Binance", "bybit": "Bybit", "okx": "OKX", "htx": "HTX", "garantex": "Garantex",
}  # fmt: skip
"""Exchange slugs the simulator knows, with display names; ``garantex`` is sanctioned."""

SANCTIONED = ("garantex",)
ANALYST = "qorgan-sim-analyst"
USDT = 1_000_000
DAY_MS = 86_400_000
HOUR_MS = 3_600_000
MINUTE_MS = 60_000
_LOCAL_HOURS = np.array([1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 4.5, 5,
                         5, 5, 5, 5, 5, 5.5, 6, 6.5, 6.5, 6, 4, 2], dtype=float)  # fmt: skip
_UTC_OFFSET = 5  # Kazakhstan's local time is UTC+5
_SPENDING = ("deposit", "p2p_sell", "peer", "merchant")


@dataclass(slots=True)
class Market:
    """Exchanges, P2P traders, users and merchants moving USDT over time, event by event."""

    rng: np.random.Generator
    p: ChainParams
    start_ms: int
    end_ms: int
    ledger: TokenLedger = field(init=False)
    now: int = field(init=False)
    heap: list[tuple[int, int, str, tuple[str, ...]]] = field(default_factory=list)
    seq: int = 0
    known: set[str] = field(default_factory=lambda: {MINT_ADDRESS})
    wallets: list[tuple[str, str, str]] = field(default_factory=list)
    tags: list[tuple[str, str, str, str]] = field(default_factory=list)
    hot: dict[str, list[str]] = field(default_factory=dict)
    cold: dict[str, str] = field(default_factory=dict)
    home: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    hot_exchange: dict[str, str] = field(default_factory=dict)
    deposits: dict[tuple[str, str], str] = field(default_factory=dict)
    deposit_exchange: dict[str, str] = field(default_factory=dict)
    pending: set[str] = field(default_factory=set)
    users: list[str] = field(default_factory=list)
    traders: list[str] = field(default_factory=list)
    merchants: list[str] = field(default_factory=list)
    cumulative: dict[tuple[tuple[str, float], ...], list[float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ledger = TokenLedger(self.rng, self.start_ms, self.p.base_block)
        self.now = self.start_ms

    # ----- helpers ------------------------------------------------------------------------
    def _pick(self, items: list[str]) -> str:
        return items[int(self.rng.integers(len(items)))]

    def _mix(self, weights: tuple[tuple[str, float], ...]) -> str:
        if weights not in self.cumulative:
            self.cumulative[weights] = list(itertools.accumulate(w for _, w in weights))
        cum = self.cumulative[weights]
        k = bisect.bisect_right(cum, self.rng.random() * cum[-1])
        return weights[min(k, len(weights) - 1)][0]

    def _later(self, span: tuple[float, float], unit_ms: int = HOUR_MS) -> int:
        return self.now + int(self.rng.uniform(*span) * unit_ms)

    def _at(self, ts_ms: int, kind: str, *args: str) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (ts_ms, self.seq, kind, args))

    def _sweep_later(self, addr: str, span: tuple[float, float], unit_ms: int) -> None:
        if addr not in self.pending:
            self.pending.add(addr)
            self._at(self._later(span, unit_ms), "sweep", addr)

    def _pay(self, src: str, dst: str, value: int) -> tuple[str, int]:
        return self.ledger.transfer(self.now, src, dst, value)

    def _tag(self, addr: str, label: str, category: str, source: str, share: float) -> None:
        if self.rng.random() < share:
            self.tags.append((addr, label, category, source))

    # ----- addresses ----------------------------------------------------------------------
    def address(self, role: str, owner: str) -> str:
        """A fresh address, recorded in the wallets truth with its role and owner."""
        addr = new_address(self.rng)
        while addr in self.known:
            addr = new_address(self.rng)
        self.known.add(addr)
        self.wallets.append((addr, role, owner))
        return addr

    def hot_wallets(self, exchange: str) -> list[str]:
        """The exchange's hot wallets, opened (with a funded cold wallet) on first use."""
        if exchange not in self.hot:
            name = EXCHANGE_NAMES.get(exchange, exchange.title())
            bad = exchange in SANCTIONED
            category, source = (
                ("sanctioned", "sanctions-list") if bad else ("exchange", "public-labels")
            )
            cold = self.address("cold_wallet", exchange)
            self._tag(cold, f"{name} cold wallet", category, source, 1.0)
            self._pay(MINT_ADDRESS, cold, 20 * self.p.hot_float_usdt * USDT)
            wallets = [self.address("hot_wallet", exchange) for _ in range(self.p.hot_wallets)]
            for addr in wallets:
                self._tag(addr, f"{name} hot wallet", category, source, 1.0)
                self._pay(cold, addr, self.p.hot_float_usdt * USDT)
                self.hot_exchange[addr] = exchange
            self.cold[exchange], self.hot[exchange] = cold, wallets
        return self.hot[exchange]

    def deposit(self, owner: str, exchange: str) -> str:
        """``owner``'s deposit address at ``exchange``, opened on first use."""
        key = (owner, exchange)
        if key not in self.deposits:
            addr = self.address("deposit", f"{exchange}:{owner}")
            name = EXCHANGE_NAMES.get(exchange, exchange.title())
            if exchange in SANCTIONED:
                self._tag(addr, f"{name} deposit", "sanctioned", "sanctions-list", 0.5)
            else:
                self._tag(addr, f"{name} deposit", "exchange", "vendor-clustering",
                          self.p.deposit_tag_share)  # fmt: skip
            self.deposits[key] = addr
            self.deposit_exchange[addr] = exchange
        return self.deposits[key]

    def _fund(self, src: str, value: int) -> None:
        """Top ``src`` up so it can send ``value``: cold to hot, hot to trader, mint to cold."""
        short = value - self.ledger.balance(src)
        if short <= 0:
            return
        exchange = self.hot_exchange.get(src)
        if exchange is not None:  # a hot wallet: its exchange's cold wallet refills it
            cold = self.cold[exchange]
            top = short + self.p.hot_float_usdt * USDT
            if self.ledger.balance(cold) < top:
                self._pay(MINT_ADDRESS, cold, top * 20)
            self._pay(cold, src, top)
            return
        hot = self._pick(self.hot_wallets(self.home[src]))  # a trader buys at home
        self._fund(hot, 2 * short)
        self._pay(hot, src, 2 * short)

    def _party(self, role: str, name: str, exchanges: tuple[tuple[str, float], ...]) -> str:
        addr = self.address(role, name)
        self.names[addr], self.home[addr] = name, self._mix(exchanges)
        return addr

    # ----- background ---------------------------------------------------------------------
    def populate(self, days: int) -> None:
        """Open exchanges, traders, merchants and users, and schedule ordinary traffic."""
        p = self.p
        for exchange, _ in p.exchange_mix:
            self.hot_wallets(exchange)
        legit = legit_exchanges(p.exchange_mix)
        for k in range(p.p2p_traders):
            t = self._party("p2p_trader", f"trader:{k:03d}", legit)
            self._tag(t, "P2P trader (KZT)", "p2p", "public-labels", p.p2p_tag_share)
            self.traders.append(t)
            self._fund(t, int(self.rng.uniform(*p.p2p_float_usdt)) * USDT)
        for k in range(p.merchants):
            m = self._party("merchant", f"merchant:{k:03d}", legit)
            self._tag(m, "Payment processor", "other", "public-labels", 0.8)
            self.merchants.append(m)
        for k in range(p.background_wallets):
            u = self._party("user", f"user:{k:05d}", p.exchange_mix)
            self._tag(u, "Dropper wallet", "dropper", ANALYST, p.false_tag_share)
            self.users.append(u)
        names = [name for name, _ in p.background_mix]
        weights = np.array([w for _, w in p.background_mix], dtype=float)
        for day in range(days):
            n = int(self.rng.poisson(p.background_transfers_per_day))
            hours = self.rng.choice(24, size=n, p=_LOCAL_HOURS / _LOCAL_HOURS.sum())
            offsets = ((hours - _UTC_OFFSET) % 24) * HOUR_MS + self.rng.integers(HOUR_MS, size=n)
            actions = self.rng.choice(len(names), size=n, p=weights / weights.sum())
            day_ms = self.start_ms + day * DAY_MS
            for offset, action in zip(offsets.tolist(), actions.tolist(), strict=True):
                self._at(day_ms + offset, "bg", names[action])

    def _amount(self) -> int:
        p = self.p
        usdt = p.amount_median_usdt * math.exp(p.amount_sigma * self.rng.standard_normal())
        if self.rng.random() < p.round_amount_share:
            return max(10, round(usdt / 10) * 10) * USDT
        return max(100, round(usdt * 100)) * 10_000

    def _background(self, action: str) -> None:
        u = self._pick(self.users)
        held = self.ledger.balance(u)
        if action in _SPENDING and held < USDT:
            action = "withdraw" if self.rng.random() < 0.7 else "p2p_buy"
        value = self._amount()
        part = held if self.rng.random() < 0.4 else min(value, held)
        if action in ("withdraw", "p2p_buy"):
            src = self._pick(
                self.hot_wallets(self.home[u]) if action == "withdraw" else self.traders
            )
            self._fund(src, value)
            self._pay(src, u, value)
        elif action == "deposit":
            dst = self.deposit(self.names[u], self.home[u])
            self._pay(u, dst, part)
            self._sweep_later(dst, self.p.sweep_delay_minutes, MINUTE_MS)
        elif action == "p2p_sell":
            trader = self._pick(self.traders)
            self._pay(u, trader, part)
            excess = self.ledger.balance(trader) - 2 * int(self.p.p2p_float_usdt[1]) * USDT
            if excess > 0:
                dst = self.deposit(self.names[trader], self.home[trader])
                self._pay(trader, dst, excess)
                self._sweep_later(dst, self.p.sweep_delay_minutes, MINUTE_MS)
        elif action == "merchant":
            m = self._pick(self.merchants)
            self._pay(u, m, part)
            self._sweep_later(m, (6.0, 24.0), HOUR_MS)
        else:  # peer
            other = self._pick(self.users)
            if other != u:
                self._pay(u, other, part)

    def _sweep(self, addr: str) -> None:
        self.pending.discard(addr)
        held = self.ledger.balance(addr)
        if held <= 0:
            return
        exchange = self.deposit_exchange.get(addr)
        if exchange is not None:
            self._pay(addr, self._pick(self.hot_wallets(exchange)), held)
            return
        dst = self.deposit(self.names[addr], self.home[addr])
        self._pay(addr, dst, held)
        self._sweep_later(dst, self.p.sweep_delay_minutes, MINUTE_MS)

    def run(self) -> None:
        """Fire events in time order; only cash-out payouts happen after the window ends."""
        while self.heap:
            ts, _, kind, args = heapq.heappop(self.heap)
            if ts >= self.end_ms and kind != "cashout":
                continue
            self.now = max(self.now, ts)
            if kind == "bg":
                self._background(args[0])
            elif kind == "sweep":
                self._sweep(args[0])
            else:
                self._on_event(kind, args)

    def _on_event(self, kind: str, args: tuple[str, ...]) -> None:
        raise ValueError(f"no handler for event {kind!r} {args!r}")


def legit_exchanges(exchanges: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
    """``exchanges`` without the sanctioned ones (unless nothing else is left)."""
    return tuple(kv for kv in exchanges if kv[0] not in SANCTIONED) or exchanges
