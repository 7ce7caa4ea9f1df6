"""What an INVITE says about its call: caller, callee and ingress, normalised as the feeds are.

- Caller: the user part of ``P-Asserted-Identity`` when present (a ``tel:`` entry before a
  ``sip:`` one), else of ``From``, read with :func:`~qorgan.core.msisdn.normalise_presented`
  (a presented number is evidence, so an unallocated one is kept to be flagged). ``anonymous``
  and any user part that is not a phone number count as withheld (``None``).
- Callee: the user part of the Request-URI, read the same way as the ``callee`` column of the
  calls feed (E.164, or a short service number's digits); text that is not a number is kept
  as sent.
- Ingress: the Request-URI's trunk group (RFC 4904 ``tgrp``, on the user part or the URI)
  through :attr:`SipSettings.tgrp`; an unknown or absent one falls back to the sender's
  address in :attr:`SipSettings.source_ranges`, and then to ``domestic``.
"""

from __future__ import annotations

import ipaddress
from typing import NamedTuple

from qorgan.core.errors import InvalidValue
from qorgan.core.msisdn import normalise_presented
from qorgan.core.records import Ingress
from qorgan.sipfront.config import SipSettings
from qorgan.sipfront.message import SipRequest
from qorgan.sipfront.uri import SipUri, addr_uri, parse_uri, split_values

WITHHELD = frozenset({"", "anonymous", "unknown", "unavailable", "restricted", "private"})
"""User parts that mean the caller withheld their number."""

_SOURCE_CACHE = 4096


class Route(NamedTuple):
    """The ingress of a call and what it was read from (``tgrp``, ``source`` or ``default``)."""

    ingress: Ingress
    basis: str


def caller_of(request: SipRequest) -> str | None:
    """The calling number in E.164 form, or ``None`` when withheld or not a number.

    Raises:
        MalformedSip: the P-Asserted-Identity or From value holds no readable URI.
    """
    users: list[str] = []
    for value in request.headers.get("p-asserted-identity") or ():
        for entry in split_values(value):
            uri = parse_uri(addr_uri(entry))
            if uri.scheme == "tel":
                users.insert(0, uri.user)
            else:
                users.append(uri.user)
    if not users:
        users.append(parse_uri(addr_uri(request.headers["from"][0])).user)
    return presented(users[0])


def presented(user: str) -> str | None:
    """A user part read as a presented number; ``None`` for withheld or non-numbers."""
    if user.lower() in WITHHELD:
        return None
    try:
        return normalise_presented(user)
    except InvalidValue:
        return None


def callee_of(uri: SipUri) -> str:
    """The called number as the calls feed has it (E.164 or short digits), else as sent."""
    try:
        return normalise_presented(uri.user)
    except InvalidValue:
        return uri.user


class IngressRules:
    """Reads the ingress of each INVITE from its trunk group or its sender's address.

    Args:
        settings: the trunk-group map and the source ranges.
    """

    def __init__(self, settings: SipSettings) -> None:
        self._tgrp = settings.tgrp
        self._networks = settings.networks
        self._by_source: dict[str, Ingress | None] = {}

    def route(self, uri: SipUri, source_ip: str) -> Route:
        """The ingress of a call to ``uri`` sent from ``source_ip``."""
        tgrp = uri.param("tgrp")
        if tgrp:
            found = self._tgrp.get(tgrp.lower())
            if found is not None:
                return Route(found, "tgrp")
        if self._networks:
            by_source = self._source(source_ip)
            if by_source is not None:
                return Route(by_source, "source")
        return Route(Ingress.DOMESTIC, "default")

    def _source(self, source_ip: str) -> Ingress | None:
        if source_ip in self._by_source:
            return self._by_source[source_ip]
        try:
            address = ipaddress.ip_address(source_ip.partition("%")[0])
        except ValueError:
            return None
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        found = next((ing for net, ing in self._networks if address in net), None)
        if len(self._by_source) >= _SOURCE_CACHE:
            self._by_source.clear()
        self._by_source[source_ip] = found
        return found
