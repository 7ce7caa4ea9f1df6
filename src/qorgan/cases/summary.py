"""A trace and its freeze orders as the JSON of ``qorgan trace funds`` (docs/tracing.md).

Readable rather than compact (the case store keeps the compact form, ``codec``): amounts are
decimal tenge strings, times ISO 8601 UTC, every list ordered deterministically.
"""

from __future__ import annotations

from typing import Any

from qorgan.cases.freeze import FreezeOrder, orders_json
from qorgan.core.money import from_tiyn
from qorgan.tracing.result import Trace


def tenge(tiyn: int) -> str:
    """Integer tiyn as a decimal tenge string (``"1250.00"``)."""
    return str(from_tiyn(tiyn))


def trace_summary(trace: Trace, orders: list[FreezeOrder], hops: bool = True) -> dict[str, Any]:
    """One report's trace: where the money is, what left, what could not be placed, and the
    freeze orders — the object ``qorgan trace funds`` writes per report."""
    summary: dict[str, Any] = {
        "report_id": trace.report_id,
        "victim_account": trace.victim_account,
        "as_of": trace.as_of.isoformat(),
        "rule": trace.rule.value,
        "loss": tenge(trace.loss),
        "held": tenge(trace.held),
        "cashed_out": tenge(trace.cashed_out),
        "unresolved": tenge(trace.unresolved),
        "missing_transfers": list(trace.missing_transfers),
        "holdings": [
            {
                "account": h.account,
                "bank": h.bank,
                "amount": tenge(h.amount),
                "since": h.since.isoformat(),
                "depth": h.depth,
            }
            for h in trace.holdings
        ],
        "cash_outs": [
            {
                "transfer_id": c.transfer_id,
                "ts": c.ts.isoformat(),
                "account": c.account,
                "bank": c.bank,
                "kind": c.kind.value,
                "destination": c.destination,
                "amount": tenge(c.amount),
            }
            for c in trace.cash_outs
        ],
        "freeze_orders": orders_json(orders),
    }
    if hops:
        summary["hops"] = [
            {
                "transfer_id": h.transfer_id,
                "ts": h.ts.isoformat(),
                "from_account": h.from_account,
                "to_account": h.to_account,
                "amount": tenge(h.amount),
                "transfer_amount": tenge(h.transfer_amount),
                "depth": h.depth,
                "rule": h.rule.value,
            }
            for h in trace.hops
        ]
    return summary
