"""The transfer history as arrays, indexed so that a trace touches only what it follows.

A trace asks two things, again and again: where is the transfer with this id, and what did
this account do after this moment. :class:`TransferIndex` answers both without scanning the
history:

- transfers sit in one global order (time, then the order they were given in): a transfer's
  *position* is its place in it, so "after" is a comparison of integers;
- every transfer is posted twice, out of its payer and into its payee; the postings are grouped
  by account (CSR: ``starts[a]:starts[a + 1]``) in global order, so an account's timeline after
  a moment is a binary search and a slice, whatever the size of the history;
- transfer ids are sorted once, so an id is found by binary search.

Building costs a few sorts (seconds per ten million transfers); a query costs the accounts it
visits.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from qorgan.core.iban import CASH, CRYPTO_PREFIX

I64 = NDArray[np.int64]
I32 = NDArray[np.int32]

OUTSIDE_NONE = 0
OUTSIDE_CASH = 1
OUTSIDE_CRYPTO = 2


@dataclass(frozen=True)
class TransferIndex:
    """A transfer history, ready to trace.

    Attributes:
        ids: transfer ids, in global order.
        ts_ms: epoch milliseconds, in global order (non-decreasing).
        src, dst: account codes of payer and payee, in global order.
        amount: tiyn, in global order.
        accounts: account reference of each code (IBAN, ``CASH``, ``CRYPTO:<exchange>``).
        outside: per code, ``OUTSIDE_CASH`` / ``OUTSIDE_CRYPTO`` for the ends that leave the
            banking system, else ``OUTSIDE_NONE``.
        starts: CSR offsets of each account's postings (length ``len(accounts) + 1``).
        posting: position of the transfer of each posting, grouped by account, in order.
        id_order: positions sorted by transfer id.
        business: per code, whether the account is a business's (from the accounts feed):
            payments to one are the holder's own spending, payments from one (salaries,
            refunds) the holder's own money. All false when the kinds are not known.
    """

    ids: pa.Array
    ts_ms: I64
    src: I32
    dst: I32
    amount: I64
    accounts: pa.Array
    outside: NDArray[np.int8]
    starts: I64
    posting: I64
    id_order: I64
    business: NDArray[np.bool_]

    @classmethod
    def build(cls, table: pa.Table, business: pa.Array | None = None) -> TransferIndex:
        """Index a table with the transfers feed's ``transfer_id, ts, from_account,
        to_account, amount`` (``ts`` a timestamp or epoch ms, ``amount`` decimal tenge or
        integer tiyn in a column ``amount_tiyn``); ``business``: the accounts of
        businesses, when known."""
        n = table.num_rows
        if "amount_tiyn" in table.column_names:
            amount = np.asarray(table.column("amount_tiyn").to_numpy(), dtype=np.int64)
        else:
            amount = _tiyn(table.column("amount"))
        ends = pc.dictionary_encode(
            pa.chunked_array(
                table.column("from_account").chunks + table.column("to_account").chunks
            )
        ).combine_chunks()
        codes = ends.indices.to_numpy(zero_copy_only=False).astype(np.int32)
        return cls.from_codes(
            table.column("transfer_id").combine_chunks(), _epoch_ms(table.column("ts")),
            codes[:n], codes[n:], amount, ends.dictionary, business,
        )  # fmt: skip

    @classmethod
    def from_codes(
        cls,
        ids: pa.Array,
        ts_ms: I64,
        src: I32,
        dst: I32,
        amount: I64,
        accounts: pa.Array,
        business: pa.Array | None = None,
    ) -> TransferIndex:
        """Index transfers whose ends are already codes into ``accounts`` (in any order)."""
        order = np.argsort(ts_ms, kind="stable")
        src, dst = src[order], dst[order]
        ids = ids.take(pa.array(order))
        starts, posting = _postings(src, dst, len(accounts))
        id_order = np.asarray(pc.sort_indices(ids), dtype=np.int64)
        if business is None:
            is_business = np.zeros(len(accounts), dtype=np.bool_)
        else:
            is_business = pc.is_in(accounts, value_set=business).to_numpy(zero_copy_only=False)
        return cls(ids, ts_ms[order], src, dst, amount[order], accounts, _outside(accounts),
                   starts, posting, id_order, is_business)  # fmt: skip

    def __len__(self) -> int:
        return len(self.ts_ms)

    def position(self, transfer_id: str) -> int | None:
        """The position of ``transfer_id``, or ``None`` when the history lacks it."""
        view = _IdView(self.ids, self.id_order)
        k = bisect_left(view, transfer_id)
        if k < len(view) and view[k] == transfer_id:
            return int(self.id_order[k])
        return None

    def account(self, code: int) -> str:
        """The account reference of a code."""
        return str(self.accounts[code].as_py())

    def timeline(self, code: int, after: int, before: int) -> I64:
        """Positions of ``code``'s transfers in ``(after, before)``, in order."""
        lo, hi = int(self.starts[code]), int(self.starts[code + 1])
        mine = self.posting[lo:hi]
        a = int(np.searchsorted(mine, after, side="right"))
        b = int(np.searchsorted(mine, before, side="left"))
        return mine[a:b]

    def when(self, position: int) -> datetime:
        """A position's time, UTC."""
        return datetime.fromtimestamp(int(self.ts_ms[position]) / 1000, tz=UTC)

    def first_at_or_after(self, ts_ms: int) -> int:
        """The first position at or after ``ts_ms``: the horizon of a trace as of then."""
        return int(np.searchsorted(self.ts_ms, ts_ms, side="left"))


