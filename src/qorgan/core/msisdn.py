"""Phone numbers to E.164 on Kazakhstan's numbering plan, and SMS sender ids.

Kazakhstan shares country code +7 with Russia, so a number's country comes from the
numbering plan (which ranges are allocated where), never from a string prefix:
``+77011234567`` is a Kazakh mobile, ``+79161234567`` a Russian one, and ``+77401234567``
lies in no allocated range and is refused.

Parses are cached (bounded) because feeds repeat the same subscribers again and again.

>>> normalise_msisdn("8 701 123 45 67")
'+77011234567'
>>> msisdn_country("+79161234567")
'RU'
>>> normalise_sender("KASPI")
'KASPI'
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import phonenumbers

from qorgan.core.errors import InvalidValue

DEFAULT_REGION = "KZ"
"""The region whose national conventions (trunk prefix 8, no country code) apply."""

_CACHE_SIZE = 1 << 17  # about 30 MB when full
_PHONE_CHARS = re.compile(r"[+\d\s().\-/]+")
_NON_DIGITS = re.compile(r"\D")
_SENDER_ID = re.compile(r"[A-Za-z0-9 ._\-]{1,11}")
_LETTER = re.compile(r"[A-Za-z]")
_SHORT_CODE = re.compile(r"\d{3,6}")


def normalise_msisdn(raw: str) -> str:
    """Normalise a phone number to E.164.

    National forms are read on Kazakhstan's plan (``87011234567``, ``7011234567``,
    ``8 701 123 45 67``); international forms (``+7 ...``, ``00 49 ...``, ``8 10 49 ...``,
    or digits with the country code but without ``+`` as switches often log them) are
    kept in their own country. The result must be a valid number of its plan.

    Args:
        raw: the number as presented, with any spaces, dashes, dots or brackets.

    Returns:
        The number in E.164, e.g. ``+77011234567``.

    Raises:
        InvalidValue: the text is not a phone number, or no plan allocates it.
    """
    e164 = msisdn_or_none(raw)
    if e164 is None:
        raise InvalidValue(_parse(raw).reason)
    return e164


@lru_cache(maxsize=_CACHE_SIZE)
def msisdn_or_none(raw: str) -> str | None:
    """:func:`normalise_msisdn` returning ``None`` for a bad number, for bulk paths (cached)."""
    return _parse(raw).e164


def msisdn_country(e164: str) -> str | None:
    """The ISO 3166 region of a number, from the numbering plan.

    Args:
        e164: a number in E.164 (as returned by :func:`normalise_msisdn`).

    Returns:
        The region code (``"KZ"``, ``"RU"``, ...), or ``None`` when the text is not a
        valid number or its code is not geographic (``+800``, satellite).
    """
    return _country(e164)


def is_kazakhstan(e164: str) -> bool:
    """Whether a number in E.164 belongs to Kazakhstan's numbering plan."""
    return _country(e164) == "KZ"


def normalise_sender(raw: str) -> str:
    """Normalise the sender of an SMS.

    An alphanumeric sender id (it has a letter and is 1-11 characters of letters,
    digits, space, ``.``, ``_`` or ``-``) is kept as text, stripped, case kept. A short
    code (3-6 digits) is kept as digits. Anything else must be a phone number.

    Args:
        raw: the sender as the SMSC logged it.

    Returns:
        The sender id, the short code, or the number in E.164.

    Raises:
        InvalidValue: neither a valid sender id, a short code nor a phone number.
    """
    text = raw.strip()
    if _LETTER.search(text):
        if _SENDER_ID.fullmatch(text):
            return text
        raise InvalidValue(
            "alphanumeric sender id must be 1-11 characters of letters, digits, "
            "space, '.', '_' or '-'"
        )
    if _SHORT_CODE.fullmatch(text):
        return text
    return normalise_presented(text)


def normalise_presented(raw: str) -> str:
    """Normalise a number *as presented* (a calling line id, an SMS sender) to E.164.

    A presented number is evidence, not an address: a fraudster may present a number that
    no plan allocates (``+7 740 ...``), and call screening must see it to flag it. So a
    text that parses as a phone number is kept in E.164 form even when it is not a valid
    number of its plan; :func:`is_allocated` tells which. Only text that is not a phone
    number at all is refused. Service and emergency short numbers (3-6 digits: 102, 112,
    1414) are kept as digits, as switches log them.

    Args:
        raw: the number as the switch or SMSC logged it.

    Returns:
        The number in E.164 form, e.g. ``+77401234567``, or a short number's digits.

    Raises:
        InvalidValue: the text is not a phone number.
    """
    return _presented(raw)


@lru_cache(maxsize=_CACHE_SIZE)
def _presented(raw: str) -> str:
    if _SHORT_CODE.fullmatch(raw.strip()):
        return raw.strip()
    e164 = msisdn_or_none(raw)  # shares the cache of valid numbers
    if e164 is not None:
        return e164
    parsed = _parse(raw)
    if parsed.form is None:
        raise InvalidValue(parsed.reason)
    return parsed.form


def is_allocated(e164: str) -> bool:
    """Whether a number in E.164 form belongs to an allocated range of its plan."""
    return msisdn_or_none(e164) == e164


class _Parsed(NamedTuple):
    e164: str | None  # the number in E.164 when its plan allocates it
    form: str | None  # the E.164 form of what parsed, allocated or not
    reason: str  # why ``e164`` is None


def _parse(raw: str) -> _Parsed:
    text = raw.strip()
    if not text:
        return _Parsed(None, None, "empty phone number")
    if not _PHONE_CHARS.fullmatch(text):
        return _Parsed(
            None, None, "not a phone number: only digits, '+', spaces, '-', '.', '/' and brackets"
        )
    digits = _NON_DIGITS.sub("", text)
    if not digits:
        return _Parsed(None, None, "not a phone number: no digits")
    if text.startswith("+"):
        if e164 := _valid_e164(digits):
            return _Parsed(e164, e164, "")
        candidates = ["+" + digits]
    elif digits.startswith("00"):
        candidates = ["+" + digits[2:]]
    else:
        # National form on the default plan first, then the same digits as an
        # international number logged without its '+'.
        candidates = [digits, "+" + digits]
    first: phonenumbers.PhoneNumber | None = None
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, DEFAULT_REGION)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            return _Parsed(e164, e164, "")
        first = first or number
    if first is None:
        return _Parsed(None, None, "not a phone number")
    form = phonenumbers.format_number(first, phonenumbers.PhoneNumberFormat.E164)
    reason = f"{form} is not a valid number: no allocated range of +{first.country_code}"
    return _Parsed(None, form, reason)


def _valid_e164(digits: str) -> str | None:
    """Fast path for text already in E.164: split off the country code, validate on its plan.

    Country codes are prefix-free, so the first known 1-3 digit prefix is the code. A
    national number with a leading zero (Italy) takes the full parse instead.
    """
    if digits.startswith("0"):
        return None  # no country code starts with 0
    for size in (1, 2, 3):
        code = int(digits[:size])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            national = digits[size:]
            if not national or national[0] == "0" or len(digits) > 15:
                return None
            number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
            return "+" + digits if phonenumbers.is_valid_number(number) else None
    return None


@lru_cache(maxsize=_CACHE_SIZE)
def _country(e164: str) -> str | None:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    region = phonenumbers.region_code_for_number(number)
    if region in (None, phonenumbers.UNKNOWN_REGION, phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY):
        return None
    return region
