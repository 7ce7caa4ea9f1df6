"""ISO 20022 credit transfers (pain.001, pacs.008) read as records of the transfers feed.

:func:`parse_payments` reads one message, a ``Document`` alone or beside a business application
header (``AppHdr``) in a wrapper, and maps each ``CdtTrfTxInf`` onto a ``TransferRecord``:

- ``transfer_id`` is the ``EndToEndId``, or ``<MsgId>/<PmtInfId or TxId>/<n>`` when it is
  absent or ``NOTPROVIDED`` (``n``: the transaction's position in the message, from 1);
- ``ts`` is the requested execution date-time (pain.001 ``ReqdExctnDt``, or its ``DtTm`` from
  version 08) when it has a time of day, else ``GrpHdr/CreDtTm``: a bare date does not outrank
  the creation time. As in every feed, a time without UTC offset is refused unless the caller
  names the zone of the sender's local times (``local_tz``);
- ``from_account``/``to_account`` are ``DbtrAcct/Id/IBAN``/``CdtrAcct/Id/IBAN``, validated; an
  account given only as ``Othr/Id`` is refused, never guessed;
- ``amount``/``currency`` are ``InstdAmt`` (pain.001) or ``IntrBkSttlmAmt``, else ``InstdAmt``
  (pacs.008), and its ``Ccy``;
- ``channel`` is ``web`` for both. A pain.001 is the customer's own order from online banking
  or a host-to-host link; a pacs.008 is the interbank leg of such an order and does not say how
  the customer gave it, so ``web`` (remote, electronic) is the nearest channel of the contract
  and claims no device: ``device_id`` and ``ip`` are ``None``.

Elements are matched by local name, so every version (pain.001.001.03 to .11, pacs.008.001.xx,
bank variants such as ``pain.001.001.03.ch.02``) reads alike; the namespace's message type is
kept. A transaction that cannot be mapped becomes a :class:`Rejection` naming the element, and
the others are still read. A message that is not well-formed, not an ISO 20022 credit transfer
or without ``GrpHdr/MsgId`` raises ``InvalidInput``. ``defusedxml`` parses it and DTDs are
refused, so entity bombs and external entities fail at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from qorgan.core.errors import InvalidInput, InvalidValue
from qorgan.core.iban import normalise_iban
from qorgan.core.money import parse_money
from qorgan.core.records import Channel, TransferRecord
from qorgan.core.timestamps import parse_ts

MAX_MESSAGE_BYTES = 1 << 20
"""Larger messages are refused before parsing (1 MiB holds thousands of transactions)."""
NOT_PROVIDED = "NOTPROVIDED"
"""The ``EndToEndId`` a debtor sends when it has no reference of its own."""

BODIES = {"CstmrCdtTrfInitn": "pain.001", "FIToFICstmrCdtTrf": "pacs.008"}
"""The message elements read, with the message family each belongs to."""
_OTHER_BODIES = {
    "CstmrPmtStsRpt": "a pain.002 customer payment status report",
    "FIToFIPmtStsRpt": "a pacs.002 payment status report",
    "CstmrDrctDbtInitn": "a pain.008 direct debit initiation",
    "FIToFICstmrDrctDbt": "a pacs.003 direct debit",
    "PmtRtr": "a pacs.004 payment return",
    "BkToCstmrStmt": "a camt.053 account statement",
}
_MESSAGE_TYPE = re.compile(r"(?<![a-z])[a-z]{4}\.\d{3}\.\d{3}\.\d{2}(?!\d)")
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True, slots=True)
class Rejection:
    """A transaction of the message that could not be mapped to a transfer.

    Attributes:
        index: the transaction's position in the message, from 1.
        end_to_end_id: its ``EndToEndId``, if it has one.
        path: the element that is missing or invalid, e.g.
            ``FIToFICstmrCdtTrf/CdtTrfTxInf[1]/DbtrAcct/Id/IBAN``.
        reason: one line an analyst can act on.
    """

    index: int
    end_to_end_id: str | None
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Iso20022Result:
    """What one message yielded.

    Attributes:
        message_type: from the Document namespace (or ``AppHdr/MsgDefIdr``),
            e.g. ``pain.001.001.09``.
        message_id: ``GrpHdr/MsgId``.
        transfers: one record per transaction that could be mapped, in message order.
        rejected: one entry per transaction that could not.
    """

    message_type: str
    message_id: str
    transfers: tuple[TransferRecord, ...]
    rejected: tuple[Rejection, ...]


class _TransactionError(Exception):
    """One transaction's problem: the element and what is wrong with it."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path} {problem}")
        self.path = path
        self.reason = f"{path} {problem}"


