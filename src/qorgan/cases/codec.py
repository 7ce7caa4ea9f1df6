"""A trace as plain JSON and back, so a case keeps the exact trace its orders came from.

Amounts stay integer tiyn (exact, no floats); times are ISO 8601 UTC strings.

>>> from datetime import UTC, datetime
>>> from qorgan.tracing.result import Rule, Trace
>>> t = Trace("R1", "KZ1", datetime(2025, 1, 1, tzinfo=UTC), Rule.FIFO, 5, (), (), (), 5)
>>> trace_from_json(trace_to_json(t)) == t
True
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from qorgan.core.errors import InvalidInput
from qorgan.tracing.result import CashOut, CashOutKind, Holding, Hop, Rule, Trace


def trace_to_json(trace: Trace) -> dict[str, Any]:
    """The trace as JSON-ready values."""
    return {
        "report_id": trace.report_id,
        "victim_account": trace.victim_account,
        "as_of": trace.as_of.isoformat(),
        "rule": trace.rule.value,
        "loss": trace.loss,
        "unresolved": trace.unresolved,
        "missing_transfers": list(trace.missing_transfers),
        "holdings": [
            [h.account, h.bank, h.amount, h.since.isoformat(), h.depth] for h in trace.holdings
        ],
        "cash_outs": [
            [
                c.transfer_id,
                c.ts.isoformat(),
                c.account,
                c.bank,
                c.kind.value,
                c.destination,
                c.amount,
            ]
            for c in trace.cash_outs
        ],
        "hops": [
            [
                h.transfer_id,
                h.ts.isoformat(),
                h.from_account,
                h.to_account,
                h.amount,
                h.transfer_amount,
                h.depth,
                h.rule.value,
            ]
            for h in trace.hops
        ],
    }


def trace_from_json(data: Mapping[str, Any]) -> Trace:
    """The trace that :func:`trace_to_json` wrote.

    Raises:
        InvalidInput: the JSON is not a trace.
    """
    try:
        return Trace(
            report_id=str(data["report_id"]),
            victim_account=str(data["victim_account"]),
            as_of=_when(data["as_of"]),
            rule=Rule(data["rule"]),
            loss=int(data["loss"]),
            holdings=tuple(
                Holding(a, b, int(amt), _when(since), int(d))
                for a, b, amt, since, d in data["holdings"]
            ),
            cash_outs=tuple(
                CashOut(t, _when(ts), a, b, CashOutKind(k), dest, int(amt))
                for t, ts, a, b, k, dest, amt in data["cash_outs"]
            ),
            hops=tuple(
                Hop(t, _when(ts), f, to, int(amt), int(whole), int(d), Rule(r))
                for t, ts, f, to, amt, whole, d, r in data["hops"]
            ),
            unresolved=int(data["unresolved"]),
            missing_transfers=tuple(str(t) for t in data.get("missing_transfers", ())),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput(f"not a stored trace: {error}") from None


def _when(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"naive time {text}")
    return value
