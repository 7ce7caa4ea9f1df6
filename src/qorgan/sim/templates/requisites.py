"""Requisites as people write them: card numbers, IBANs, phone numbers, wallets and links.

Each writer takes the normalised thing (a BIN, an IBAN, an E.164 number, a TRON address, a
host), optionally spoils it the way real texts do (a wrong Luhn digit, a broken IBAN
checksum, an unallocated or short number, a truncated wallet, a link written ``site[.]kz``),
writes it in one of several real-world styles, and returns a :class:`Requisite` whose
``valid`` flag is computed by the real validators, never assumed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import phonenumbers
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import luhn

from qorgan.sim.lookalike import BRANDS, lookalike_domains
from qorgan.sim.tron import is_valid_tron_address, new_address

KINDS = ("card", "iban", "phone", "wallet", "link")
"""The requisite kinds, in a fixed order."""

DEFAULT_CARD_BINS = ("440043", "440563", "400303", "517792", "539545")
"""KZ-style six-digit BINs used when a pool names none (synthetic for simulation)."""

SHORTENERS = ("bit.ly", "clck.ru", "tinyurl.com", "cutt.ly", "vk.cc")
"""Link shorteners that Kazakh scam posts use."""

_LINK = re.compile(r"(?:https?://)?(?:www\.)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[^\s]*)?", re.I)
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ALNUM = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_SHOP_WORDS = ("tort", "mebel", "avtoshkola", "cvety", "stroy", "detskiy-mir", "fitness", "kofe")
_SHOP_CITIES = ("almaty", "astana", "shymkent", "karaganda", "aktobe", "pavlodar", "atyrau")
_BANK_CODES = ("722", "601", "856", "965", "948", "886", "551", "914")
_UNALLOCATED = ("740", "750", "779", "749", "769")  # not in Kazakhstan's numbering plan


@dataclass(frozen=True, slots=True)
class Requisite:
    """A payment or contact detail named in a text.

    Attributes:
        kind: ``card``, ``iban``, ``phone``, ``wallet`` or ``link``.
        raw: exactly as written in the text (``8(701)1234567``, ``4400 4301 2345 6789``).
        value: normalised: E.164 phone, upper-case IBAN without spaces, TRON address, link
            without scheme and ``www.`` (host lower-case, path kept); for cards the masked
            form ``440043******6789``, never the full number.
        valid: whether it passes its real check (Luhn, IBAN mod-97, the numbering plan,
            base58check, a well-formed link as written).
    """

    kind: str
    raw: str
    value: str
    valid: bool


@dataclass(frozen=True, slots=True)
class RequisitePool:
    """What the simulated fraud world and economy provide, so texts name real things.

    Attributes:
        fraud_ibans: IBANs of dropper accounts.
        fraud_phones: E.164 numbers fraudsters use.
        fraud_wallets: TRON addresses of fraud rings.
        fraud_domains: look-alike domains.
        merchant_ibans: IBANs of honest businesses.
        merchant_phones: E.164 numbers of honest sellers.
        benign_domains: genuine domains (brands, shops).
        card_bins: six-digit BINs for card numbers made up in texts.
    """

    fraud_ibans: tuple[str, ...] = ()
    fraud_phones: tuple[str, ...] = ()
    fraud_wallets: tuple[str, ...] = ()
    fraud_domains: tuple[str, ...] = ()
    merchant_ibans: tuple[str, ...] = ()
    merchant_phones: tuple[str, ...] = ()
    benign_domains: tuple[str, ...] = ()
    card_bins: tuple[str, ...] = DEFAULT_CARD_BINS

    @classmethod
    def sample(cls, rng: np.random.Generator, size: int = 12) -> RequisitePool:
        """A self-contained pool drawn from ``rng``, for tests and stand-alone use.

        Args:
            rng: the only source of randomness.
            size: how many of each fraud and merchant requisite to make.
        """
        fraud_domains = tuple(d.domain for d in lookalike_domains(rng, size))
        shops = tuple(f"{pick(rng, _SHOP_WORDS)}-{pick(rng, _SHOP_CITIES)}.kz" for _ in range(size))
        return cls(
            fraud_ibans=tuple(_sample_iban(rng) for _ in range(size)),
            fraud_phones=tuple(kz_mobile(rng) for _ in range(size)),
            fraud_wallets=tuple(new_address(rng) for _ in range(size)),
            fraud_domains=fraud_domains,
            merchant_ibans=tuple(_sample_iban(rng) for _ in range(size)),
            merchant_phones=tuple(kz_mobile(rng) for _ in range(size)),
            benign_domains=tuple(dict.fromkeys(tuple(b.domain for b in BRANDS) + shops)),
        )


def pick(rng: np.random.Generator, items: tuple[str, ...] | str) -> str:
    """One element of ``items`` drawn uniformly."""
    return items[int(rng.integers(len(items)))]


def kz_iban(bank_code: str, account: str) -> str:
    """A Kazakh IBAN with correct check digits for a 3-digit bank code and 13-char account."""
    bban = (bank_code + account).upper()
    digits = "".join(str(int(c, 36)) for c in bban + "KZ00")
    return f"KZ{98 - int(digits) % 97:02d}{bban}"


def _sample_iban(rng: np.random.Generator) -> str:
    account = pick(rng, "SABCKT") + f"{int(rng.integers(10**12)):012d}"
    return kz_iban(pick(rng, _BANK_CODES), account)


def kz_mobile(rng: np.random.Generator) -> str:
    """A valid Kazakh mobile number in E.164, drawn from ``rng``."""
    prefix = pick(rng, ("700", "701", "702", "705", "707", "708", "747", "771", "775", "777"))
    return f"+7{prefix}{int(rng.integers(10**7)):07d}"


def is_valid_phone(e164: str) -> bool:
    """Whether ``e164`` is a valid number under its country's numbering plan."""
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(e164, None)))
    except phonenumbers.NumberParseException:
        return False


