"""Settings of the SIP front: where it listens and how it reads trunks and source addresses."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from qorgan.core.errors import InvalidInput
from qorgan.core.records import Ingress

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_TGRP: Mapping[str, Ingress] = MappingProxyType({i.value: i for i in Ingress})
"""By default a trunk group named ``radio``, ``domestic``, ``international`` or ``voip`` means
that ingress."""

EMERGENCY = frozenset({"112", "101", "102", "103", "104"})
"""Kazakhstan's emergency numbers: always redirected, never screened (and ``urn:service:sos``)."""


@dataclass(frozen=True, slots=True)
class SipSettings:
    """How the SIP front listens and reads each INVITE.

    Attributes:
        host: address to bind (``0.0.0.0`` for every interface).
        port: port for both UDP and TCP; 0 picks a free one (the same for both).
        udp: listen on UDP.
        tcp: listen on TCP.
        tgrp: trunk-group name (RFC 4904 ``tgrp``, matched case-insensitively) to ingress.
        source_ranges: (CIDR, ingress) pairs for INVITEs without a known ``tgrp``: the
            longest prefix holding the sender's address wins; none matching means
            ``domestic``.
        jwscard_url: the ``Call-Info`` URL of ``608 Rejected`` answers (RFC 8688): a jCard
            naming who blocked the call and how to seek redress. The default, under the
            reserved ``.invalid`` domain, is a placeholder that operators replace.
        emergency: callee numbers (user part of the Request-URI, as dialled) that are
            redirected without screening.
        cache_size: answers kept for retransmitted requests.
    """

    host: str = "127.0.0.1"
    port: int = 5060
    udp: bool = True
    tcp: bool = True
    tgrp: Mapping[str, Ingress] = field(default_factory=lambda: DEFAULT_TGRP)
    source_ranges: tuple[tuple[str, Ingress], ...] = ()
    jwscard_url: str = "https://qorgan.invalid/jwscard"
    emergency: frozenset[str] = EMERGENCY
    cache_size: int = 65_536
    networks: tuple[tuple[Network, Ingress], ...] = field(init=False, repr=False, default=())

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65_535:
            raise InvalidInput(f"port {self.port} is outside 0-65535")
        if not (self.udp or self.tcp):
            raise InvalidInput("the SIP front needs UDP, TCP or both")
        if self.cache_size < 1:
            raise InvalidInput(f"cache_size must be positive, not {self.cache_size}")
        if not self.jwscard_url.startswith(("https://", "http://")):
            raise InvalidInput(f"jwscard_url must be an http(s) URL: {self.jwscard_url!r}")
        tgrp = {str(k).lower(): _ingress(v, f"tgrp {k!r}") for k, v in self.tgrp.items()}
        object.__setattr__(self, "tgrp", MappingProxyType(tgrp))
        networks: list[tuple[Network, Ingress]] = []
        for cidr, ingress in self.source_ranges:
            try:
                network = ipaddress.ip_network(cidr, strict=False)
            except ValueError as exc:
                raise InvalidInput(f"source range {cidr!r}: {exc}") from None
            networks.append((network, _ingress(ingress, f"source range {cidr!r}")))
        networks.sort(key=lambda pair: -pair[0].prefixlen)  # longest prefix first
        object.__setattr__(self, "networks", tuple(networks))


def _ingress(value: str, what: str) -> Ingress:
    try:
        return Ingress(value)
    except ValueError:
        choices = ", ".join(i.value for i in Ingress)
        raise InvalidInput(f"{what}: ingress {value!r} is not one of {choices}") from None
