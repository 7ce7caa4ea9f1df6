"""The SMS filter: sender ids, bank impersonation, links, the text model and the verdict."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from qorgan.core.decisions import Action, Decision
from qorgan.core.ports import IndicatorHit, IndicatorKind, IndicatorStatus, InMemoryIndicators
from qorgan.core.records import Ingress, SmsRecord
from qorgan.telecom.reasons import REASONS
from qorgan.telecom.smsfilter import SmsConfig, SmsScreener, imitated_brand, writes_as_bank
from qorgan.telecom.textmodel import TextModel, normalise

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FRIEND = "+77011234567"
ABROAD = "+998901234567"


def sms(sender: str, text: str, ingress: Ingress = Ingress.RADIO, sms_id: str = "S1") -> SmsRecord:
    return SmsRecord(sms_id, T0, sender, "+77017654321", ingress, None, text)


def screen(message: SmsRecord, **kwargs: object) -> Decision:
    return SmsScreener(**kwargs).screen(message)  # type: ignore[arg-type]


def evidence(decision: Decision, code: str) -> dict[str, str]:
    return next(dict(s.evidence) for s in decision.signals if s.code == code)


def test_genuine_kaspi_notice_over_domestic_is_allowed() -> None:
    notice = sms(
        "KASPI.KZ",
        "Kaspi Bank: Карта *1234 заблокирована по вашему запросу. Подробнее на https://kaspi.kz",
        Ingress.DOMESTIC,
    )
    decision = screen(notice)
    assert decision.action is Action.ALLOW
    assert decision.signals == ()


def test_kaspl_sender_from_abroad_is_spoofing() -> None:
    decision = screen(
        sms("KASPl", "Kaspi: списание 40 000 ₸. Отменить: +77471234567", Ingress.INTERNATIONAL)
    )
    assert decision.action is Action.BLOCK
    assert decision.reasons[0] == "SMS_SENDER_SPOOF"
    found = evidence(decision, "SMS_SENDER_SPOOF")
    assert (found["sender"], found["brand"], found["registered"]) == ("KASPl", "kaspi", "no")


def test_registered_sender_arriving_over_international_ingress_is_spoofing() -> None:
    decision = screen(sms("Halyk", "Halyk: ваш код 1234", Ingress.INTERNATIONAL))
    assert decision.action is Action.BLOCK
    assert evidence(decision, "SMS_SENDER_SPOOF")["registered"] == "yes"


@pytest.mark.parametrize(
    ("sender", "brand"),
    [("Halyk-Bank", "halyk"), ("HaIyk", "halyk"), ("Fort3Bank", "forte"), ("EGOV-KZ", "egov"),
     ("KAZP0ST", "kazpost"), ("KASPI BANK", "kaspi"), ("Kaspi.kz", "kaspi")],
)  # fmt: skip
def test_unregistered_sender_imitating_a_brand_is_spoofing_even_domestically(
    sender: str, brand: str
) -> None:
    decision = screen(sms(sender, "Сіздің кодыңыз 1234", Ingress.DOMESTIC))
    assert decision.action is Action.BLOCK
    assert evidence(decision, "SMS_SENDER_SPOOF")["brand"] == brand


@pytest.mark.parametrize("sender", ["INFO", "Magnum", "Sulpak", "SALE", "BANK"])
def test_marketing_sender_that_imitates_no_brand_is_allowed(sender: str) -> None:
    assert imitated_brand(sender) is None
    decision = screen(sms(sender, "Скидки до 50% только на выходных!", Ingress.DOMESTIC))
    assert decision.action is Action.ALLOW


@pytest.mark.parametrize(
    ("sender", "text"),
    [
        (FRIEND, "Kaspi Bank: Ваша карта заблокирована из-за подозрительной операции. "
                 "Позвоните +7 747 100 05 99"),
        (ABROAD, "Halyk Bank қауіпсіздік қызметі: 50 000 ₸ шешу әрекеті. Хабарласыңыз"),
        (FRIEND, "Your Jusan card is blocked after a suspicious payment. Call +77471234567"),
        (ABROAD, "Служба безопасности Nurbank: попытка списания 231 000 ₸"),
    ],
)  # fmt: skip
def test_numeric_or_foreign_sender_writing_as_a_bank_is_impersonation(
    sender: str, text: str
) -> None:
    ingress = Ingress.INTERNATIONAL if sender == ABROAD else Ingress.RADIO
    decision = screen(sms(sender, text, ingress))
    assert decision.action is Action.FLAG
    assert decision.reasons == ("SMS_BANK_IMPERSONATION",)
    assert evidence(decision, "SMS_BANK_IMPERSONATION")["sender"] == sender


@pytest.mark.parametrize(
    "text",
    [
        "Скинь на каспи по номеру +77019876543",
        "Каспиге нөмір арқылы салшы +77019876543",
        "Send it to my Kaspi by number",
        "Мам, скинь 990 тенге на карту 4405 6360 5371 4154, потом верну",
    ],
)
def test_friend_asking_for_money_on_kaspi_is_allowed(text: str) -> None:
    assert writes_as_bank(text) is None
    assert screen(sms(FRIEND, text)).action is Action.ALLOW


def test_lookalike_link_blocks_with_domain_and_brand_in_evidence() -> None:
    decision = screen(
        sms(FRIEND, "Поздравляем! Вы выиграли 50 000 ₸. Получить: kaspi.kz-pay.top/bonus")
    )
    assert decision.action is Action.BLOCK
    found = evidence(decision, "SMS_LOOKALIKE_LINK")
    assert found["domain"] == "kaspi.kz-pay.top"
    assert found["imitates"] == "kaspi.kz"
    assert found["technique"] == "combo"


def test_genuine_bank_notice_linking_to_its_own_site_is_allowed() -> None:
    text = "Halyk Bank: Тарифы обновлены, подробнее на https://halykbank.kz/tariffs"
    assert screen(sms("Halyk", text, Ingress.DOMESTIC)).action is Action.ALLOW


def _registry(kind: IndicatorKind, value: str, status: IndicatorStatus) -> InMemoryIndicators:
    return InMemoryIndicators((IndicatorHit(kind, value, status, 0.7, ("afm",)),))


def test_domain_blocked_in_the_registry_is_a_blocked_link() -> None:
    indicators = _registry(IndicatorKind.DOMAIN, "prize-day.top", IndicatorStatus.BLOCKED)
    decision = screen(sms(FRIEND, "Ваш приз: https://win.prize-day.top/x"), indicators=indicators)
    assert decision.action is Action.BLOCK
    assert evidence(decision, "SMS_BLOCKED_LINK") == {
        "domain": "prize-day.top", "status": "blocked", "sources": "afm",
    }  # fmt: skip


def test_suspected_url_flags_and_cleared_one_is_ignored() -> None:
    text = "Тексеріңіз: cutt.ly/AbC12"
    suspected = _registry(IndicatorKind.URL, "cutt.ly/AbC12", IndicatorStatus.SUSPECTED)
    cleared = _registry(IndicatorKind.URL, "cutt.ly/AbC12", IndicatorStatus.CLEARED)
    assert screen(sms(FRIEND, text), indicators=suspected).action is Action.FLAG
    assert screen(sms(FRIEND, text), indicators=cleared).action is Action.ALLOW


def test_sender_number_blocked_in_the_registry_blocks_and_a_suspected_sim_flags() -> None:
    blocked = _registry(IndicatorKind.MSISDN, FRIEND, IndicatorStatus.BLOCKED)
    decision = screen(sms(FRIEND, "Привет, как дела?"), indicators=blocked)
    assert decision.action is Action.BLOCK
    assert evidence(decision, "SMS_SENDER_BLOCKED") == {
        "msisdn": FRIEND, "status": "blocked", "sources": "afm",
    }  # fmt: skip
    suspected = _registry(IndicatorKind.IMSI, "401010000000001", IndicatorStatus.SUSPECTED)
    message = SmsRecord("S2", T0, FRIEND, "+77017654321", Ingress.RADIO, "401010000000001", "Hi")
    flagged = screen(message, indicators=suspected)
    assert flagged.action is Action.FLAG
    assert flagged.reasons == ("SMS_SENDER_SUSPECTED",)


def test_an_alphanumeric_sender_is_not_looked_up_as_a_number() -> None:
    indicators = _registry(IndicatorKind.MSISDN, "KASPI.KZ", IndicatorStatus.BLOCKED)
    decision = screen(sms("KASPI.KZ", "Код: 1234", Ingress.DOMESTIC), indicators=indicators)
    assert decision.action is Action.ALLOW


def test_a_shortened_link_is_named_but_alone_does_not_flag() -> None:
    decision = screen(sms(FRIEND, "Смотри фото: https://bit.ly/3xYz"))
    assert decision.action is Action.ALLOW
    assert evidence(decision, "SMS_SHORT_LINK") == {"url": "bit.ly/3xYz", "shortener": "bit.ly"}


def _keyword_model(word: str, weight: float) -> TextModel:
    """A one-word model: sigmoid(weight - 3) when the word is there, sigmoid(-3) if not."""
    return TextModel((f"w:{normalise(word)}",), np.ones(1), np.array([weight]), -3.0, (1.0, 0.0))


def test_text_model_alone_flags_but_never_blocks() -> None:
    model = _keyword_model("выиграли", 8.0)
    decision = screen(sms(FRIEND, "Вы выиграли iPhone 15!"), model=model)
    assert decision.action is Action.FLAG
    assert decision.reasons == ("SMS_FRAUD_TEXT",)
    assert evidence(decision, "SMS_FRAUD_TEXT")["terms"] == f"w:{normalise('выиграли')}"
    assert screen(sms(FRIEND, "Привет! Ты где?"), model=model).action is Action.ALLOW


def test_text_and_impersonation_together_block() -> None:
    text = "Kaspi Bank: карта заблокирована, срочно перезвоните +77471234567"
    decision = screen(sms(FRIEND, text), model=_keyword_model("заблокирована", 8.0))
    assert decision.action is Action.BLOCK
    assert set(decision.reasons) == {"SMS_BANK_IMPERSONATION", "SMS_FRAUD_TEXT"}


def test_config_thresholds_decide_the_action() -> None:
    message = sms(FRIEND, "Kaspi Bank: карта заблокирована, позвоните +77471234567")
    strict = SmsScreener(config=SmsConfig(block_score=0.8))
    assert strict.screen(message).action is Action.BLOCK


def test_screen_all_keeps_order_and_says_why_with_documented_reasons() -> None:
    messages = [
        sms("KASPl", "Kaspi: kaspi-bonus.kz", Ingress.INTERNATIONAL, "S1"),
        sms(FRIEND, "Буду через 15 минут", sms_id="S2"),
        sms(ABROAD, "Kaspi Bank: списание 5 000 ₸. Отменить: +77471234567", Ingress.INTERNATIONAL,
            "S3"),
    ]  # fmt: skip
    screener = SmsScreener(None, _keyword_model("списание", 3.0), SmsConfig())
    first = list(screener.screen_all(messages))
    assert [d.subject for d in first] == ["S1", "S2", "S3"]
    assert first == list(screener.screen_all(messages))
    for decision in first:
        assert 0.0 <= decision.score <= 1.0
        for signal in decision.signals:
            assert signal.code in REASONS
            assert signal.evidence
