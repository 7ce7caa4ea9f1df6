"""The SMS text model: features, training on simulator SMS, scoring, and the JSON artefact."""

from __future__ import annotations

import doctest
import importlib
import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.core.brands import BRANDS, GENUINE_DOMAINS
from qorgan.core.errors import InvalidInput
from qorgan.sim.lookalike import lookalike_domains
from qorgan.sim.texts import SmsContext, sms_text
from qorgan.telecom.textmodel import (
    FORMAT,
    TextModel,
    features,
    fit_text_model,
    normalise,
    train_text_model,
    training_texts,
)

KINDS = ("personal", "bank_notice", "spam", "smishing_bank", "smishing_link", "simbox_cover")
BANKS = tuple(b.name for b in BRANDS if b.category == "bank")


def simulator_sms(seed: int, per_kind: int = 150) -> tuple[pa.Table, pa.Table]:
    """SMS bodies written the way the simulator writes its feed, with their truth."""
    rng = np.random.default_rng(seed)
    fake = [d.domain for d in lookalike_domains(rng, 40)]
    genuine = sorted(GENUINE_DOMAINS)
    ids, texts, kinds = [], [], []
    for kind in KINDS:
        for _ in range(per_kind):
            domains = fake if kind.startswith("smishing") else genuine
            ctx = SmsContext(
                bank=BANKS[int(rng.integers(len(BANKS)))],
                amount=Decimal(int(rng.integers(1, 500)) * 1000),
                link_domain=domains[int(rng.integers(len(domains)))],
                callback_phone=f"+7747{int(rng.integers(10**6, 10**7))}",
            )
            lang = ("kk", "ru", "en")[int(rng.choice(3, p=(0.35, 0.55, 0.1)))]
            text = "ok" if kind == "simbox_cover" else sms_text(rng, kind, lang, ctx)[0]
            ids.append(f"S{len(ids):07d}")
            texts.append(text)
            kinds.append(kind)
    return pa.table({"sms_id": ids, "text": texts}), pa.table({"sms_id": ids, "kind": kinds})


@pytest.fixture(scope="module")
def model() -> TextModel:
    return train_text_model(*simulator_sms(seed=7))


def test_normalise_masks_links_and_digits_and_folds_lookalike_letters() -> None:
    assert normalise("Kaspi: код 4821, см. https://kaspi.kz/pay") == normalise(
        "KАSPI:   КОД 1234, см. hxxp://evil[.]top"
    )
    assert "httplink" in normalise("go to kaspi-bonus.kz now")
    assert "0000" in normalise("код 4821")


def test_features_hold_words_bigrams_and_character_ngrams() -> None:
    found = set(features("Карта заблокирована"))
    assert f"w:{normalise('карта')}" in found
    assert f"w:{normalise('карта заблокирована')}" in found
    assert f"c: {normalise('ка')}" in found


def test_training_texts_are_distinct_and_leave_box_cover_out() -> None:
    texts, labels = training_texts(*simulator_sms(seed=3, per_kind=40))
    assert len(texts) == len(set(texts)) == len(labels)
    assert "ok" not in texts
    assert 0 < sum(labels) < len(labels)


def test_russian_and_kazakh_phishing_texts_score_above_benign(model: TextModel) -> None:
    phishing = [
        "Halyk Bank: Ваша карта заблокирована из-за подозрительной операции. Позвоните "
        "+7 747 555 12 12",
        "Служба безопасности Kaspi: попытка списания 150 000 ₸. Срочно перезвоните",
        "Jusan: атыңызға 300 000 ₸ несие рәсімделді. Бас тарту үшін: jusan-kredit.top",
        "Құттықтаймыз! Kaspi акциясында 100 000 ₸ ұтып алдыңыз. Алу: kaspi-bonus.kz",
    ]
    benign = [
        "Halyk Bank: Код подтверждения 48213. Никому не сообщайте этот код.",
        "Kaspi Bank: Перевод 20 000 ₸ выполнен. Карта *1234.",
        "Сәлем! Қайдасың?",
        "Ертең сағат 10-да кіреберісте",
        "Скидки до 50% в Magnum только на выходных!",
    ]
    lowest_phishing = min(model.score(t) for t in phishing)
    highest_benign = max(model.score(t) for t in benign)
    assert lowest_phishing > 0.5 > highest_benign


def test_bank_notices_are_hard_negatives_that_score_low(model: TextModel) -> None:
    sms, truth = simulator_sms(seed=11, per_kind=30)
    kinds = truth["kind"].to_pylist()
    notices = [t for t, k in zip(sms["text"].to_pylist(), kinds, strict=True) if k == "bank_notice"]
    assert np.mean([model.score(t) < 0.5 for t in notices]) >= 0.9


def test_model_round_trips_through_json_without_pickle(model: TextModel, tmp_path: Path) -> None:
    path = tmp_path / "sms-text.json"
    model.save(path)
    raw = path.read_bytes()
    assert not raw.startswith(b"\x80")  # a pickle stream starts with the PROTO opcode
    data = json.loads(raw)
    assert (data["format"], data["version"]) == (FORMAT, 1)
    assert len(data["terms"]) == len(data["idf"]) == len(data["coef"])
    loaded = TextModel.load(path)
    for text in ("Kaspi Bank: карта заблокирована", "Привет", "Claim your prize: kaspi.top"):
        assert loaded.score(text) == model.score(text)
    assert loaded.trained_on == model.trained_on


def test_another_format_or_version_is_refused(model: TextModel, tmp_path: Path) -> None:
    data = model.to_json()
    with pytest.raises(InvalidInput, match="version"):
        TextModel.from_json({**data, "version": 99})
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidInput, match="cannot read"):
        TextModel.load(path)


def test_training_needs_both_classes() -> None:
    with pytest.raises(InvalidInput):
        fit_text_model(["a b", "c d", "e f", "g h"], [0, 0, 0, 0])


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300))
def test_scores_are_probabilities_for_any_text(model: TextModel, text: str) -> None:
    score = model.score(text)
    assert 0.0 <= score <= 1.0
    assert model.top_terms(text, 2) == model.top_terms(text, 2)


@pytest.mark.slow
def test_model_trained_on_a_small_world_separates_smishing(tmp_path: Path) -> None:
    from qorgan.sim.world import simulate

    simulate(tmp_path, seed=5, scale="small")
    sms, truth = (
        pq.read_table(tmp_path / "sms.parquet"),
        pq.read_table(tmp_path / "truth/sms.parquet"),
    )
    fitted = train_text_model(sms, truth)
    texts, labels = training_texts(sms, truth)
    predicted = [fitted.score(t) >= 0.5 for t in texts]
    assert np.mean([p == bool(y) for p, y in zip(predicted, labels, strict=True)]) > 0.95


def test_docstring_examples_run() -> None:
    result = doctest.testmod(importlib.import_module("qorgan.telecom.textmodel"))
    assert result.attempted > 0
    assert result.failed == 0
