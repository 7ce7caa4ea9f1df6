"""Indicator values in one normal form per kind, so every source's sighting meets the others.

=========  ============================================================================
kind       normal form
=========  ============================================================================
msisdn     E.164 on the numbering plan (``+77011234567``)
iban       compact upper case, country format and check digits verified
card       ``card:BIN:LAST4:HASH16`` (never a full number; a number is reduced with the
           registry's card key, or refused without one)
imei       15 digits with a valid Luhn check digit
imsi       15 digits
wallet     TRON: base58check ``T...`` (34 characters); EVM: ``0x`` + EIP-55 checksum case
domain     lower case, IDNA (punycode), no trailing dot
url        scheme and host lower case (host IDNA), default port and fragment dropped
device     the opaque id, stripped
=========  ============================================================================

>>> normalise(IndicatorKind.DOMAIN, "Kaspi-Bonus.KZ.")
'kaspi-bonus.kz'
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

import base58
import idna
from Crypto.Hash import keccak
from stdnum import luhn

from qorgan.core.cards import tokenise_card
from qorgan.core.errors import InvalidValue
from qorgan.core.iban import normalise_iban
from qorgan.core.msisdn import normalise_msisdn
from qorgan.core.ports import IndicatorKind

_CARD_REF = re.compile(r"card:([0-9]{6}):([0-9]{4}):([0-9a-f]{16})")
_DIGITS15 = re.compile(r"[0-9]{15}")
_SEPARATORS = re.compile(r"[\s\-./]")
_EVM = re.compile(r"0[xX][0-9a-fA-F]{40}")
_TRON = re.compile(r"T[1-9A-HJ-NP-Za-km-z]{33}")
_DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_DEVICE = 200


def normalise(kind: IndicatorKind, raw: str, card_key: bytes | None = None) -> str:
    """``raw`` in the normal form of ``kind``.

    Args:
        kind: what the value identifies.
        raw: the value as reported.
        card_key: the key that reduces a full card number to its token; without it only
            tokens (``card:BIN:LAST4:HASH16``) are accepted.

    Raises:
        InvalidValue: the value is not a valid ``kind``; the message starts with the kind.
    """
    text = raw.strip()
    try:
        if not text:
            raise InvalidValue("empty value")
        return _NORMALISERS[kind](text, card_key)
    except InvalidValue as error:
        raise InvalidValue(f"{kind.value}: {error.reason}") from None


def _msisdn(text: str, _: bytes | None) -> str:
    return normalise_msisdn(text)


def _iban(text: str, _: bytes | None) -> str:
    return normalise_iban(text)


def _card(text: str, key: bytes | None) -> str:
    if _CARD_REF.fullmatch(text.lower()):
        return text.lower()
    if not key:
        raise InvalidValue("expected a card token card:BIN:LAST4:HASH16, never a full number")
    return tokenise_card(text, key).ref


def _imei(text: str, _: bytes | None) -> str:
    digits = _SEPARATORS.sub("", text)
    if not _DIGITS15.fullmatch(digits):
        raise InvalidValue("an IMEI has 15 digits")
    if not luhn.is_valid(digits):
        raise InvalidValue("IMEI fails the Luhn check")
    return digits


def _imsi(text: str, _: bytes | None) -> str:
    if not _DIGITS15.fullmatch(text):
        raise InvalidValue("an IMSI has 15 digits")
    return text


def _wallet(text: str, _: bytes | None) -> str:
    if _EVM.fullmatch(text):
        return _evm(text)
    if _TRON.fullmatch(text):
        try:
            payload = base58.b58decode_check(text)
        except ValueError:
            raise InvalidValue("TRON address fails its base58 checksum") from None
        if len(payload) != 21 or payload[0] != 0x41:
            raise InvalidValue("not a TRON address (prefix 0x41, 20 bytes)")
        return text
    raise InvalidValue("expected a TRON (T..., 34 characters) or EVM (0x + 40 hex) address")


def _evm(text: str) -> str:
    """The EIP-55 checksum form; a mixed-case address must already be in it."""
    body = text[2:]
    digest = keccak.new(digest_bits=256, data=body.lower().encode("ascii")).hexdigest()
    checksummed = "0x" + "".join(
        c.upper() if c.isalpha() and int(h, 16) >= 8 else c.lower()
        for c, h in zip(body, digest[:40], strict=True)
    )
    mixed = body != body.lower() and body != body.upper()
    if mixed and checksummed[2:] != body:
        raise InvalidValue("EVM address fails its EIP-55 checksum (a mistyped character?)")
    return checksummed


def _domain(text: str, _: bytes | None) -> str:
    host = text.rstrip(".").lower()
    if "." not in host or " " in host:
        raise InvalidValue("a domain has at least two labels and no spaces")
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        raise InvalidValue(f"not a valid domain name: {error}") from None


def _url(text: str, card_key: bytes | None) -> str:
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise InvalidValue(f"not a URL: {error}") from None
    if not parts.hostname:
        raise InvalidValue("a URL needs a host")
    scheme = parts.scheme.lower()
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"  # IPv6
    elif not host.replace(".", "").isdigit():
        host = _domain(host, card_key)
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


def _device(text: str, _: bytes | None) -> str:
    if len(text) > MAX_DEVICE or not text.isprintable():
        raise InvalidValue(f"a device id is up to {MAX_DEVICE} printable characters")
    return text


_NORMALISERS = {
    IndicatorKind.MSISDN: _msisdn,
    IndicatorKind.IBAN: _iban,
    IndicatorKind.CARD: _card,
    IndicatorKind.IMEI: _imei,
    IndicatorKind.IMSI: _imsi,
    IndicatorKind.WALLET: _wallet,
    IndicatorKind.DOMAIN: _domain,
    IndicatorKind.URL: _url,
    IndicatorKind.DEVICE: _device,
}