def is_valid_iban(text: str) -> bool:
    """Whether ``text`` is an IBAN with a correct structure and mod-97 checksum."""
    try:
        IBAN(text)
    except SchwiftyException:
        return False
    return True


def is_valid_link(raw: str) -> bool:
    """Whether ``raw`` is a link as written: optional scheme, a dotted host, optional path."""
    return _LINK.fullmatch(raw) is not None


def write_card(
    rng: np.random.Generator, bin6: str, *, invalid: bool, styles: tuple[str, ...]
) -> Requisite:
    """A 16-digit card number on ``bin6``; a wrong Luhn digit when ``invalid``.

    Styles: ``spaced`` (4400 4301 2345 6789), ``plain``, ``dashed``.
    """
    body = bin6 + "".join(str(d) for d in rng.integers(0, 10, 15 - len(bin6)))
    check = int(luhn.calc_check_digit(body))
    if invalid:
        check = (check + int(rng.integers(1, 10))) % 10
    digits = f"{body}{check}"
    groups = [digits[i : i + 4] for i in range(0, 16, 4)]
    style = pick(rng, styles)
    raw = {"spaced": " ".join(groups), "dashed": "-".join(groups)}.get(style, digits)
    masked = digits[:6] + "*" * 6 + digits[-4:]
    return Requisite("card", raw, masked, luhn.is_valid(digits))


def write_iban(
    rng: np.random.Generator, iban: str, *, invalid: bool, styles: tuple[str, ...]
) -> Requisite:
    """``iban`` as written (``grouped`` in fours or ``compact``); a broken one when ``invalid``."""
    text = iban.replace(" ", "").upper()
    if invalid:
        spots = [i for i in range(4, len(text)) if text[i].isdigit()]
        if spots and rng.random() < 0.7:
            i = spots[int(rng.integers(len(spots)))]
            text = text[:i] + str((int(text[i]) + int(rng.integers(1, 10))) % 10) + text[i + 1 :]
        else:
            text = text[:-1]
    grouped = " ".join(text[i : i + 4] for i in range(0, len(text), 4))
    raw = grouped if pick(rng, styles) == "grouped" else text
    return Requisite("iban", raw, text, is_valid_iban(text))


def write_phone(
    rng: np.random.Generator, e164: str, *, invalid: bool, styles: tuple[str, ...]
) -> Requisite:
    """A +7 number in a local style; an unallocated range or a dropped digit when ``invalid``.

    Styles: ``intl_spaced`` (+7 701 123 45 67), ``eight_paren`` (8(701)1234567),
    ``eight_spaced``, ``eight_plain``, ``intl_plain``, ``seven_plain``, ``intl_dashed``
    (+7 (701) 123-45-67). Numbers outside +7 are written in E.164.
    """
    if not e164.startswith("+7") or len(e164) != 12:
        return Requisite("phone", e164, e164, is_valid_phone(e164))
    nat = e164[2:]
    if invalid:
        nat = pick(rng, _UNALLOCATED) + nat[3:] if rng.random() < 0.6 else nat[:-1]
    a, b, c, d = nat[:3], nat[3:6], nat[6:8], nat[8:]
    raw = {
        "intl_spaced": f"+7 {a} {b} {c} {d}",
        "eight_paren": f"8({a}){b}{c}{d}",
        "eight_spaced": f"8 {a} {b} {c} {d}",
        "eight_plain": f"8{nat}",
        "intl_plain": f"+7{nat}",
        "seven_plain": f"7{nat}",
        "intl_dashed": f"+7 ({a}) {b}-{c}-{d}",
    }[pick(rng, styles)]
    value = f"+7{nat}"
    return Requisite("phone", raw, value, is_valid_phone(value))


def write_wallet(rng: np.random.Generator, address: str, *, invalid: bool) -> Requisite:
    """A TRON address; truncated or with one mistyped character when ``invalid``."""
    text = address
    if invalid:
        if rng.random() < 0.5:
            text = text[: -int(rng.integers(1, 4))]
        else:
            i = int(rng.integers(1, len(text)))
            text = text[:i] + pick(rng, _B58.replace(text[i], "")) + text[i + 1 :]
    return Requisite("wallet", text, text, is_valid_tron_address(text))


def write_link(
    rng: np.random.Generator,
    host: str,
    path: str,
    *,
    invalid: bool,
    styles: tuple[str, ...],
) -> Requisite:
    """A link to ``host`` + ``path``; obfuscated (``site[.]kz``) when ``invalid``.

    Styles: ``https``, ``http``, ``bare``, ``www`` and ``short`` (a shortener link that hides
    the host: its value is the shortener's URL).
    """
    host = host.lower()
    style = pick(rng, styles)
    if style == "short" and not invalid:
        code = "".join(pick(rng, _ALNUM) for _ in range(int(rng.integers(5, 8))))
        host, path = pick(rng, SHORTENERS), "/" + code
    value = host + path
    if invalid:
        label, _, rest = host.rpartition(".")
        dot = pick(rng, ("[.]", " . ", "(.)", " .", "[dot]"))
        return Requisite("link", f"{label}{dot}{rest}{path}", value, False)
    www = "www." if style == "www" and host.count(".") == 1 else ""
    scheme = {"https": "https://", "http": "http://"}.get(style, "")
    raw = f"{scheme}{www}{value}"
    return Requisite("link", raw, value, is_valid_link(raw))
