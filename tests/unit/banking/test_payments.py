"""Payment scoring: behaviour, payee and the telephone call before the payment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.banking.payments import PaymentConfig, PaymentScorer
from qorgan.banking.reasons import REASONS
from qorgan.core.decisions import Action
from qorgan.core.ports import (
    IndicatorHit,
    IndicatorKind,
    IndicatorStatus,
    InMemoryCallContext,
    InMemoryIndicators,
)
from qorgan.core.records import (
    AccountKind,
    AccountRecord,
    CallRecord,
    Channel,
    Ingress,
    TransferRecord,
)
from qorgan.engine.payments import PaymentFlow
from qorgan.telecom.screening import CallScreener

T0 = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)  # 13:00 in Almaty
PAYER = "KZ668564418266381604"
FAMILY = "KZ386019809680864835"
STRANGER = "KZ397229253416221965"  # an old account the payer never paid
FRESH = "KZ579988879853297376"  # opened three days before
PHONE = "+77051234567"
YEARS_AGO = datetime(2019, 5, 1, tzinfo=UTC)

ACCOUNTS = {
    PAYER: AccountRecord(PAYER, "bcc", "P1", PHONE, YEARS_AGO, AccountKind.PERSONAL),
    FAMILY: AccountRecord(FAMILY, "halyk", "P2", None, YEARS_AGO, AccountKind.PERSONAL),
    STRANGER: AccountRecord(STRANGER, "kaspi", "P3", None, YEARS_AGO, AccountKind.PERSONAL),
    FRESH: AccountRecord(FRESH, "jusan", "P4", None, T0 - timedelta(days=3), AccountKind.PERSONAL),
}


def transfer(
    to: str = STRANGER,
    amount: str = "20000",
    at: datetime = T0,
    tid: str = "t-new",
    src: str = PAYER,
    device: str | None = "dev-1",
) -> TransferRecord:
    return TransferRecord(tid, at, src, to, Decimal(amount), "KZT", Channel.APP, device, None)


def history() -> list[TransferRecord]:
    """Two weeks of small transfers to family, from the payer's own phone."""
    return [
        transfer(FAMILY, "10000", T0 - timedelta(days=14 - day), f"h{day}") for day in range(10)
    ]


def spoofed_call(at: datetime = T0 - timedelta(minutes=20), duration: int = 600) -> CallRecord:
    """A 'bank security officer' on international ingress presenting a Kazakh number."""
    return CallRecord(
        "call-1", at, "+77017654321", PHONE, Ingress.INTERNATIONAL, None, None, None, True,
        duration,
    )  # fmt: skip


def flow(telecom: bool = True) -> PaymentFlow:
    context = InMemoryCallContext()
    scorer = PaymentScorer(accounts=ACCOUNTS, context=context if telecom else None)
    flow = PaymentFlow(scorer, CallScreener(), context)
    for past in history():
        flow.on_transfer(past)
    return flow


def test_the_same_transfer_is_allowed_without_the_call_and_held_after_it() -> None:
    quiet = flow().on_transfer(transfer())
    assert quiet.action is Action.ALLOW

    after_call = flow()
    after_call.on_call(spoofed_call())
    held = after_call.on_transfer(transfer())
    assert held.action is Action.HOLD
    assert "CALL_SCREENED" in held.reasons
    evidence = {s.code: dict(s.evidence) for s in held.signals}
    assert evidence["CALL_SCREENED"]["call_id"] == "call-1"
    assert evidence["CALL_SCREENED"]["caller"] == "+77017654321"
    assert "CLI_SPOOF_INTL" in evidence["CALL_SCREENED"]["call_reasons"]
    assert evidence["CALL_SCREENED"]["minutes_before"] == "20"


def test_without_the_telecom_context_the_call_changes_nothing() -> None:
    bank_only = flow(telecom=False)
    bank_only.on_call(spoofed_call())
    assert bank_only.on_transfer(transfer()).action is Action.ALLOW


def test_a_call_long_past_or_after_the_payment_does_not_count() -> None:
    config = PaymentConfig()
    long_ago = flow()
    long_ago.on_call(spoofed_call(T0 - timedelta(seconds=config.call_window_s + 700)))
    assert long_ago.on_transfer(transfer()).action is Action.ALLOW

    replayed = flow()
    later = spoofed_call(T0 + timedelta(minutes=1))
    decisions = list(replayed.replay([later], [transfer()]))
    assert [d.action for d in decisions] == [Action.ALLOW]


