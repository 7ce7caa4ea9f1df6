"""Simulated texts and SMS bodies: labels, languages, requisites and their truth."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import phonenumbers
import pytest
from schwifty import IBAN
from stdnum import luhn

from qorgan.core.feeds import TEXTS, arrow_schema
from qorgan.sim.templates import BODIES
from qorgan.sim.templates.requisites import SHORTENERS
from qorgan.sim.texts import (
    ALPHA_SENDERS,
    LABELS,
    LANGS,
    SMS_KINDS,
    Requisite,
    RequisitePool,
    SmsContext,
    TextItem,
    TextParams,
    generate_texts,
    sms_text,
    texts_table,
    texts_truth_table,
)
from qorgan.sim.tron import is_valid_tron_address

START = datetime(2025, 3, 1, tzinfo=UTC)
POOL = RequisitePool.sample(np.random.default_rng(11))


def _texts(seed: int = 1, n: int = 700, params: TextParams | None = None) -> list[TextItem]:
    return generate_texts(np.random.default_rng(seed), params or TextParams(), START, 7, POOL, n)


ITEMS = _texts()


def _really_valid(req: Requisite) -> bool:
    if req.kind == "card":
        return bool(luhn.is_valid(re.sub(r"[ -]", "", req.raw)))
    if req.kind == "iban":
        try:
            IBAN(req.value)
        except ValueError:
            return False
        return True
    if req.kind == "phone":
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(req.value, None)))
    if req.kind == "wallet":
        return is_valid_tron_address(req.value)
    return re.fullmatch(r"(https?://)?(www\.)?([a-z0-9-]+\.)+[a-z]{2,}(/\S*)?", req.raw) is not None


def test_same_seed_gives_identical_texts_and_another_seed_does_not() -> None:
    assert _texts(3, 50) == _texts(3, 50)
    assert _texts(3, 50) != _texts(4, 50)


def test_items_are_in_time_order_with_sequential_ids_inside_the_window() -> None:
    assert [i.item_id for i in ITEMS] == [f"T{k:07d}" for k in range(1, len(ITEMS) + 1)]
    assert [i.ts for i in ITEMS] == sorted(i.ts for i in ITEMS)
    assert all(START <= i.ts < datetime(2025, 3, 8, tzinfo=UTC) for i in ITEMS)


def test_every_label_and_language_occurs() -> None:
    assert {i.label for i in ITEMS} == set(LABELS)
    assert {i.lang for i in ITEMS} == set(LANGS)
    assert {i.source for i in ITEMS} >= {"telegram", "marketplace", "website", "sms", "chat"}


def test_every_label_has_at_least_eight_templates_per_language() -> None:
    for label in LABELS:
        for lang in LANGS:
            assert len(BODIES[label][lang]) >= 8, (label, lang)


def test_valid_requisites_pass_their_real_checks_and_invalid_ones_fail() -> None:
    reqs = [r for i in ITEMS + _texts(2, 400, TextParams.shifted()) for r in i.requisites]
    assert {r.kind for r in reqs} == {"card", "iban", "phone", "wallet", "link"}
    assert {r.kind for r in reqs if not r.valid} == {"card", "iban", "phone", "wallet", "link"}
    for req in reqs:
        assert _really_valid(req) == req.valid, req


def test_raw_requisites_appear_verbatim_in_the_text() -> None:
    for item in ITEMS:
        for req in item.requisites:
            assert req.raw in item.text


def test_card_values_are_masked_never_the_full_number() -> None:
    for req in (r for i in ITEMS for r in i.requisites if r.kind == "card"):
        digits = re.sub(r"[ -]", "", req.raw)
        assert req.value == digits[:6] + "******" + digits[-4:]


def test_phone_values_are_e164_and_ibans_are_compact_upper_case() -> None:
    for req in (r for i in ITEMS for r in i.requisites):
        if req.kind == "phone":
            assert re.fullmatch(r"\+7\d{9,10}", req.value)
        if req.kind == "iban":
            assert req.value == req.value.upper().replace(" ", "")


def test_valid_fraud_requisites_name_things_from_the_pool() -> None:
    for item in (i for i in ITEMS if i.label != "benign"):
        for req in (r for r in item.requisites if r.valid):
            if req.kind == "iban":
                assert req.value in POOL.fraud_ibans
            if req.kind == "phone":
                assert req.value in POOL.fraud_phones
            if req.kind == "wallet":
                assert req.value in POOL.fraud_wallets
            if req.kind == "link":
                host = req.value.split("/", 1)[0]
                assert host in POOL.fraud_domains or host in SHORTENERS or host == "t.me"


def test_some_benign_items_carry_genuine_requisites_as_hard_negatives() -> None:
    benign = [i for i in ITEMS if i.label == "benign" and i.requisites]
    assert len(benign) > 20
    assert any(r.value in POOL.merchant_phones for i in benign for r in i.requisites)


def test_shifted_profile_changes_the_mix_and_the_wording() -> None:
    default, shifted = _texts(5, 500), _texts(5, 500, TextParams.shifted())
    count = Counter(i.label for i in default)["benign"]
    assert Counter(i.label for i in shifted)["benign"] < count
    assert Counter(i.lang for i in shifted)["kk"] > Counter(i.lang for i in default)["kk"]
    invalid = sum(not r.valid for i in shifted for r in i.requisites)
    assert invalid > sum(not r.valid for i in default for r in i.requisites)


def test_an_empty_pool_still_yields_valid_texts() -> None:
    items = generate_texts(np.random.default_rng(2), TextParams(), START, 1, RequisitePool(), 80)
    assert len(items) == 80
    assert all(r.raw in i.text for i in items for r in i.requisites)


def test_texts_table_has_the_feed_schema_and_truth_has_json_requisites() -> None:
    table = texts_table(ITEMS[:20])
    assert table.schema == arrow_schema(TEXTS)
    truth = texts_truth_table(ITEMS[:20]).to_pylist()
    assert [t["item_id"] for t in truth] == [i.item_id for i in ITEMS[:20]]
    for row, item in zip(truth, ITEMS[:20], strict=True):
        parsed = json.loads(row["requisites"])
        assert [r["raw"] for r in parsed] == [r.raw for r in item.requisites]
        assert row["label"] == item.label


@pytest.mark.parametrize("kind", SMS_KINDS)
def test_sms_bodies_exist_for_every_kind_and_language(kind: str) -> None:
    rng = np.random.default_rng(9)
    ctx = SmsContext("Halyk", Decimal("25000"), "halyk-bonus.top", "+77012345678")
    for lang in LANGS:
        for _ in range(15):
            text, reqs = sms_text(rng, kind, lang, ctx)
            assert text
            assert all(r.raw in text for r in reqs)
            assert "{" not in text


def test_smishing_names_the_context_link_or_callback_number_validly() -> None:
    rng = np.random.default_rng(10)
    ctx = SmsContext("Kaspi", Decimal("99000"), "kaspi-qaytaru.kz", "+77471234567")
    found = [r for _ in range(40) for r in sms_text(rng, "smishing_bank", "kk", ctx)[1]]
    assert {r.value.split("/")[0] for r in found if r.kind == "link"} <= {
        "kaspi-qaytaru.kz",
        *SHORTENERS,
    }
    assert {r.value for r in found if r.kind == "phone"} == {"+77471234567"}
    assert all(r.valid for r in found)


def test_bank_notices_are_never_disguised_and_skip_missing_links() -> None:
    rng = np.random.default_rng(12)
    for _ in range(60):
        text, reqs = sms_text(rng, "bank_notice", "ru", SmsContext("Jusan", Decimal("1500")))
        assert text.startswith("Jusan")
        assert reqs == ()


def test_alpha_senders_list_genuine_ids_and_spoofs_of_kaspi() -> None:
    kaspi = [s for s in ALPHA_SENDERS if s.brand == "kaspi"]
    assert any(s.genuine for s in kaspi)
    assert any(not s.genuine for s in kaspi)
    assert len({s.sender_id for s in ALPHA_SENDERS}) == len(ALPHA_SENDERS)


def test_benign_texts_never_name_fraud_requisites_even_when_merchants_are_missing() -> None:
    fraud_only = RequisitePool(fraud_ibans=POOL.fraud_ibans, fraud_phones=POOL.fraud_phones)
    items = generate_texts(np.random.default_rng(4), TextParams(), START, 2, fraud_only, 300)
    for item in (i for i in items if i.label == "benign"):
        assert all(r.kind not in ("iban", "phone") for r in item.requisites)
