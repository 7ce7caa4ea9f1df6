"""Who may do what with cases and orders."""

from __future__ import annotations

import pytest

from qorgan.cases.access import (
    EXTEND,
    FILE,
    require_bank_of,
    require_reader,
    require_role,
)
from qorgan.core.errors import NotFound, PermissionDenied
from qorgan.core.roles import Principal, Role

BANK_A = Principal("bank-a", Role.BANK, "BANKA", ("BNKA",))
BANK_B = Principal("bank-b", Role.BANK, "BANKB")
POLICE = Principal("police-almaty", Role.POLICE)
OPERATOR = Principal("beeline", Role.OPERATOR)


def test_a_bank_may_file_a_report_but_an_operator_may_not() -> None:
    require_role(BANK_A, FILE, "file a report")
    with pytest.raises(PermissionDenied, match="operator may not file"):
        require_role(OPERATOR, FILE, "file a report")


def test_only_a_prosecutor_extends() -> None:
    require_role(Principal("pro", Role.PROSECUTOR), EXTEND, "extend")
    for who in (BANK_A, POLICE):
        with pytest.raises(PermissionDenied):
            require_role(who, EXTEND, "extend")


def test_an_operator_finds_no_case() -> None:
    require_reader(POLICE, "case C-1")
    with pytest.raises(NotFound):
        require_reader(OPERATOR, "case C-1")


def test_another_banks_order_does_not_exist_for_a_bank() -> None:
    require_bank_of(BANK_A, "BANKA", "C-1-BANKA", "confirm")
    require_bank_of(BANK_A, "bnka", "C-1-BNKA", "confirm")
    with pytest.raises(NotFound):
        require_bank_of(BANK_B, "BANKA", "C-1-BANKA", "confirm")
    with pytest.raises(PermissionDenied, match="only the bank BANKA"):
        require_bank_of(POLICE, "BANKA", "C-1-BANKA", "confirm")
