"""TRON mechanics for the simulator: addresses, transaction hashes, blocks and a TRC20 log.

A TRON address is base58check over ``0x41`` followed by the 20-byte account id, with the first
four bytes of a double SHA-256 as checksum: 34 characters starting with ``T``. Blocks come
every three seconds. :class:`TokenLedger` is the chain as the simulator writes it: it keeps
balances, refuses any transfer that spends money an address does not hold at that moment, and
yields the ``token_transfers`` feed with block numbers, block timestamps and log indexes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import base58
import numpy as np
import pyarrow as pa

from qorgan.core.feeds import TOKEN_TRANSFERS, arrow_schema

USDT_TRC20 = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
"""Tether USD (USDT) TRC20 contract address on TRON mainnet."""

USDT_DECIMALS = 6
"""USDT on TRON counts in millionths: 1 USDT is 1 000 000 raw units."""

MINT_ADDRESS = "T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb"
"""The zero account (``0x41`` and 20 zero bytes): the sender of minted tokens."""

BLOCK_SECONDS = 3
"""TRON produces one block every three seconds."""

_ADDRESS_PREFIX = b"\x41"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_HASH_BATCH = 512


def new_address(rng: np.random.Generator) -> str:
    """A fresh, valid TRON address drawn from ``rng``.

    Args:
        rng: the only source of randomness.

    Returns:
        A 34-character base58check address starting with ``T``.
    """
    return base58.b58encode_check(_ADDRESS_PREFIX + rng.bytes(20)).decode("ascii")


def is_valid_tron_address(text: str) -> bool:
    """Whether ``text`` is a well-formed TRON address with a correct checksum.

    Args:
        text: the candidate address, exactly as written.

    Returns:
        True for 34 base58 characters decoding to ``0x41`` + 20 bytes with a valid checksum.
    """
    if len(text) != 34 or not text.startswith("T"):
        return False
    try:
        raw = base58.b58decode_check(text)
    except ValueError:
        return False
    return len(raw) == 21 and raw[:1] == _ADDRESS_PREFIX


def tx_hash(rng: np.random.Generator) -> str:
    """A transaction hash: 64 lower-case hex characters drawn from ``rng``."""
    return rng.bytes(32).hex()


def tx_hashes(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` transaction hashes drawn from ``rng`` at once (faster than one by one)."""
    blob = rng.bytes(32 * n).hex()
    return [blob[64 * k : 64 * (k + 1)] for k in range(n)]


def to_ms(ts: datetime) -> int:
    """Epoch milliseconds of a timezone-aware datetime.

    Raises:
        ValueError: ``ts`` is naive.
    """
    if ts.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return (ts - _EPOCH) // timedelta(milliseconds=1)


def from_ms(ms: int) -> datetime:
    """The UTC datetime of epoch milliseconds."""
    return _EPOCH + timedelta(milliseconds=ms)


class TokenLedger:
    """The TRC20 ``Transfer`` log of one token, written in time order with balances checked.

    Each call to :meth:`transfer` is one transaction with one log. Calls must come in
    non-decreasing time; a transfer lands in the block covering its time, and its
    ``block_timestamp`` is that block's time. Only :data:`MINT_ADDRESS` may send without
    holding the tokens (issuance).
    """

    def __init__(self, rng: np.random.Generator, start_ms: int, base_block: int) -> None:
        """Open an empty ledger.

        Args:
            rng: source of transaction hashes.
            start_ms: epoch milliseconds of block ``base_block``.
            base_block: the block height at ``start_ms``.
        """
        self._rng = rng
        self._start_ms = start_ms
        self._base_block = base_block
        self._balances: dict[str, int] = {}
        self._last_ms = start_ms
        self._last_block = -1
        self._next_log = 0
        self._cols: dict[str, list[object]] = {c.name: [] for c in TOKEN_TRANSFERS.columns}
        self._hashes: list[str] = []

    def balance(self, address: str) -> int:
        """Raw units ``address`` holds now."""
        return self._balances.get(address, 0)

    def transfer(self, ts_ms: int, src: str, dst: str, value: int) -> tuple[str, int]:
        """Record one transfer at ``ts_ms`` and return its ``(transaction_hash, log_index)``.

        Raises:
            ValueError: the value is not positive, time went backwards, ``src`` equals
                ``dst``, or ``src`` holds less than ``value`` (bugs in the caller).
        """
        if value <= 0:
            raise ValueError(f"transfer value must be positive, got {value}")
        if ts_ms < self._last_ms:
            raise ValueError("transfers must be recorded in time order")
        if src == dst:
            raise ValueError("a transfer needs two different addresses")
        if src != MINT_ADDRESS:
            held = self._balances.get(src, 0)
            if held < value:
                raise ValueError(f"{src} spends {value} but holds {held}")
            self._balances[src] = held - value
        self._balances[dst] = self._balances.get(dst, 0) + value
        self._last_ms = ts_ms
        block = self._base_block + (ts_ms - self._start_ms) // (BLOCK_SECONDS * 1000)
        if block != self._last_block:
            self._last_block, self._next_log = block, 0
        log_index = self._next_log
        self._next_log += 1
        if not self._hashes:
            self._hashes = tx_hashes(self._rng, _HASH_BATCH)[::-1]
        txh = self._hashes.pop()
        block_ms = self._start_ms + (block - self._base_block) * BLOCK_SECONDS * 1000
        for name, item in (
            ("token_address", USDT_TRC20),
            ("from_address", src),
            ("to_address", dst),
            ("value", str(value)),
            ("transaction_hash", txh),
            ("log_index", log_index),
            ("block_number", block),
            ("block_timestamp", block_ms),
        ):
            self._cols[name].append(item)
        return txh, log_index

    def table(self) -> pa.Table:
        """The ``token_transfers`` feed so far, in block and log order."""
        schema = arrow_schema(TOKEN_TRANSFERS)
        arrays = [
            pa.array(self._cols[f.name], type=pa.int64())
            if f.name == "block_timestamp"
            else pa.array(self._cols[f.name], type=f.type)
            for f in schema
        ]
        ts_col = arrays[schema.get_field_index("block_timestamp")].cast(
            schema.field("block_timestamp").type
        )
        arrays[schema.get_field_index("block_timestamp")] = ts_col
        return pa.Table.from_arrays(arrays, schema=schema)
