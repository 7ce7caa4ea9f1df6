"""The transfers feed and its truth, from a time-sorted ``TransferBatch``.

Accounts stay integer indices until here; this is where they become IBANs, ``CASH`` or
``CRYPTO:<exchange>``, and tiyn become decimal tenge.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from qorgan.core.feeds import TRANSFERS, arrow_schema
from qorgan.sim.banking import (
    CASH,
    CHANNEL_CODES,
    CRYPTO_BASE,
    EXCHANGES,
    I64,
    ORDINARY_KINDS,
    Accounts,
    TransferBatch,
    TransferKind,
)


def _ref_text(acc: Accounts, index: I64) -> pa.Array:
    text = acc.ibans(np.maximum(index, 0))
    special = pa.array(
        np.where(
            index == CASH,
            "CASH",
            np.asarray(["CRYPTO:" + e for e in EXCHANGES])[
                np.clip(CRYPTO_BASE - index, 0, len(EXCHANGES) - 1)
            ],
        )
    )
    return pc.if_else(pa.array(index >= 0), text, special)


def _ip_text(ip: I64) -> pa.Array:
    octets = [pc.cast(pa.array((ip >> shift) & 255), pa.string()) for shift in (24, 16, 8, 0)]
    return pc.if_else(
        pa.array(ip == 0), pa.scalar(None, pa.string()), pc.binary_join_element_wise(*octets, ".")
    )


def money(tiyn: I64 | list[int]) -> pa.Array:
    """Integer tiyn as decimal tenge (exact: decimal arithmetic, never floats)."""
    whole = pc.cast(pa.array(np.asarray(tiyn, dtype=np.int64)), pa.decimal128(20, 0))
    hundred = pa.scalar(Decimal(100), pa.decimal128(5, 0))
    return pc.cast(pc.divide(whole, hundred), pa.decimal128(20, 2))


def transfers_table(batch: TransferBatch, ids: pa.Array, acc: Accounts) -> pa.Table:
    """Feed rows of a sorted batch."""
    channels = pa.array(list(CHANNEL_CODES))
    device = pc.binary_join_element_wise("dev-", pc.cast(pa.array(batch.device), pa.string()), "")
    return pa.table(
        {
            "transfer_id": ids,
            "ts": pa.array(batch.ts, pa.timestamp("ms", tz="UTC")),
            "from_account": _ref_text(acc, batch.src),
            "to_account": _ref_text(acc, batch.dst),
            "amount": money(batch.amount),
            "currency": pa.array(np.full(len(batch), "KZT")),
            "channel": pc.take(channels, pa.array(batch.channel)),
            "device_id": pc.if_else(
                pa.array(batch.device == 0), pa.scalar(None, pa.string()), device
            ),
            "ip": _ip_text(batch.ip),
        },
        schema=arrow_schema(TRANSFERS),
    )


def transfers_truth(batch: TransferBatch, ids: pa.Array) -> pa.Table:
    """Truth rows for every transfer that is part of a fraud."""
    mask = ~np.isin(batch.kind, ORDINARY_KINDS)
    names = {int(k): k.name.lower() for k in TransferKind}
    return pa.table(
        {
            "transfer_id": pc.filter(ids, pa.array(mask)),
            "kind": [names[int(k)] for k in batch.kind[mask]],
            "ref": pa.array(batch.ref[mask]),
        },
        schema=TRANSFERS_TRUTH_SCHEMA,
    )


TRANSFERS_TRUTH_SCHEMA = pa.schema(
    [("transfer_id", pa.string()), ("kind", pa.string()), ("ref", pa.int64())]
)
