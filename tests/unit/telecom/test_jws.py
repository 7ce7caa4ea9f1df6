"""ES256 compact JWS against published vectors: RFC 7515 Appendix A.3 and the RFC 8225 example.

ECDSA signatures are randomised, so the vectors are verified as given, never re-signed; only
the deterministic parts (the base64url of header and payload) are compared after signing.
"""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from qorgan.core.errors import InvalidValue
from qorgan.telecom.jws import b64url, b64url_decode, encode_jws, es256_valid, verify_jws

# RFC 7515 Appendix A.3: the P-256 key (x, y) and the ES256 JWS over its example claims.
RFC7515_X = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
RFC7515_Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
RFC7515_JWS = (
    "eyJhbGciOiJFUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA"
    "pmWQxfKTUJqPP3-Kg6NU1Q"
)

# The PASSporT example key of draft-ietf-stir-passport; its public half is the key that
# RFC 8225 Appendix A.2 prints.
RFC8225_KEY = b"""-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIFeZ1R208QCvcu5GuYyMfG4W7sH4m99/7eHSDLpdYllFoAoGCCqGSM49
AwEHoUQDQgAE8HNbQd/TmvCKwPKHkMF9fScavGeH78YTU8qLS8I5HLHSSmlATLcs
lQMhNC/OhlWBYC626nIlo7XeebYS7Sb37g==
-----END EC PRIVATE KEY-----
"""
RFC8225_PUBLIC = b"""-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8HNbQd/TmvCKwPKHkMF9fScavGeH
78YTU8qLS8I5HLHSSmlATLcslQMhNC/OhlWBYC626nIlo7XeebYS7Sb37g==
-----END PUBLIC KEY-----
"""
RFC8225_HEADER = {"alg": "ES256", "typ": "passport", "x5u": "https://cert.example.org/passport.cer"}
RFC8225_HEADER_B64 = (
    "eyJhbGciOiJFUzI1NiIsInR5cCI6InBhc3Nwb3J0IiwieDV1IjoiaHR0cHM6Ly9j"
    "ZXJ0LmV4YW1wbGUub3JnL3Bhc3Nwb3J0LmNlciJ9"
)
# The example token of RFC 8225 §7.1 (and the drafts before it), "iat" still a JSON string.
RFC8225_TOKEN = (
    RFC8225_HEADER_B64
    + ".eyJkZXN0Ijp7InVyaSI6WyJzaXA6YWxpY2VAZXhhbXBsZS5jb20iXX0sImlhdCI"
    + "6IjE0NDMyMDgzNDUiLCJvcmlnIjp7InRuIjoiMTIxNTU1NTEyMTIifX0"
    + ".rq3pjT1hoRwakEGjHCnWSwUnshd0-zJ6F1VOgFWSjHBr8Qjpjlk-cpFYpFYsojN"
    + "CpTzO3QfPOlckGaS6hEck7w"
)
# RFC 8225 erratum 5985: the same payload with a numeric "iat", as it should be serialised.
RFC8225_PAYLOAD_B64 = (
    "eyJkZXN0Ijp7InVyaSI6WyJzaXA6YWxpY2VAZXhhbXBsZS5jb20iXX0sImlhdCI"
    "6MTQ0MzIwODM0NSwib3JpZyI6eyJ0biI6IjEyMTU1NTUxMjEyIn19"
)


def rfc8225_key() -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(RFC8225_KEY, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def test_rfc7515_es256_example_verifies_and_a_changed_claim_does_not() -> None:
    x, y = (int.from_bytes(b64url_decode(c), "big") for c in (RFC7515_X, RFC7515_Y))
    key = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    assert verify_jws(RFC7515_JWS, key)
    assert not verify_jws(RFC7515_JWS.replace("eyJpc3MiOiJqb2Ui", "eyJpc3MiOiJqb2Ki"), key)


def test_rfc8225_example_key_pair_matches_the_published_public_key() -> None:
    assert rfc8225_key().public_key() == serialization.load_pem_public_key(RFC8225_PUBLIC)


def test_rfc8225_example_signature_verifies_with_the_published_key() -> None:
    public = rfc8225_key().public_key()
    assert verify_jws(RFC8225_TOKEN, public)
    assert json.loads(b64url_decode(RFC8225_TOKEN.split(".")[1])) == {
        "dest": {"uri": ["sip:alice@example.com"]},
        "iat": "1443208345",
        "orig": {"tn": "12155551212"},
    }
    assert not verify_jws(RFC8225_TOKEN.replace("MTIxNTU1NTEyMTI", "MTIxNTU1NTEyMTM"), public)
    assert not verify_jws(RFC8225_TOKEN[:-2] + "xw", public)


def test_rfc8225_example_serialises_to_the_rfc_base64url_and_round_trips() -> None:
    payload = {
        "dest": {"uri": ["sip:alice@example.com"]},
        "iat": 1443208345,
        "orig": {"tn": "12155551212"},
    }
    token = encode_jws(RFC8225_HEADER, payload, rfc8225_key())
    header_b64, payload_b64, signature_b64 = token.split(".")
    assert (header_b64, payload_b64) == (RFC8225_HEADER_B64, RFC8225_PAYLOAD_B64)
    assert len(b64url_decode(signature_b64)) == 64
    assert verify_jws(token, rfc8225_key().public_key())


@pytest.mark.parametrize("text", ["ab=", "a+b/", "a b", "abcde", "QR", "é"])
def test_base64url_is_strict(text: str) -> None:
    with pytest.raises(InvalidValue):
        b64url_decode(text)  # padding, base64 proper, spaces, bad length, unused bits set


def test_base64url_round_trips() -> None:
    for data in (b"", b"\x00", b"\xff\xfe", bytes(range(256))):
        assert b64url_decode(b64url(data)) == data


def test_signature_of_the_wrong_length_or_shape_does_not_verify() -> None:
    public = rfc8225_key().public_key()
    header, payload, signature = RFC8225_TOKEN.split(".")
    assert not es256_valid(public, f"{header}.{payload}".encode(), b64url_decode(signature)[:63])
    assert not verify_jws(f"{header}.{payload}", public)
    assert not verify_jws(f"{header}.{payload}.{signature}=", public)
    assert not verify_jws(f"{header}.{payload}.{'A' * 86}", public)  # R = S = 0
