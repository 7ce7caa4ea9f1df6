"""IBANs and the account references of the transfers feed.

An IBAN is stored compact and upper-case (``KZ86125KZT5004100100``; Kazakh IBANs are
20 characters) after its country format and check digits are validated by ``schwifty``.
A transfer's end is an IBAN, ``CASH`` (a deposit or a withdrawal) or ``CRYPTO:<exchange>``
(a purchase of crypto at that exchange, e.g. ``CRYPTO:binance``).

>>> normalise_iban("kz86 125k zt50 0410 0100")
'KZ86125KZT5004100100'
>>> normalise_account_ref("crypto:Binance")
'CRYPTO:binance'
"""

from __future__ import annotations

import re
from functools import lru_cache

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from qorgan.core.errors import InvalidValue

CASH = "CASH"
CRYPTO_PREFIX = "CRYPTO:"

_CACHE_SIZE = 1 << 16
_IBAN_CHARS = re.compile(r"[A-Z0-9]+")
_EXCHANGE = re.compile(r"[a-z0-9][a-z0-9._\-]*")


def normalise_iban(raw: str) -> str:
    """Normalise and validate an IBAN.

    Args:
        raw: the IBAN, with or without spaces, in any case.

    Returns:
        The compact upper-case IBAN.

    Raises:
        InvalidValue: wrong characters, unknown country, wrong length for the country,
            or wrong check digits.
    """
    ok, result = _normalise(raw)
    if not ok:
        raise InvalidValue(result)
    return result


def bank_code_of(iban: str) -> str:
    """The bank code inside an IBAN (for Kazakhstan, the 3 characters after the check digits).

    Raises:
        InvalidValue: ``iban`` is not a valid IBAN.
    """
    return _bank_code(normalise_iban(iban))


def normalise_account_ref(raw: str) -> str:
    """Normalise one end of a transfer: an IBAN, ``CASH`` or ``CRYPTO:<exchange>``.

    Args:
        raw: the reference as given; ``cash`` and ``Crypto:Binance`` are accepted.

    Returns:
        The compact IBAN, ``CASH``, or ``CRYPTO:`` followed by the lower-case exchange slug.

    Raises:
        InvalidValue: none of the three forms.
    """
    text = raw.strip()
    upper = text.upper()
    if upper == CASH:
        return CASH
    if upper.startswith(CRYPTO_PREFIX):
        exchange = text[len(CRYPTO_PREFIX) :].strip().lower()
        if not _EXCHANGE.fullmatch(exchange):
            raise InvalidValue(
                "CRYPTO:<exchange> needs an exchange name of letters, digits, '.', '_' or '-'"
            )
        return CRYPTO_PREFIX + exchange
    ok, result = _normalise(text)
    if not ok:
        raise InvalidValue(f"neither CASH, CRYPTO:<exchange> nor a valid IBAN ({result})")
    return result


@lru_cache(maxsize=_CACHE_SIZE)
def _normalise(raw: str) -> tuple[bool, str]:
    """``(True, iban)`` or ``(False, reason)``; failures are cached too."""
    text = "".join(raw.split()).upper()
    if not text:
        return False, "empty IBAN"
    if not _IBAN_CHARS.fullmatch(text):
        return False, "an IBAN has only letters and digits"
    try:
        iban = IBAN(text)
    except SchwiftyException as exc:
        return False, f"not a valid IBAN: {str(exc).lower()}"
    return True, str(iban.compact)


@lru_cache(maxsize=_CACHE_SIZE)
def _bank_code(iban: str) -> str:
    return str(IBAN(iban).bank_code)
