"""IP addresses in their compressed standard form."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgan.core.errors import InvalidValue
from qorgan.core.ip import normalise_ip


@pytest.mark.parametrize(
    ("raw", "ip"),
    [(" 10.0.0.1 ", "10.0.0.1"), ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1")],
)
def test_address_is_written_in_compressed_form(raw: str, ip: str) -> None:
    assert normalise_ip(raw) == ip


@pytest.mark.parametrize("raw", ["10.0.0.256", "example.com", "10.0.0", ""])
def test_something_that_is_not_an_address_is_rejected(raw: str) -> None:
    with pytest.raises(InvalidValue, match="not an IPv4 or IPv6 address"):
        normalise_ip(raw)


@given(st.ip_addresses())
def test_normalising_an_address_twice_changes_nothing(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    once = normalise_ip(address.exploded)
    assert normalise_ip(once) == once == str(address)