def test_a_long_call_from_a_first_time_caller_then_a_new_payee_is_reviewed_or_held() -> None:
    f = flow()
    stranger_call = CallRecord(
        "call-2", T0 - timedelta(minutes=25), "+77021112233", PHONE, Ingress.RADIO,
        "401010000000001", "350000000000001", "401-01-1-1", True, 900,
    )  # fmt: skip
    f.on_call(stranger_call)
    decision = f.on_transfer(transfer())
    assert decision.action in (Action.REVIEW, Action.HOLD)
    assert {"CALL_FIRST_TIME_CALLER", "CALL_THEN_RISKY_PAYMENT"} <= set(decision.reasons)


def test_a_known_caller_is_not_a_first_time_caller() -> None:
    f = flow()
    friend = CallRecord(
        "call-0", T0 - timedelta(days=3), "+77021112233", PHONE, Ingress.RADIO,
        None, None, None, True, 60,
    )  # fmt: skip
    again = CallRecord(
        "call-3", T0 - timedelta(minutes=25), "+77021112233", PHONE, Ingress.RADIO,
        None, None, None, True, 900,
    )  # fmt: skip
    f.on_call(friend)
    f.on_call(again)
    assert f.on_transfer(transfer()).action is Action.ALLOW


def test_new_account_that_collects_from_strangers_and_passes_money_on() -> None:
    scorer = PaymentScorer(accounts=ACCOUNTS)
    for i in range(4):  # four unrelated payers within the hour
        scorer.learn(transfer(FRESH, "150000", T0 - timedelta(minutes=50 - i), f"in{i}",
                              src=f"KZ00PAYER{i}"))  # fmt: skip
    scorer.learn(transfer(STRANGER, "500000", T0 - timedelta(minutes=5), "out", src=FRESH))
    decision = scorer.score(transfer(FRESH, "150000", tid="t-5", src="KZ00PAYER9"))
    assert {"PAYEE_NEW_ACCOUNT", "PAYEE_FAN_IN", "PAYEE_PASS_THROUGH"} <= set(decision.reasons)
    evidence = {s.code: dict(s.evidence) for s in decision.signals}
    assert evidence["PAYEE_FAN_IN"]["new_payers"] == "4"
    assert evidence["PAYEE_NEW_ACCOUNT"]["age_days"] == "3.0"
    assert decision.action is Action.HOLD


def test_a_merchant_receiving_from_many_is_not_a_fan_in() -> None:
    shop = "KZ607221524459764997"
    accounts = {
        **ACCOUNTS,
        shop: AccountRecord(shop, "kaspi", "B1", None, YEARS_AGO, AccountKind.BUSINESS),
    }
    scorer = PaymentScorer(accounts=accounts)
    for i in range(40):
        scorer.learn(transfer(shop, "5000", T0 - timedelta(minutes=40 - i), f"p{i}",
                              src=f"KZ00BUYER{i}"))  # fmt: skip
    decision = scorer.score(transfer(shop, "5000", src="KZ00BUYER99"))
    assert "PAYEE_FAN_IN" not in decision.reasons
    assert decision.action is Action.ALLOW


def test_payee_blocked_in_the_registry_is_held_whatever_the_score() -> None:
    registry = InMemoryIndicators(
        (
            IndicatorHit(
                IndicatorKind.IBAN, STRANGER, IndicatorStatus.CONFIRMED, 0.99, ("dropper_finder",)
            ),
        )
    )
    scorer = PaymentScorer(accounts=ACCOUNTS, indicators=registry)
    decision = scorer.score(transfer(STRANGER, "1000"))
    assert decision.action is Action.HOLD
    assert decision.reasons[0] == "PAYEE_BLOCKED"


def test_unusual_amount_new_device_and_drain_name_their_evidence() -> None:
    f = flow()
    decision = f.scorer.score(
        transfer(STRANGER, "400000", device="dev-remote"), balance=Decimal("450000")
    )
    evidence = {s.code: dict(s.evidence) for s in decision.signals}
    assert evidence["PAY_AMOUNT_UNUSUAL"]["previous_max"] == "10000.00"
    assert evidence["PAY_NEW_DEVICE"]["device_id"] == "dev-remote"
    assert evidence["PAY_DRAIN"]["share_of_balance"] == "0.89"
    assert decision.action is Action.HOLD


