"""``qorgan sip --trust DIR``: the trust-store folder becomes a working PASSporT verifier."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from qorgan.cli import _trust_store
from qorgan.core.errors import InvalidInput
from qorgan.telecom.passport import sign_passport

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
X5U = "https://sti.example.kz/sp1.pem"


def _cert(name: str, key: ec.EllipticCurvePrivateKey, signer: ec.EllipticCurvePrivateKey,
          issuer: str, ca: bool) -> x509.Certificate:  # fmt: skip
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=90))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    return builder.sign(signer, hashes.SHA256())


def test_a_trust_folder_verifies_a_provisioned_signer(tmp_path: Path) -> None:
    root_key, leaf_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    root = _cert("Test STI-CA", root_key, root_key, "Test STI-CA", ca=True)
    leaf = _cert("SP 1", leaf_key, root_key, "Test STI-CA", ca=False)
    (tmp_path / "roots").mkdir()
    (tmp_path / "roots" / "ca.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "sp1.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "certificates.json").write_text(json.dumps({X5U: "sp1.pem"}))
    verifier = _trust_store(tmp_path)
    identity = sign_passport(leaf_key, X5U, "+77011234567", "+77051234567", NOW, "A", "o-1")
    result = verifier.verify(identity, orig="+77011234567", dest="+77051234567", at=NOW)
    assert result.valid
    assert result.attestation == "A"


def test_a_folder_without_certificates_json_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"certificates\.json"):
        _trust_store(tmp_path)
