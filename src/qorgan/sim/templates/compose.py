"""Composing one simulated text: body, contact lines, requisites, disguise, emojis, source.

The engine behind ``qorgan.sim.texts.generate_texts``; the profile is a
:class:`~qorgan.sim.texts.TextParams`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from qorgan.sim.templates import BODIES
from qorgan.sim.templates.render import fill_value, mix, obfuscate, render
from qorgan.sim.templates.requisites import (
    DEFAULT_CARD_BINS,
    KINDS,
    Requisite,
    RequisitePool,
    pick,
    write_card,
    write_iban,
    write_link,
    write_phone,
    write_wallet,
)
from qorgan.sim.templates.vocab import (
    CHANNEL_ENDS,
    CHANNEL_WORDS,
    EMOJIS,
    LINK_PATHS,
    LURE_TAILS,
    SALE_TAILS,
)
from qorgan.sim.tron import new_address

if TYPE_CHECKING:
    from qorgan.sim.texts import TextParams

Maker = Callable[[str], Requisite]


def _requisite_maker(
    rng: np.random.Generator, p: TextParams, pool: RequisitePool, label: str
) -> Maker:
    fraud = label != "benign"
    invalid_share = p.invalid_requisite_share

    def make(kind: str) -> Requisite:
        bad = bool(rng.random() < invalid_share)
        if kind == "card":
            return write_card(rng, pick(rng, pool.card_bins or DEFAULT_CARD_BINS), invalid=bad,
                              styles=p.card_styles)  # fmt: skip
        if kind == "iban":
            ibans = pool.fraud_ibans if fraud else pool.merchant_ibans
            return write_iban(rng, pick(rng, ibans), invalid=bad, styles=p.iban_styles)
        if kind == "phone":
            phones = pool.fraud_phones if fraud else pool.merchant_phones
            return write_phone(rng, pick(rng, phones), invalid=bad, styles=p.phone_styles)
        if kind == "wallet":
            wallet = pick(rng, pool.fraud_wallets) if fraud else new_address(rng)
            return write_wallet(rng, wallet, invalid=bad)
        domains = pool.benign_domains if not fraud else pool.fraud_domains
        telegram = label in ("drug_shop", "benign") and rng.random() < 0.5
        if telegram or not domains:
            host, path = "t.me", "/" + _channel(rng) + ("_bot" if fraud else "")
        else:
            host, path = pick(rng, domains), pick(rng, LINK_PATHS)
        return write_link(rng, host, path, invalid=bad, styles=p.link_styles)

    return make


def _available(pool: RequisitePool, label: str) -> tuple[str, ...]:
    """The kinds the pool can supply for ``label`` (benign texts never name fraud things)."""
    ibans: tuple[str, ...]
    phones: tuple[str, ...]
    wallets: tuple[str, ...]
    if label == "benign":
        ibans, phones, wallets = pool.merchant_ibans, pool.merchant_phones, ("made up",)
    else:
        ibans, phones, wallets = pool.fraud_ibans, pool.fraud_phones, pool.fraud_wallets
    supplied = (("iban", ibans), ("phone", phones), ("wallet", wallets))
    return ("card", "link", *(kind for kind, items in supplied if items))


def _channel(rng: np.random.Generator) -> str:
    first = pick(rng, CHANNEL_WORDS)
    second = "_" + pick(rng, CHANNEL_WORDS) if rng.random() < 0.5 else ""
    return first + second + pick(rng, CHANNEL_ENDS)


def pick_template(rng: np.random.Generator, templates: Sequence[str], family_b: float) -> str:
    """A template from family B (odd-indexed) with chance ``family_b``, else from family A."""
    family = templates[1::2] if rng.random() < family_b and len(templates) > 1 else templates[::2]
    return family[int(rng.integers(len(family)))]


def _url(rng: np.random.Generator, source: str, label: str, pool: RequisitePool) -> str | None:
    n = int(rng.integers(10_000, 99_999_999))
    if source == "telegram":
        return f"https://t.me/{_channel(rng)}/{n % 100_000}"
    if source == "marketplace":
        return pick(rng, (f"https://www.olx.kz/d/obyavlenie/ID{n:x}.html",
                          f"https://krisha.kz/a/show/{n}", f"https://kolesa.kz/a/show/{n}",
                          f"https://satu.kz/p{n}-tovar.html"))  # fmt: skip
    if source == "website":
        domains = pool.benign_domains if label == "benign" else pool.fraud_domains
        return f"https://{pick(rng, domains)}{pick(rng, LINK_PATHS)}" if domains else None
    return None


def _decorate(rng: np.random.Generator, text: str, label: str, p: TextParams) -> str:
    if rng.random() >= p.per_label(p.emoji_rate, label):
        return text
    marks = "".join(pick(rng, EMOJIS[label]) for _ in range(int(rng.integers(1, 4))))
    return f"{marks} {text}" if rng.random() < 0.6 else f"{text} {marks}"


_HOURS = np.array([1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 4.5, 5,
                   5, 5, 5, 5, 5, 5.5, 6, 6.5, 6.5, 6, 4, 2], dtype=float)  # fmt: skip
_ALMATY = 5  # UTC+5


def when(rng: np.random.Generator, start: datetime, days: int) -> datetime:
    """A moment within ``days`` from ``start``, busier in Kazakhstan's daytime and evening."""
    local_hour = int(rng.choice(24, p=_HOURS / _HOURS.sum()))
    seconds = ((local_hour - _ALMATY) % 24) * 3600 + int(rng.integers(3600))
    return start + timedelta(days=int(rng.integers(days)), seconds=seconds)


def _kinds(
    rng: np.random.Generator, p: TextParams, pool: RequisitePool, label: str, hint: str | None
) -> list[str]:
    if rng.random() >= p.per_label(p.requisite_share, label):
        return []
    have = _available(pool, label)
    allowed = tuple(hint.split(",")) if hint is not None else KINDS
    kinds_mix = tuple(
        kw for kw in dict(p.requisite_kind_mix)[label] if kw[0] in have and kw[0] in allowed
    )
    if not kinds_mix:
        return []
    kinds = [mix(rng, kinds_mix)]
    if rng.random() < p.second_requisite_share:
        second = mix(rng, kinds_mix)
        if second != kinds[0]:
            kinds.append(second)
    return kinds


def compose(
    rng: np.random.Generator, p: TextParams, pool: RequisitePool, label: str, lang: str
) -> tuple[str, str | None, str, tuple[Requisite, ...]]:
    """One text of ``label`` in ``lang``: its ``(source, url, text, requisites)``."""
    body, bar, hint = pick_template(rng, BODIES[label][lang], p.family_b_share).partition("|")
    parts = [body]
    for kind in _kinds(rng, p, pool, label, hint if bar else None):
        tails = LURE_TAILS if label == "phishing" and kind in LURE_TAILS else SALE_TAILS
        parts.append(pick_template(rng, tails[kind][lang], p.family_b_share))
    template = pick(rng, ("\n", " ", "\n\n")).join(parts)
    style = None
    if rng.random() < p.per_label(p.obfuscation_rate, label):
        style = mix(rng, p.obfuscation_mix)
    cache: dict[str, str] = {}
    text, reqs = render(
        template,
        lambda name: fill_value(rng, name, label, lang, cache, p.shop_discount, p.amount_scale),
        _requisite_maker(rng, p, pool, label),
        (lambda s: obfuscate(rng, s, style)) if style else None,
    )
    source = mix(rng, dict(p.source_mix)[label])
    return source, _url(rng, source, label, pool), _decorate(rng, text, label, p), reqs
