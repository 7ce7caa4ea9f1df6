"""STIR/SHAKEN PASSporT verification: signature, certificate, freshness, numbers, bad input."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import given
from hypothesis import strategies as st

from qorgan.core.records import CallRecord, Ingress
from qorgan.telecom.certs import TrustStore
from qorgan.telecom.jws import b64url, b64url_decode, encode_jws
from qorgan.telecom.passport import REASONS, PassportVerifier, sign_passport
from qorgan.telecom.screening import CallScreener
from qorgan.telecom.stir import PassportResult

NOW = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
X5U = "https://cert.operator.kz/shaken/leaf.pem"
CALLER, CALLEE = "+77011234567", "+77021234567"
ORIGID = "123e4567-e89b-12d3-a456-426614174000"


@dataclass(frozen=True)
class Pki:
    """A test CA, an EC P-256 signing certificate it issued, and a store that trusts both."""

    root: x509.Certificate
    root_key: ec.EllipticCurvePrivateKey
    leaf: x509.Certificate
    leaf_key: ec.EllipticCurvePrivateKey
    leaf_pem: Path
    store: TrustStore


def issue(
    name: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None = None,
    *,
    ca: bool = False,
    valid: tuple[datetime, datetime] = (NOW - timedelta(days=30), NOW + timedelta(days=365)),
) -> x509.Certificate:
    """A certificate for ``key`` named ``name``, self-signed unless ``issuer`` is given."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    issuer_name, signer = (issuer[0].subject, issuer[1]) if issuer else (subject, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid[0])
        .not_valid_after(valid[1])
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    return builder.sign(signer, hashes.SHA256())


