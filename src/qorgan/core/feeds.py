"""The feeds of ``CONTRACTS.md`` as data: columns, value kinds, ids and on-disk types.

This module is the one place that knows the contract's column names. Readers validate
against it, the simulator writes with it, and a test checks it against ``CONTRACTS.md``.
Columns may be added here (optional ones); none may be renamed or dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pyarrow as pa


class Kind(StrEnum):
    """How a column's values are parsed and normalised on the way in."""

    ID = "id"  # non-empty text, stripped
    TEXT = "text"  # any text (may be empty where nullable)
    TIMESTAMP = "timestamp"  # ISO 8601 with offset or Z, or epoch milliseconds -> UTC
    MSISDN = "msisdn"  # phone number -> E.164, must be allocated by its plan
    PRESENTED = "presented"  # number as presented (CLI): E.164 form, allocated or not
    SENDER = "sender"  # E.164 number, or an alphanumeric SMS sender id kept as text
    CHOICE = "choice"  # one of Column.choices
    BOOL = "bool"
    INT = "int"  # non-negative integer
    BIG_INT = "big_int"  # non-negative integer of any size (on-chain raw units)
    MONEY = "money"  # positive Decimal, at most 2 decimal places
    CURRENCY = "currency"  # ISO 4217 alphabetic code
    IBAN = "iban"  # validated IBAN, upper-case, no spaces
    ACCOUNT_REF = "account_ref"  # IBAN, CASH, or CRYPTO:<exchange>
    IP = "ip"  # IPv4 or IPv6 address
    ID_LIST = "id_list"  # JSON list of ids (CSV) or a list column (Parquet)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a feed.

    Attributes:
        name: the contract's column name.
        kind: how values are parsed.
        nullable: an empty value is allowed (becomes ``None``).
        required: the column must be present in the file; optional columns may be absent.
        choices: allowed values for ``Kind.CHOICE``.
    """

    name: str
    kind: Kind
    nullable: bool = False
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed: its name, its columns and the columns whose values identify a record."""

    name: str
    columns: tuple[Column, ...]
    id_columns: tuple[str, ...]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


INGRESS = ("radio", "domestic", "international", "voip")
CHANNELS = ("app", "web", "card", "atm", "branch", "p2p_crypto")
ACCOUNT_KINDS = ("personal", "business")
FRAUD_TYPES = (
    "bank_impersonation",
    "police_impersonation",
    "fake_shop",
    "investment",
    "loan",
    "other",
)
TAG_CATEGORIES = ("exchange", "p2p", "mixer", "scam", "sanctioned", "dropper", "other")

CALLS = Feed(
    "calls",
    (
        Column("call_id", Kind.ID),
        Column("ts", Kind.TIMESTAMP),
        Column("caller", Kind.PRESENTED, nullable=True),
        Column("callee", Kind.PRESENTED),  # short service numbers (102, 1414) are real callees
        Column("ingress", Kind.CHOICE, choices=INGRESS),
        Column("imsi", Kind.ID, nullable=True),
        Column("imei", Kind.ID, nullable=True),
        Column("cell_id", Kind.ID, nullable=True),
        Column("answered", Kind.BOOL),
        Column("duration_s", Kind.INT),
        # Added: which operator recorded the attempt (kcell, beeline, tele2).
        Column("operator", Kind.ID, nullable=True, required=False),
    ),
    ("call_id",),
)

SMS = Feed(
    "sms",
    (
        Column("sms_id", Kind.ID),
        Column("ts", Kind.TIMESTAMP),
        Column("sender", Kind.SENDER),
        Column("recipient", Kind.MSISDN),
        Column("ingress", Kind.CHOICE, choices=INGRESS),
        Column("imsi", Kind.ID, nullable=True),
        Column("text", Kind.TEXT),
        Column("operator", Kind.ID, nullable=True, required=False),
    ),
    ("sms_id",),
)

