"""IP addresses, validated and written in their compressed standard form.

>>> normalise_ip(" 2001:0DB8:0000::0001 ")
'2001:db8::1'
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from qorgan.core.errors import InvalidValue


@lru_cache(maxsize=1 << 16)  # a customer pays from the same few addresses again and again
def normalise_ip(raw: str) -> str:
    """Validate an IPv4 or IPv6 address and return its compressed form.

    Raises:
        InvalidValue: not an IPv4 or IPv6 address.
    """
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        raise InvalidValue("not an IPv4 or IPv6 address") from None
