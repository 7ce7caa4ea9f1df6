"""Every detector run once over a world's feeds, each non-allow decision made an alert.

What ``qorgan demo`` (and anyone wanting the whole picture of one world) calls. The
detectors run through their library functions, exactly as ``qorgan screen`` and ``qorgan
find`` run them: the dropper finder first (its suspects are the payees payment scoring
watches), then calls and transfers replayed together in time order (call screening and
payment scoring share the telecom context; every transfer is scored), the SMS filter, and
the SIM-box finder over the calls and SMS.

Regions: a subscriber's region is that of the cell it uses most for its own radio calls
(the operators' cell plan, ``truth/cells.parquet`` in a simulated world); a call or SMS
happens where its radio sender is, else where its recipient is. Without a cell plan,
alerts carry no region.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import pyarrow.parquet as pq

from qorgan.banking.droppers import SOURCE as DROPPER_SOURCE
from qorgan.banking.droppers import DropperFinding, to_registry
from qorgan.banking.payments import PaymentScorer
from qorgan.core.decisions import Action, Decision, Signal
from qorgan.core.errors import InvalidValue
from qorgan.core.money import to_tiyn
from qorgan.core.ports import IndicatorKind, InMemoryCallContext, InMemoryIndicators
from qorgan.core.readers import read_all
from qorgan.core.records import AccountRecord, CallRecord, RoamingRecord, SmsRecord, TransferRecord
from qorgan.core.rejects import RejectSink
from qorgan.engine.payments import PaymentFlow
from qorgan.registry.indicator import Claim
from qorgan.registry.values import normalise
from qorgan.store.columnar import stage
from qorgan.store.droppers import DropperRun
from qorgan.store.simboxes import SimBoxRun, connect
from qorgan.store.sql.alerts import NewAlert, Queue
from qorgan.telecom.roaming import RoamingIndex
from qorgan.telecom.screening import CallScreener
from qorgan.telecom.simboxes import SOURCE as SIMBOX_SOURCE
from qorgan.telecom.simboxes import SimFinding
from qorgan.telecom.smsfilter import SmsScreener

CALL_SOURCE = "call_screening"
SMS_SOURCE = "sms_filter"
PAYMENT_SOURCE = "payment_scoring"
SOURCES = {
    Queue.CALLS: CALL_SOURCE,
    Queue.SMS: SMS_SOURCE,
    Queue.PAYMENTS: PAYMENT_SOURCE,
    Queue.SIMBOXES: SIMBOX_SOURCE,
    Queue.DROPPERS: DROPPER_SOURCE,
}
"""The registry source each queue's findings are asserted under (the detector's name)."""

Report = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Detections:
    """What the detectors found in one world.

    Attributes:
        alerts: every non-allow decision and every finding, as alerts.
        scored: events or subjects each detector judged, by queue.
    """

    alerts: tuple[NewAlert, ...]
    scored: dict[Queue, int]

    def claims(self) -> list[Claim]:
        """Each alert's subject as a ``suspected`` claim of its detector (valid values only)."""
        claims = []
        for alert in self.alerts:
            value = _valid(alert.subject_kind, alert.subject)
            if value is not None:
                link = f"{alert.queue.value}:{alert.source_id}"
                claims.append(
                    Claim(
                        alert.subject_kind,
                        value,
                        SOURCES[alert.queue],
                        min(max(alert.score, 0.0), 1.0),
                        alert.at,
                        evidence=(link,),
                    )
                )
        return claims


def detect(world: Path, report: Report = print) -> Detections:
    """Run every detector over the feeds in ``world`` (a ``qorgan simulate`` folder)."""
    accounts = cast(list[AccountRecord], read_all(world / "accounts.parquet", "accounts")[0])
    banks = {a.account: a.bank for a in accounts}
    regions = _regions(world)
    droppers = _droppers(world)
    report(f"  dropper finder: {len(droppers):,} suspected accounts")
    transfers = cast(list[TransferRecord], read_all(world / "transfers.parquet", "transfers")[0])
    calls, payments, seen = _calls_and_payments(world, accounts, transfers, droppers, regions)
    report(f"  call screening: {seen[0]:,} calls, {len(calls):,} blocked or flagged")
    report(f"  payment scoring: {seen[1]:,} transfers, {len(payments):,} held or reviewed")
    sms, messages = _sms(world, regions)
    report(f"  SMS filter: {messages:,} messages, {len(sms):,} blocked or flagged")
    boxes, sims = _simboxes(world, regions)
    report(f"  SIM-box finder: {sims:,} SIMs scored, {len(boxes):,} suspected")
    scored = {
        Queue.CALLS: seen[0],
        Queue.SMS: messages,
        Queue.PAYMENTS: seen[1],
        Queue.SIMBOXES: sims,
        Queue.DROPPERS: len(banks),
    }
    phones = {a.account: regions.get(a.holder_phone or "") for a in accounts}
    dropper_alerts = _dropper_alerts(droppers, transfers, banks, phones)
    return Detections((*calls, *sms, *payments, *boxes, *dropper_alerts), scored)


