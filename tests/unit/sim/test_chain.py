"""USDT-TRC20 simulation: feeds, conservation, chronology and truth."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.core.errors import InvalidInput
from qorgan.core.feeds import TAG_CATEGORIES, TAGS, TOKEN_TRANSFERS, arrow_schema
from qorgan.sim.chain import (
    ChainParams,
    ChainWorld,
    CryptoCashout,
    daily_rates,
    generate_chain,
    usdt_bought,
)
from qorgan.sim.tron import MINT_ADDRESS, USDT_TRC20, is_valid_tron_address

START = datetime(2025, 3, 1, tzinfo=UTC)
SMALL = ChainParams(
    background_wallets=80, background_transfers_per_day=120, p2p_traders=4, merchants=2
)
EXCHANGES = ("binance", "bybit", "p2p_kz", "okx", "htx")


def _cashouts(seed: int, n: int = 30, days: int = 4) -> list[CryptoCashout]:
    rng = np.random.default_rng(seed)
    return [
        CryptoCashout(
            cashout_id=f"TR{k:06d}",
            ts=START + timedelta(minutes=int(rng.integers(0, days * 1440))),
            exchange=EXCHANGES[k % len(EXCHANGES)],
            amount_kzt=Decimal(int(rng.integers(20_000, 2_500_000))) + Decimal("0.50"),
            ring_id=f"RING{k % 3}",
        )
        for k in range(n)
    ]


def _world(seed: int = 1, params: ChainParams = SMALL, days: int = 4) -> ChainWorld:
    return generate_chain(np.random.default_rng(seed), params, START, days, _cashouts(seed))


WORLD = _world()


def _balances_never_negative(transfers: pa.Table) -> bool:
    balance: defaultdict[str, int] = defaultdict(int)
    for row in transfers.to_pylist():
        value = int(row["value"])
        balance[row["to_address"]] += value
        if row["from_address"] != MINT_ADDRESS:
            balance[row["from_address"]] -= value
            if balance[row["from_address"]] < 0:
                return False
    return True


def _holdings_match(world: ChainWorld) -> bool:
    held: defaultdict[str, int] = defaultdict(int)
    for row in world.truth_crypto_holdings.to_pylist():
        held[row["cashout_id"]] += row["value_raw"]
    bought = {r["cashout_id"]: r["usdt_raw"] for r in world.truth_crypto_cashouts.to_pylist()}
    return all(held[cid] == usdt for cid, usdt in bought.items())


def test_same_seed_gives_identical_tables_and_another_seed_does_not() -> None:
    again = _world()
    for name in ChainWorld.__slots__:
        assert getattr(WORLD, name).equals(getattr(again, name)), name
    assert not WORLD.token_transfers.equals(_world(2).token_transfers)


def test_feeds_have_exactly_the_contract_schemas() -> None:
    assert WORLD.token_transfers.schema == arrow_schema(TOKEN_TRANSFERS)
    assert WORLD.tags.schema == arrow_schema(TAGS)
    assert set(WORLD.tags.column("category").to_pylist()) <= set(TAG_CATEGORIES)
    assert set(WORLD.token_transfers.column("token_address").to_pylist()) == {USDT_TRC20}


def test_every_address_is_a_valid_tron_address() -> None:
    tt = WORLD.token_transfers
    addresses = set(tt.column("from_address").to_pylist()) | set(
        tt.column("to_address").to_pylist()
    )
    addresses |= set(WORLD.tags.column("address").to_pylist())
    assert all(is_valid_tron_address(a) for a in addresses)


def test_no_address_ever_spends_more_than_it_has_received() -> None:
    assert _balances_never_negative(WORLD.token_transfers)


def test_blocks_follow_time_at_three_seconds_and_log_indexes_are_unique() -> None:
    rows = WORLD.token_transfers.to_pylist()
    blocks = [r["block_number"] for r in rows]
    assert blocks == sorted(blocks)
    for r in rows:
        offset = r["block_timestamp"] - START
        assert r["block_number"] == SMALL.base_block + int(offset.total_seconds()) // 3
    keys = [(r["transaction_hash"], r["log_index"]) for r in rows]
    assert len(set(keys)) == len(keys)
    assert len({(r["block_number"], r["log_index"]) for r in rows}) == len(rows)


def test_holdings_sum_exactly_to_the_usdt_each_cashout_bought() -> None:
    assert _holdings_match(WORLD)
    for row in WORLD.truth_crypto_cashouts.to_pylist():
        assert row["usdt_raw"] == usdt_bought(
            row["amount_kzt"], row["rate_kzt_per_usdt"], row["premium"]
        )
    assert set(WORLD.truth_crypto_holdings.column("role").to_pylist()) <= {
        "beneficiary",
        "exchange_deposit",
        "in_transit",
    }


def test_truth_flows_are_shares_of_real_transfers() -> None:
    transfers = {
        (r["transaction_hash"], r["log_index"]): r for r in WORLD.token_transfers.to_pylist()
    }
    carried: defaultdict[tuple[str, int], int] = defaultdict(int)
    for flow in WORLD.truth_crypto_flows.to_pylist():
        key = (flow["transaction_hash"], flow["log_index"])
        assert transfers[key]["from_address"] == flow["from_address"]
        assert transfers[key]["to_address"] == flow["to_address"]
        carried[key] += flow["value"]
    assert all(int(transfers[k]["value"]) == v for k, v in carried.items())
    hops = Counter(WORLD.truth_crypto_flows.column("hop").to_pylist())
    assert hops[0] == len(_cashouts(1))
    assert max(hops) >= 3


def test_ordinary_traffic_outweighs_the_fraud_and_p2p_traders_receive_from_many() -> None:
    wallets = {r["address"]: r["role"] for r in WORLD.truth_crypto_wallets.to_pylist()}
    rows = WORLD.token_transfers.to_pylist()
    ordinary_roles = {"user", "merchant", "p2p_trader"}
    ordinary = sum(int(r["value"]) for r in rows if wallets.get(r["to_address"]) in ordinary_roles)
    fraud = sum(WORLD.truth_crypto_cashouts.column("usdt_raw").to_pylist())
    assert ordinary > 2 * fraud
    senders: defaultdict[str, set[str]] = defaultdict(set)
    for r in rows:
        if wallets.get(r["to_address"]) == "p2p_trader":
            senders[r["to_address"]].add(r["from_address"])
    assert max(len(s) for s in senders.values()) >= 5


def test_some_ring_wallets_and_all_hot_wallets_are_tagged() -> None:
    tags = WORLD.tags.to_pylist()
    assert any(t["category"] in ("scam", "dropper") for t in tags)
    assert any(t["label"] == "Binance hot wallet" for t in tags)
    assert any(t["category"] == "sanctioned" for t in tags)


def test_daily_rates_stay_within_bounds_and_p2p_costs_more() -> None:
    rates = daily_rates(np.random.default_rng(1), ChainParams(), 60)
    assert all(Decimal(480) <= r <= Decimal(520) for r in rates)
    cheap = usdt_bought(Decimal("500000"), Decimal("500"), Decimal("0.001"))
    dear = usdt_bought(Decimal("500000"), Decimal("500"), Decimal("0.025"))
    assert cheap == 999_000_999
    assert dear < cheap


def test_shifted_profile_changes_rates_and_laundering() -> None:
    shifted = _world(params=ChainParams.shifted(), days=4)
    assert _holdings_match(shifted)
    default_rates = WORLD.truth_crypto_cashouts.column("premium").to_pylist()
    assert shifted.truth_crypto_cashouts.column("premium").to_pylist() != default_rates
    assert ChainParams.shifted().intermediate_hops != ChainParams().intermediate_hops


def test_a_cashout_before_the_window_is_rejected() -> None:
    early = CryptoCashout("X1", START - timedelta(hours=1), "binance", Decimal(1000), "R")
    with pytest.raises(InvalidInput):
        generate_chain(np.random.default_rng(1), SMALL, START, 1, [early])


TINY = ChainParams(background_wallets=10, background_transfers_per_day=10, p2p_traders=2)


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 2 * 1440 + 600),
            st.integers(1, 50_000_000),
            st.sampled_from(EXCHANGES),
            st.integers(0, 3),
        ),
        max_size=12,
    ),
    st.integers(0, 2**32),
)
def test_money_is_conserved_for_any_list_of_cashouts(
    specs: list[tuple[int, int, str, int]], seed: int
) -> None:
    cashouts = [
        CryptoCashout(f"C{k}", START + timedelta(minutes=m), ex, Decimal(kzt), f"R{ring}")
        for k, (m, kzt, ex, ring) in enumerate(specs)
    ]
    world = generate_chain(np.random.default_rng(seed), TINY, START, 2, cashouts)
    assert _holdings_match(world)
    assert _balances_never_negative(world.token_transfers)


def test_reversed_ranges_and_shares_outside_one_are_refused() -> None:
    with pytest.raises(InvalidInput):
        ChainParams(intermediate_hops=(4, 1))
    with pytest.raises(InvalidInput):
        ChainParams(offramp_share=1.5)
    with pytest.raises(InvalidInput):
        ChainParams(p2p_traders=0)
