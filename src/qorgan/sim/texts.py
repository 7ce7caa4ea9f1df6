"""Simulated ads, posts, messages and SMS bodies in Kazakh, Russian and English, with truth.

``generate_texts`` makes the ``texts`` feed: fake shops, fake investments (incl. "money
recovery" services), phishing lures, drug shops and many ordinary posts, some carrying
genuine requisites (hard negatives). Requisites (cards, IBANs, phones, wallets, links) are
drawn from a :class:`RequisitePool` so that texts name things that exist in the simulated
world; they are written in varied real-world styles, some deliberately broken. ``sms_text``
writes bodies for the ``sms`` feed. Truth for a text is the :class:`TextItem` itself.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pyarrow as pa

from qorgan.core.errors import InvalidInput
from qorgan.core.feeds import TEXTS, arrow_schema
from qorgan.sim.lookalike import BRANDS, lookalike_domains
from qorgan.sim.templates import LABELS, LANGS
from qorgan.sim.templates.compose import compose, pick_template, when
from qorgan.sim.templates.render import Mix, fill_value, mix, obfuscate, render
from qorgan.sim.templates.requisites import (
    DEFAULT_CARD_BINS,
    Requisite,
    RequisitePool,
    pick,
    write_card,
    write_link,
    write_phone,
)
from qorgan.sim.templates.sms import ALPHA_SENDERS, SMS, SMS_KINDS, AlphaSender
from qorgan.sim.templates.vocab import LINK_PATHS

__all__ = [
    "ALPHA_SENDERS",
    "LABELS",
    "LANGS",
    "SMS_KINDS",
    "AlphaSender",
    "Requisite",
    "RequisitePool",
    "SmsContext",
    "TextItem",
    "TextParams",
    "generate_texts",
    "sms_text",
    "texts_table",
    "texts_truth_table",
]

PerLabel = tuple[tuple[str, Mix], ...]

_KIND_MIX_DEFAULT: PerLabel = (
    ("benign", (("phone", 0.5), ("iban", 0.15), ("link", 0.25), ("card", 0.07), ("wallet", 0.03))),
    ("fake_shop", (("card", 0.35), ("phone", 0.3), ("iban", 0.15), ("link", 0.2))),
    ("fake_investment", (("link", 0.35), ("phone", 0.15), ("wallet", 0.3), ("card", 0.2))),
    ("phishing", (("link", 0.8), ("phone", 0.2))),
    ("drug_shop", (("wallet", 0.5), ("link", 0.3), ("card", 0.2))),
)
_SOURCE_MIX_DEFAULT: PerLabel = (
    ("benign", (("telegram", 0.35), ("marketplace", 0.3), ("website", 0.1), ("chat", 0.2),
                ("sms", 0.05))),
    ("fake_shop", (("telegram", 0.45), ("marketplace", 0.3), ("website", 0.15), ("chat", 0.05),
                   ("sms", 0.05))),
    ("fake_investment", (("telegram", 0.55), ("website", 0.25), ("chat", 0.1), ("sms", 0.1))),
    ("phishing", (("sms", 0.35), ("telegram", 0.2), ("website", 0.3), ("chat", 0.15))),
    ("drug_shop", (("telegram", 0.8), ("chat", 0.15), ("website", 0.05))),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TextParams:
    """How simulated texts look. Defaults are the ``default`` profile.

    Attributes:
        label_mix: weights of the labels.
        lang_mix: weights of the languages ``kk``, ``ru``, ``en``.
        source_mix: per label, weights of the sources (``telegram``, ``marketplace``,
            ``website``, ``sms``, ``chat``).
        requisite_share: per label, the chance that an item carries at least one requisite.
        second_requisite_share: the chance that an item with one requisite has a second.
        requisite_kind_mix: per label, weights of the requisite kinds.
        invalid_requisite_share: the chance that a requisite is written broken (bad Luhn,
            bad IBAN checksum, unallocated or short number, truncated wallet, ``site[.]kz``).
        family_b_share: the chance of drawing a template from family B (odd-indexed
            templates) rather than family A; profiles differ in wording this way.
        emoji_rate: per label, the chance of emojis around the text.
        obfuscation_rate: per label, the chance that the wording is disguised.
        obfuscation_mix: weights of the disguises: ``typo`` (dropped, doubled, swapped
            letters), ``caps`` (SHOUTED words), ``homoglyph`` (Latin letters inside Cyrillic
            words and back), ``spacing`` (к.а.р.т.а), ``translit`` (Cyrillic written in Latin).
        phone_styles, card_styles, iban_styles, link_styles: the ways requisites are
            written, drawn uniformly (repeat a style to weight it); see
            ``templates.requisites``.
        shop_discount: the range of a fake shop's price as a share of the market price
            (honest sellers ask 0.8-1.05 of it).
        amount_scale: multiplies the tenge amounts of bonuses, deposits and fees.
    """

    label_mix: Mix = (
        ("benign", 0.55), ("fake_shop", 0.13), ("fake_investment", 0.11),
        ("phishing", 0.14), ("drug_shop", 0.07),
    )  # fmt: skip
    lang_mix: Mix = (("ru", 0.55), ("kk", 0.3), ("en", 0.15))
    source_mix: PerLabel = _SOURCE_MIX_DEFAULT
    requisite_share: Mix = (
        ("benign", 0.35), ("fake_shop", 0.85), ("fake_investment", 0.8),
        ("phishing", 0.95), ("drug_shop", 0.6),
    )  # fmt: skip
    second_requisite_share: float = 0.2
    requisite_kind_mix: PerLabel = _KIND_MIX_DEFAULT
    invalid_requisite_share: float = 0.12
    family_b_share: float = 0.25
    emoji_rate: Mix = (
        ("benign", 0.2), ("fake_shop", 0.6), ("fake_investment", 0.6),
        ("phishing", 0.3), ("drug_shop", 0.7),
    )  # fmt: skip
    obfuscation_rate: Mix = (
        ("benign", 0.08), ("fake_shop", 0.25), ("fake_investment", 0.25),
        ("phishing", 0.3), ("drug_shop", 0.4),
    )  # fmt: skip
    obfuscation_mix: Mix = (
        ("typo", 0.4), ("caps", 0.3), ("homoglyph", 0.15), ("spacing", 0.1), ("translit", 0.05),
    )  # fmt: skip
    phone_styles: tuple[str, ...] = (
        "intl_spaced", "intl_spaced", "eight_paren", "eight_plain", "intl_plain",
        "eight_spaced",
    )  # fmt: skip
    card_styles: tuple[str, ...] = ("spaced", "spaced", "plain")
    iban_styles: tuple[str, ...] = ("compact", "grouped")
    link_styles: tuple[str, ...] = ("https", "bare", "bare", "www", "short")
    shop_discount: tuple[float, float] = (0.25, 0.55)
    amount_scale: float = 1.0

    @classmethod
    def shifted(cls) -> TextParams:
        """A second profile: more fraud and Kazakh, other templates, more disguise."""
        return cls(
            label_mix=(
                ("benign", 0.4), ("fake_shop", 0.15), ("fake_investment", 0.18),
                ("phishing", 0.17), ("drug_shop", 0.1),
            ),
            lang_mix=(("ru", 0.35), ("kk", 0.45), ("en", 0.2)),
            source_mix=(
                ("benign", (("telegram", 0.3), ("marketplace", 0.2), ("chat", 0.4),
                            ("website", 0.1))),
                ("fake_shop", (("chat", 0.3), ("telegram", 0.3), ("website", 0.3),
                               ("marketplace", 0.1))),
                ("fake_investment", (("chat", 0.3), ("telegram", 0.3), ("website", 0.4))),
                ("phishing", (("chat", 0.35), ("sms", 0.15), ("telegram", 0.3),
                              ("website", 0.2))),
                ("drug_shop", (("telegram", 0.5), ("chat", 0.4), ("website", 0.1))),
            ),
            requisite_share=(
                ("benign", 0.5), ("fake_shop", 0.6), ("fake_investment", 0.55),
                ("phishing", 0.8), ("drug_shop", 0.4),
            ),
            second_requisite_share=0.35,
            requisite_kind_mix=(
                ("benign", (("phone", 0.3), ("iban", 0.3), ("link", 0.2), ("card", 0.15),
                            ("wallet", 0.05))),
                ("fake_shop", (("card", 0.15), ("phone", 0.25), ("iban", 0.35), ("link", 0.25))),
                ("fake_investment", (("link", 0.2), ("phone", 0.3), ("wallet", 0.2),
                                     ("iban", 0.1), ("card", 0.2))),
                ("phishing", (("link", 0.6), ("phone", 0.4))),
                ("drug_shop", (("wallet", 0.3), ("link", 0.5), ("card", 0.2))),
            ),
            invalid_requisite_share=0.25,
            family_b_share=0.75,
            emoji_rate=(
                ("benign", 0.45), ("fake_shop", 0.3), ("fake_investment", 0.35),
                ("phishing", 0.15), ("drug_shop", 0.5),
            ),
            obfuscation_rate=(
                ("benign", 0.15), ("fake_shop", 0.45), ("fake_investment", 0.4),
                ("phishing", 0.5), ("drug_shop", 0.6),
            ),
            obfuscation_mix=(
                ("typo", 0.1), ("caps", 0.1), ("homoglyph", 0.35), ("spacing", 0.2),
                ("translit", 0.25),
            ),
            phone_styles=("eight_paren", "eight_paren", "seven_plain", "intl_dashed",
                          "eight_spaced"),
            card_styles=("plain", "dashed", "dashed"),
            iban_styles=("grouped", "grouped", "compact"),
            link_styles=("short", "short", "bare", "http", "https"),
            shop_discount=(0.5, 0.8),
            amount_scale=1.6,
        )  # fmt: skip

    def per_label(self, table: Mix, label: str) -> float:
        """The number ``table`` gives ``label`` (0 when absent)."""
        return dict(table).get(label, 0.0)


@dataclass(frozen=True, slots=True)
class TextItem:
    """One simulated text and its truth.

    Attributes:
        item_id: stable id, ``T0000001`` upwards in time order.
        ts: when it was posted (tz-aware UTC).
        source: ``telegram``, ``marketplace``, ``website``, ``sms`` or ``chat``.
        url: where it was seen, or None (SMS, chats).
        text: the text.
        lang: ``kk``, ``ru`` or ``en`` (the dominant language; many mix).
        label: ``benign``, ``fake_shop``, ``fake_investment``, ``phishing`` or ``drug_shop``.
        requisites: the requisites written in the text, in order of appearance.
    """

    item_id: str
    ts: datetime
    source: str
    url: str | None
    text: str
    lang: str
    label: str
    requisites: tuple[Requisite, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class SmsContext:
    """What an SMS body refers to.

    Attributes:
        bank: the bank or brand display name, e.g. ``Kaspi``.
        amount: an amount in tenge (payment, bonus, prize, loan).
        link_domain: the domain to link to (a look-alike for smishing, a genuine one for a
            bank notice or spam), or None.
        callback_phone: an E.164 number to call back or pay to, or None.
        card_bins: BINs for card numbers written in personal messages.
    """

    bank: str = "Kaspi"
    amount: Decimal = Decimal("15000")
    link_domain: str | None = None
    callback_phone: str | None = None
    card_bins: tuple[str, ...] = DEFAULT_CARD_BINS


def generate_texts(
    rng: np.random.Generator,
    params: TextParams,
    start: datetime,
    days: int,
    pool: RequisitePool,
    n: int,
) -> list[TextItem]:
    """Make ``n`` texts posted between ``start`` and ``start + days``.

    Args:
        rng: the only source of randomness.
        params: the profile.
        start: tz-aware start of the window.
        days: length of the window in days (at least 1).
        pool: the requisites the simulated world provides. Where it names no fraud
            domains, 40 look-alikes are made here; where it names no benign domains, the
            brands' genuine domains are used.
        n: how many items.

    Returns:
        Items ordered by ``ts`` then ``item_id``; ids count up in that order.

    Raises:
        InvalidInput: ``start`` is naive, ``days`` < 1 or ``n`` < 0.
    """
    if start.tzinfo is None or days < 1 or n < 0:
        raise InvalidInput("texts need a tz-aware start, days >= 1 and n >= 0")
    start = start.astimezone(UTC)
    if not pool.fraud_domains:
        pool = replace(pool, fraud_domains=tuple(d.domain for d in lookalike_domains(rng, 40)))
    if not pool.benign_domains:
        pool = replace(pool, benign_domains=tuple(b.domain for b in BRANDS))
    drafts = []
    for k in range(n):
        label, lang = mix(rng, params.label_mix), mix(rng, params.lang_mix)
        ts = when(rng, start, days)
        drafts.append((ts, k, label, lang, compose(rng, params, pool, label, lang)))
    drafts.sort(key=lambda d: (d[0], d[1]))
    return [
        TextItem(f"T{i + 1:07d}", ts, src, url, text, lang, label, reqs)
        for i, (ts, _, label, lang, (src, url, text, reqs)) in enumerate(drafts)
    ]


def sms_text(
    rng: np.random.Generator,
    kind: str,
    lang: str,
    ctx: SmsContext,
    params: TextParams | None = None,
) -> tuple[str, tuple[Requisite, ...]]:
    """Write one SMS body of ``kind`` in ``lang`` about ``ctx``.

    Args:
        rng: the only source of randomness.
        kind: one of ``SMS_KINDS``.
        lang: ``kk``, ``ru`` or ``en``.
        ctx: the bank, amount, link domain and callback number to use; templates needing a
            link or a number that ``ctx`` lacks are skipped.
        params: the profile (template family, phone and link styles, disguise rates).

    Returns:
        The body and the requisites written in it. The context's own link and number are
        always written validly; only card numbers in personal messages may be broken.
    """
    p = params or TextParams()
    usable = tuple(
        t
        for t in SMS[kind][lang]
        if ("{link}" not in t or ctx.link_domain) and ("{phone}" not in t or ctx.callback_phone)
    )
    template = pick_template(rng, usable, p.family_b_share)
    label = "phishing" if kind.startswith("smishing") else "benign"
    style = None
    if kind != "bank_notice" and rng.random() < p.per_label(p.obfuscation_rate, label):
        # Genuine bank messages are never disguised; people only make typos or shout.
        style = mix(rng, p.obfuscation_mix) if label == "phishing" else pick(rng, _HUMAN)
    link_styles = _OFFICIAL_LINKS if kind == "bank_notice" else p.link_styles

    def make(req_kind: str) -> Requisite:
        if req_kind == "link" and ctx.link_domain:
            return write_link(rng, ctx.link_domain, pick(rng, LINK_PATHS), invalid=False,
                              styles=link_styles)  # fmt: skip
        if req_kind == "phone" and ctx.callback_phone:
            return write_phone(rng, ctx.callback_phone, invalid=False, styles=p.phone_styles)
        bad = bool(rng.random() < p.invalid_requisite_share)
        return write_card(rng, pick(rng, ctx.card_bins), invalid=bad, styles=p.card_styles)

    balance = Decimal(int(rng.integers(100_000, 90_000_000))) / 100
    cache = {
        "bank": ctx.bank,
        "amount": _sms_amount(ctx.amount, lang),
        "balance": _sms_amount(balance, lang),
    }
    return render(
        template,
        lambda name: fill_value(rng, name, label, lang, cache, p.shop_discount, p.amount_scale),
        make,
        (lambda s: obfuscate(rng, s, style)) if style else None,
    )


_HUMAN = ("typo", "caps")
_OFFICIAL_LINKS = ("https", "bare")


def _sms_amount(amount: Decimal, lang: str) -> str:
    """An amount as banks print it: ``12 500 ₸``, ``12 500,50 ₸``, ``12,500.50 KZT``."""
    text = f"{amount:,.2f}".removesuffix(".00")
    if lang == "en":
        return f"{text} KZT"
    return text.replace(",", " ").replace(".", ",") + " ₸"


def texts_table(items: Sequence[TextItem]) -> pa.Table:
    """The ``texts`` feed (``item_id, ts, source, url, text, lang``) of ``items``."""
    schema = arrow_schema(TEXTS)
    data = {
        "item_id": [i.item_id for i in items],
        "ts": [i.ts for i in items],
        "source": [i.source for i in items],
        "url": [i.url for i in items],
        "text": [i.text for i in items],
        "lang": [i.lang for i in items],
    }
    return pa.Table.from_pydict(data, schema=schema)


TRUTH_SCHEMA = pa.schema(
    [
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("label", pa.string(), nullable=False),
        pa.field("lang", pa.string(), nullable=False),
        pa.field("requisites", pa.string(), nullable=False),
    ]
)
"""``truth/texts``: ``requisites`` is a JSON list of ``{kind, raw, value, valid}``."""


def texts_truth_table(items: Sequence[TextItem]) -> pa.Table:
    """The truth of ``items``: label, language and requisites (as a JSON list) per item."""
    reqs = [
        json.dumps(
            [{"kind": r.kind, "raw": r.raw, "value": r.value, "valid": r.valid}
             for r in i.requisites],
            ensure_ascii=False,
        )
        for i in items
    ]  # fmt: skip
    data = {
        "item_id": [i.item_id for i in items],
        "label": [i.label for i in items],
        "lang": [i.lang for i in items],
        "requisites": reqs,
    }
    return pa.Table.from_pydict(data, schema=TRUTH_SCHEMA)