ROAMING = Feed(
    "roaming",
    (
        Column("msisdn", Kind.MSISDN),
        Column("since", Kind.TIMESTAMP),
        Column("until", Kind.TIMESTAMP, nullable=True),
        # Added: ISO 3166 alpha-2 country where the subscriber is registered.
        Column("country", Kind.ID, nullable=True, required=False),
    ),
    ("msisdn", "since"),
)

ACCOUNTS = Feed(
    "accounts",
    (
        Column("account", Kind.IBAN),
        Column("bank", Kind.ID),
        Column("holder", Kind.ID),
        Column("holder_phone", Kind.MSISDN, nullable=True),
        Column("opened_at", Kind.TIMESTAMP),
        Column("kind", Kind.CHOICE, choices=ACCOUNT_KINDS),
    ),
    ("account",),
)

TRANSFERS = Feed(
    "transfers",
    (
        Column("transfer_id", Kind.ID),
        Column("ts", Kind.TIMESTAMP),
        Column("from_account", Kind.ACCOUNT_REF),
        Column("to_account", Kind.ACCOUNT_REF),
        Column("amount", Kind.MONEY),
        Column("currency", Kind.CURRENCY, required=False),
        Column("channel", Kind.CHOICE, choices=CHANNELS),
        Column("device_id", Kind.ID, nullable=True),
        Column("ip", Kind.IP, nullable=True),
    ),
    ("transfer_id",),
)

REPORTS = Feed(
    "reports",
    (
        Column("report_id", Kind.ID),
        Column("ts", Kind.TIMESTAMP),
        Column("victim_account", Kind.IBAN),
        Column("victim_phone", Kind.MSISDN, nullable=True),
        Column("fraud_type", Kind.CHOICE, choices=FRAUD_TYPES),
        Column("transfer_ids", Kind.ID_LIST),
    ),
    ("report_id",),
)

TOKEN_TRANSFERS = Feed(
    "token_transfers",
    (
        Column("token_address", Kind.ID),
        Column("from_address", Kind.ID),
        Column("to_address", Kind.ID),
        Column("value", Kind.BIG_INT),
        Column("transaction_hash", Kind.ID),
        Column("log_index", Kind.INT),
        Column("block_number", Kind.INT),
        Column("block_timestamp", Kind.TIMESTAMP),
    ),
    ("transaction_hash", "log_index"),
)

TAGS = Feed(
    "tags",
    (
        Column("address", Kind.ID),
        Column("label", Kind.TEXT),
        Column("category", Kind.CHOICE, choices=TAG_CATEGORIES),
        Column("source", Kind.ID),
    ),
    ("address", "label", "source"),
)

TEXTS = Feed(
    "texts",
    (
        Column("item_id", Kind.ID),
        Column("ts", Kind.TIMESTAMP),
        Column("source", Kind.ID),
        Column("url", Kind.TEXT, nullable=True),
        Column("text", Kind.TEXT),
        # Added: language hint where the source knows it (kk, ru, en).
        Column("lang", Kind.ID, nullable=True, required=False),
    ),
    ("item_id",),
)

FEEDS: dict[str, Feed] = {
    f.name: f
    for f in (CALLS, SMS, ROAMING, ACCOUNTS, TRANSFERS, REPORTS, TOKEN_TRANSFERS, TAGS, TEXTS)
}

_ARROW_TYPES: dict[Kind, pa.DataType] = {
    Kind.TIMESTAMP: pa.timestamp("ms", tz="UTC"),
    Kind.BOOL: pa.bool_(),
    Kind.INT: pa.int64(),
    Kind.MONEY: pa.decimal128(20, 2),
    Kind.ID_LIST: pa.list_(pa.string()),
}


def arrow_schema(feed: Feed) -> pa.Schema:
    """The Parquet schema Qorgan writes for ``feed`` (readers accept other types too)."""
    return pa.schema(
        [
            pa.field(c.name, _ARROW_TYPES.get(c.kind, pa.string()), nullable=c.nullable)
            for c in feed.columns
        ]
    )