def parse_payments(
    xml: bytes, source: str = "message", *, local_tz: tzinfo | None = None
) -> Iso20022Result:
    """Read the credit transfers of one pain.001 or pacs.008 message.

    Args:
        xml: the message as received (any encoding its XML declaration names).
        source: a file or stream name for error messages.
        local_tz: the zone of date-times without a UTC offset (ISO 20022 allows local
            times); ``None`` refuses them, as every Qorgan feed does.

    Returns:
        The message type and id, the transfers, and the transactions rejected with reasons.

    Raises:
        InvalidInput: too large, not well-formed, not an ISO 20022 credit transfer, or no
            ``GrpHdr/MsgId``.
    """
    if len(xml) > MAX_MESSAGE_BYTES:
        raise InvalidInput(
            f"{source}: {len(xml):,} bytes is over the {MAX_MESSAGE_BYTES:,}-byte cap"
        )
    body, message_type = _identify(_parse(xml, source), source)
    name = _local(body.tag)
    message_id = _text(body, "GrpHdr/MsgId")
    if not message_id:
        raise InvalidInput(f"{source}: {name}/GrpHdr/MsgId is missing or empty")
    transfers: list[TransferRecord] = []
    rejected: list[Rejection] = []
    seen: dict[str, int] = {}
    for n, tx in enumerate(_transactions(body), 1):
        e2e = _text(tx.element, "PmtId/EndToEndId")
        own = e2e if e2e and e2e != NOT_PROVIDED else None
        transfer_id = own or "/".join(p for p in (message_id, tx.scope, str(n)) if p)
        try:
            if transfer_id in seen:
                again = f"{_shown(transfer_id)} is transaction {seen[transfer_id]}'s id too"
                raise _TransactionError(f"{tx.path}/PmtId/EndToEndId", again)
            record = _record(transfer_id, body, tx, local_tz)
        except _TransactionError as exc:
            rejected.append(Rejection(n, own, exc.path, exc.reason))
            continue
        seen[transfer_id] = n
        transfers.append(record)
    return Iso20022Result(message_type, message_id, tuple(transfers), tuple(rejected))


@dataclass(frozen=True, slots=True)
class _Tx:
    element: Element  # the CdtTrfTxInf
    path: str
    payer: Element  # where DbtrAcct is: the PmtInf of a pain.001, the transaction of a pacs.008
    payer_path: str
    scope: str | None  # PmtInfId or TxId, for ids made up when EndToEndId is not provided


def _parse(xml: bytes, source: str) -> Element:
    try:
        root: Element = fromstring(xml, forbid_dtd=True)
    except ParseError as exc:
        line, column = exc.position
        raise InvalidInput(
            f"{source}, line {line}, column {column + 1}: {ErrorString(exc.code)}; "
            "expected a well-formed XML message"
        ) from None
    except DefusedXmlException as exc:
        raise InvalidInput(
            f"{source}: DTDs and entity declarations are refused in ISO 20022 messages "
            f"({type(exc).__name__})"
        ) from None
    except (LookupError, ValueError) as exc:  # an encoding Python cannot decode
        raise InvalidInput(f"{source}: unreadable XML encoding ({exc})") from None
    return root


def _identify(root: Element, source: str) -> tuple[Element, str]:
    """The message element (CstmrCdtTrfInitn or FIToFICstmrCdtTrf) and the message type."""
    near = [root] if _local(root.tag) == "Document" else [*root, *(g for c in root for g in c)]
    document = next((e for e in near if _local(e.tag) == "Document"), None)
    if document is None:
        raise InvalidInput(
            f"{source}: <{_local(root.tag)}> is not an ISO 20022 "
            "Document, nor a wrapper (with an AppHdr) that holds one"
        )
    header = next((e for e in near if _local(e.tag) == "AppHdr"), None)
    header_type = _text(header, "MsgDefIdr") if header is not None else None
    message_type = _message_type(document.tag) or _message_type(header_type)  # {ns}Document
    body = next(iter(document), None)
    name = "nothing" if body is None else _local(body.tag)
    if body is None or name not in BODIES:
        what = f"{name} ({_OTHER_BODIES[name]})" if name in _OTHER_BODIES else name
        unnamed = "" if message_type else ", and no ISO 20022 namespace"
        raise InvalidInput(
            f"{source}: Document holds {what}, not a credit transfer{unnamed}; expected "
            "CstmrCdtTrfInitn (pain.001) or FIToFICstmrCdtTrf (pacs.008)"
        )
    if message_type is None:
        raise InvalidInput(
            f"{source}: Document has no ISO 20022 namespace naming its message type "
            f'(expected e.g. xmlns="urn:iso:std:iso:20022:tech:xsd:{BODIES[name]}.001.09")'
        )
    if not message_type.startswith(BODIES[name] + "."):
        raise InvalidInput(f"{source}: a {name} message inside a {message_type} Document")
    return body, message_type


def _transactions(body: Element) -> Iterator[_Tx]:
    name = _local(body.tag)
    if name == "FIToFICstmrCdtTrf":
        for j, tx in enumerate(_children(body, "CdtTrfTxInf"), 1):
            path = f"{name}/CdtTrfTxInf[{j}]"
            yield _Tx(tx, path, tx, path, _text(tx, "PmtId/TxId"))
        return
    for k, payment in enumerate(_children(body, "PmtInf"), 1):
        payer_path = f"{name}/PmtInf[{k}]"
        scope = _text(payment, "PmtInfId")
        for j, tx in enumerate(_children(payment, "CdtTrfTxInf"), 1):
            yield _Tx(tx, f"{payer_path}/CdtTrfTxInf[{j}]", payment, payer_path, scope)


