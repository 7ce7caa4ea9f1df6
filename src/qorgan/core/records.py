"""One typed, immutable record per feed of ``CONTRACTS.md``.

Fields carry the contract's column names in the order of :mod:`qorgan.core.feeds`, with
values already normalised: timestamps are aware UTC ``datetime``, phone numbers E.164,
IBANs compact upper-case, money ``Decimal`` with two places, id lists tuples. Columns that
Qorgan added to the contract (``operator``, ``country``, ``lang``) default to ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class Ingress(StrEnum):
    """Where a call or message entered the operator's network."""

    RADIO = "radio"  # placed by one of the operator's own SIM cards
    DOMESTIC = "domestic"
    INTERNATIONAL = "international"
    VOIP = "voip"


class Channel(StrEnum):
    """How a transfer was initiated."""

    APP = "app"
    WEB = "web"
    CARD = "card"
    ATM = "atm"
    BRANCH = "branch"
    P2P_CRYPTO = "p2p_crypto"


class AccountKind(StrEnum):
    PERSONAL = "personal"
    BUSINESS = "business"


class FraudType(StrEnum):
    BANK_IMPERSONATION = "bank_impersonation"
    POLICE_IMPERSONATION = "police_impersonation"
    FAKE_SHOP = "fake_shop"
    INVESTMENT = "investment"
    LOAN = "loan"
    OTHER = "other"


class TagCategory(StrEnum):
    EXCHANGE = "exchange"
    P2P = "p2p"
    MIXER = "mixer"
    SCAM = "scam"
    SANCTIONED = "sanctioned"
    DROPPER = "dropper"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class CallRecord:
    call_id: str
    ts: datetime
    caller: str | None  # None when the CLI was withheld
    callee: str
    ingress: Ingress
    imsi: str | None
    imei: str | None
    cell_id: str | None
    answered: bool
    duration_s: int
    operator: str | None = None


@dataclass(frozen=True, slots=True)
class SmsRecord:
    sms_id: str
    ts: datetime
    sender: str  # E.164, a short code, or an alphanumeric sender id
    recipient: str
    ingress: Ingress
    imsi: str | None
    text: str
    operator: str | None = None


@dataclass(frozen=True, slots=True)
class RoamingRecord:
    msisdn: str
    since: datetime
    until: datetime | None  # None while still abroad
    country: str | None = None


@dataclass(frozen=True, slots=True)
class AccountRecord:
    account: str
    bank: str
    holder: str
    holder_phone: str | None
    opened_at: datetime
    kind: AccountKind


@dataclass(frozen=True, slots=True)
class TransferRecord:
    transfer_id: str
    ts: datetime
    from_account: str  # IBAN or CASH
    to_account: str  # IBAN, CASH or CRYPTO:<exchange>
    amount: Decimal
    currency: str
    channel: Channel
    device_id: str | None
    ip: str | None


@dataclass(frozen=True, slots=True)
class ReportRecord:
    report_id: str
    ts: datetime
    victim_account: str
    victim_phone: str | None
    fraud_type: FraudType
    transfer_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TokenTransferRecord:
    token_address: str
    from_address: str
    to_address: str
    value: int  # raw units: USDT has 6 decimals
    transaction_hash: str
    log_index: int
    block_number: int
    block_timestamp: datetime


@dataclass(frozen=True, slots=True)
class TagRecord:
    address: str
    label: str
    category: TagCategory
    source: str


@dataclass(frozen=True, slots=True)
class TextRecord:
    item_id: str
    ts: datetime
    source: str
    url: str | None
    text: str
    lang: str | None = None


Record = (
    CallRecord
    | SmsRecord
    | RoamingRecord
    | AccountRecord
    | TransferRecord
    | ReportRecord
    | TokenTransferRecord
    | TagRecord
    | TextRecord
)

RECORD_TYPES: dict[str, type[Record]] = {
    "calls": CallRecord,
    "sms": SmsRecord,
    "roaming": RoamingRecord,
    "accounts": AccountRecord,
    "transfers": TransferRecord,
    "reports": ReportRecord,
    "token_transfers": TokenTransferRecord,
    "tags": TagRecord,
    "texts": TextRecord,
}
"""The record type of each feed, by feed name."""

CHOICE_TYPES: dict[tuple[str, ...], type[StrEnum]] = {
    tuple(member.value for member in enum): enum
    for enum in (Ingress, Channel, AccountKind, FraudType, TagCategory)
}
"""The enum for each set of choices in :mod:`qorgan.core.feeds`, keyed by its values."""
