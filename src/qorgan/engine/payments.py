"""Calls and payments on one timeline: call screening writes the telecom context that payment
scoring reads.

``PaymentFlow`` is the one wiring of the two detectors, used by the HTTP API (an event at a
time) and by ``qorgan screen payments`` (a replay of feeds in event-time order, so a transfer
sees only the calls and transfers before it).
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from qorgan.banking.payments import PaymentScorer
from qorgan.core.decisions import Decision
from qorgan.core.ports import CallContext, InMemoryCallContext
from qorgan.core.records import CallRecord, TransferRecord
from qorgan.telecom.screening import CallScreener


@dataclass
class PaymentFlow:
    """Call screening and payment scoring sharing one telecom context.

    Args:
        scorer: payment scoring (reads ``context`` when it was built with it).
        screener: call screening; ``None`` when calls arrive already screened.
        context: the telecom context both sides share.
    """

    scorer: PaymentScorer
    screener: CallScreener | None = None
    context: InMemoryCallContext = field(default_factory=InMemoryCallContext)
    calls_seen: int = 0
    transfers_seen: int = 0
    remember: int = 100_000
    _decided: OrderedDict[tuple[str, str], Decision | None] = field(
        default_factory=OrderedDict, repr=False
    )

    def _again(self, kind: str, event_id: str) -> tuple[bool, Decision | None]:
        """The decision already given on an event sent again (a client's retry), so that
        a retry is answered alike and never learned twice."""
        key = (kind, event_id)
        if key in self._decided:
            self._decided.move_to_end(key)
            return True, self._decided[key]
        return False, None

    def _keep(self, kind: str, event_id: str, decision: Decision | None) -> None:
        self._decided[(kind, event_id)] = decision
        if len(self._decided) > self.remember:
            self._decided.popitem(last=False)

    def on_call(self, call: CallRecord) -> Decision | None:
        """Screen ``call`` (when there is a screener) and remember it for the callee's bank."""
        repeated, known = self._again("call", call.call_id)
        if repeated:
            return known
        decision = self.screener.screen(call).decision if self.screener is not None else None
        self.context.record(
            CallContext(
                call.call_id, call.ts.timestamp(), call.caller, call.callee, call.ingress.value,
                call.answered, call.duration_s,
                decision.action.value if decision is not None else "allow",
                decision.reasons if decision is not None and decision.signals else (),
                not self.context.seen(call.caller, call.callee),
            )
        )  # fmt: skip
        self.calls_seen += 1
        self._keep("call", call.call_id, decision)
        return decision

    def on_transfer(self, transfer: TransferRecord, balance: Decimal | None = None) -> Decision:
        """Decide ``transfer`` and learn it (a transfer sent again gets the same answer)."""
        repeated, known = self._again("transfer", transfer.transfer_id)
        if repeated and known is not None:
            return known
        self.transfers_seen += 1
        decision = self.scorer.decide(transfer, balance)
        self._keep("transfer", transfer.transfer_id, decision)
        return decision

    def replay(
        self, calls: Iterable[CallRecord], transfers: Iterable[TransferRecord]
    ) -> Iterator[Decision]:
        """The decision on every transfer, with calls and transfers merged by time (each feed
        in time order; a call and a transfer at the same instant: the call first)."""
        tagged_calls = ((call.ts, 0, call) for call in calls)
        tagged_transfers = ((transfer.ts, 1, transfer) for transfer in transfers)
        for _, kind, event in heapq.merge(tagged_calls, tagged_transfers, key=lambda e: e[:2]):
            if kind == 0:
                assert isinstance(event, CallRecord)
                self.on_call(event)
            else:
                assert isinstance(event, TransferRecord)
                yield self.on_transfer(event)