def _record(transfer_id: str, body: Element, tx: _Tx, local_tz: tzinfo | None) -> TransferRecord:
    """Map one transaction; accounts first, time last (the one a caller can fix)."""
    from_account = _iban(tx.payer, tx.payer_path, "DbtrAcct")
    to_account = _iban(tx.element, tx.path, "CdtrAcct")
    pacs = _local(body.tag) == "FIToFICstmrCdtTrf"
    amount, currency = _amount(tx, ("IntrBkSttlmAmt", "InstdAmt") if pacs else ("Amt/InstdAmt",))
    ts = _when(body, tx, local_tz)
    return TransferRecord(
        transfer_id, ts, from_account, to_account, amount, currency, Channel.WEB, None, None
    )


def _iban(holder: Element, holder_path: str, account: str) -> str:
    path = f"{holder_path}/{account}/Id/IBAN"
    element = _find(holder, f"{account}/Id/IBAN")
    if element is None:
        other = _find(holder, f"{account}/Id/Othr")
        if other is None:
            raise _TransactionError(path, "is missing")
        scheme = _text(other, "SchmeNm/Cd") or _text(other, "SchmeNm/Prtry")
        named = f"scheme {_shown(scheme)}" if scheme else "no SchmeNm given"
        raise _TransactionError(path, f"is missing: only an Othr/Id account ({named})")
    raw = (element.text or "").strip()
    try:
        return normalise_iban(raw)
    except InvalidValue as exc:
        raise _TransactionError(path, f"{_shown(raw)}: {exc.reason}") from None


def _amount(tx: _Tx, candidates: tuple[str, ...]) -> tuple[Decimal, str]:
    found = ((c, _find(tx.element, c)) for c in candidates)
    relative, element = next(((c, e) for c, e in found if e is not None), (candidates[0], None))
    path = f"{tx.path}/{relative}"
    if element is None:
        equivalent = _find(tx.element, "Amt/EqvtAmt") is not None
        hint = " (only an EqvtAmt, an equivalent in another currency, is given)"
        raise _TransactionError(path, f"is missing{hint if equivalent else ''}")
    currency = element.get("Ccy", "")
    if not _CURRENCY.fullmatch(currency):
        problem = "is missing" if not currency else f"{_shown(currency)} is not ISO 4217"
        raise _TransactionError(f"{path}/@Ccy", f"{problem}: 3 upper-case letters expected")
    raw = (element.text or "").strip()
    try:
        return parse_money(raw), currency
    except InvalidValue as exc:
        raise _TransactionError(path, f"{_shown(raw)}: {exc.reason}") from None


def _when(body: Element, tx: _Tx, local_tz: tzinfo | None) -> datetime:
    """The requested execution date-time if it has a time of day, else the creation time."""
    requested = _find(tx.payer, "ReqdExctnDt") if tx.payer is not tx.element else None
    if requested is not None:
        with_time = _find(requested, "DtTm")
        if with_time is not None:
            return _moment(with_time, f"{tx.payer_path}/ReqdExctnDt/DtTm", local_tz)
        if "T" in (requested.text or ""):
            return _moment(requested, f"{tx.payer_path}/ReqdExctnDt", local_tz)
    path = f"{_local(body.tag)}/GrpHdr/CreDtTm"
    created = _find(body, "GrpHdr/CreDtTm")
    if created is None:
        raise _TransactionError(path, "is missing")
    return _moment(created, path, local_tz)


def _moment(element: Element, path: str, local_tz: tzinfo | None) -> datetime:
    raw = (element.text or "").strip()
    try:
        value: str | datetime = datetime.fromisoformat(raw)
    except ValueError:
        value = raw  # parse_ts says what is wrong with it
    if isinstance(value, datetime) and value.tzinfo is None:
        if local_tz is None:
            local = "is a local time without UTC offset: name its zone with local_tz"
            raise _TransactionError(path, f"{_shown(raw)} {local}")
        value = value.replace(tzinfo=local_tz)
    try:
        return parse_ts(value)
    except InvalidValue as exc:
        raise _TransactionError(path, f"{_shown(raw)}: {exc.reason}") from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _message_type(text: str | None) -> str | None:
    match = _MESSAGE_TYPE.search(text or "")
    return match.group() if match else None


def _children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if _local(child.tag) == name)


def _find(element: Element, path: str) -> Element | None:
    found: Element | None = element
    for name in path.split("/"):
        found = next(_children(found, name), None) if found is not None else None
    return found


def _text(element: Element, path: str) -> str | None:
    found = _find(element, path)
    return ((found.text or "").strip() or None) if found is not None else None


def _shown(value: str, limit: int = 40) -> str:
    """A value quoted for a reason line, cut short."""
    return repr(value if len(value) <= limit else value[:limit] + "...")
