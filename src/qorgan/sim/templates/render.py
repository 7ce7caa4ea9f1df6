"""Filling templates: placeholder values, tenge amounts, disguises, and the renderer.

:func:`render` walks a ``str.format`` template, writes requisites through a maker (so their
raw form lands in the text untouched) and every other placeholder through a value function;
an optional disguise (typos, caps, homoglyphs, spacing, transliteration) is applied to the
wording only, never to a requisite.
"""

from __future__ import annotations

import bisect
import itertools
import string
from collections.abc import Callable

import numpy as np

from qorgan.sim.lookalike import BRANDS
from qorgan.sim.templates.requisites import KINDS, Requisite, pick
from qorgan.sim.templates.vocab import (
    CARS,
    CHANNEL_ENDS,
    CHANNEL_WORDS,
    CITIES,
    COMPANIES,
    DISTRICTS,
    HOMOGLYPHS,
    ITEMS,
    NAMES,
    SHOPS,
    STREETS,
    TRANSLIT,
)

Mix = tuple[tuple[str, float], ...]
"""Named weights: ``(("a", 0.7), ("b", 0.3))``; they need not sum to one."""

_LANG_INDEX = {"ru": 0, "kk": 1, "en": 2}
_BANKS = tuple(b.name for b in BRANDS if b.category == "bank")
_LURE_BRANDS = tuple(b.name for b in BRANDS if b.category != "telecom")
_AMOUNTS = (5_000, 10_000, 20_000, 25_000, 50_000, 100_000, 150_000, 200_000, 500_000)
_FEES = (490, 990, 1_500, 2_500, 3_750, 5_000, 7_500)


def mix(rng: np.random.Generator, weights: Mix) -> str:
    """One name from ``weights``, drawn in proportion to its weight."""
    cum = list(itertools.accumulate(x for _, x in weights))
    k = bisect.bisect_right(cum, rng.random() * cum[-1])
    return weights[min(k, len(weights) - 1)][0]


def money(rng: np.random.Generator, tenge: int, lang: str) -> str:
    """``tenge`` as people write it in ``lang``: ``50 000 ₸``, ``50000тг``, ``KZT 50,000``."""
    plain = str(tenge)
    if lang == "en":
        grouped = f"{tenge:,}" if rng.random() < 0.7 else plain
        return pick(rng, (f"{grouped} KZT", f"KZT {grouped}", f"₸{grouped}", f"{grouped} tenge"))
    grouped = pick(rng, (f"{tenge:,}".replace(",", " "), plain, f"{tenge:,}".replace(",", ".")))
    units = ("₸", "тг", "теңге") if lang == "kk" else ("₸", "тг", "тенге", "тыс. ₸")
    unit = pick(rng, units)
    if unit == "тыс. ₸":
        return f"{tenge // 1000} тыс. ₸" if tenge >= 1000 else f"{grouped} ₸"
    return f"{grouped}{'' if rng.random() < 0.2 else ' '}{unit}"


def _round(x: float, step: int = 1000) -> int:
    return max(step, round(x / step) * step)


def _fresh(
    rng: np.random.Generator,
    name: str,
    label: str,
    lang: str,
    cache: dict[str, str],
    discount: tuple[float, float],
    scale: float,
) -> str:
    ints = rng.integers
    if name in ("item", "price", "old_price"):
        ru, kk, en, market = ITEMS[int(ints(len(ITEMS)))]
        lo, hi = discount if label == "fake_shop" else (0.8, 1.05)
        price = _round(market * rng.uniform(lo, hi))
        cache["item"] = (ru, kk, en)[_LANG_INDEX[lang]]
        cache["price"] = money(rng, price, lang)
        cache["old_price"] = money(rng, _round(market * rng.uniform(1.0, 1.3)), lang)
        return cache[name]
    if name in ("car", "car_price"):
        car, base = CARS[int(ints(len(CARS)))]
        cache["car"], cache["car_price"] = (
            car,
            money(rng, _round(base * rng.uniform(0.5, 1.1), 100_000), lang),
        )
        return cache[name]
    simple: dict[str, Callable[[], str]] = {
        "brand": lambda: pick(rng, _LURE_BRANDS if label == "phishing" else _BANKS),
        "bank": lambda: pick(rng, _BANKS),
        "company": lambda: pick(rng, COMPANIES),
        "oil_company": lambda: pick(rng, ("KazMunayGas", "Tengizchevroil", "KazTransOil")),
        "amount": lambda: money(rng, _round(pick_int(rng, _AMOUNTS) * scale), lang),
        "amount_big": lambda: money(rng, _round(pick_int(rng, _AMOUNTS) * scale * 5), lang),
        "fee": lambda: money(rng, int(pick_int(rng, _FEES) * scale), lang),
        "pct": lambda: str(pick_int(rng, (15, 20, 30, 40, 50, 70, 100, 150, 200, 300))),
        "days": lambda: str(pick_int(rng, (3, 5, 7, 10, 14, 30))),
        "date": lambda: f"{int(ints(1, 29)):02d}.{int(ints(1, 13)):02d}",
        "code": lambda: f"{int(ints(10**6)):06d}"[: int(ints(4, 7))],
        "handle": lambda: "@" + pick(rng, CHANNEL_WORDS) + pick(rng, CHANNEL_ENDS),
        "salary": lambda: money(rng, pick_int(rng, (15_000, 20_000, 25_000, 30_000, 50_000)), lang),
        "salary_month": lambda: money(rng, _round(rng.uniform(180_000, 500_000), 10_000), lang),
        "rooms": lambda: str(int(ints(1, 5))),
        "area": lambda: str(int(cache.get("rooms", "2")) * 20 + int(ints(10, 30))),
        "rent": lambda: money(rng, _round(rng.uniform(120_000, 480_000), 10_000), lang),
        "year": lambda: str(int(ints(2008, 2024))),
        "km": lambda: f"{int(ints(20, 300))} 000",
        "ticket": lambda: money(rng, _round(rng.uniform(8_000, 30_000)), lang),
        "street": lambda: pick(rng, STREETS[lang]),
        "district": lambda: pick(rng, DISTRICTS[lang]),
        "city": lambda: pick(rng, CITIES[lang]),
        "name": lambda: pick(rng, NAMES[lang]),
        "last4": lambda: f"{int(ints(10_000)):04d}",
        "balance": lambda: money(rng, int(ints(1_000, 900_000)), lang),
        "short": lambda: pick(rng, ("9999", "7111", "505", "7575", "3030")),
        "shop": lambda: pick(rng, SHOPS),
    }
    return simple[name]()


