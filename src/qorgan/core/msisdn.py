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

import phonenumbers

from qorgan.core.errors import InvalidValue

DEFAULT_REGION = "KZ"
"""The region whose national conventions (trunk prefix 8, no country code) apply."""

_CACHE_SIZE = 1 << 18
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
    ok, result = _normalise(raw)
    if not ok:
        raise InvalidValue(result)
    return result


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
    return normalise_msisdn(text)


@lru_cache(maxsize=_CACHE_SIZE)
def _normalise(raw: str) -> tuple[bool, str]:
    """``(True, e164)`` or ``(False, reason)``; failures are cached too."""
    text = raw.strip()
    if not text:
        return False, "empty phone number"
    if not _PHONE_CHARS.fullmatch(text):
        return False, "not a phone number: only digits, '+', spaces, '-', '.', '/' and brackets"
    digits = _NON_DIGITS.sub("", text)
    if not digits:
        return False, "not a phone number: no digits"
    if text.startswith("+"):
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
            return True, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        first = first or number
    if first is None:
        return False, "not a phone number"
    shown = phonenumbers.format_number(first, phonenumbers.PhoneNumberFormat.E164)
    return False, f"{shown} is not a valid number: no allocated range of +{first.country_code}"


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
