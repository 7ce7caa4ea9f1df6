"""Agencies and API keys: a key works once issued, only as issued, until revoked."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from qorgan.core.errors import Conflict, InvalidInput, PermissionDenied
from qorgan.core.roles import Principal, Role
from qorgan.store.sql.agencies import (
    ApiKeyRow,
    agency_named,
    authenticate,
    create_agency,
    issue_key,
    list_agencies,
    revoke_key,
)


def test_an_issued_key_authenticates_as_its_agency(session: Session) -> None:
    kaspi = create_agency(session, "kaspi", Role.BANK, bank="kaspi", bank_codes=("722",))
    key = issue_key(session, kaspi)
    principal = authenticate(session, key)
    assert principal == Principal("kaspi", Role.BANK, "KASPI", ("722",))
    assert principal.is_bank("Kaspi")
    assert principal.is_bank("722")
    assert key.startswith("qk_")
    assert len(key) > 40


def test_only_the_keys_digest_is_stored(session: Session) -> None:
    key = issue_key(session, create_agency(session, "afc", Role.ANALYST))
    row = session.scalars(select(ApiKeyRow)).one()
    assert key not in (row.hash, row.prefix)
    assert row.prefix == key[:8]


@pytest.mark.parametrize("bad", ["", "qk_", "qk_wrongwrongwrongwrongwrong", "Bearer x"])
def test_a_wrong_key_is_refused(session: Session, bad: str) -> None:
    issue_key(session, create_agency(session, "afc", Role.ANALYST))
    with pytest.raises(PermissionDenied):
        authenticate(session, bad)


def test_a_key_with_the_same_prefix_but_other_secret_is_refused(session: Session) -> None:
    key = issue_key(session, create_agency(session, "afc", Role.ANALYST))
    with pytest.raises(PermissionDenied):
        authenticate(session, key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB"))


def test_a_revoked_key_is_refused(session: Session) -> None:
    key = issue_key(session, create_agency(session, "beeline", Role.OPERATOR))
    revoke_key(session, key)
    with pytest.raises(PermissionDenied):
        authenticate(session, key)


def test_a_disabled_agencys_keys_are_refused(session: Session) -> None:
    agency = create_agency(session, "beeline", Role.OPERATOR)
    key = issue_key(session, agency)
    agency.disabled = True
    session.flush()
    with pytest.raises(PermissionDenied):
        authenticate(session, key)


def test_agency_names_are_unique(session: Session) -> None:
    create_agency(session, "afc", Role.ANALYST)
    with pytest.raises(Conflict):
        create_agency(session, "afc", Role.ADMIN)


def test_a_bank_needs_its_bank_code_and_roles_must_be_known(session: Session) -> None:
    with pytest.raises(InvalidInput, match="bank"):
        create_agency(session, "halyk", Role.BANK)
    with pytest.raises(InvalidInput, match="role"):
        create_agency(session, "x", "sheriff")


def test_agencies_are_listed_by_name(session: Session) -> None:
    for name in ("police", "afc", "kaspi"):
        create_agency(session, name, Role.ANALYST)
    assert [a.name for a in list_agencies(session)] == ["afc", "kaspi", "police"]
    assert agency_named(session, "kaspi").role == "analyst"
