"""Links in message text: extraction (also obfuscated), registered domains, brand look-alikes.

``extract_links`` finds URLs and bare domains, including the forms fraudsters use to slip
past filters (``kaspi[.]kz``, ``kaspi (.) kz``, ``hxxps://``), and reduces each host to its
registered domain on the public suffix list (``tldextract``'s bundled snapshot, offline:
nothing is fetched and nothing is read until the first link is looked at).

``lookalike_of`` says whether a host imitates a brand of :mod:`qorgan.core.brands`, the way
dnstwist enumerates them: the genuine domain inside a longer name (``kaspi.kz-pay.top``,
``egov.kz.portal-login.online``), homoglyphs (``ha1ykbank.kz``), hyphenation, the brand plus
a word (``kaspi-bonus.kz``), the brand under another TLD, and typos within a small edit
distance. A brand's genuine domains and their subdomains are never look-alikes.

>>> [link.url for link in extract_links("Оплатите: hxxps://kaspi[.]kz-pay.top/login.")]
['kaspi.kz-pay.top/login']
>>> lookalike_of("kaspi.kz-pay.top").brand
'kaspi'
>>> lookalike_of("online.halykbank.kz") is None
True
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import tldextract
from rapidfuzz.distance import DamerauLevenshtein

from qorgan.core.brands import BRANDS, GENUINE_DOMAINS, TRUSTED_DOMAINS

_DOTS = r"\.|\s?(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))\s?|\s\.\s?"
"""A dot as written: plain, bracketed (``[.]``, ``(.)``, ``[dot]``) or spaced (``kaspi . kz``)."""
_DOT = f"(?:{_DOTS})"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_LINK = re.compile(
    rf"(?P<scheme>(?:h[tx]{{2}}ps?|ftp)(?::|\[:\])//)?"
    rf"(?P<host>(?:www{_DOT})?{_LABEL}(?:{_DOT}{_LABEL})+)"
    r"(?P<port>:\d{1,5})?"
    r"(?P<path>[/?#][^\s<>\"'«»]*)?",
    re.IGNORECASE,
)
_OBFUSCATED_DOT = re.compile(_DOTS, re.IGNORECASE)
_TRAILING = ".,;:!?)]}»\"'"

_MULTI_GLYPHS = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("lc", "k"))
_GLYPHS = str.maketrans(
    dict(zip("01l|!3456789", "oiiiieasbtbg", strict=True))  # digits and strokes
    | dict(zip("асеорхуіјѕһԁԛԝӏкмтнвг", "aceopxyijshdqwikmthbr", strict=True))  # Cyrillic
    | dict(zip("οαρνικτυ", "oapvikty", strict=True))  # Greek
)


SHORTENERS = frozenset(
    {
        "bit.ly", "tinyurl.com", "clck.ru", "goo.su", "cutt.ly", "is.gd", "v.gd", "rb.gy",
        "ow.ly", "t.ly", "tiny.cc", "shorturl.at", "u.to", "vk.cc", "qps.ru", "s.id",
        "rebrand.ly", "bl.ink", "t.co", "lnkd.in", "surl.li", "urlr.me",
    }
)  # fmt: skip
"""Public URL shorteners (registered domains): a link through one hides where it leads."""


@dataclass(frozen=True, slots=True)
class Link:
    """One link found in a text.

    Attributes:
        raw: the link as written (obfuscation and scheme included).
        start: where ``raw`` starts in the text.
        end: where it ends.
        host: the host, de-obfuscated and lower-case (``www.`` kept).
        path: path, query and fragment as written (``""`` when none).
        registered: the registered domain (``kaspi.kz`` of ``www.kaspi.kz``); the host itself
            when it is a public suffix (``gov.kz``) or an IP address.
    """

    raw: str
    start: int
    end: int
    host: str
    path: str
    registered: str

    @property
    def url(self) -> str:
        """Host and path without the scheme, as the registry keys URLs: ``kaspi.kz/login``."""
        return self.host + self.path.rstrip("/")


@dataclass(frozen=True, slots=True)
class Lookalike:
    """A host that imitates a brand.

    Attributes:
        host: the look-alike host.
        brand: the ``Brand.key`` it imitates.
        technique: ``subdomain``, ``combo``, ``homoglyph``, ``hyphenation``, ``tld-swap``,
            ``dictionary``, ``addition`` or ``typo``.
        score: how surely it is a look-alike, in [0, 1].
    """

    host: str
    brand: str
    technique: str
    score: float


@cache
def _extractor() -> tldextract.TLDExtract:
    # Built on first use: no network (no suffix list URLs), no cache directory.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=1 << 14)
def registered_domain(host: str) -> str | None:
    """The registered domain of a host, or ``None`` when it has no public suffix.

    Args:
        host: lower-case host name, Unicode or punycode.

    Returns:
        ``kz-pay.top`` for ``kaspi.kz-pay.top``; the host itself when it is a multi-label
        public suffix (``gov.kz``) or an IPv4 address; ``None`` for ``foo.bar.baz``.
    """
    try:
        parts = _extractor()(host)
    except (UnicodeError, ValueError):
        return None
    if parts.ipv4:
        return parts.ipv4
    if not parts.suffix:
        return None
    if not parts.domain:
        return host if "." in parts.suffix and host == parts.suffix else None
    return f"{parts.domain}.{parts.suffix}"


def extract_links(text: str) -> list[Link]:
    """Every link in ``text``, in order: URLs, ``www.`` names and bare domains.

    A bare domain (no scheme, no ``www.``) must end in a public suffix written in one case
    (``kaspi.kz``, ``KASPI.KZ``, not ``min.Call``), so sentences run together are not links.
    Never raises.
    """
    links: list[Link] = []
    for match in _LINK.finditer(text):
        raw_host = match["host"]
        host = _OBFUSCATED_DOT.sub(".", raw_host).casefold().strip(".")
        path = (match["path"] or "").rstrip(_TRAILING)
        explicit = bool(match["scheme"]) or host.startswith("www.")
        tld = re.split(_DOT, raw_host)[-1]
        if not explicit and not (tld.islower() or tld.isupper()):
            continue
        if len(host) > 253 or (host.replace(".", "").isdigit() and not explicit):
            continue
        registered = registered_domain(host)
        if registered is None:
            continue
        end = match.start("path") + len(path) if path else match.end("host")
        if match["port"] and not path:
            end = match.end("port")
        links.append(Link(text[match.start() : end], match.start(), end, host, path, registered))
    return links


def skeleton(text: str) -> str:
    """Fold look-alike characters to one form: ``ha1ykbank`` and ``halykbank`` agree.

    Case-folds, strips accents, maps digits, Cyrillic and Greek letters that read as Latin
    (``0``→``o``, ``1``/``l``/``i``→``i``, ``а``→``a``) and pairs such as ``rn``→``m``.
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    for pair, glyph in _MULTI_GLYPHS:
        text = text.replace(pair, glyph)
    return text.translate(_GLYPHS)


