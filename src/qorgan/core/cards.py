"""Payment card numbers reduced to what may be kept: BIN, last four and a keyed hash.

A full card number (PAN) is never stored, logged or shown. :func:`tokenise_card` checks
it and returns a :class:`CardToken`; two sightings of one card give the same token under
the same key, so cards can be matched across sources without keeping the number. The key
must be secret: with BIN and last four known, the few missing digits can be guessed, so
the hash protects the number only as long as the key does (use 32 random bytes).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from stdnum import luhn

from qorgan.core.errors import InvalidInput, InvalidValue

_SEPARATORS = re.compile(r"[\s\-]")
_PAN = re.compile(r"[0-9]{13,19}")


@dataclass(frozen=True, slots=True)
class CardToken:
    """A card, without its number.

    Attributes:
        bin: the first six digits (issuer identification).
        last4: the last four digits.
        digest: HMAC-SHA256 of the full number under the operator's key, in hex.
    """

    bin: str
    last4: str
    digest: str

    def __str__(self) -> str:
        return f"{self.bin}******{self.last4}"

    @property
    def ref(self) -> str:
        """A stable short reference, e.g. ``card:440043:1234:9f86d081884c7d65``."""
        return f"card:{self.bin}:{self.last4}:{self.digest[:16]}"


def tokenise_card(pan: str, key: bytes) -> CardToken:
    """Check a card number and reduce it to a :class:`CardToken`.

    Args:
        pan: the card number; spaces and dashes are ignored.
        key: the secret HMAC key; must not be empty.

    Returns:
        The token: BIN, last four, and the keyed digest of the number.

    Raises:
        InvalidInput: the key is empty.
        InvalidValue: not 13-19 digits, or the Luhn check digit is wrong. The message
            never repeats the number.
    """
    if not key:
        raise InvalidInput("the card hashing key is empty")
    digits = _SEPARATORS.sub("", pan)
    if not _PAN.fullmatch(digits):
        raise InvalidValue("a card number has 13-19 digits")
    if not luhn.is_valid(digits):
        raise InvalidValue("card number fails the Luhn check")
    digest = hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()
    return CardToken(bin=digits[:6], last4=digits[-4:], digest=digest)
