"""STIR/SHAKEN: the port call screening uses to verify a SIP Identity header (RFC 8224).

The verifier itself (``PassportVerifier``) lives in ``passport.py``; screening depends only on
this small protocol, so it can be tested with a stub and run without a trust store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class PassportResult:
    """Outcome of verifying one Identity header.

    Attributes:
        valid: signature, certificate, freshness and numbers all check out.
        attestation: ``A``, ``B`` or ``C`` from the SHAKEN ``attest`` claim, when read.
        reason: why it failed (empty when valid), e.g. ``stale iat``.
    """

    valid: bool
    attestation: str | None = None
    reason: str = ""


class PassportCheck(Protocol):
    """Verifies an Identity header against the call it arrived with."""

    def verify(self, identity: str, *, orig: str | None, dest: str, at: datetime) -> PassportResult:
        """Check ``identity`` for a call from ``orig`` to ``dest`` set up at ``at``."""
        ...
