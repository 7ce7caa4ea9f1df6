"""The numbering plan as call screening needs it: whose number is this, and is it real?

Kazakhstan and Russia share country code +7. Kazakhstan's numbers are +7 6xx and +7 7xx
(mobiles 700-708, 747, 750-751, 760-764, 771, 775-778; fixed lines by area code), Russia's
are the rest (mobiles +7 9xx): the plan in ``phonenumbers`` tells them apart, never a string
prefix alone.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

import phonenumbers


class NumberClass(StrEnum):
    """What a presented number is, for screening."""

    KZ_MOBILE = "kz_mobile"
    KZ_FIXED = "kz_fixed"
    RUSSIA = "russia"
    FOREIGN = "foreign"
    UNALLOCATED = "unallocated"
    WITHHELD = "withheld"


@lru_cache(maxsize=1 << 18)
def classify(e164: str | None) -> NumberClass:
    """Classify a number in E.164 form (``None`` = withheld)."""
    if not e164:
        return NumberClass.WITHHELD
    if not e164.startswith("+"):
        return NumberClass.KZ_FIXED  # a short service number (102, 1414): domestic by nature
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return NumberClass.UNALLOCATED
    if not phonenumbers.is_valid_number(number):
        return NumberClass.UNALLOCATED
    country = phonenumbers.region_code_for_number(number)
    if country == "KZ":
        kind = phonenumbers.number_type(number)
        mobile = kind in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )
        return NumberClass.KZ_MOBILE if mobile else NumberClass.KZ_FIXED
    if country == "RU":
        return NumberClass.RUSSIA
    return NumberClass.FOREIGN


def is_kazakh(number_class: NumberClass) -> bool:
    """Whether the class is one of Kazakhstan's own numbers."""
    return number_class in (NumberClass.KZ_MOBILE, NumberClass.KZ_FIXED)