def _unicode_host(host: str) -> str:
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError):
                label = label.encode("ascii").decode("idna")
        labels.append(label)
    return ".".join(labels)


def _brand_tokens() -> tuple[tuple[str, str, str], ...]:
    """(skeleton, label, brand key) of each brand label, and of a ``…bank`` label less ``bank``."""
    tokens: dict[str, tuple[str, str, str]] = {}
    for brand in BRANDS:
        labels = [brand.label]
        if brand.label.endswith("bank") and len(brand.label) >= 9:
            labels.append(brand.label.removesuffix("bank"))
        for label in labels:
            tokens.setdefault(skeleton(label), (skeleton(label), label, brand.key))
    return tuple(tokens.values())


_TOKENS = _brand_tokens()
_EMBEDDED = tuple(
    sorted(((skeleton(d), d) for d in GENUINE_DOMAINS), key=lambda x: (-len(x[0]), x))
)
_BRAND_OF_DOMAIN = {b.domain: b.key for b in BRANDS}


def is_trusted(host: str) -> bool:
    """Whether the host is a brand's genuine domain or one of its subdomains."""
    return any(host == d or host.endswith("." + d) for d in TRUSTED_DOMAINS)


@lru_cache(maxsize=1 << 14)
def lookalike_of(host: str) -> Lookalike | None:
    """The brand a host imitates, or ``None`` (always ``None`` for a genuine domain).

    Args:
        host: a lower-case host name, e.g. ``Link.host``.

    Returns:
        The strongest look-alike match over all brands.
    """
    host = _unicode_host(host.casefold().strip(".").removeprefix("www."))
    if not host or is_trusted(host):
        return None
    folded = skeleton(host)
    for genuine_folded, domain in _EMBEDDED:  # the genuine domain inside a longer name
        for hit in re.finditer(re.escape(genuine_folded), folded):
            before = folded[hit.start() - 1] if hit.start() else "."
            after = folded[hit.end()] if hit.end() < len(folded) else ""
            if before in ".-" and after in ".-" and after:
                technique = "subdomain" if after == "." else "combo"
                return Lookalike(host, _BRAND_OF_DOMAIN[domain], technique, 0.95)
    registered = registered_domain(host) or host
    label, _, _suffix = registered.partition(".")
    subdomains = host.removesuffix(registered).strip(".").split(".")
    folded_subdomains = {skeleton(s) for s in subdomains}
    best: Lookalike | None = None
    for token, plain, key in _TOKENS:
        found = _match_label(label, token, plain)
        if found is None and len(token) >= 4 and token in folded_subdomains:
            found = ("subdomain", 0.85)
        if found is not None and (best is None or found[1] > best.score):
            best = Lookalike(host, key, found[0], found[1])
    return best


def _match_label(label: str, token: str, plain: str) -> tuple[str, float] | None:
    """How a registered label imitates a brand label (``token`` is its skeleton), if it does."""
    compact = label.replace("-", "")
    folded = skeleton(compact)
    if folded == token:
        if compact != plain:
            return "homoglyph", 0.95
        return ("hyphenation", 0.9) if "-" in label else ("tld-swap", 0.8)
    parts = [skeleton(p) for p in label.split("-") if p]
    if len(parts) > 1 and token in parts:
        return "dictionary", 0.9
    if len(token) < 5:
        return None
    for part in (folded, *parts):
        if part.startswith(token) or part.endswith(token):
            short = len(part) - len(token) <= 3  # kaspi24, kaspis; else a word: kaspibonus
            return ("addition", 0.8) if short else ("dictionary", 0.6)
    limit = 1 if len(token) <= 7 else 2
    if DamerauLevenshtein.distance(folded, token, score_cutoff=limit) <= limit:
        return "typo", 0.8
    return None
