"""Look-alike domains of Kazakh brands, made the way dnstwist enumerates them.

Fraudsters register names close to a bank's, a marketplace's or a government portal's domain:
a dropped or doubled letter (``kasspi.kz``), a homoglyph (``ha1ykbank.kz``), a brand plus a
word (``kaspi-bonus.kz``, ``halyk-qaytaru.com``), the genuine domain inside a longer name
(``kaspi.kz-pay.top``, ``egov.kz.portal-login.online``) or the brand under a cheap TLD. A .kz
name needs a local registrant, so most look-alikes sit under gTLDs.

``Brand``, ``BRANDS`` and ``GENUINE_DOMAINS`` live in :mod:`qorgan.core.brands` (detectors read
them too) and are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qorgan.core.brands import BRANDS, GENUINE_DOMAINS, Brand
from qorgan.core.errors import InvalidInput

__all__ = [
    "BRANDS",
    "GENUINE_DOMAINS",
    "Brand",
    "LookalikeDomain",
    "LookalikeParams",
    "Mix",
    "lookalike_domains",
]

Mix = tuple[tuple[str, float], ...]
"""Named weights: ``(("a", 0.7), ("b", 0.3))``; they need not sum to one."""


_KEYBOARD = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij",
    "i": "uok", "o": "ipl", "p": "ol", "a": "qsz", "s": "adw", "d": "sfe", "f": "dgr",
    "g": "fht", "h": "gjy", "j": "hku", "k": "jli", "l": "kop", "z": "asx", "x": "zcs",
    "c": "xvd", "v": "cbf", "b": "vng", "n": "bmh", "m": "nj",
}  # fmt: skip
_HOMOGLYPHS = {
    "o": ("0",), "l": ("1", "i"), "i": ("l", "1"), "m": ("rn",), "w": ("vv",),
    "d": ("cl",), "a": ("4",), "e": ("3",), "s": ("5",), "g": ("q", "9"),
    "b": ("6",), "k": ("lc",), "u": ("v",), "n": ("m",),
}  # fmt: skip
_VOWELS = "aeiou"
_BRAND_HELD_TLDS = ("com", "net")
_TYPO = (
    "omission", "repetition", "replacement", "transposition", "vowel-swap", "homoglyph",
    "hyphenation", "addition",
)  # fmt: skip


def _mix(rng: np.random.Generator, mix: Mix) -> str:
    weights = np.array([w for _, w in mix], dtype=float)
    return mix[int(rng.choice(len(mix), p=weights / weights.sum()))][0]


def _pick(rng: np.random.Generator, items: tuple[str, ...] | str) -> str:
    return items[int(rng.integers(len(items)))]


@dataclass(frozen=True, slots=True)
class LookalikeParams:
    """How look-alike domains are made. Defaults are the ``default`` profile.

    Attributes:
        technique_mix: weights of the techniques: the typo ones (``omission``,
            ``repetition``, ``replacement``, ``transposition``, ``vowel-swap``, ``homoglyph``,
            ``hyphenation``, ``addition``) change the brand's label; ``dictionary`` adds a
            word (``kaspi-bonus.kz``); ``tld-swap`` keeps the label under another TLD;
            ``combo`` glues a word to the genuine domain (``kaspi.kz-pay.top``); ``subdomain``
            puts the genuine domain under an attacker's (``egov.kz.portal-login.online``).
        category_mix: weights of the brand categories that are impersonated.
        keep_kz_share: chance that a typo or dictionary name stays under the brand's own
            suffix (``.kz``) rather than a cheap gTLD.
        tld_mix: weights of the gTLDs used when leaving ``.kz``.
        words: dictionary words per brand category, added with a hyphen.
    """

    technique_mix: Mix = (
        ("omission", 0.07), ("repetition", 0.06), ("replacement", 0.06),
        ("transposition", 0.04), ("vowel-swap", 0.04), ("homoglyph", 0.10),
        ("hyphenation", 0.05), ("addition", 0.04), ("dictionary", 0.30),
        ("tld-swap", 0.10), ("combo", 0.09), ("subdomain", 0.05),
    )  # fmt: skip
    category_mix: Mix = (
        ("bank", 0.5), ("marketplace", 0.2), ("government", 0.15),
        ("delivery", 0.1), ("telecom", 0.05),
    )  # fmt: skip
    keep_kz_share: float = 0.35
    tld_mix: Mix = (
        ("com", 0.25), ("online", 0.2), ("top", 0.15), ("site", 0.12),
        ("xyz", 0.1), ("shop", 0.08), ("info", 0.1),
    )  # fmt: skip
    words: tuple[tuple[str, tuple[str, ...]], ...] = field(
        default=(
            ("bank", ("bonus", "qaytaru", "vozvrat", "pay", "login", "secure", "cashback",
                      "kredit", "red", "gold", "online", "kz")),
            ("marketplace", ("pay", "oplata", "dostavka", "order", "safe", "deal", "kz")),
            ("government", ("kz", "portal", "tolem", "vyplata", "gov", "online", "zhardem")),
            ("delivery", ("track", "posylka", "dostavka", "parcel", "kz")),
            ("telecom", ("bonus", "tariff", "gift", "kz")),
        )
    )  # fmt: skip

    @classmethod
    def shifted(cls) -> LookalikeParams:
        """A second profile: more homoglyphs and subdomains, other TLDs and other words."""
        return cls(
            technique_mix=(
                ("omission", 0.05), ("repetition", 0.03), ("replacement", 0.03),
                ("transposition", 0.06), ("vowel-swap", 0.06), ("homoglyph", 0.22),
                ("hyphenation", 0.08), ("addition", 0.07), ("dictionary", 0.12),
                ("tld-swap", 0.06), ("combo", 0.10), ("subdomain", 0.12),
            ),
            category_mix=(
                ("bank", 0.3), ("marketplace", 0.3), ("government", 0.25),
                ("delivery", 0.1), ("telecom", 0.05),
            ),
            keep_kz_share=0.15,
            tld_mix=(
                ("icu", 0.2), ("click", 0.15), ("live", 0.15), ("online", 0.15),
                ("cc", 0.1), ("store", 0.15), ("net", 0.1),
            ),
            words=(
                ("bank", ("aktivaciya", "sync", "tolem", "qorgau", "support", "app", "verify")),
                ("marketplace", ("checkout", "garant", "sdelka", "kupit", "bezopasno")),
                ("government", ("komp", "sms", "tekseru", "shtraf", "posobie")),
                ("delivery", ("tracking", "kargo", "zhetkizu", "status")),
                ("telecom", ("promo", "esim", "sync")),
            ),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class LookalikeDomain:
    """One look-alike domain.

    Attributes:
        domain: the look-alike, lower-case ASCII.
        brand: the ``Brand.key`` it imitates.
        technique: how it was made (a name from ``LookalikeParams.technique_mix``).
    """

    domain: str
    brand: str
    technique: str


def _typo(rng: np.random.Generator, label: str, technique: str) -> str:
    i = int(rng.integers(len(label)))
    ch = label[i]
    if technique == "omission":
        return label[:i] + label[i + 1 :]
    if technique == "repetition":
        return label[:i] + ch + label[i:]
    if technique == "replacement":
        return label[:i] + _pick(rng, _KEYBOARD.get(ch, "x")) + label[i + 1 :]
    if technique == "transposition":
        j = min(i, len(label) - 2)
        return label[:j] + label[j + 1] + label[j] + label[j + 2 :]
    if technique == "vowel-swap":
        spots = [k for k, c in enumerate(label) if c in _VOWELS]
        k = spots[int(rng.integers(len(spots)))] if spots else i
        return label[:k] + _pick(rng, _VOWELS.replace(label[k], "")) + label[k + 1 :]
    if technique == "homoglyph":
        spots = [k for k, c in enumerate(label) if c in _HOMOGLYPHS]
        k = spots[int(rng.integers(len(spots)))] if spots else i
        return label[:k] + _pick(rng, _HOMOGLYPHS.get(label[k], ("0",))) + label[k + 1 :]
    if technique == "hyphenation":
        k = 1 + int(rng.integers(max(1, len(label) - 1)))
        return label[:k] + "-" + label[k:]
    return label + _pick(rng, ("s", "1", "24", "kz", "a", "pay"))  # addition


def _make(rng: np.random.Generator, brand: Brand, technique: str, p: LookalikeParams) -> str:
    words = dict(p.words).get(brand.category, ("kz",))
    word = _pick(rng, words)
    keep = rng.random() < p.keep_kz_share
    suffix = brand.suffix if keep else _mix(rng, p.tld_mix)
    if technique in _TYPO:
        return f"{_typo(rng, brand.label, technique)}.{suffix}"
    if technique == "dictionary":
        joined = f"{brand.label}-{word}" if rng.random() < 0.75 else f"{word}-{brand.label}"
        return f"{joined}.{suffix}"
    gtld = _mix(rng, p.tld_mix)
    if technique == "tld-swap":
        # Brands usually hold their own .com and .net; squatters take the cheaper ones.
        while gtld in _BRAND_HELD_TLDS:
            gtld = _mix(rng, p.tld_mix)
        return f"{brand.label}.{gtld}"
    if technique == "combo":
        return f"{brand.domain}-{word if word != 'kz' else 'pay'}.{gtld}"
    second = _pick(rng, ("login", "secure", "portal", "id", "auth", "client"))
    return f"{brand.domain}.{word}-{second}.{gtld}"  # subdomain


def _well_formed(domain: str) -> bool:
    labels = domain.split(".")
    ok = all(
        1 <= len(x) <= 63 and not x.startswith("-") and not x.endswith("-") and "--" not in x
        for x in labels
    )
    return ok and len(labels) >= 2 and all(c.isalnum() or c in "-." for c in domain)


def lookalike_domains(
    rng: np.random.Generator, n: int, params: LookalikeParams | None = None
) -> list[LookalikeDomain]:
    """Make ``n`` distinct look-alike domains of ``BRANDS``.

    Args:
        rng: the only source of randomness.
        n: how many to make.
        params: the profile; ``LookalikeParams()`` when omitted.

    Returns:
        ``n`` look-alikes in generation order, none equal to a genuine domain.

    Raises:
        InvalidInput: ``n`` is negative or cannot be reached with these parameters.
    """
    p = params or LookalikeParams()
    if n < 0:
        raise InvalidInput("n must not be negative")
    by_category = {c: tuple(b for b in BRANDS if b.category == c) for c, _ in p.category_mix}
    out: list[LookalikeDomain] = []
    seen: set[str] = set()
    for _ in range(50 * n + 100):
        if len(out) == n:
            break
        brands = by_category[_mix(rng, p.category_mix)] or BRANDS
        brand = brands[int(rng.integers(len(brands)))]
        technique = _mix(rng, p.technique_mix)
        domain = _make(rng, brand, technique, p)
        label = domain.split(".", 1)[0]
        unchanged = technique in _TYPO and (label == brand.label or len(label) < 3)
        if unchanged or domain in seen or domain in GENUINE_DOMAINS or not _well_formed(domain):
            continue
        seen.add(domain)
        out.append(LookalikeDomain(domain, brand.key, technique))
    if len(out) < n:
        raise InvalidInput(f"could only make {len(out)} distinct look-alikes of {n}")
    return out