def make_test_pki(tmp_dir: Path, *, leaf_valid: tuple[datetime, datetime] | None = None) -> Pki:
    """A root CA and a leaf it signed, the leaf's PEM written to ``tmp_dir`` and provisioned."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = issue("Qorgan Test STI-CA", root_key, ca=True)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    validity = leaf_valid or (NOW - timedelta(days=1), NOW + timedelta(days=90))
    leaf = issue("Test SP", leaf_key, (root, root_key), valid=validity)
    leaf_pem = tmp_dir / "leaf.pem"
    leaf_pem.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    store = TrustStore(roots=[root], certificates={X5U: leaf_pem})
    return Pki(root, root_key, leaf, leaf_key, leaf_pem, store)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_test_pki(tmp_path_factory.mktemp("pki"))


def signed(
    pki: Pki,
    *,
    private_key: ec.EllipticCurvePrivateKey | None = None,
    x5u: str = X5U,
    orig: str = CALLER,
    dest: str | list[str] = CALLEE,
    iat: datetime = NOW,
    attest: str = "A",
) -> str:
    """An identity for a call from CALLER to CALLEE at NOW, A-attested unless told otherwise."""
    key = private_key or pki.leaf_key
    return sign_passport(key, x5u, orig, dest, iat, attest, ORIGID)


@pytest.fixture(scope="module")
def identity(pki: Pki) -> str:
    """One valid identity, shared by the property tests."""
    return signed(pki)


def check(store: TrustStore, identity: str, orig: str | None = CALLER) -> PassportResult:
    return PassportVerifier(store).verify(identity, orig=orig, dest=CALLEE, at=NOW)


def test_valid_a_attested_call_passes(pki: Pki) -> None:
    assert check(pki.store, signed(pki)) == PassportResult(True, "A", "")


def test_signed_identity_names_its_certificate_algorithm_and_shaken(pki: Pki) -> None:
    identity = signed(pki, attest="B")
    assert identity.endswith(f";info=<{X5U}>;alg=ES256;ppt=shaken")
    header = json.loads(b64url_decode(identity.split(".")[0]))
    assert header == {"alg": "ES256", "ppt": "shaken", "typ": "passport", "x5u": X5U}
    assert check(pki.store, identity) == PassportResult(True, "B", "")


def test_tampered_payload_fails_with_bad_signature(pki: Pki) -> None:
    header, payload, rest = signed(pki, attest="C").split(".", 2)
    claims = json.loads(b64url_decode(payload))
    claims["attest"] = "A"  # a C-attested call dressed up as A
    forged = f"{header}.{b64url(json.dumps(claims).encode())}.{rest}"
    assert check(pki.store, forged) == PassportResult(False, None, "bad signature")


def test_signature_by_another_key_fails_with_bad_signature(pki: Pki) -> None:
    identity = signed(pki, private_key=ec.generate_private_key(ec.SECP256R1()))
    assert check(pki.store, identity).reason == "bad signature"


def test_iat_61_seconds_old_is_stale_and_60_is_fresh(pki: Pki) -> None:
    stale = check(pki.store, signed(pki, iat=NOW - timedelta(seconds=61)))
    assert stale == PassportResult(False, "A", "stale iat")
    assert check(pki.store, signed(pki, iat=NOW - timedelta(seconds=60))).valid


def test_iat_61_seconds_in_the_future_is_stale(pki: Pki) -> None:
    assert check(pki.store, signed(pki, iat=NOW + timedelta(seconds=61))).reason == "stale iat"


def test_max_age_is_configurable(pki: Pki) -> None:
    verifier = PassportVerifier(pki.store, max_age_s=300)
    identity = signed(pki, iat=NOW - timedelta(seconds=200))
    assert verifier.verify(identity, orig=CALLER, dest=CALLEE, at=NOW).valid


def test_caller_other_than_orig_is_an_orig_mismatch(pki: Pki) -> None:
    assert check(pki.store, signed(pki), orig="+77019999999").reason == "orig mismatch"


def test_withheld_caller_is_an_orig_mismatch(pki: Pki) -> None:
    assert check(pki.store, signed(pki), orig=None).reason == "orig mismatch"


def test_callee_other_than_dest_is_a_dest_mismatch(pki: Pki) -> None:
    assert check(pki.store, signed(pki, dest="+77770000000")).reason == "dest mismatch"


def test_numbers_compare_as_digits_only(pki: Pki) -> None:
    identity = signed(pki, orig="+7 (701) 123-45-67", dest=["77770000000", "+7 702 123 4567"])
    assert check(pki.store, identity, orig="77011234567").valid


def test_dest_without_tn_is_a_dest_mismatch(pki: Pki) -> None:
    header = {"alg": "ES256", "ppt": "shaken", "typ": "passport", "x5u": X5U}
    claims = {
        "attest": "A",
        "dest": {"uri": ["sip:alice@example.com"]},
        "iat": int(NOW.timestamp()),
        "orig": {"tn": CALLER[1:]},
        "origid": ORIGID,
    }
    identity = f"{encode_jws(header, claims, pki.leaf_key)};info=<{X5U}>;ppt=shaken"
    assert check(pki.store, identity) == PassportResult(False, "A", "dest mismatch")


def test_plain_passport_without_ppt_verifies_without_attestation(pki: Pki) -> None:
    header = {"alg": "ES256", "typ": "passport", "x5u": X5U}
    claims = {"dest": {"tn": [CALLEE]}, "iat": int(NOW.timestamp()), "orig": {"tn": CALLER}}
    identity = f"{encode_jws(header, claims, pki.leaf_key)};info=<{X5U}>;alg=ES256"
    assert check(pki.store, identity) == PassportResult(True, None, "")


def test_unknown_x5u_fails(pki: Pki) -> None:
    identity = signed(pki, x5u="https://cert.elsewhere.example/leaf.pem")
    assert check(pki.store, identity) == PassportResult(False, None, "unknown certificate")


def test_certificate_from_an_untrusted_ca_fails(pki: Pki, tmp_path: Path) -> None:
    rogue = make_test_pki(tmp_path)  # its own root, not the one the store trusts
    store = TrustStore(roots=[pki.root], certificates={X5U: rogue.leaf_pem})
    assert check(store, signed(rogue)).reason == "untrusted certificate"


def test_self_signed_leaf_is_untrusted(pki: Pki) -> None:
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    store = TrustStore(roots=[pki.root], certificates={X5U: issue("Self", leaf_key)})
    assert check(store, signed(pki, private_key=leaf_key)).reason == "untrusted certificate"


def test_expired_certificate_fails(tmp_path: Path) -> None:
    old = make_test_pki(tmp_path, leaf_valid=(NOW - timedelta(days=400), NOW - timedelta(days=1)))
    assert check(old.store, signed(old)) == PassportResult(False, None, "expired certificate")


def test_certificate_not_yet_valid_fails_as_expired(tmp_path: Path) -> None:
    early = make_test_pki(tmp_path, leaf_valid=(NOW + timedelta(days=1), NOW + timedelta(days=9)))
    assert check(early.store, signed(early)).reason == "expired certificate"


def test_leaf_signed_via_one_intermediate_in_the_store_passes(pki: Pki) -> None:
    middle_key = ec.generate_private_key(ec.SECP256R1())
    middle = issue("Test Intermediate", middle_key, (pki.root, pki.root_key), ca=True)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = issue("Test SP 2", leaf_key, (middle, middle_key))
    store = TrustStore(roots=[pki.root], intermediates=[middle], certificates={X5U: leaf})
    assert check(store, signed(pki, private_key=leaf_key)).valid
    bundle = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (leaf, middle))
    assert check(
        TrustStore([pki.root], certificates={X5U: bundle}), signed(pki, private_key=leaf_key)
    ).valid
    alone = TrustStore(roots=[pki.root], certificates={X5U: leaf})
    assert check(alone, signed(pki, private_key=leaf_key)).reason == "untrusted certificate"


def test_leaf_issued_by_a_non_ca_certificate_is_untrusted(pki: Pki) -> None:
    middle_key = ec.generate_private_key(ec.SECP256R1())
    middle = issue("Not a CA", middle_key, (pki.root, pki.root_key), ca=False)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = issue("Test SP 3", leaf_key, (middle, middle_key))
    store = TrustStore(roots=[pki.root], intermediates=[middle], certificates={X5U: leaf})
    assert check(store, signed(pki, private_key=leaf_key)).reason == "untrusted certificate"


def test_leaf_key_other_than_p256_fails(pki: Pki) -> None:
    p384 = ec.generate_private_key(ec.SECP384R1())
    store = TrustStore(
        roots=[pki.root], certificates={X5U: issue("P-384", p384, (pki.root, pki.root_key))}
    )
    assert check(store, signed(pki)).reason == "unsupported key"


@pytest.mark.parametrize(
    "identity",
    [
        "",
        "   ",
        "..",
        f"..;info=<{X5U}>",
        f"a.b;info=<{X5U}>",
        f"a.b.c.d;info=<{X5U}>",
        f"!!!.@@@.###;info=<{X5U}>;alg=ES256;ppt=shaken",
        f"eyJh.eyJk.c2ln;info=<{X5U}>",  # base64url, but not JSON
        f"{b64url(b'[1]')}.{b64url(b'{}')}.c2ln;info=<{X5U}>",  # a header that is no object
        "garbage without any structure",
    ],
)
def test_malformed_identity_is_reported_without_raising(pki: Pki, identity: str) -> None:
    assert check(pki.store, identity) == PassportResult(False, None, "malformed identity")


@pytest.mark.parametrize(
    "suffix",
    [
        "",  # no parameters at all: info is required
        ";alg=ES256;ppt=shaken",  # no info
        f";info=<{X5U}>;info=<{X5U}>",  # info twice
        f";info=<{X5U}>;;alg=ES256",  # an empty parameter
        f";info=<{X5U}> trailing words",
    ],
)
def test_missing_or_broken_parameters_are_malformed(pki: Pki, suffix: str) -> None:
    jws = signed(pki).split(";")[0]
    assert check(pki.store, jws + suffix).reason == "malformed identity"


def test_parameters_tolerate_spaces_quotes_and_a_bare_info(pki: Pki) -> None:
    jws = signed(pki).split(";")[0]
    assert check(pki.store, f' {jws} ; info={X5U} ; alg="ES256"; ppt="shaken" ; x=1 ').valid


def test_claims_with_wrong_types_are_malformed(pki: Pki) -> None:
    header = {"alg": "ES256", "ppt": "shaken", "typ": "passport", "x5u": X5U}
    base = {"attest": "A", "dest": {"tn": [CALLEE]}, "iat": 1, "orig": {"tn": CALLER}}
    for claims in (
        {**base, "origid": ORIGID, "iat": "1772446500"},
        {**base, "origid": ORIGID, "iat": True},
        {**base, "origid": ORIGID, "iat": 10**400},
        {**base, "origid": ORIGID, "dest": {"tn": CALLEE}},
        {**base, "origid": ORIGID, "attest": "D"},
        {**base, "origid": ORIGID, "attest": {"level": "A"}},
        {**base},  # SHAKEN without origid
    ):
        identity = f"{encode_jws(header, claims, pki.leaf_key)};info=<{X5U}>"
        assert check(pki.store, identity).reason == "malformed identity", claims


def test_header_with_critical_extensions_is_malformed(pki: Pki) -> None:
    header = {"alg": "ES256", "crit": ["nbf"], "nbf": 1, "typ": "passport", "x5u": X5U}
    claims = {"dest": {"tn": [CALLEE]}, "iat": int(NOW.timestamp()), "orig": {"tn": CALLER}}
    identity = f"{encode_jws(header, claims, pki.leaf_key)};info=<{X5U}>"
    assert check(pki.store, identity).reason == "malformed identity"


def test_algorithms_other_than_es256_are_refused(pki: Pki) -> None:
    jws = signed(pki).split(";")[0]
    assert check(pki.store, f"{jws};info=<{X5U}>;alg=RS256").reason == "unsupported alg"
    header = {"alg": "RS256", "ppt": "shaken", "typ": "passport", "x5u": X5U}
    claims = {"attest": "A", "dest": {"tn": [CALLEE]}, "iat": 1, "orig": {"tn": CALLER}}
    identity = f"{encode_jws(header, claims, pki.leaf_key)};info=<{X5U}>"
    assert check(pki.store, identity).reason == "unsupported alg"


def test_ppt_other_than_shaken_is_refused(pki: Pki) -> None:
    jws = signed(pki).split(";")[0]
    assert check(pki.store, f"{jws};info=<{X5U}>;ppt=div").reason == "unsupported ppt"
    header = {"alg": "ES256", "ppt": "div", "typ": "passport", "x5u": X5U}
    identity = f"{encode_jws(header, {}, pki.leaf_key)};info=<{X5U}>"
    assert check(pki.store, identity).reason == "unsupported ppt"


def test_compact_form_without_payload_is_refused(pki: Pki) -> None:
    header, _, signature = signed(pki).split(".", 2)
    assert check(pki.store, f"{header}..{signature}").reason == "unsupported form"


def test_info_other_than_x5u_is_refused(pki: Pki) -> None:
    jws = signed(pki).split(";")[0]
    assert check(pki.store, f"{jws};info=<https://x.example/c.pem>").reason == "info mismatch"


def test_screener_marks_a_verified_call_as_passed(pki: Pki) -> None:
    call = CallRecord("c1", NOW, CALLER, CALLEE, Ingress.DOMESTIC, None, None, None, True, 30)
    screener = CallScreener(passports=PassportVerifier(pki.store))
    assert screener.screen(call, signed(pki)).verstat == "TN-Validation-Passed"
    forged = signed(pki, orig="+77019999999")
    assert screener.screen(call, forged).verstat == "TN-Validation-Failed"


@given(st.text(max_size=300))
def test_any_text_as_identity_never_raises(pki: Pki, text: str) -> None:
    result = check(pki.store, text)
    assert not result.valid
    assert result.reason in REASONS


@given(st.data())
def test_any_edit_of_a_valid_identity_never_raises_and_fails_once_it_touches_the_jws(
    pki: Pki, identity: str, data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(identity) - 1))
    replacement = data.draw(st.text(max_size=3))
    edited = identity[:at] + replacement + identity[at + 1 :]
    result = check(pki.store, edited)
    assert result.reason in REASONS or result.valid
    if result.valid:  # only edits the signature cannot see: spaces, quoting, case of "ppt"...
        assert edited.split(";")[0].strip() == identity.split(";")[0]
