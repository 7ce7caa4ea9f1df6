"""Role rules: who sees, reports and moves which indicators."""

from __future__ import annotations

import pytest

from qorgan.core.ports import IndicatorKind as K
from qorgan.core.ports import IndicatorStatus as S
from qorgan.core.roles import (
    Principal,
    Role,
    may_assert_kind,
    may_see_kind,
    may_set_status,
    sharing,
)

OPERATOR = Principal("beeline", Role.OPERATOR)
BANK = Principal("kaspi", Role.BANK, "KASPI", ("722",))


@pytest.mark.parametrize("kind", [K.IBAN, K.CARD])
def test_an_operator_never_sees_accounts_or_cards(kind: K) -> None:
    assert not may_see_kind(OPERATOR, kind)
    assert Role.OPERATOR not in sharing(kind)


@pytest.mark.parametrize("kind", [K.IMSI, K.IMEI])
def test_a_bank_never_sees_sims_or_handsets(kind: K) -> None:
    assert not may_see_kind(BANK, kind)


@pytest.mark.parametrize("role", [Role.POLICE, Role.PROSECUTOR, Role.ANALYST, Role.ADMIN])
def test_investigators_see_every_kind(role: Role) -> None:
    assert all(may_see_kind(Principal("x", role), kind) for kind in K)


def test_operators_report_telecom_kinds_and_banks_their_own() -> None:
    assert may_assert_kind(OPERATOR, K.IMSI)
    assert not may_assert_kind(OPERATOR, K.IBAN)
    assert may_assert_kind(BANK, K.IBAN)
    assert not may_assert_kind(BANK, K.IMEI)
    assert not may_assert_kind(Principal("p", Role.POLICE), K.MSISDN)


def test_police_may_confirm_but_not_block_or_clear() -> None:
    police = Principal("police", Role.POLICE)
    assert may_set_status(police, S.CONFIRMED)
    assert not may_set_status(police, S.BLOCKED)
    assert not may_set_status(BANK, S.CONFIRMED)
    assert may_set_status(Principal("afc", Role.ANALYST), S.CLEARED)


def test_a_bank_is_known_by_its_name_or_iban_code() -> None:
    assert BANK.is_bank("kaspi")
    assert BANK.is_bank("722")
    assert not BANK.is_bank("HALYK")
    assert not OPERATOR.is_bank("beeline")