def _valid(kind: IndicatorKind, value: str) -> str | None:
    try:
        return normalise(kind, value)
    except InvalidValue:
        return None


def _evidence(signals: Iterable[Signal]) -> dict[str, object]:
    return {s.code: dict(s.evidence) for s in signals}


def _regions(world: Path) -> dict[str, str]:
    """Each subscriber's region: that of the cell it uses most for its own radio calls."""
    plan = world / "truth" / "cells.parquet"
    if not plan.exists():
        return {}
    cells = pq.read_table(plan, columns=["cell_id", "region"]).to_pydict()
    region_of = dict(zip(cells["cell_id"], cells["region"], strict=True))
    calls = pq.read_table(world / "calls.parquet", columns=["caller", "cell_id"]).to_pydict()
    used: dict[str, Counter[str]] = defaultdict(Counter)
    for caller, cell in zip(calls["caller"], calls["cell_id"], strict=True):
        if caller and cell in region_of:
            used[caller][region_of[cell]] += 1
    return {phone: counts.most_common(1)[0][0] for phone, counts in used.items()}


def _droppers(world: Path) -> list[DropperFinding]:
    db = connect()
    try:
        stage(db, world / "transfers.parquet", "transfers", "transfers", RejectSink())
        stage(db, world / "accounts.parquet", "accounts", "accounts", RejectSink())
        run = DropperRun(db, "week", with_accounts=True)
        return run.findings(run.features())
    finally:
        db.close()


def _calls_and_payments(
    world: Path,
    accounts: list[AccountRecord],
    transfers: list[TransferRecord],
    droppers: list[DropperFinding],
    regions: dict[str, str],
) -> tuple[list[NewAlert], list[NewAlert], tuple[int, int]]:
    """Calls and transfers merged by time through one :class:`PaymentFlow` (as ``qorgan
    screen payments --calls`` does); the call decisions are kept as well."""
    roaming = RoamingIndex(
        cast(list[RoamingRecord], read_all(world / "roaming.parquet", "roaming")[0])
    )
    watched = InMemoryIndicators()
    to_registry(droppers, watched)
    context = InMemoryCallContext()
    book = {a.account: a for a in accounts}
    scorer = PaymentScorer(accounts=book, context=context, indicators=watched)
    flow = PaymentFlow(scorer, CallScreener(roaming=roaming), context)
    calls = cast(list[CallRecord], read_all(world / "calls.parquet", "calls")[0])
    call_alerts, payment_alerts = [], []
    for event in _merged(calls, transfers):
        if isinstance(event, CallRecord):
            decision = flow.on_call(event)
            if decision is not None and decision.action is not Action.ALLOW:
                call_alerts.append(_call_alert(event, decision, regions))
        else:
            decision = flow.on_transfer(event)
            if decision.action is not Action.ALLOW:
                payer = book.get(event.from_account)
                bank = payer.bank if payer is not None else None
                region = regions.get(payer.holder_phone or "") if payer is not None else None
                payment_alerts.append(_payment_alert(event, decision, bank, region))
    return call_alerts, payment_alerts, (len(calls), len(transfers))


def _merged(
    calls: list[CallRecord], transfers: list[TransferRecord]
) -> Iterator[CallRecord | TransferRecord]:
    """Both feeds by time; a call and a transfer at the same instant: the call first."""
    tagged_calls = ((c.ts, 0, c) for c in calls)
    tagged_transfers = ((t.ts, 1, t) for t in transfers)
    merged = heapq.merge(tagged_calls, tagged_transfers, key=lambda e: (e[0], e[1]))
    for _, _, event in merged:
        yield cast(CallRecord | TransferRecord, event)


def _call_alert(call: CallRecord, decision: Decision, regions: dict[str, str]) -> NewAlert:
    caller = call.caller or ""
    kind, subject = IndicatorKind.MSISDN, caller
    if _valid(kind, caller) is None and call.imsi:
        kind, subject = IndicatorKind.IMSI, call.imsi
    region = regions.get(caller) if call.ingress.value == "radio" else regions.get(call.callee)
    evidence = {
        "caller": call.caller,
        "callee": call.callee,
        "ingress": call.ingress.value,
        "signals": _evidence(decision.signals),
    }
    return NewAlert(
        Queue.CALLS,
        call.call_id,
        kind,
        subject,
        call.ts,
        decision.score,
        decision.action.value,
        decision.reasons,
        evidence,
        region,
        "voice",
    )


