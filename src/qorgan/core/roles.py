"""Agency roles and what each may see and do with the shared registry.

Every caller of the registry and case APIs is a :class:`Principal`: the agency it speaks for,
that agency's :class:`Role` and, for a bank, which bank it is. The rules below are pure
functions, so the API, the CLI and the stores apply the same table:

========== ================================ ================================ ==================
role       sees indicator kinds             may assert                       may set status
========== ================================ ================================ ==================
operator   msisdn imsi imei domain url      msisdn imsi imei domain url      no
bank       all but imsi imei                iban card device wallet msisdn   no
                                            domain url
police     all                              no                               suspected→confirmed
prosecutor all                              no                               no
analyst    all                              all                              any legal move
admin      all                              all                              any legal move
========== ================================ ================================ ==================

Why: an operator screens calls and SMS and has no business with bank accounts or cards
(their holders are bank customers); a bank checks payees, phones that called its customers,
devices and cash-out wallets, but SIM and handset identities (IMSI, IMEI) are subscriber data
the operators keep. Police and prosecutors investigate across every kind; the Anti-Fraud
Centre's analysts curate the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from qorgan.core.ports import IndicatorKind, IndicatorStatus


class Role(StrEnum):
    """What kind of agency a caller speaks for."""

    OPERATOR = "operator"
    BANK = "bank"
    POLICE = "police"
    PROSECUTOR = "prosecutor"
    ANALYST = "analyst"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller.

    Attributes:
        agency: the agency's unique name (``kaspi``, ``afc``, ``police-almaty`` ...).
        role: the agency's role.
        bank: for a bank, its code or short name as the accounts feed's ``bank`` column
            writes it (``KASPI``); ``None`` for other agencies.
        bank_codes: aliases of ``bank``: the bank codes inside its customers' IBANs.
    """

    agency: str
    role: Role
    bank: str | None = None
    bank_codes: tuple[str, ...] = ()

    def is_bank(self, name_or_code: str) -> bool:
        """Whether ``name_or_code`` (a feed's ``bank`` or an IBAN's bank code) is this bank."""
        if self.role is not Role.BANK or self.bank is None:
            return False
        wanted = name_or_code.strip().upper()
        return wanted == self.bank.upper() or wanted in {c.upper() for c in self.bank_codes}


SYSTEM = "system"
"""The actor recorded for work done by Qorgan itself (detectors, loads from the CLI)."""

TELECOM_KINDS = frozenset({IndicatorKind.MSISDN, IndicatorKind.IMSI, IndicatorKind.IMEI})
"""Identifiers an operator holds: numbers, SIMs, handsets."""

WEB_KINDS = frozenset({IndicatorKind.DOMAIN, IndicatorKind.URL})
"""Links in messages and ads, seen by operators and banks alike."""

BANK_KINDS = frozenset(
    {IndicatorKind.IBAN, IndicatorKind.CARD, IndicatorKind.DEVICE, IndicatorKind.WALLET}
)
"""Identifiers a bank holds: accounts, cards, customers' devices, cash-out wallets."""

_CURATORS = frozenset({Role.ANALYST, Role.ADMIN})
_INVESTIGATORS = frozenset({Role.POLICE, Role.PROSECUTOR, Role.ANALYST, Role.ADMIN})

_SEES: dict[Role, frozenset[IndicatorKind]] = {
    Role.OPERATOR: TELECOM_KINDS | WEB_KINDS,
    Role.BANK: frozenset(IndicatorKind) - {IndicatorKind.IMSI, IndicatorKind.IMEI},
    **{role: frozenset(IndicatorKind) for role in _INVESTIGATORS},
}

_ASSERTS: dict[Role, frozenset[IndicatorKind]] = {
    Role.OPERATOR: TELECOM_KINDS | WEB_KINDS,
    Role.BANK: BANK_KINDS | WEB_KINDS | {IndicatorKind.MSISDN},
    Role.POLICE: frozenset(),
    Role.PROSECUTOR: frozenset(),
    Role.ANALYST: frozenset(IndicatorKind),
    Role.ADMIN: frozenset(IndicatorKind),
}


def visible_kinds(principal: Principal) -> frozenset[IndicatorKind]:
    """The indicator kinds ``principal`` may see."""
    return _SEES[principal.role]


def may_see_kind(principal: Principal, kind: IndicatorKind) -> bool:
    """Whether ``principal`` may see indicators of ``kind`` (an operator never sees an IBAN
    or a card; a bank never sees an IMSI or IMEI)."""
    return kind in _SEES[principal.role]


def may_assert_kind(principal: Principal, kind: IndicatorKind) -> bool:
    """Whether ``principal`` may report indicators of ``kind`` to the registry."""
    return kind in _ASSERTS[principal.role]


def may_set_status(principal: Principal, target: IndicatorStatus) -> bool:
    """Whether ``principal`` may move an indicator to ``target`` by hand.

    Analysts and admins may make any legal move; police may confirm (a case proves it).
    Whether the move itself is legal is the registry's lifecycle's business.
    """
    if principal.role in _CURATORS:
        return True
    return principal.role is Role.POLICE and target is IndicatorStatus.CONFIRMED


def sharing(kind: IndicatorKind) -> frozenset[Role]:
    """The roles an indicator of ``kind`` is shared with by default: those that may see it."""
    return frozenset(role for role, kinds in _SEES.items() if kind in kinds)
