"""STIR/SHAKEN certificates: the provisioned ``x5u`` certificates and the CAs trusted to issue them.

No network is reached: an operator provisions each signing certificate under the ``x5u`` URL
that PASSporTs name, and configures the trusted root (and intermediate) CA certificates. A
certificate is accepted when it is signed directly by a trusted root, or by one intermediate
(configured here, or sent in the same PEM bundle as the leaf) that a trusted root signed; every
certificate on that path must be valid at the call's time, and the leaf key must be EC P-256
(ES256 is the only algorithm SHAKEN uses).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec

from qorgan.core.errors import InvalidInput

CertSource = x509.Certificate | bytes | str | Path
"""A certificate, PEM or DER bytes, PEM text (``-----BEGIN``...), or a path to a PEM/DER file."""

Chain = tuple[x509.Certificate, ...]

UNKNOWN = "unknown certificate"
UNTRUSTED = "untrusted certificate"
EXPIRED = "expired certificate"
UNSUPPORTED_KEY = "unsupported key"


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime (a naive one is taken to be UTC already)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def load_certificates(source: CertSource) -> list[x509.Certificate]:
    """Read one certificate, or a PEM bundle (leaf first), from ``source``.

    Args:
        source: a certificate, PEM or DER bytes, PEM text, or a path to a PEM or DER file.

    Returns:
        The certificates in the order given (at least one).

    Raises:
        InvalidInput: the file is missing or holds no readable certificate.
    """
    if isinstance(source, x509.Certificate):
        return [source]
    if isinstance(source, str) and source.lstrip().startswith("-----BEGIN"):
        data = source.encode()
    elif isinstance(source, str | Path):
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise InvalidInput(f"{source}: cannot read certificate: {exc.strerror}") from exc
    else:
        data = source
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        where = source if isinstance(source, str | Path) else "certificate bytes"
        raise InvalidInput(f"{where}: not a PEM or DER X.509 certificate") from exc


def issued_by(child: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether ``issuer`` is a CA whose key signed ``child`` under its subject name."""
    try:
        constraints = issuer.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    if not constraints.ca:
        return False
    try:
        usage = issuer.extensions.get_extension_for_class(x509.KeyUsage).value
        if not usage.key_cert_sign:
            return False
    except x509.ExtensionNotFound:
        pass
    try:
        child.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def valid_at(cert: x509.Certificate, at: datetime) -> bool:
    """Whether ``at`` lies within the certificate's validity period (bounds included)."""
    return cert.not_valid_before_utc <= as_utc(at) <= cert.not_valid_after_utc


class TrustStore:
    """Provisioned STIR/SHAKEN certificates by ``x5u`` URL, and the CAs trusted to issue them.

    Chains are searched once per URL and cached; only the validity periods are checked per
    call. Not thread-safe while being changed; build it, then share it read-only.

    Args:
        roots: trusted root CA certificates (trust anchors).
        intermediates: intermediate CA certificates, trusted when a root signed them.
        certificates: ``x5u`` URL -> the signing certificate (a PEM bundle may add its chain).
    """

    def __init__(
        self,
        roots: Iterable[CertSource] = (),
        intermediates: Iterable[CertSource] = (),
        certificates: Mapping[str, CertSource] | None = None,
    ) -> None:
        self._roots: list[x509.Certificate] = []
        self._intermediates: list[x509.Certificate] = []
        self._provisioned: dict[str, list[x509.Certificate]] = {}
        self._paths: dict[str, list[Chain]] = {}
        for root in roots:
            self.add_root(root)
        for intermediate in intermediates:
            self.add_intermediate(intermediate)
        for x5u, source in (certificates or {}).items():
            self.provision(x5u, source)

    def add_root(self, source: CertSource) -> None:
        """Trust the root CA certificate(s) in ``source``."""
        self._roots.extend(load_certificates(source))
        self._paths.clear()

    def add_intermediate(self, source: CertSource) -> None:
        """Accept the intermediate CA certificate(s) in ``source`` where a root signed them."""
        self._intermediates.extend(load_certificates(source))
        self._paths.clear()

    def provision(self, x5u: str, source: CertSource) -> None:
        """Serve ``source`` (the leaf first, then any chain) for PASSporTs naming ``x5u``."""
        self._provisioned[x5u] = load_certificates(source)
        self._paths.pop(x5u, None)

    def __contains__(self, x5u: object) -> bool:
        return x5u in self._provisioned

    def check(self, x5u: str, at: datetime) -> tuple[ec.EllipticCurvePublicKey | None, str]:
        """The verified signing key for ``x5u`` at ``at``, or why there is none.

        Returns:
            ``(key, "")`` when the certificate chains to a trusted root and every certificate
            on the path is valid at ``at``; otherwise ``(None, reason)`` with reason one of
            ``unknown certificate``, ``untrusted certificate``, ``expired certificate``
            (outside its validity period, early or late) or ``unsupported key``.
        """
        chain = self._provisioned.get(x5u)
        if chain is None:
            return None, UNKNOWN
        try:
            key = chain[0].public_key()
        except (ValueError, UnsupportedAlgorithm):
            return None, UNSUPPORTED_KEY
        if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(
            key.curve, ec.SECP256R1
        ):
            return None, UNSUPPORTED_KEY
        paths = self._paths.get(x5u)
        if paths is None:
            paths = self._paths[x5u] = self._find_paths(chain[0], chain[1:])
        if not paths:
            return None, UNTRUSTED
        if any(all(valid_at(cert, at) for cert in path) for path in paths):
            return key, ""
        return None, EXPIRED

    def _find_paths(self, leaf: x509.Certificate, bundled: list[x509.Certificate]) -> list[Chain]:
        """Every path from ``leaf`` to a trusted root through at most one intermediate."""
        paths: list[Chain] = [(leaf, root) for root in self._roots if issued_by(leaf, root)]
        for middle in (*bundled, *self._intermediates):
            if issued_by(leaf, middle):
                paths += [(leaf, middle, root) for root in self._roots if issued_by(middle, root)]
        return paths