def pick_int(rng: np.random.Generator, items: tuple[int, ...]) -> int:
    """One element of ``items`` drawn uniformly."""
    return items[int(rng.integers(len(items)))]


def fill_value(
    rng: np.random.Generator,
    name: str,
    label: str,
    lang: str,
    cache: dict[str, str],
    discount: tuple[float, float],
    scale: float,
) -> str:
    """The value of placeholder ``name``, the same each time within one text (``cache``).

    Args:
        rng: the only source of randomness.
        name: the placeholder, e.g. ``price``.
        label: the text's label (fake shops ask ``discount`` of the market price).
        lang: the text's language.
        cache: values already chosen for this text.
        discount: range of a fake shop's price as a share of the market price.
        scale: multiplies bonus, deposit and fee amounts.

    Raises:
        KeyError: ``name`` is not a known placeholder.
    """
    if name not in cache:
        cache[name] = _fresh(rng, name, label, lang, cache, discount, scale)
    return cache[name]


def _word_edit(rng: np.random.Generator, word: str, style: str) -> str:
    if style == "caps":
        return word.upper()
    if style == "spacing":
        return pick(rng, (".", " ", "*")).join(word)
    i = int(rng.integers(1, len(word) - 1))
    return pick(rng, (word[:i] + word[i + 1 :], word[:i] + word[i] + word[i:],
                      word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]))  # fmt: skip


def obfuscate(rng: np.random.Generator, text: str, style: str) -> str:
    """Disguise wording: ``typo``, ``caps``, ``homoglyph``, ``spacing`` or ``translit``."""
    if style == "translit":
        out = []
        for ch in text:
            lat = TRANSLIT.get(ch.lower(), ch)
            out.append(lat.capitalize() if ch.isupper() and ch.lower() in TRANSLIT else lat)
        return "".join(out)
    if style == "homoglyph":
        return "".join(
            HOMOGLYPHS[ch] if ch in HOMOGLYPHS and rng.random() < 0.35 else ch for ch in text
        )
    share = {"caps": 0.25, "spacing": 0.12}.get(style, 0.15)
    words = text.split(" ")
    for k, word in enumerate(words):
        if len(word) >= 5 and word.isalpha() and rng.random() < share:
            words[k] = _word_edit(rng, word, style)
    return " ".join(words)


def render(
    template: str,
    value: Callable[[str], str],
    make: Callable[[str], Requisite],
    disguise: Callable[[str], str] | None = None,
) -> tuple[str, tuple[Requisite, ...]]:
    """Fill ``template``; requisite placeholders go through ``make``, others through ``value``.

    Args:
        template: a ``str.format`` template.
        value: the text for a non-requisite placeholder.
        make: the requisite for a ``{card}``, ``{iban}``, ``{phone}``, ``{wallet}`` or
            ``{link}`` placeholder.
        disguise: applied to wording and filled values, never to requisites.

    Returns:
        The text and its requisites in order of appearance.
    """
    out: list[str] = []
    reqs: list[Requisite] = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        out.append(disguise(literal) if disguise and literal else literal)
        if name is None:
            continue
        if name in KINDS:
            req = make(name)
            reqs.append(req)
            out.append(req.raw)
        else:
            filled = value(name)
            out.append(disguise(filled) if disguise else filled)
    return "".join(out), tuple(reqs)
