"""Compact JWS with ES256 (RFC 7515, RFC 7518 §3.4), the signature PASSporTs carry.

A JWS is ``base64url(header).base64url(payload).base64url(signature)``; the ES256 signature
is ECDSA P-256 with SHA-256 over the first two segments, carried as the raw 64 bytes
``R || S`` (``cryptography`` speaks DER, so it is converted both ways here). Headers and
payloads are serialised as RFC 8225 §9 asks: sorted keys, no whitespace, UTF-8.

>>> b64url(canonical_json({"typ": "passport", "alg": "ES256"}))
'eyJhbGciOiJFUzI1NiIsInR5cCI6InBhc3Nwb3J0In0'
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from qorgan.core.errors import InvalidValue

B64URL = re.compile(r"[A-Za-z0-9_-]*")
"""The base64url alphabet, unpadded (a segment of a compact JWS)."""


def canonical_json(value: Mapping[str, object]) -> bytes:
    """The deterministic serialisation of RFC 8225 §9: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict unpadded base64url: only the one encoding of each byte string is accepted.

    Raises:
        InvalidValue: a character outside the alphabet, padding, an impossible length, or
            non-zero unused bits in the last character (which would make JWS malleable).
    """
    if not B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise InvalidValue("not unpadded base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidValue("not unpadded base64url") from exc
    if b64url(data) != text:
        raise InvalidValue("not canonical base64url")
    return data


def encode_jws(
    header: Mapping[str, object], payload: Mapping[str, object], key: ec.EllipticCurvePrivateKey
) -> str:
    """Sign ``header`` and ``payload`` with ES256 into a compact JWS.

    ECDSA is randomised: signing twice gives two different, equally valid signatures.
    """
    signing_input = f"{b64url(canonical_json(header))}.{b64url(canonical_json(payload))}"
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def es256_valid(key: ec.EllipticCurvePublicKey, signing_input: bytes, signature: bytes) -> bool:
    """Whether ``signature`` (raw 64-byte ``R || S``) is ``key``'s ES256 over ``signing_input``."""
    if len(signature) != 64:
        return False
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        key.verify(der, signing_input, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def verify_jws(jws: str, key: ec.EllipticCurvePublicKey) -> bool:
    """Whether the compact JWS ``jws`` carries a valid ES256 signature by ``key``.

    Only the signature is checked: not the header's ``alg``, nor any claim.
    """
    parts = jws.strip().split(".")
    if len(parts) != 3 or not all(B64URL.fullmatch(part) for part in parts):
        return False
    try:
        signature = b64url_decode(parts[2])
    except InvalidValue:
        return False
    return es256_valid(key, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)