def test_a_loan_moved_on_as_soon_as_it_arrived() -> None:
    f = flow()
    bank_loans = "KZ526012208955740299"
    f.on_transfer(transfer(PAYER, "20000", T0 - timedelta(days=2), "salary", src=FAMILY))
    f.on_transfer(transfer(PAYER, "900000", T0 - timedelta(minutes=15), "loan", src=bank_loans))
    decision = f.scorer.score(transfer(STRANGER, "850000"))
    assert "PAY_FUNDS_JUST_ARRIVED" in decision.reasons
    assert (
        dict(next(s for s in decision.signals if s.code == "PAY_FUNDS_JUST_ARRIVED").evidence)[
            "minutes_before"
        ]
        == "15"
    )


def test_every_reason_is_documented() -> None:
    f = flow()
    f.on_call(spoofed_call())
    decision = f.scorer.score(transfer(FRESH, "400000", device="dev-x"), balance=Decimal(1))
    assert decision.reasons
    assert set(decision.reasons) <= REASONS.keys()


@settings(max_examples=40, deadline=None)
@given(
    minutes=st.lists(st.integers(-180, 180), min_size=1, max_size=6),
    amount=st.integers(1, 2_000_000),
)
def test_scoring_does_not_learn_and_never_sees_a_later_call(
    minutes: list[int], amount: int
) -> None:
    f = flow()
    payment = transfer(STRANGER, str(amount))
    calls = [
        CallRecord(
            f"c{i}",
            T0 + timedelta(minutes=m),
            "+77017654321",
            PHONE,
            Ingress.INTERNATIONAL,
            None,
            None,
            None,
            True,
            120,
        )
        for i, m in enumerate(sorted(minutes))
    ]
    earlier = [c for c in calls if c.ts <= T0]
    for call in earlier:
        f.on_call(call)
    first = f.scorer.score(payment)
    assert f.scorer.score(payment) == first  # scoring alone learns nothing

    replayed = flow()
    (decision,) = replayed.replay(calls, [payment])
    assert decision == first  # calls after the payment never reach it
    assert 0.0 <= decision.score <= 1.0


def test_a_replayed_call_counts_only_the_talk_so_far() -> None:
    """A CDR replayed at set-up knows the call's final length; the payment made a minute
    into it must not (no leak from the future)."""
    f = flow()
    long_call = CallRecord(
        "call-9", T0 - timedelta(minutes=1), "+77021112233", PHONE, Ingress.RADIO,
        None, None, None, True, 1800,
    )  # fmt: skip
    f.on_call(long_call)
    early = f.scorer.score(transfer())
    assert "CALL_FIRST_TIME_CALLER" not in early.reasons
    later = f.scorer.score(transfer(at=T0 + timedelta(minutes=10)))
    assert "CALL_FIRST_TIME_CALLER" in later.reasons
    evidence = dict(next(s for s in later.signals if s.code == "CALL_FIRST_TIME_CALLER").evidence)
    assert evidence["talked_s"] == "660"


def test_a_retried_transfer_is_answered_alike_and_learned_once() -> None:
    f = flow()
    first = f.on_transfer(transfer(tid="retry"))
    again = f.on_transfer(transfer(tid="retry"))
    assert again == first
    assert f.transfers_seen == len(history()) + 1


def test_another_currency_is_not_compared_with_tenge_history() -> None:
    f = flow()
    dollars = TransferRecord(
        "usd", T0, PAYER, STRANGER, Decimal("400000"), "USD", Channel.WEB, "dev-1", None
    )
    assert "PAY_AMOUNT_UNUSUAL" not in f.scorer.score(dollars).reasons


def test_every_signal_code_in_the_module_is_documented_and_every_documented_one_used() -> None:
    import re
    from pathlib import Path

    import qorgan.banking.payments as module

    source = Path(module.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'Signal\(\s*"([A-Z_]+)"', source))
    used |= set(re.findall(r'found\.append\(Signal\("([A-Z_]+)"', source))
    assert used == set(REASONS)
