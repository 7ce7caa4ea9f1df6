"""TRON addresses, hashes and the TRC20 ledger the simulator writes through."""

from __future__ import annotations

from datetime import UTC, datetime

import base58
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.core.feeds import TOKEN_TRANSFERS, arrow_schema
from qorgan.sim.tron import (
    MINT_ADDRESS,
    USDT_TRC20,
    TokenLedger,
    from_ms,
    is_valid_tron_address,
    new_address,
    to_ms,
    tx_hash,
)

START = datetime(2025, 3, 1, tzinfo=UTC)


def test_new_address_is_a_valid_34_character_t_address() -> None:
    addr = new_address(np.random.default_rng(1))
    assert len(addr) == 34
    assert addr.startswith("T")
    assert is_valid_tron_address(addr)


def test_same_seed_gives_same_addresses_and_another_seed_does_not() -> None:
    first = [new_address(np.random.default_rng(5)) for _ in range(3)]
    again = [new_address(np.random.default_rng(5)) for _ in range(3)]
    other = new_address(np.random.default_rng(6))
    assert first == again
    assert other != first[0]


def test_known_addresses_validate_and_broken_ones_do_not() -> None:
    assert is_valid_tron_address(USDT_TRC20)
    assert is_valid_tron_address(MINT_ADDRESS)
    assert not is_valid_tron_address(USDT_TRC20[:-1])
    assert not is_valid_tron_address(USDT_TRC20[:-1] + "u")
    assert not is_valid_tron_address("0" + USDT_TRC20[1:])
    bitcoin_style = base58.b58encode_check(b"\x00" + bytes(20)).decode()
    assert not is_valid_tron_address(bitcoin_style)


@settings(max_examples=60, deadline=None)
@given(account=st.binary(min_size=20, max_size=20), spot=st.integers(1, 33))
def test_any_account_round_trips_and_a_changed_character_breaks_the_checksum(
    account: bytes, spot: int
) -> None:
    addr = base58.b58encode_check(b"\x41" + account).decode()
    assert is_valid_tron_address(addr)
    assert base58.b58decode_check(addr)[1:] == account
    swapped = "2" if addr[spot] != "2" else "3"
    assert not is_valid_tron_address(addr[:spot] + swapped + addr[spot + 1 :])


def test_transaction_hashes_are_64_lower_case_hex_characters() -> None:
    h = tx_hash(np.random.default_rng(3))
    assert len(h) == 64
    assert int(h, 16) >= 0
    assert h == h.lower()


def test_milliseconds_round_trip_exactly() -> None:
    ts = datetime(2025, 3, 1, 12, 30, 15, 123000, tzinfo=UTC)
    assert from_ms(to_ms(ts)) == ts


def test_ledger_refuses_to_spend_money_an_address_does_not_hold() -> None:
    rng = np.random.default_rng(1)
    a, b = new_address(rng), new_address(rng)
    ledger = TokenLedger(rng, to_ms(START), 70_000_000)
    ledger.transfer(to_ms(START), MINT_ADDRESS, a, 100)
    with pytest.raises(ValueError, match="holds 100"):
        ledger.transfer(to_ms(START), a, b, 101)


def test_ledger_refuses_to_go_back_in_time() -> None:
    rng = np.random.default_rng(1)
    a = new_address(rng)
    ledger = TokenLedger(rng, to_ms(START), 70_000_000)
    ledger.transfer(to_ms(START) + 5000, MINT_ADDRESS, a, 1)
    with pytest.raises(ValueError, match="time order"):
        ledger.transfer(to_ms(START), MINT_ADDRESS, a, 1)


def test_ledger_puts_transfers_in_three_second_blocks_with_per_block_log_indexes() -> None:
    rng = np.random.default_rng(1)
    a, b = new_address(rng), new_address(rng)
    ledger = TokenLedger(rng, to_ms(START), 70_000_000)
    ledger.transfer(to_ms(START), MINT_ADDRESS, a, 10)
    ledger.transfer(to_ms(START) + 1000, a, b, 4)
    ledger.transfer(to_ms(START) + 10_000, b, a, 4)
    table = ledger.table()
    assert table.schema == arrow_schema(TOKEN_TRANSFERS)
    assert table.column("block_number").to_pylist() == [70_000_000, 70_000_000, 70_000_003]
    assert table.column("log_index").to_pylist() == [0, 1, 0]
    assert table.column("block_timestamp").to_pylist()[2] == from_ms(to_ms(START) + 9000)
    assert table.column("value").to_pylist() == ["10", "4", "4"]
    assert ledger.balance(a) == 10
