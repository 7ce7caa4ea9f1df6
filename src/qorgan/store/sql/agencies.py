"""Agencies and their API keys.

A key is ``qk_`` followed by 32 random bytes (URL-safe base64): it exists in plain text
once, when :func:`issue_key` returns it, and is stored only as its SHA-256. A slow key
derivation function (bcrypt, scrypt, Argon2) protects *guessable* secrets such as
passwords; a key of 256 random bits cannot be guessed whatever the hash costs, so one
SHA-256 is as safe and keeps every request cheap. The first 8 characters are kept in clear
as ``prefix``, to find the candidate rows without a scan; digests are compared with
:func:`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from qorgan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from qorgan.core.roles import Principal, Role
from qorgan.store.sql.base import Base
from qorgan.store.sql.db import UtcDateTime

KEY_PREFIX = "qk_"
PREFIX_CHARS = 8


class AgencyRow(Base):
    """An agency that calls Qorgan: an operator, a bank, a police unit, the Centre ...

    Attributes:
        name: unique short name (``kaspi``, ``beeline``, ``afc``).
        role: a :class:`~qorgan.core.roles.Role` value.
        bank: for a bank, the accounts feed's ``bank`` value.
        bank_codes: for a bank, the bank codes inside its IBANs, space-separated.
        disabled: a disabled agency's keys are refused.
    """

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    bank: Mapped[str | None] = mapped_column(String(50))
    bank_codes: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    disabled: Mapped[bool] = mapped_column(default=False)

    keys: Mapped[list[ApiKeyRow]] = relationship(back_populates="agency")

    def principal(self) -> Principal:
        """The caller this agency's keys authenticate as."""
        return Principal(self.name, Role(self.role), self.bank, tuple(self.bank_codes.split()))


class ApiKeyRow(Base):
    """One API key of an agency, stored as its SHA-256."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(PREFIX_CHARS), index=True)
    hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    agency: Mapped[AgencyRow] = relationship(back_populates="keys")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_agency(
    session: Session,
    name: str,
    role: Role | str,
    bank: str | None = None,
    bank_codes: tuple[str, ...] = (),
) -> AgencyRow:
    """Add an agency.

    Raises:
        InvalidInput: an empty name, an unknown role, or a bank without ``bank``.
        Conflict: an agency of that name exists.
    """
    name = name.strip()
    if not name:
        raise InvalidInput("an agency needs a name")
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput(f"unknown role {role!r}; expected one of {', '.join(Role)}") from None
    if role is Role.BANK and not bank:
        raise InvalidInput("a bank agency needs --bank (its code in the accounts feed)")
    if session.scalar(select(AgencyRow.id).where(AgencyRow.name == name)) is not None:
        raise Conflict(f"agency {name!r} exists")
    agency = AgencyRow(
        name=name,
        role=role.value,
        bank=bank.strip().upper() if bank else None,
        bank_codes=" ".join(c.strip().upper() for c in bank_codes if c.strip()),
        created_at=datetime.now(UTC),
        disabled=False,
    )
    session.add(agency)
    session.flush()
    return agency


def agency_named(session: Session, name: str) -> AgencyRow:
    """The agency called ``name``; :class:`NotFound` otherwise."""
    agency = session.scalar(select(AgencyRow).where(AgencyRow.name == name))
    if agency is None:
        raise NotFound(f"no agency {name!r}")
    return agency


def list_agencies(session: Session) -> list[AgencyRow]:
    """Every agency, by name."""
    return list(session.scalars(select(AgencyRow).order_by(AgencyRow.name)))


def issue_key(session: Session, agency: AgencyRow) -> str:
    """A new API key for ``agency``: the only time the plain key exists."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiKeyRow(
            agency_id=agency.id,
            prefix=key[:PREFIX_CHARS],
            hash=_digest(key),
            created_at=datetime.now(UTC),
        )
    )
    session.flush()
    return key


def _key_row(session: Session, key: str) -> ApiKeyRow | None:
    if not key.startswith(KEY_PREFIX) or len(key) < PREFIX_CHARS + 16:
        return None
    digest = _digest(key)
    rows = session.scalars(select(ApiKeyRow).where(ApiKeyRow.prefix == key[:PREFIX_CHARS]))
    for row in rows:
        if hmac.compare_digest(row.hash, digest):
            return row
    return None


def authenticate(session: Session, key: str) -> Principal:
    """The caller ``key`` belongs to.

    Raises:
        PermissionDenied: an unknown or revoked key, or a disabled agency (one message for
            all three, so a caller learns nothing about which).
    """
    row = _key_row(session, key)
    if row is None or row.revoked_at is not None or row.agency.disabled:
        raise PermissionDenied("unknown, revoked or disabled API key")
    return row.agency.principal()


def revoke_key(session: Session, key: str, at: datetime | None = None) -> None:
    """Revoke ``key`` (given in full); revoking twice is harmless.

    Raises:
        NotFound: no such key.
    """
    row = _key_row(session, key)
    if row is None:
        raise NotFound("no such API key")
    if row.revoked_at is None:
        row.revoked_at = at or datetime.now(UTC)
        session.flush()