class _IdView(Sequence[str]):
    """Transfer ids in sorted order, for :func:`bisect.bisect_left`."""

    def __init__(self, ids: pa.Array, order: I64) -> None:
        self._ids = ids
        self._order = order

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, k: int) -> str:  # type: ignore[override]
        return str(self._ids[int(self._order[k])].as_py())


def _postings(src: I32, dst: I32, n_accounts: int) -> tuple[I64, I64]:
    """CSR of postings by account: offsets, and transfer positions in order.

    One sort of ``account << 32 | position`` keys: no index array, so a 100M-transfer history
    sorts in place in 1.6 GB.
    """
    n = len(src)
    keys = np.empty(2 * n, dtype=np.int64)
    positions = np.arange(n, dtype=np.int64)
    np.bitwise_or(src.astype(np.int64) << 32, positions, out=keys[:n])
    np.bitwise_or(dst.astype(np.int64) << 32, positions, out=keys[n:])
    del positions
    keys.sort()
    counts = np.bincount(np.concatenate([src, dst]), minlength=n_accounts)
    starts = np.zeros(n_accounts + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    np.bitwise_and(keys, 0xFFFFFFFF, out=keys)
    return starts, keys


def _outside(accounts: pa.Array) -> NDArray[np.int8]:
    cash = pc.equal(accounts, CASH).to_numpy(zero_copy_only=False)
    crypto = pc.starts_with(accounts, CRYPTO_PREFIX).to_numpy(zero_copy_only=False)
    out = np.zeros(len(accounts), dtype=np.int8)
    out[cash] = OUTSIDE_CASH
    out[crypto] = OUTSIDE_CRYPTO
    return out


def _epoch_ms(column: pa.ChunkedArray) -> I64:
    if pa.types.is_timestamp(column.type):
        as_ms = pc.cast(column, pa.timestamp("ms", tz=column.type.tz), safe=False)
        return np.asarray(as_ms.cast(pa.int64()).to_numpy(), dtype=np.int64)
    return np.asarray(column.to_numpy(), dtype=np.int64)


def _tiyn(column: pa.ChunkedArray) -> I64:
    if pa.types.is_decimal(column.type):
        # A decimal with two places stores the amount in tiyn: read its low 64 bits.
        exact = pc.cast(column, pa.decimal128(38, 2)).combine_chunks()
        words = np.frombuffer(exact.buffers()[1], dtype=np.int64)
        return words[2 * exact.offset : 2 * (exact.offset + len(exact)) : 2].copy()
    if pa.types.is_integer(column.type):
        return np.asarray(column.to_numpy(), dtype=np.int64) * 100
    raise ValueError(f"amount column of type {column.type}: expected decimal tenge")
