"""SIP and tel URIs as the SIP front reads them: the user part, its parameters, the host's.

Only what screening needs is parsed: the scheme, the user (the number), the parameters of the
user part (a telephone-subscriber's ``;tgrp=...;trunk-context=...``, RFC 4904), the host, and
the URI parameters (``;user=phone``). Header values in name-addr form (``"Name" <sip:...>;tag=``)
or addr-spec form (``sip:...;tag=``) give their URI with :func:`addr_uri`; a header holding
several entries (``P-Asserted-Identity: <sip:...>, <tel:...>``) splits with :func:`split_values`.

>>> uri = parse_uri("sip:+77011234567;tgrp=intl;trunk-context=qorgan.kz@sbc.kz;user=phone")
>>> uri.user, uri.user_params["tgrp"], uri.params["user"]
('+77011234567', 'intl', 'phone')
>>> parse_uri("tel:+7-701-123-45-67;tgrp=voip").user
'+7-701-123-45-67'
>>> addr_uri('"Aigerim" <sip:87011234567@10.0.0.1>;tag=9fxced76sl')
'sip:87011234567@10.0.0.1'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from urllib.parse import unquote

from qorgan.sipfront.message import MalformedSip

SCHEMES = frozenset({"sip", "sips", "tel", "urn"})
"""URI schemes the SIP front understands (``urn`` for ``urn:service:sos``, RFC 5031)."""


@dataclass(frozen=True, slots=True)
class SipUri:
    """The parts of a ``sip:``, ``sips:``, ``tel:`` or ``urn:`` URI that screening reads.

    Attributes:
        scheme: lower-case scheme.
        user: the user part, percent-decoded, without its parameters (the whole URN for
            ``urn:``); empty when the URI has none.
        user_params: parameters of the user part (``tgrp``, ``trunk-context``, ``isub`` ...),
            or of the number for ``tel:``; names lower-case.
        host: the host (and port) of a SIP URI; empty for ``tel:`` and ``urn:``.
        params: URI parameters after the host (``user``, ``transport`` ...); names lower-case.
    """

    scheme: str
    user: str
    user_params: Mapping[str, str] = field(default_factory=dict)
    host: str = ""
    params: Mapping[str, str] = field(default_factory=dict)

    def param(self, name: str) -> str | None:
        """A parameter of the user part or, failing that, of the URI (``tgrp`` may be either)."""
        value = self.user_params.get(name)
        return value if value is not None else self.params.get(name)


@lru_cache(maxsize=1 << 16)
def parse_uri(text: str) -> SipUri:
    """Parse a SIP, SIPS, tel or URN URI (cached: the same callers and callees recur, so the
    result is shared and must not be changed).

    Args:
        text: the URI, without angle brackets.

    Returns:
        Its parts.

    Raises:
        MalformedSip: no scheme, or a SIP URI without a host.
    """
    colon = text.find(":")
    if colon <= 0 or " " in text:
        raise MalformedSip(f"not a URI: {text!r}")
    scheme = text[:colon].lower()
    rest = text[colon + 1 :]
    if scheme == "tel":
        number, params = _split_params(rest.partition("?")[0])
        return SipUri(scheme, _unescape(number), params)
    if scheme not in ("sip", "sips"):
        return SipUri(scheme, rest)
    rest = rest.partition("?")[0]
    at = rest.find("@")
    userinfo, hostpart = (rest[:at], rest[at + 1 :]) if at >= 0 else ("", rest)
    host, params = _split_params(hostpart)
    if not host:
        raise MalformedSip(f"SIP URI without a host: {text!r}")
    user, user_params = _split_params(userinfo.partition(":")[0])
    return SipUri(scheme, _unescape(user), user_params, host, params)


def addr_uri(value: str) -> str:
    """The URI of a From, To, Contact or P-Asserted-Identity value.

    Args:
        value: one header value, in name-addr (``"Name" <uri>;params``) or addr-spec form.

    Returns:
        The URI, without brackets and without the header's own parameters.

    Raises:
        MalformedSip: an opening ``<`` without its ``>``.
    """
    start = value.find("<")
    if start >= 0:
        end = value.find(">", start)
        if end < 0:
            raise MalformedSip(f"unclosed '<' in {value!r}")
        return value[start + 1 : end].strip()
    return value.partition(";")[0].strip()


def split_values(value: str) -> list[str]:
    """Split a header value holding several comma-separated entries (commas inside quotes
    and angle brackets are kept).

    >>> split_values('<sip:+77011234567@a>, "Doe, J" <tel:+77011234567>')
    ['<sip:+77011234567@a>', '"Doe, J" <tel:+77011234567>']
    """
    if "," not in value:
        return [value]
    parts: list[str] = []
    start, quoted, bracket = 0, False, False
    for i, char in enumerate(value):
        if char == '"':
            quoted = not quoted
        elif char == "<" and not quoted:
            bracket = True
        elif char == ">" and not quoted:
            bracket = False
        elif char == "," and not quoted and not bracket:
            parts.append(value[start:i].strip())
            start = i + 1
    parts.append(value[start:].strip())
    return [part for part in parts if part]


def _split_params(text: str) -> tuple[str, Mapping[str, str]]:
    head, _, tail = text.partition(";")
    params: dict[str, str] = {}
    if tail:
        for item in tail.split(";"):
            name, _, value = item.partition("=")
            params[name.strip().lower()] = value.strip()
    return head.strip(), MappingProxyType(params)


def _unescape(text: str) -> str:
    return unquote(text) if "%" in text else text
