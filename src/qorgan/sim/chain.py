"""USDT on TRON for the crypto cash-out: exchanges, P2P traders, users, and fraud rings.

Each crypto cash-out is a bank transfer to ``CRYPTO:<exchange>`` that bought USDT at the
day's KZT rate (P2P traders charge a premium). The exchange's hot wallet, or the P2P trader's
wallet, sends the USDT to one of the ring's collection wallets. The ring consolidates its
collection wallets every few hours, peels the money through 1-4 intermediate wallets with
splits and merges (shared merge wallets mix several cash-outs), and finally parks it in the
organisers' beneficiary wallets or deposits it to an exchange deposit address (off-ramp,
sometimes at a sanctioned exchange). Around it runs ordinary traffic several times larger:
withdrawals, deposits and sweeps, users paying each other and merchants, and P2P traders who
legitimately receive from many (hard negatives).

Truth: every fraud movement per cash-out and hop, and where each cash-out's USDT rests at the
end, summing exactly to the raw units it bought. The event loop is in
:mod:`qorgan.sim.chain_flows`, the ledger in :mod:`qorgan.sim.tron`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

import numpy as np
import pyarrow as pa

from qorgan.core.errors import InvalidInput
from qorgan.core.feeds import TAGS, arrow_schema
from qorgan.sim.chain_flows import Economy
from qorgan.sim.chain_market import DAY_MS, EXCHANGE_NAMES, MINUTE_MS, USDT
from qorgan.sim.tron import to_ms

__all__ = [
    "EXCHANGE_NAMES",
    "ChainParams",
    "ChainWorld",
    "CryptoCashout",
    "daily_rates",
    "generate_chain",
    "usdt_bought",
]

Mix = tuple[tuple[str, float], ...]
_CENT = Decimal("0.01")
_POSITIVE = ("collection_wallets", "intermediate_hops", "beneficiaries",
             "hot_wallets", "p2p_traders", "merchants", "background_wallets")  # fmt: skip


@dataclass(frozen=True, slots=True)
class ChainParams:
    """How the chain behaves. Defaults are the ``default`` profile.

    Attributes:
        base_block: TRON block height at the window's start (a block every 3 s after).
        rate_kzt_per_usdt: the KZT/USDT rate on day 0.
        rate_daily_sigma: standard deviation of the rate's daily log change.
        rate_bounds: the rate stays within these.
        p2p_premium: P2P traders sell USDT this much above the rate.
        exchange_fee: exchanges sell USDT this much above the rate.
        withdrawal_delay_minutes: from the bank transfer to the USDT payout.
        collection_wallets: range of a ring's collection wallets (inclusive).
        consolidation_hours: from a payout to the ring sweeping its collection wallets.
        intermediate_hops: range of intermediate wallets between collection and rest.
        hop_delay_hours: time a wallet holds money before passing it on.
        split_probability: chance that a hop splits the money.
        split_parts: range of parts a split makes.
        merge_probability: chance that a part goes to one of the ring's merge wallets,
            where it mixes with other cash-outs.
        merge_wallets: merge wallets per ring.
        beneficiaries: range of organiser (beneficiary) wallets per ring.
        offramp_share: chance that money ends at an exchange deposit rather than resting.
        sanctioned_offramp_share: chance that a ring's off-ramp account is at the sanctioned
            exchange.
        ring_tag_share: share of ring wallets an analyst has tagged (scam or dropper).
        exchange_mix: exchanges and their weights for users' accounts and withdrawals.
        hot_wallets: hot wallets per exchange.
        hot_float_usdt: USDT a hot wallet is refilled to hold above a payout.
        p2p_traders: number of P2P traders.
        p2p_float_usdt: range of a trader's opening USDT inventory.
        p2p_tag_share: share of traders publicly labelled.
        merchants: payment-processor wallets that receive from many users.
        background_wallets: ordinary users.
        background_transfers_per_day: mean ordinary transfers started per day (the knob for
            scale; sweeps and refills come on top).
        background_mix: weights of ordinary actions: ``withdraw``, ``deposit``, ``p2p_buy``,
            ``p2p_sell``, ``peer``, ``merchant``.
        amount_median_usdt: median ordinary transfer in USDT (log-normal).
        amount_sigma: log-normal sigma of ordinary transfers.
        round_amount_share: share of ordinary transfers in round tens of USDT.
        sweep_delay_minutes: from a deposit to the exchange sweeping it to a hot wallet.
        deposit_tag_share: share of deposit addresses a vendor has clustered and labelled.
        false_tag_share: share of ordinary users wrongly tagged as droppers.
    """

    base_block: int = 70_000_000
    rate_kzt_per_usdt: float = 500.0
    rate_daily_sigma: float = 0.004
    rate_bounds: tuple[float, float] = (480.0, 520.0)
    p2p_premium: float = 0.025
    exchange_fee: float = 0.001
    withdrawal_delay_minutes: tuple[float, float] = (2.0, 45.0)
    collection_wallets: tuple[int, int] = (1, 3)
    consolidation_hours: tuple[float, float] = (1.0, 12.0)
    intermediate_hops: tuple[int, int] = (1, 4)
    hop_delay_hours: tuple[float, float] = (0.25, 8.0)
    split_probability: float = 0.35
    split_parts: tuple[int, int] = (2, 3)
    merge_probability: float = 0.25
    merge_wallets: int = 2
    beneficiaries: tuple[int, int] = (1, 3)
    offramp_share: float = 0.45
    sanctioned_offramp_share: float = 0.1
    ring_tag_share: float = 0.2
    exchange_mix: Mix = (
        ("binance", 0.45), ("bybit", 0.25), ("okx", 0.15), ("htx", 0.1), ("garantex", 0.05),
    )  # fmt: skip
    hot_wallets: int = 3
    hot_float_usdt: int = 5_000_000
    p2p_traders: int = 12
    p2p_float_usdt: tuple[int, int] = (20_000, 150_000)
    p2p_tag_share: float = 0.5
    merchants: int = 6
    background_wallets: int = 600
    background_transfers_per_day: int = 300
    background_mix: Mix = (
        ("withdraw", 0.28), ("deposit", 0.24), ("p2p_buy", 0.12), ("p2p_sell", 0.1),
        ("peer", 0.18), ("merchant", 0.08),
    )  # fmt: skip
    amount_median_usdt: float = 120.0
    amount_sigma: float = 1.3
    round_amount_share: float = 0.5
    sweep_delay_minutes: tuple[float, float] = (5.0, 180.0)
    deposit_tag_share: float = 0.3
    false_tag_share: float = 0.01

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            pair = isinstance(v, tuple) and len(v) == 2 and not isinstance(v[0], tuple)
            if (
                (pair and not 0 <= v[0] <= v[1])
                or (f.name.endswith(("_share", "_probability")) and not 0 <= v <= 1)
                or (f.name in _POSITIVE and (v[0] if pair else v) < 1)
            ):
                raise InvalidInput(f"ChainParams.{f.name} = {v!r} is out of range")

    @classmethod
    def shifted(cls) -> ChainParams:
        """A second profile: dearer USDT, longer and splittier chains, fewer tags."""
        return cls(
            base_block=72_500_000,
            rate_kzt_per_usdt=505.0,
            rate_daily_sigma=0.008,
            rate_bounds=(485.0, 530.0),
            p2p_premium=0.04,
            exchange_fee=0.002,
            withdrawal_delay_minutes=(1.0, 120.0),
            collection_wallets=(2, 5),
            consolidation_hours=(0.25, 3.0),
            intermediate_hops=(2, 4),
            hop_delay_hours=(0.05, 2.0),
            split_probability=0.6,
            split_parts=(2, 4),
            merge_probability=0.1,
            merge_wallets=1,
            beneficiaries=(2, 4),
            offramp_share=0.7,
            sanctioned_offramp_share=0.25,
            ring_tag_share=0.08,
            exchange_mix=(
                ("binance", 0.3), ("bybit", 0.3), ("okx", 0.2), ("htx", 0.12), ("garantex", 0.08),
            ),
            hot_wallets=2,
            p2p_traders=20,
            p2p_float_usdt=(5_000, 80_000),
            p2p_tag_share=0.25,
            merchants=10,
            background_wallets=900,
            background_transfers_per_day=450,
            background_mix=(
                ("withdraw", 0.22), ("deposit", 0.2), ("p2p_buy", 0.18), ("p2p_sell", 0.16),
                ("peer", 0.16), ("merchant", 0.08),
            ),
            amount_median_usdt=200.0,
            amount_sigma=1.1,
            round_amount_share=0.3,
            deposit_tag_share=0.15,
            false_tag_share=0.02,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class CryptoCashout:
    """A bank transfer that bought USDT for a fraud ring.

    Attributes:
        cashout_id: the bank ``transfer_id`` whose ``to_account`` is ``CRYPTO:<exchange>``.
        ts: when the bank transfer happened (tz-aware UTC).
        exchange: ``binance``, ``bybit``, ``okx``, ``htx`` or ``p2p_kz`` (any slug starting
            with ``p2p`` is a P2P trader; an unknown exchange gets its own wallets).
        amount_kzt: tenge paid.
        ring_id: the fraud ring that receives the USDT.
    """

    cashout_id: str
    ts: datetime
    exchange: str
    amount_kzt: Decimal
    ring_id: str


@dataclass(frozen=True, slots=True)
class ChainWorld:
    """The simulated chain: two feeds and four truth tables.

    Attributes:
        token_transfers: the ``token_transfers`` feed (USDT-TRC20).
        tags: the ``tags`` feed (public labels, a vendor, an analyst, a sanctions list).
        truth_crypto_flows: ``cashout_id, hop, from_address, to_address, value,
            transaction_hash, log_index``: each cash-out's share (``value``, raw units) of each
            fraud transfer; hop 0 is the payout to the collection wallet.
        truth_crypto_holdings: ``cashout_id, ring_id, address, value_raw, role`` with role
            ``beneficiary``, ``exchange_deposit`` or ``in_transit`` (still moving at the end);
            per cash-out the rows sum to its ``usdt_raw``.
        truth_crypto_cashouts: ``cashout_id, ring_id, exchange, ts, amount_kzt,
            rate_kzt_per_usdt, premium, usdt_raw, source_address, collection_address``.
        truth_crypto_wallets: ``address, role, owner`` for every address.
    """

    token_transfers: pa.Table
    tags: pa.Table
    truth_crypto_flows: pa.Table
    truth_crypto_holdings: pa.Table
    truth_crypto_cashouts: pa.Table
    truth_crypto_wallets: pa.Table


def daily_rates(rng: np.random.Generator, params: ChainParams, days: int) -> list[Decimal]:
    """KZT per USDT for each day: a random walk from the base rate, kept within bounds."""
    lo, hi = params.rate_bounds
    steps = rng.normal(0.0, params.rate_daily_sigma, max(days, 1))
    steps[0] = 0.0
    walk = params.rate_kzt_per_usdt * np.exp(np.cumsum(steps))
    return [Decimal(f"{min(max(float(x), lo), hi):.2f}") for x in walk]


def usdt_bought(amount_kzt: Decimal, rate: Decimal, premium: Decimal) -> int:
    """Raw USDT units bought with ``amount_kzt`` at ``rate * (1 + premium)``, rounded down."""
    price = rate * (1 + premium)
    return int((amount_kzt * USDT / price).to_integral_value(rounding=ROUND_FLOOR))


def _check(start: datetime, days: int, cashouts: Sequence[CryptoCashout]) -> None:
    if start.tzinfo is None or days < 1:
        raise InvalidInput("the chain needs a tz-aware start and at least one day")
    ids = [c.cashout_id for c in cashouts]
    if len(set(ids)) != len(ids):
        raise InvalidInput("cash-out ids must be unique")
    for c in cashouts:
        if c.ts.tzinfo is None or c.ts < start or c.amount_kzt <= 0:
            raise InvalidInput(f"cash-out {c.cashout_id}: needs a tz-aware ts after start "
                               "and a positive amount")  # fmt: skip


def generate_chain(
    rng: np.random.Generator,
    params: ChainParams,
    start: datetime,
    days: int,
    cashouts: Sequence[CryptoCashout],
) -> ChainWorld:
    """Simulate USDT-TRC20 over ``days`` from ``start`` around the given cash-outs.

    Args:
        rng: the only source of randomness.
        params: the profile.
        start: tz-aware start of the window.
        days: window length; ordinary traffic and laundering stop at its end, but every
            cash-out is still paid out (at its time at the latest).
        cashouts: the crypto cash-outs made by the banking simulation.

    Returns:
        The feeds and truth tables.

    Raises:
        InvalidInput: naive times, days < 1, duplicate ids, a cash-out before ``start`` or
            a non-positive amount.
    """
    _check(start, days, cashouts)
    start_ms = to_ms(start)
    end_ms = start_ms + days * DAY_MS
    ordered = sorted(cashouts, key=lambda c: (to_ms(c.ts), c.cashout_id))
    last_day = max([days] + [(to_ms(c.ts) - start_ms) // DAY_MS + 1 for c in ordered])
    rates = daily_rates(rng, params, last_day)
    eco = Economy(rng, params, start_ms, end_ms)
    eco.populate(days)
    bought: list[tuple[CryptoCashout, Decimal, Decimal, int]] = []
    for c in ordered:
        rate = rates[(to_ms(c.ts) - start_ms) // DAY_MS]
        fee = params.p2p_premium if c.exchange.startswith("p2p") else params.exchange_fee
        premium = Decimal(str(fee))
        usdt = usdt_bought(c.amount_kzt, rate, premium)
        ts = to_ms(c.ts) + int(rng.uniform(*params.withdrawal_delay_minutes) * MINUTE_MS)
        eco.add_cashout(max(to_ms(c.ts), min(ts, end_ms - 1)), c.cashout_id, c.ring_id,
                        c.exchange, usdt)  # fmt: skip
        bought.append((c, rate, premium, usdt))
    eco.run()
    return _world(eco, bought)


def _table(columns: dict[str, tuple[pa.DataType, list[object]]]) -> pa.Table:
    schema = pa.schema([pa.field(k, t, nullable=False) for k, (t, _) in columns.items()])
    return pa.Table.from_pydict({k: v for k, (_, v) in columns.items()}, schema=schema)


def _columns(rows: Sequence[tuple[object, ...]], width: int) -> list[list[object]]:
    return [[row[k] for row in rows] for k in range(width)]


def _world(eco: Economy, bought: list[tuple[CryptoCashout, Decimal, Decimal, int]]) -> ChainWorld:
    s, i, dec = pa.string(), pa.int64(), pa.decimal128(20, 2)
    ring_of = {c.cashout_id: c.ring_id for c, *_ in bought}
    flows = _columns(eco.flows, 7)
    held = _columns(eco.holdings(), 4)
    wallets = _columns(eco.wallets, 3)
    tags = _columns(eco.tags, 4)
    tag_schema = arrow_schema(TAGS)
    cash = _columns([(c.cashout_id, c.ring_id, c.exchange, c.ts) for c, *_ in bought], 4)
    return ChainWorld(
        token_transfers=eco.ledger.table(),
        tags=pa.Table.from_pydict(
            {f.name: tags[k] for k, f in enumerate(tag_schema)}, schema=tag_schema
        ),
        truth_crypto_flows=_table(
            {
                "cashout_id": (s, flows[0]),
                "hop": (i, flows[1]),
                "from_address": (s, flows[2]),
                "to_address": (s, flows[3]),
                "value": (i, flows[4]),
                "transaction_hash": (s, flows[5]),
                "log_index": (i, flows[6]),
            }
        ),
        truth_crypto_holdings=_table(
            {
                "cashout_id": (s, held[0]),
                "ring_id": (s, [ring_of[str(c)] for c in held[0]]),
                "address": (s, held[1]),
                "value_raw": (i, held[2]),
                "role": (s, held[3]),
            }
        ),
        truth_crypto_cashouts=_table(
            {
                "cashout_id": (s, cash[0]),
                "ring_id": (s, cash[1]),
                "exchange": (s, cash[2]),
                "ts": (pa.timestamp("ms", tz="UTC"), cash[3]),
                "amount_kzt": (dec, [c.amount_kzt.quantize(_CENT) for c, *_ in bought]),
                "rate_kzt_per_usdt": (dec, [r for _, r, _, _ in bought]),
                "premium": (pa.decimal128(6, 4), [p for _, _, p, _ in bought]),
                "usdt_raw": (i, [u for *_, u in bought]),
                "source_address": (s, [eco.sources[str(c)][0] for c in cash[0]]),
                "collection_address": (s, [eco.sources[str(c)][1] for c in cash[0]]),
            }
        ),
        truth_crypto_wallets=_table(
            {"address": (s, wallets[0]), "role": (s, wallets[1]), "owner": (s, wallets[2])}
        ),
    )
