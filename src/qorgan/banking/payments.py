"""Payment scoring before the customer confirms: behaviour, payee and the telephone call.

A social-engineering transfer looks ordinary to a bank that sees only the payment: the
customer's own device, their own login, a payee they typed themselves. What gives it away is
what surrounds it, and Qorgan sees three sides of it:

- **behaviour** of the payer against their own history (``PAY_*``): an amount several times
  their largest, a new payee or bank, a new device or IP, a night hour they never pay at,
  velocity, a balance drained, a large credit (a loan) moved on as soon as it arrived;
- the **payee** (``PAYEE_*``): a days-old account, money arriving from several payers new to it
  within hours, money moved on as fast as it arrives, a dropper in the shared registry;
- the **telephone** (``CALL_*``): the payer's phone (``accounts.holder_phone``) is on, or
  just finished, a call that call screening flagged or blocked, one from international or VoIP
  ingress, or a long one from a first-time caller — read from the telecom context that call
  screening writes (:class:`qorgan.core.ports.CallContextLookup`).

Each rule is a ``Signal`` with evidence; their noisy-OR is the score; ``hold`` stops the
transfer until the customer is re-contacted through a trusted channel, ``review`` lets it
through and queues it for an analyst. The scorer keeps keyed state per account
(:class:`AccountState`) and learns every transfer after deciding it, so a replay in event-time
order sees only the past. Pure: no I/O, no wall clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from qorgan.banking.state import DAY_S, HOUR_S, AccountState
from qorgan.core.decisions import Action, Decision, Signal, combine
from qorgan.core.ports import (
    CallContextLookup,
    IndicatorKind,
    IndicatorLookup,
    IndicatorStatus,
)
from qorgan.core.records import AccountKind, AccountRecord, TransferRecord

MAX_CALL_S = 4 * HOUR_S  # the longest call looked back for
KZT = "KZT"
LOCAL_OFFSET_H = 5  # Kazakhstan: UTC+5
SCREENED = {"block": 0.7, "flag": 0.5}
EXTERNAL = frozenset({"international", "voip"})
# A payee that looks like a money mule; a person's first payment to one is
# ``PAYEE_MULE_PATTERN`` (an employer's first salary to a new hire's new account is not).
MULE_SIGNS = frozenset({"PAYEE_NEW_ACCOUNT", "PAYEE_FAN_IN", "PAYEE_PASS_THROUGH"})
# What makes a payment risky in itself; with a suspicious call, the pattern of a victim talked
# into paying (``CALL_THEN_RISKY_PAYMENT``).
PAYMENT_RISK = frozenset({
    "PAY_AMOUNT_UNUSUAL", "PAY_NEW_PAYEE", "PAY_NEW_DEVICE", "PAY_DRAIN",
    "PAY_FUNDS_JUST_ARRIVED", "PAYEE_NEW_ACCOUNT", "PAYEE_FAN_IN", "PAYEE_PASS_THROUGH",
    "PAYEE_SUSPECTED", "PAYEE_BLOCKED",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class PaymentConfig:
    """Thresholds of payment scoring, with their documented defaults.

    Attributes:
        min_history: transfers out a payer needs before their history is judged (amount,
            new payee, new bank, hour).
        amount_ratio: an amount at least this many times the payer's largest earlier transfer
            is unusual (``PAY_AMOUNT_UNUSUAL`` 0.35; at ``amount_ratio_high`` 0.5).
        velocity_count: transfers out within the hour (this one included) that make
            ``PAY_VELOCITY`` (0.25); so does an hour's sum past ``amount_ratio`` times the
            largest earlier transfer.
        drain_share: a transfer of at least this share of the balance before it drains the
            account (``PAY_DRAIN`` 0.35; only where the balance is given, as the bank knows it).
        arrived_within_s: a credit at most this long before, of at least half the amount and
            at least twice the payer's largest earlier credit, makes ``PAY_FUNDS_JUST_ARRIVED``
            (0.35).
        new_account_days: a payee's account opened this recently is new (``PAYEE_NEW_ACCOUNT``
            0.45; within ``very_new_account_days`` 0.55).
        fan_in_payers: distinct payers new to a personal payee within the last day (this one
            excluded) that make ``PAYEE_FAN_IN`` (0.45; twice as many: 0.6).
            Business accounts (shops, employers) are exempt.
        pass_through_share: a payee that sent on at least this share of what it received
            within the last day (at least ``pass_through_min`` received) passes money
            through (``PAYEE_PASS_THROUGH`` 0.45).
        call_window_s: a call counts while it goes on and for this long after it ended.
        long_call_s: a first-time caller's call at least this long is ``CALL_FIRST_TIME_CALLER``
            (0.5).
        hold_score: a combined score at or above this holds the transfer.
        review_score: a combined score at or above this sends it to review.
    """

    min_history: int = 3
    amount_ratio: float = 3.0
    amount_ratio_high: float = 10.0
    velocity_count: int = 4
    drain_share: float = 0.7
    arrived_within_s: float = 6 * HOUR_S
    new_account_days: float = 30.0
    very_new_account_days: float = 7.0
    fan_in_payers: int = 3
    pass_through_share: float = 0.5
    pass_through_min: float = 50_000.0
    call_window_s: float = 60 * 60.0
    long_call_s: int = 300
    hold_score: float = 0.8
    review_score: float = 0.6


def _bank(account: str) -> str:
    """The bank part of an IBAN (KZ: the three characters after the check digits)."""
    return account[4:7] if len(account) > 7 else account


def _money(value: float) -> str:
    return f"{value:.2f}"


class PaymentScorer:
    """Decides each transfer before confirmation. Not thread-safe: one per worker.

    Args:
        config: thresholds.
        accounts: the accounts known to the platform (holder's phone, opening date, kind).
        context: the telecom context call screening writes; ``None`` scores without it.
        indicators: the registry port, for payees known as droppers.
    """

    def __init__(
        self,
        config: PaymentConfig | None = None,
        accounts: Mapping[str, AccountRecord] | None = None,
        context: CallContextLookup | None = None,
        indicators: IndicatorLookup | None = None,
    ) -> None:
        self.config = config or PaymentConfig()
        self.accounts = accounts if accounts is not None else {}
        self.context = context
        self.indicators = indicators
        self._state: dict[str, AccountState] = {}
        self._opened: dict[str, float] = {}

    def state(self, account: str) -> AccountState:
        known = self._state.get(account)
        if known is None:
            known = self._state[account] = AccountState()
        return known

    def decide(self, transfer: TransferRecord, balance: Decimal | None = None) -> Decision:
        """Score ``transfer``, then learn it (the next transfer sees this one)."""
        t = transfer.ts.timestamp()
        decision = self.score(transfer, balance, t)
        self.learn(transfer, t)
        return decision

    def score(
        self, transfer: TransferRecord, balance: Decimal | None = None, t: float | None = None
    ) -> Decision:
        """The decision on ``transfer`` from what has been learned so far. Learns nothing
        (it only forgets what has slid out of the windows)."""
        payer = transfer.from_account
        if payer == "CASH":  # a deposit: nothing to stop
            return Decision(transfer.transfer_id, Action.ALLOW, 0.0)
        if t is None:
            t = transfer.ts.timestamp()
        amount = float(transfer.amount) if transfer.currency == KZT else None
        signals = self._behaviour(transfer, t, amount, balance)
        payee = transfer.to_account
        if payee[:2].isalpha() and payee[2:4].isdigit():  # an IBAN, not CASH or CRYPTO:
            payee_signals = self._payee(payee, t)
            signals += payee_signals
            mule = [s.code for s in payee_signals if s.code in MULE_SIGNS]
            if mule and any(s.code == "PAY_NEW_PAYEE" for s in signals):
                payer_account = self.accounts.get(payer)
                if payer_account is None or payer_account.kind is not AccountKind.BUSINESS:
                    evidence = (("payee", payee), ("payee_signs", ",".join(mule)))
                    signals.append(Signal("PAYEE_MULE_PATTERN", 0.6, evidence))
        if self.context is not None:
            account = self.accounts.get(payer)
            if account is not None and account.holder_phone:
                calls = self._calls(account.holder_phone, t)
                if calls:
                    signals += calls
                    risky = [s.code for s in signals if s.code in PAYMENT_RISK]
                    if risky:
                        strongest = max(calls, key=lambda s: s.score)
                        evidence = (("call_id", dict(strongest.evidence).get("call_id", "")),
                                    ("payment", ",".join(risky)))  # fmt: skip
                        signals.append(Signal("CALL_THEN_RISKY_PAYMENT", 0.6, evidence))
        if not signals:
            return Decision(transfer.transfer_id, Action.ALLOW, 0.0)
        score = combine(signals)
        hard = any(s.code == "PAYEE_BLOCKED" for s in signals)
        config = self.config
        if hard or score >= config.hold_score:
            action = Action.HOLD
        elif score >= config.review_score:
            action = Action.REVIEW
        else:
            action = Action.ALLOW
        return Decision(transfer.transfer_id, action, score, tuple(signals))

    def _behaviour(
        self, transfer: TransferRecord, t: float, amount: float | None, balance: Decimal | None
    ) -> list[Signal]:
        """The payer's rules; ``amount`` is ``None`` for another currency than tenge, whose
        amount is not compared with the payer's history."""
        config = self.config
        state = self._state.get(transfer.from_account)
        signals: list[Signal] = []
        evidence: tuple[tuple[str, str], ...]
        drain = Decimal(str(config.drain_share))
        if balance and amount is not None and transfer.amount >= drain * balance:
            share = f"{transfer.amount / balance:.2f}"
            signals.append(Signal("PAY_DRAIN", 0.35, (("share_of_balance", share),)))
        if state is None:
            return signals
        payee = transfer.to_account
        if state.out_n >= config.min_history:
            if amount is not None and amount >= config.amount_ratio * state.out_max:
                ratio = amount / state.out_max if state.out_max else float("inf")
                strength = 0.5 if ratio >= config.amount_ratio_high else 0.35
                evidence = (("amount", _money(amount)), ("previous_max", _money(state.out_max)),
                            ("transfers_seen", str(state.out_n)))  # fmt: skip
                signals.append(Signal("PAY_AMOUNT_UNUSUAL", strength, evidence))
            if hash(payee) not in state.payees:
                signals.append(Signal("PAY_NEW_PAYEE", 0.1, (("payee", payee),)))
                if payee[:2] == "KZ" and _bank(payee) not in state.banks:
                    signals.append(Signal("PAY_NEW_BANK", 0.05, (("bank", _bank(payee)),)))
            hour = (int(t // HOUR_S) + LOCAL_OFFSET_H) % 24
            if hour < 6 and not state.hours >> hour & 1:
                signals.append(Signal("PAY_UNUSUAL_HOUR", 0.15, (("local_hour", str(hour)),)))
        if transfer.device_id and state.devices and transfer.device_id not in state.devices:
            seen = str(len(state.devices))
            evidence = (("device_id", transfer.device_id), ("devices_seen", seen))
            signals.append(Signal("PAY_NEW_DEVICE", 0.3, evidence))
        if transfer.ip and state.ips and transfer.ip not in state.ips:
            signals.append(Signal("PAY_NEW_IP", 0.1, (("ip", transfer.ip),)))
        last_hour = state.out_hour
        if last_hour.moves:
            last_hour.expire(t)
            count, total = len(last_hour.moves) + 1, last_hour.total + (amount or 0.0)
            if count >= config.velocity_count or (
                count > 1 and state.out_max and total >= config.amount_ratio * state.out_max
            ):
                evidence = (("transfers_last_hour", str(count)), ("sum_last_hour", _money(total)))
                signals.append(Signal("PAY_VELOCITY", 0.25, evidence))
        arrivals = state.arrivals
        if arrivals and amount is not None:
            while arrivals and arrivals[0][0] < t - config.arrived_within_s:
                arrivals.popleft()
            for ts, value in arrivals:
                if amount >= 0.5 * value:
                    before = str(int((t - ts) // 60))
                    evidence = (("credit", _money(value)), ("minutes_before", before))
                    signals.append(Signal("PAY_FUNDS_JUST_ARRIVED", 0.35, evidence))
                    break
        return signals

    def _payee(self, payee: str, t: float) -> list[Signal]:
        config = self.config
        signals: list[Signal] = []
        if self.indicators is not None:
            hit = self.indicators.lookup(IndicatorKind.IBAN, payee)
            if hit is not None and hit.status is not IndicatorStatus.CLEARED:
                evidence = (("status", hit.status.value), ("sources", ",".join(hit.sources)))
                if hit.status is IndicatorStatus.SUSPECTED:
                    strength = max(0.5, min(0.8, hit.confidence))
                    signals.append(Signal("PAYEE_SUSPECTED", strength, evidence))
                else:
                    signals.append(Signal("PAYEE_BLOCKED", 0.95, evidence))
        account = self.accounts.get(payee)
        business = account is not None and account.kind is AccountKind.BUSINESS
        if account is not None:
            opened = self._opened.get(payee)
            if opened is None:
                opened = self._opened[payee] = account.opened_at.timestamp()
            age_days = (t - opened) / DAY_S
            if 0 <= age_days < config.new_account_days:
                strength = 0.55 if age_days < config.very_new_account_days else 0.45
                signals.append(
                    Signal("PAYEE_NEW_ACCOUNT", strength, (("age_days", f"{age_days:.1f}"),))
                )
        state = self._state.get(payee)
        if state is None or not state.in_day.moves:
            return signals
        received, sent = state.in_day, state.out_day
        received.expire(t)
        sent.expire(t)
        if not business and len(received.strangers) >= config.fan_in_payers:
            strangers = len(received.strangers)
            strength = 0.6 if strangers >= 2 * config.fan_in_payers else 0.45
            evidence = (("new_payers", str(strangers)), ("window_h", "24"))
            signals.append(Signal("PAYEE_FAN_IN", strength, evidence))
        passing = sent.total >= config.pass_through_share * received.total
        if received.total >= config.pass_through_min and sent.moves and passing:
            evidence = (("received", _money(received.total)), ("sent_on", _money(sent.total)))
            signals.append(Signal("PAYEE_PASS_THROUGH", 0.45, evidence))
        return signals

    def _calls(self, phone: str, t: float) -> list[Signal]:
        assert self.context is not None
        config = self.config
        best: dict[str, Signal] = {}
        ongoing: Signal | None = None
        for call in self.context.recent(phone, t - config.call_window_s - MAX_CALL_S, t):
            # What was known at the payment: a call still going on has lasted ``t - call.ts``
            # so far, whatever the record says about its end (a replayed CDR knows it).
            elapsed = min(call.duration_s, int(t - call.ts))
            ended = call.ts + call.duration_s
            if ended < t - config.call_window_s:
                continue
            evidence = (
                ("call_id", call.call_id), ("caller", call.caller or "withheld"),
                ("ingress", call.ingress), ("talked_s", str(elapsed)),
                ("minutes_before", str(max(0, int((t - call.ts) // 60)))),
            )  # fmt: skip
            found: list[Signal] = []
            strength = SCREENED.get(call.action)
            if strength is not None:
                screened = (*evidence, ("screening", call.action),
                            ("call_reasons", ",".join(call.reasons)))  # fmt: skip
                found.append(Signal("CALL_SCREENED", strength, screened))
            elif call.first_time and call.ingress in EXTERNAL:
                found.append(Signal("CALL_INTERNATIONAL", 0.35, evidence))
            if call.first_time and call.answered and elapsed >= config.long_call_s:
                found.append(Signal("CALL_FIRST_TIME_CALLER", 0.5, evidence))
            for signal in found:
                known = best.get(signal.code)
                if known is None or signal.score > known.score:
                    best[signal.code] = signal
            if found and call.answered and ended >= t and ongoing is None:
                ongoing = Signal("CALL_ONGOING", 0.2, (("call_id", call.call_id),))
        signals = list(best.values())
        if ongoing is not None:
            signals.append(ongoing)
        return signals

    def learn(self, transfer: TransferRecord, t: float | None = None) -> None:
        """Add ``transfer`` to both accounts' history (``t``: its time in epoch seconds,
        when the caller has it already)."""
        if t is None:
            t = transfer.ts.timestamp()
        # Sums and maxima are in tenge; another currency's amount is not compared with them
        # (the contract carries no exchange rates).
        amount = float(transfer.amount) if transfer.currency == KZT else 0.0
        payer, payee = transfer.from_account, transfer.to_account
        payer_hash, payee_hash = hash(payer), hash(payee)
        if payer != "CASH":
            state = self.state(payer)
            state.out_day.expire(t)
            new_payee = payee_hash not in state.payees
            state.out_n += 1
            state.out_max = max(state.out_max, amount)
            state.hours |= 1 << (int(t // HOUR_S) + LOCAL_OFFSET_H) % 24
            state.payees.add(payee_hash)
            state.banks.add(_bank(payee))
            if transfer.device_id:
                state.devices.add(transfer.device_id)
            if transfer.ip:
                state.ips.add(transfer.ip)
            move = (t, amount, payee_hash, new_payee)
            state.out_hour.add(move)
            state.out_day.add(move)
        if payee[:2].isalpha() and payee[2:4].isdigit():
            state = self.state(payee)
            new_payer = payer_hash not in state.payers
            state.payers.add(payer_hash)
            if new_payer and state.in_max > 0 and amount >= 2 * state.in_max:
                state.arrivals.append((t, amount))
            state.in_day.add((t, amount, payer_hash, new_payer))
            state.in_max = max(state.in_max, amount)
