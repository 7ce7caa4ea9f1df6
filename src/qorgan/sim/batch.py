"""Columnar batches of simulated events, with their ground-truth labels beside them.

Generators fill ``CallBatch``/``SmsBatch`` with NumPy arrays (numbers as E.164 digits,
0 for none); the world sorts each hour's batch by time, numbers it, and turns it into the
feed's Arrow table and a truth table. Keeping numbers as integers until the end is what
makes a 100M-call day affordable.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum
from typing import Self

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from qorgan.core.feeds import CALLS, INGRESS, SMS, arrow_schema
from qorgan.sim.ids import OPERATORS

I64 = NDArray[np.int64]


class CallKind(IntEnum):
    """What a simulated call really is (``truth/calls``); ordinary calls are not listed."""

    ORDINARY = 0
    ROAMING_HOME = 1  # own subscriber abroad calling home: international ingress, KZ CLI
    FOREIGN_RELATIVE = 2  # relative abroad (Russia +7 9xx, Uzbekistan, ...) calling
    BUSINESS_INBOUND = 3  # business or service on a fixed line calling a subscriber
    CALL_CENTRE = 4
    TAXI = 5
    COURIER = 6
    BANK_OUTBOUND = 7
    CALLBACK = 8  # a customer calling a business line back
    FRAUD_SPOOF_INTL = 10  # fraud centre abroad, spoofed KZ CLI, international ingress
    FRAUD_SPOOF_VOIP = 11  # the same through a VoIP carrier
    FRAUD_SIMBOX = 12  # fraud call terminated through a SIM-box SIM
    SIMBOX_COVER = 13  # a stealthy box faking human traffic (incoming calls to its SIMs)


FRAUD_KINDS = frozenset(
    {CallKind.FRAUD_SPOOF_INTL, CallKind.FRAUD_SPOOF_VOIP, CallKind.FRAUD_SIMBOX}
)
INGRESS_CODE = {name: i for i, name in enumerate(INGRESS)}


@dataclass
class CallBatch:
    """Call attempts as parallel arrays; 0 means "none" for numbers, IMSIs and IMEIs."""

    ts: I64  # epoch milliseconds
    caller: I64
    callee: I64
    ingress: NDArray[np.int8]
    imsi: I64
    imei: I64
    cell: I64  # index into the cell plan, -1 for none
    answered: NDArray[np.bool_]
    duration: NDArray[np.int32]
    operator: NDArray[np.int8]
    kind: NDArray[np.int8]
    ref: I64  # what the truth row points at: box, organisation, subscriber ...
    victim: I64  # serial of the victim this call turned (0 for none)

    @classmethod
    def of(
        cls,
        ts: I64,
        caller: I64,
        callee: I64,
        ingress: str,
        operator: NDArray[np.integer] | int,
        kind: CallKind,
        **optional: NDArray[np.generic],
    ) -> Self:
        """A batch of ``len(ts)`` calls; ``optional`` columns default to none/unanswered."""
        n = len(ts)
        zeros = np.zeros(n, dtype=np.int64)
        return cls(
            ts=ts.astype(np.int64),
            caller=caller.astype(np.int64),
            callee=callee.astype(np.int64),
            ingress=np.full(n, INGRESS_CODE[ingress], dtype=np.int8),
            imsi=optional.get("imsi", zeros).astype(np.int64),
            imei=optional.get("imei", zeros).astype(np.int64),
            cell=optional.get("cell", zeros - 1).astype(np.int64),
            answered=optional.get("answered", zeros.astype(np.bool_)).astype(np.bool_),
            duration=optional.get("duration", zeros).astype(np.int32),
            operator=np.broadcast_to(np.asarray(operator, dtype=np.int8), (n,)).copy(),
            kind=np.full(n, int(kind), dtype=np.int8),
            ref=optional.get("ref", zeros).astype(np.int64),
            victim=optional.get("victim", zeros).astype(np.int64),
        )

    @classmethod
    def empty(cls) -> Self:
        none = np.zeros(0, dtype=np.int64)
        return cls.of(none, none, none, "radio", 0, CallKind.ORDINARY)

    def astype_columns(self) -> Self:
        self.ingress = self.ingress.astype(np.int8)
        self.answered = self.answered.astype(np.bool_)
        self.duration = self.duration.astype(np.int32)
        self.operator = self.operator.astype(np.int8)
        self.kind = self.kind.astype(np.int8)
        return self

    def __len__(self) -> int:
        return len(self.ts)

    @classmethod
    def concat(cls, parts: list[Self]) -> Self:
        parts = [p for p in parts if len(p)] or [cls.empty()]
        return cls(
            *(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls))
        ).astype_columns()

    def take(self, order: I64) -> Self:
        return type(self)(*(getattr(self, f.name)[order] for f in fields(self)))

    def sorted(self) -> Self:
        """Sorted by time, ties broken by caller, callee and kind (deterministic)."""
        order = np.lexsort((self.kind, self.callee, self.caller, self.ts))
        return self.take(order)


def _numbers(values: I64) -> pa.Array:
    text = pc.binary_join_element_wise("+", pc.cast(pa.array(values), pa.string()), "")
    return pc.if_else(pa.array(values == 0), pa.scalar(None, pa.string()), text)


def _digits_or_null(values: I64) -> pa.Array:
    return pc.if_else(
        pa.array(values == 0), pa.scalar(None, pa.string()), pc.cast(pa.array(values), pa.string())
    )


def record_ids(prefix: str, start: int, count: int, width: int = 11) -> pa.Array:
    """Ids like ``C00000000042`` for rows ``start .. start+count-1``."""
    text = pc.cast(pa.array(np.arange(start, start + count, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(text, width, "0"), "")


def calls_table(batch: CallBatch, ids: pa.Array, cell_ids: pa.Array) -> pa.Table:
    """The calls feed rows of a sorted batch."""
    cell = pa.array(batch.cell)
    cells = pc.if_else(
        pc.less(cell, 0),
        pa.scalar(None, pa.string()),
        pc.take(cell_ids, pc.max_element_wise(cell, 0)),
    )
    ingress = pc.take(pa.array(list(INGRESS)), pa.array(batch.ingress.astype(np.int64)))
    operators = pc.take(
        pa.array([o.slug for o in OPERATORS]), pa.array(batch.operator.astype(np.int64))
    )
    columns = {
        "call_id": ids,
        "ts": pa.array(batch.ts, pa.timestamp("ms", tz="UTC")),
        "caller": _numbers(batch.caller),
        "callee": _numbers(batch.callee),
        "ingress": ingress,
        "imsi": _digits_or_null(batch.imsi),
        "imei": _digits_or_null(batch.imei),
        "cell_id": cells,
        "answered": pa.array(batch.answered),
        "duration_s": pa.array(batch.duration.astype(np.int64)),
        "operator": operators,
    }
    return pa.table(columns, schema=arrow_schema(CALLS))


def calls_truth(batch: CallBatch, ids: pa.Array) -> pa.Table:
    """Truth rows for every call that is not ordinary: its kind and what it refers to."""
    mask = batch.kind != CallKind.ORDINARY
    kinds = [k.name.lower() for k in CallKind]
    codes = np.asarray([int(k) for k in CallKind])
    position = np.searchsorted(codes, batch.kind[mask].astype(np.int64))
    return pa.table(
        {
            "call_id": pc.filter(ids, pa.array(mask)),
            "kind": pc.take(pa.array(kinds), pa.array(position)),
            "fraud": pa.array(np.isin(batch.kind[mask], [int(k) for k in FRAUD_KINDS])),
            "ref": pa.array(batch.ref[mask]),
            "victim": pa.array(batch.victim[mask]),
        }
    )


SMS_SCHEMA = arrow_schema(SMS)