def _payment_alert(
    transfer: TransferRecord, decision: Decision, bank: str | None, region: str | None
) -> NewAlert:
    payee = transfer.to_account
    kind, subject = IndicatorKind.IBAN, payee
    if _valid(kind, payee) is None and transfer.device_id:
        kind, subject = IndicatorKind.DEVICE, transfer.device_id
    evidence = {
        "from_account": transfer.from_account,
        "to_account": payee,
        "amount": str(transfer.amount),
        "currency": transfer.currency,
        "signals": _evidence(decision.signals),
    }
    return NewAlert(
        Queue.PAYMENTS,
        transfer.transfer_id,
        kind,
        subject,
        transfer.ts,
        decision.score,
        decision.action.value,
        decision.reasons,
        evidence,
        region,
        transfer.channel.value,
        bank,
        amount=to_tiyn(transfer.amount),
    )


def _sms(world: Path, regions: dict[str, str]) -> tuple[list[NewAlert], int]:
    messages = cast(list[SmsRecord], read_all(world / "sms.parquet", "sms")[0])
    alerts = []
    for sms, decision in zip(messages, SmsScreener().screen_all(messages), strict=True):
        if decision.action is Action.ALLOW:
            continue
        kind, subject = _sms_subject(sms, decision)
        region = regions.get(sms.sender) or regions.get(sms.recipient)
        evidence = {
            "sender": sms.sender,
            "recipient": sms.recipient,
            "text": sms.text,
            "ingress": sms.ingress.value,
            "signals": _evidence(decision.signals),
        }
        alerts.append(
            NewAlert(
                Queue.SMS,
                sms.sms_id,
                kind,
                subject,
                sms.ts,
                decision.score,
                decision.action.value,
                decision.reasons,
                evidence,
                region,
                "sms",
            )
        )
    return alerts, len(messages)


def _sms_subject(sms: SmsRecord, decision: Decision) -> tuple[IndicatorKind, str]:
    """The sender's number; else the link it carries; else its SIM; else the sender id."""
    candidates = [(IndicatorKind.MSISDN, sms.sender)]
    for signal in decision.signals:
        found = dict(signal.evidence)
        candidates += [
            (IndicatorKind.DOMAIN, found.get("domain", "")),
            (IndicatorKind.URL, found.get("url", "")),
        ]
    candidates.append((IndicatorKind.IMSI, sms.imsi or ""))
    for kind, value in candidates:
        if value and _valid(kind, value) is not None:
            return kind, cast(str, _valid(kind, value))
    return IndicatorKind.MSISDN, sms.sender


def _simboxes(world: Path, regions: dict[str, str]) -> tuple[list[NewAlert], int]:
    db = connect()
    try:
        stage(db, world / "calls.parquet", "calls", "calls", RejectSink())
        stage(db, world / "sms.parquet", "sms", "sms", RejectSink())
        run = SimBoxRun(db, "week", with_sms=True)
        scored = run.score()
        findings = run.findings()
        last = {
            imsi: datetime.fromtimestamp(ms / 1000, UTC)
            for imsi, ms in db.sql(
                "select imsi, epoch_ms(max(ts)) from calls where imsi is not null group by imsi"
            ).fetchall()
        }
    finally:
        db.close()
    return [_simbox_alert(f, last[f.imsi], regions) for f in findings if f.imsi in last], scored


def _simbox_alert(finding: SimFinding, at: datetime, regions: dict[str, str]) -> NewAlert:
    evidence = {"box": finding.box, "msisdn": finding.msisdn, "signals": _evidence(finding.signals)}
    return NewAlert(
        Queue.SIMBOXES,
        finding.imsi,
        IndicatorKind.IMSI,
        finding.imsi,
        at,
        finding.score,
        "suspect",
        finding.reasons,
        evidence,
        regions.get(finding.msisdn),
        "voice",
    )


def _dropper_alerts(
    findings: list[DropperFinding],
    transfers: list[TransferRecord],
    banks: dict[str, str],
    regions: dict[str, str | None],
) -> list[NewAlert]:
    """One alert per suspected account, dated by the newest transfer behind it; ``amount``
    is everything the account received in the feed."""
    inflow: Counter[str] = Counter()
    when = {}
    for t in transfers:
        inflow[t.to_account] += to_tiyn(t.amount)
        when[t.transfer_id] = t.ts
    alerts = []
    for f in findings:
        times = [when[t] for t in f.transfers if t in when]
        at = max(times) if times else datetime.fromisoformat(f.window_start)
        evidence = {
            "window_start": f.window_start,
            "transfers": list(f.transfers),
            "signals": _evidence(f.signals),
        }
        alerts.append(
            NewAlert(
                Queue.DROPPERS,
                f.account,
                IndicatorKind.IBAN,
                f.account,
                at,
                f.score,
                "suspect",
                f.reasons,
                evidence,
                regions.get(f.account),
                bank=banks.get(f.account),
                amount=inflow[f.account],
            )
        )
    return alerts
