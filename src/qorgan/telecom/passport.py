"""STIR/SHAKEN: verifying the PASSporT in a SIP ``Identity`` header (RFC 8224, 8225, 8588).

``PassportVerifier`` implements the ``PassportCheck`` port of ``stir.py``. It reads the header
(``<jws>;info=<url>;alg=ES256;ppt=shaken``), finds the signing certificate by the PASSporT's
``x5u`` in a ``TrustStore`` (``certs.py``), checks the ES256 signature, the freshness of ``iat``
and that ``orig``/``dest`` name the call's own numbers. Input from the network never raises:
every failure is a ``PassportResult`` with one of the short reasons listed in ``REASONS``.

``sign_passport`` builds a SHAKEN Identity header; tests and the SIP integration tests use it
to make valid and invalid calls. The ES256 JWS itself lives in ``jws.py``.

>>> canonical_tn("+7 (701) 123-45-67")
'77011234567'
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric import ec

from qorgan.core.errors import InvalidValue
from qorgan.telecom.certs import TrustStore, as_utc
from qorgan.telecom.jws import b64url_decode, encode_jws, es256_valid
from qorgan.telecom.stir import PassportResult

MALFORMED = "malformed identity"
REASONS: dict[str, str] = {
    MALFORMED: "the header, its JWS or its claims cannot be read, or a required part is missing",
    "unsupported alg": "the header or the JWS names an algorithm other than ES256",
    "unsupported ppt": "a PASSporT extension other than shaken (or none, a plain PASSporT)",
    "unsupported form": "compact form (no payload): the claims would have to be rebuilt from SIP",
    "info mismatch": "the header's info URL differs from the x5u the PASSporT was signed under",
    "unknown certificate": "no certificate is provisioned for the PASSporT's x5u URL",
    "untrusted certificate": "the certificate does not chain to a trusted CA",
    "expired certificate": "a certificate on the path is outside its validity period at the call",
    "unsupported key": "the certificate's key is not EC P-256",
    "bad signature": "the ES256 signature does not verify with the certificate's key",
    "stale iat": "iat is further than max_age_s from the call's set-up time",
    "orig mismatch": "orig.tn is not the call's presented caller (or the caller is withheld)",
    "dest mismatch": "no dest.tn is the call's callee (or dest names no telephone number)",
}

ES256 = "ES256"
SHAKEN = "shaken"
ATTESTATIONS = frozenset({"A", "B", "C"})
MAX_IDENTITY_CHARS = 8192
_NON_DIGIT = re.compile(r"[^0-9]")
_PARAM = re.compile(r'\s*;\s*([A-Za-z0-9.!%*_+`\'~-]+)\s*(?:=\s*(<[^<>]*>|"[^"]*"|[^\s;<>"]+))?\s*')


def _refuse(reason: str = MALFORMED) -> InvalidValue:
    return InvalidValue(reason)


def canonical_tn(number: str) -> str:
    """A telephone number as RFC 8224 §8.3 compares it: its ASCII digits only (no ``+``)."""
    return _NON_DIGIT.sub("", number)


def sign_passport(
    private_key: ec.EllipticCurvePrivateKey,
    x5u: str,
    orig: str,
    dest: str | Sequence[str],
    iat: int | datetime,
    attest: str,
    origid: str,
) -> str:
    """A SHAKEN ``Identity`` header value for a call from ``orig`` to ``dest``.

    Args:
        private_key: the EC P-256 key of the certificate provisioned under ``x5u``.
        x5u: the certificate's URL, also given as the header's ``info``.
        orig: the calling number (E.164 or digits), canonicalised to digits.
        dest: the called number, or numbers.
        iat: when the PASSporT was issued, epoch seconds or a datetime.
        attest: the attestation level, ``A``, ``B`` or ``C``.
        origid: the originating identifier (a UUID in SHAKEN).

    Returns:
        ``<jws>;info=<x5u>;alg=ES256;ppt=shaken``.
    """
    header = {"alg": ES256, "ppt": SHAKEN, "typ": "passport", "x5u": x5u}
    numbers = [dest] if isinstance(dest, str) else list(dest)
    payload = {
        "attest": attest,
        "dest": {"tn": [canonical_tn(number) for number in numbers]},
        "iat": int(as_utc(iat).timestamp()) if isinstance(iat, datetime) else iat,
        "orig": {"tn": canonical_tn(orig)},
        "origid": origid,
    }
    return f"{encode_jws(header, payload, private_key)};info=<{x5u}>;alg={ES256};ppt={SHAKEN}"


@dataclass(frozen=True, slots=True)
class Passport:
    """What an Identity header claims, read but not yet verified.

    Attributes:
        x5u: the signing certificate's URL.
        ppt: ``shaken``, or ``None`` for a plain PASSporT.
        iat: when it was issued, epoch seconds.
        orig_tn: the calling number, canonical; ``None`` when ``orig`` is not a number.
        dest_tns: the called numbers, canonical (empty when ``dest`` names none).
        attest: the SHAKEN attestation, ``None`` for a plain PASSporT.
        signing_input: ``header.payload`` exactly as received.
        signature: the raw signature bytes.
    """

    x5u: str
    ppt: str | None
    iat: float
    orig_tn: str | None
    dest_tns: tuple[str, ...]
    attest: str | None
    signing_input: bytes
    signature: bytes


def read_identity(value: str) -> Passport:
    """Parse an Identity header value and its PASSporT, checking form but not signature.

    Raises:
        InvalidValue: with ``reason`` one of ``REASONS`` (``malformed identity`` for
            anything unreadable).
    """
    if not isinstance(value, str) or len(value) > MAX_IDENTITY_CHARS:
        raise _refuse()
    jws, _, rest = value.strip().partition(";")
    params = _params(f";{rest}" if rest else "")
    info = _unquote(params.get("info", ""), "<>")
    if not info:
        raise _refuse()
    if _unquote(params.get("alg", ES256), '""') != ES256:
        raise _refuse("unsupported alg")
    ppt_param = _unquote(params["ppt"], '""') if "ppt" in params else None
    if ppt_param not in (None, SHAKEN):
        raise _refuse("unsupported ppt")
    parts = jws.strip().split(".")
    if len(parts) != 3 or not parts[0] or not parts[2]:
        raise _refuse()
    if not parts[1]:
        raise _refuse("unsupported form")
    header, claims = _json_object(parts[0]), _json_object(parts[1])
    signature = _decode(parts[2])
    x5u, ppt = _protected(header)
    if ppt_param is not None and ppt != ppt_param:
        raise _refuse()
    if info != x5u:
        raise _refuse("info mismatch")
    return Passport(
        x5u=x5u,
        ppt=ppt,
        iat=_iat(claims.get("iat")),
        orig_tn=_orig_tn(claims.get("orig")),
        dest_tns=_dest_tns(claims.get("dest")),
        attest=_shaken(claims) if ppt == SHAKEN else None,
        signing_input=f"{parts[0]}.{parts[1]}".encode("ascii"),
        signature=signature,
    )


def _protected(header: Mapping[str, object]) -> tuple[str, str | None]:
    """The ``x5u`` and ``ppt`` of a PASSporT's protected header, after checking its form."""
    alg, typ, ppt, x5u = (header.get(name) for name in ("alg", "typ", "ppt", "x5u"))
    if not isinstance(alg, str) or not isinstance(typ, str) or typ.lower() != "passport":
        raise _refuse()
    if "crit" in header:  # no critical JWS extension is understood here (RFC 7515 §4.1.11)
        raise _refuse()
    if alg != ES256:
        raise _refuse("unsupported alg")
    if ppt is not None and ppt != SHAKEN:
        raise _refuse("unsupported ppt" if isinstance(ppt, str) else MALFORMED)
    if not isinstance(x5u, str) or not x5u:
        raise _refuse()
    return x5u, SHAKEN if ppt is not None else None


def _params(text: str) -> dict[str, str]:
    params: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        match = _PARAM.match(text, pos)
        if match is None:
            raise _refuse()
        name = match.group(1).lower()
        if name in params:
            raise _refuse()
        params[name] = match.group(2) or ""
        pos = match.end()
    return params


def _unquote(text: str, marks: str) -> str:
    if len(text) >= 2 and text[0] == marks[0] and text[-1] == marks[1]:
        return text[1:-1].strip()
    return text


def _decode(segment: str) -> bytes:
    try:
        return b64url_decode(segment)
    except InvalidValue as exc:
        raise _refuse() from exc


def _json_object(segment: str) -> dict[str, object]:
    try:
        value = json.loads(_decode(segment).decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, too deep, too long a number
        raise _refuse() from exc
    if not isinstance(value, dict):
        raise _refuse()
    return value


def _iat(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refuse()
    try:
        iat = float(value)
    except OverflowError as exc:  # an integer beyond any float
        raise _refuse() from exc
    if not math.isfinite(iat):
        raise _refuse()
    return iat


def _orig_tn(value: object) -> str | None:
    if not isinstance(value, dict):
        raise _refuse()
    tn = value.get("tn")
    if tn is None:
        return None
    if not isinstance(tn, str):
        raise _refuse()
    return canonical_tn(tn)


def _dest_tns(value: object) -> tuple[str, ...]:
    if not isinstance(value, dict):
        raise _refuse()
    tns = value.get("tn", [])
    if not isinstance(tns, list) or not all(isinstance(tn, str) for tn in tns):
        raise _refuse()
    return tuple(canonical_tn(tn) for tn in tns)


def _shaken(claims: Mapping[str, object]) -> str:
    attest, origid = claims.get("attest"), claims.get("origid")
    if not isinstance(attest, str) or attest not in ATTESTATIONS:
        raise _refuse()
    if not isinstance(origid, str) or not origid:
        raise _refuse()
    return attest


class PassportVerifier:
    """Verifies Identity headers against provisioned certificates (the ``PassportCheck`` port).

    Args:
        trust: the provisioned ``x5u`` certificates and trusted CAs.
        max_age_s: the most seconds ``iat`` may lie from the call's set-up time, either way.
    """

    def __init__(self, trust: TrustStore, *, max_age_s: float = 60.0) -> None:
        self.trust = trust
        self.max_age_s = max_age_s

    def verify(self, identity: str, *, orig: str | None, dest: str, at: datetime) -> PassportResult:
        """Check ``identity`` for a call from ``orig`` (``None``: withheld) to ``dest`` at ``at``.

        The attestation is reported once the signature has verified, also when a later check
        (freshness, numbers) fails; ``at`` is taken as UTC when naive.
        """
        try:
            passport = read_identity(identity)
        except InvalidValue as refused:
            return PassportResult(False, None, refused.reason)
        key, why = self.trust.check(passport.x5u, at)
        if key is None:
            return PassportResult(False, None, why)
        if not es256_valid(key, passport.signing_input, passport.signature):
            return PassportResult(False, None, "bad signature")
        attest = passport.attest
        if not abs(as_utc(at).timestamp() - passport.iat) <= self.max_age_s:
            return PassportResult(False, attest, "stale iat")
        caller = canonical_tn(orig) if orig is not None else ""
        if not caller or passport.orig_tn != caller:
            return PassportResult(False, attest, "orig mismatch")
        callee = canonical_tn(dest)
        if not callee or callee not in passport.dest_tns:
            return PassportResult(False, attest, "dest mismatch")
        return PassportResult(True, attest, "")
