"""The ISO 20022 adapter: real pain.001/pacs.008 samples, versions, rejections, safe parsing."""

from __future__ import annotations

import contextlib
import re
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgan.banking.iso20022 import MAX_MESSAGE_BYTES, Iso20022Result, Rejection, parse_payments
from qorgan.core.errors import InvalidInput
from qorgan.core.records import Channel, TransferRecord

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "iso20022"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason="../shared/data/iso20022 is not beside the repo"
)

PAYER = "KZ86125KZT5004100100"
PAYEE = "KZ18722S000012345678"
OTHER_PAYEE = "KZ67601A000098765432"
PAIN = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.{version}"
PACS = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.{version}"


def sample(name: str, **kwargs: object) -> Iso20022Result:
    return parse_payments((SAMPLES / name).read_bytes(), name, **kwargs)  # type: ignore[arg-type]


def account(iban: str) -> str:
    return f"<Id><IBAN>{iban}</IBAN></Id>"


def pain_tx(
    e2e: str = "E2E-1",
    amount: str = "1500.00",
    ccy: str = 'Ccy="KZT"',
    creditor: str = account(PAYEE),
) -> str:
    return (
        f"<CdtTrfTxInf><PmtId><EndToEndId>{e2e}</EndToEndId></PmtId>"
        f"<Amt><InstdAmt {ccy}>{amount}</InstdAmt></Amt>"
        f"<Cdtr><Nm>Payee</Nm></Cdtr><CdtrAcct>{creditor}</CdtrAcct></CdtTrfTxInf>"
    )


def pain001(
    *transactions: str,
    version: str = "09",
    created: str = "2026-03-02T10:15:00+05:00",
    requested: str = "<Dt>2026-03-03</Dt>",
    debtor: str = account(PAYER),
    msg_id: str = "<MsgId>M-1</MsgId>",
) -> bytes:
    body = "".join(transactions or (pain_tx(),))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{PAIN.format(version=version)}">'
        f"<CstmrCdtTrfInitn><GrpHdr>{msg_id}<CreDtTm>{created}</CreDtTm></GrpHdr>"
        f"<PmtInf><PmtInfId>P-1</PmtInfId><PmtMtd>TRF</PmtMtd>"
        f"<ReqdExctnDt>{requested}</ReqdExctnDt><Dbtr><Nm>Payer</Nm></Dbtr>"
        f"<DbtrAcct>{debtor}</DbtrAcct>{body}</PmtInf></CstmrCdtTrfInitn></Document>"
    ).encode()


def pacs008(amounts: str, *, pmt_id: str = "<EndToEndId>E2E-9</EndToEndId>") -> bytes:
    return (
        f'<Document xmlns="{PACS.format(version="08")}"><FIToFICstmrCdtTrf><GrpHdr>'
        "<MsgId>P-9</MsgId><CreDtTm>2026-03-02T05:15:00Z</CreDtTm></GrpHdr>"
        f"<CdtTrfTxInf><PmtId>{pmt_id}<TxId>TX-9</TxId></PmtId>{amounts}"
        f"<Dbtr><Nm>A</Nm></Dbtr><DbtrAcct>{account(PAYER)}</DbtrAcct>"
        f"<Cdtr><Nm>B</Nm></Cdtr><CdtrAcct>{account(PAYEE)}</CdtrAcct>"
        "</CdtTrfTxInf></FIToFICstmrCdtTrf></Document>"
    ).encode()


def only_rejection(result: Iso20022Result) -> Rejection:
    assert result.transfers == ()
    assert len(result.rejected) == 1
    return result.rejected[0]


# --- the real samples ------------------------------------------------------------------------

MUSTER_TS = datetime(2020, 6, 24, 14, 42, 44, tzinfo=UTC)
MUSTER_PAYER = "CH0309000000250090342"
MUSTER_SECOND_PAYER = "CH5109000000250092291"


@needs_samples
def test_swiss_muster_file_yields_its_five_iban_transfers_read_as_utc() -> None:
    result = sample("musterfile_pain.001_Nov2020.xml", local_tz=UTC)
    assert (result.message_type, result.message_id) == ("pain.001.001.03", "MsgId-001")
    rows = [
        (t.transfer_id, t.from_account, t.to_account, t.amount, t.currency)
        for t in result.transfers
    ]
    assert rows == [
        ("EndToEndId-01-01", MUSTER_PAYER, "CH5109000000250092291", Decimal("6.20"), "CHF"),
        ("EndToEndId-02-02", MUSTER_PAYER, "CH2909000000250094239", Decimal("12.00"), "CHF"),
        ("EndToEndId-03-01", MUSTER_PAYER, "CH5109000000250092291", Decimal("5.00"), "CHF"),
        ("EEndToEndId-05-01", MUSTER_SECOND_PAYER, "CH7730000001250094239", Decimal("4"), "CHF"),
        ("EEndToEndId-06-01", MUSTER_SECOND_PAYER, MUSTER_SECOND_PAYER, Decimal("6"), "CHF"),
    ]
    # every ReqdExctnDt in the file is a bare date, so GrpHdr/CreDtTm is the time
    assert {t.ts for t in result.transfers} == {MUSTER_TS}
    assert {(t.channel, t.device_id, t.ip) for t in result.transfers} == {(Channel.WEB, None, None)}


@needs_samples
def test_swiss_muster_file_rejects_othr_account_and_bad_ibans_by_name() -> None:
    rejected = sample("musterfile_pain.001_Nov2020.xml", local_tz=UTC).rejected
    assert [(r.index, r.end_to_end_id, r.path) for r in rejected] == [
        (2, "EndToEndId-02-01", "CstmrCdtTrfInitn/PmtInf[2]/CdtTrfTxInf[1]/CdtrAcct/Id/IBAN"),
        (5, "EndToEndId-03-02", "CstmrCdtTrfInitn/PmtInf[3]/CdtTrfTxInf[2]/CdtrAcct/Id/IBAN"),
        (6, "EndToEndId-04-01", "CstmrCdtTrfInitn/PmtInf[4]/CdtTrfTxInf[1]/CdtrAcct/Id/IBAN"),
    ]
    othr, checksum, structure = (r.reason for r in rejected)
    assert "only an Othr/Id account (no SchmeNm given)" in othr
    assert "014295803" not in othr
    assert "'CH010023512312312365L': not a valid IBAN: invalid checksum" in checksum
    assert "'IT1122334455667788991122334': not a valid IBAN: invalid bban" in structure


@needs_samples
def test_swiss_muster_file_local_times_follow_the_named_zone() -> None:
    result = sample("musterfile_pain.001_Nov2020.xml", local_tz=ZoneInfo("Europe/Zurich"))
    assert {t.ts for t in result.transfers} == {datetime(2020, 6, 24, 12, 42, 44, tzinfo=UTC)}


@needs_samples
def test_local_times_without_a_zone_are_refused_as_in_every_feed() -> None:
    result = sample("musterfile_pain.001_Nov2020.xml")
    assert result.transfers == ()
    by_time = [r for r in result.rejected if r.path == "CstmrCdtTrfInitn/GrpHdr/CreDtTm"]
    assert [r.index for r in by_time] == [1, 3, 4, 7, 8]
    assert "'2020-06-24T14:42:44' is a local time without UTC offset" in by_time[0].reason


@needs_samples
@pytest.mark.parametrize(
    ("name", "msg_id", "e2e"),
    [
        ("sepa_payment_naujas_1.xml", "MSGID0001", "EndToEndId0001"),
        ("International_payment_USD_naujas_1.xml", "MSGID0002", "EndToEndId0002"),
        ("International_payment_RUB_naujas_1.xml", "MSGID0003", "EndToEndId0003"),
    ],
)
def test_lithuanian_placeholder_debtor_iban_fails_its_check_digits(
    name: str, msg_id: str, e2e: str
) -> None:
    result = sample(name, local_tz=UTC)
    assert (result.message_type, result.message_id) == ("pain.001.001.03", msg_id)
    rejection = only_rejection(result)
    assert (rejection.index, rejection.end_to_end_id) == (1, e2e)
    assert rejection.path == "CstmrCdtTrfInitn/PmtInf[1]/DbtrAcct/Id/IBAN"
    assert "'LT007180000000000000': not a valid IBAN: invalid checksum digits" in rejection.reason


def repaired(name: str) -> bytes:
    """The sample with its placeholder IBANs given valid check digits and Othr creditors an IBAN."""
    data = (SAMPLES / name).read_bytes()
    data = data.replace(b"LT007180000000000000", b"LT327180000000000000")
    data = data.replace(b"LT007400000000000000", b"LT467400000000000000")
    othr = rb"<CdtrAcct>\s*<Id>\s*<Othr>\s*<Id>1234567890</Id>\s*</Othr>"
    return re.sub(othr, f"<CdtrAcct><Id><IBAN>{PAYEE}</IBAN>".encode(), data)


@needs_samples
@pytest.mark.parametrize(
    ("name", "e2e", "created", "to_account", "amount", "currency"),
    [
        (
            "sepa_payment_naujas_1.xml",
            "EndToEndId0001",
            "2017-08-23T10:00:00Z",
            "LT467400000000000000",
            "99.99",
            "EUR",
        ),
        (
            "International_payment_USD_naujas_1.xml",
            "EndToEndId0002",
            "2015-09-28T10:00:00Z",
            PAYEE,
            "111.11",
            "USD",
        ),
        (
            "International_payment_RUB_naujas_1.xml",
            "EndToEndId0003",
            "2015-09-28T10:00:00Z",
            PAYEE,
            "1000.00",
            "RUB",
        ),
    ],
)
def test_lithuanian_samples_with_valid_accounts_yield_their_amounts(
    name: str, e2e: str, created: str, to_account: str, amount: str, currency: str
) -> None:
    result = parse_payments(repaired(name), name, local_tz=UTC)
    assert result.rejected == ()
    (transfer,) = result.transfers
    assert transfer == TransferRecord(
        e2e,
        datetime.fromisoformat(created),
        "LT327180000000000000",
        to_account,
        Decimal(amount),
        currency,
        Channel.WEB,
        None,
        None,
    )


@needs_samples
def test_usd_sample_creditor_with_only_othr_id_is_rejected_without_quoting_it() -> None:
    rejection = only_rejection(
        parse_payments(
            (SAMPLES / "International_payment_USD_naujas_1.xml")
            .read_bytes()
            .replace(b"LT007180000000000000", b"LT327180000000000000"),
            local_tz=UTC,
        )
    )
    assert rejection.path == "CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[1]/CdtrAcct/Id/IBAN"
    assert "only an Othr/Id account" in rejection.reason
    assert "1234567890" not in rejection.reason


@needs_samples
@pytest.mark.parametrize("local_tz", [None, UTC])
def test_pacs008_sample_names_the_missing_debtor_account(local_tz: ZoneInfo | None) -> None:
    result = sample("pacs.008.001.07.xml", local_tz=local_tz)
    assert (result.message_type, result.message_id) == ("pacs.008.001.07", "823823423")
    rejection = only_rejection(result)
    assert rejection == Rejection(
        1,
        "223423423",
        "FIToFICstmrCdtTrf/CdtTrfTxInf[1]/DbtrAcct/Id/IBAN",
        "FIToFICstmrCdtTrf/CdtTrfTxInf[1]/DbtrAcct/Id/IBAN is missing",
    )


@needs_samples
def test_pacs008_sample_behind_its_app_header_reads_settlement_amount_once_accounts_exist() -> None:
    data = (SAMPLES / "pacs.008.001.07.xml").read_bytes()
    data = data.replace(b"</Dbtr>", f"</Dbtr><DbtrAcct>{account(PAYER)}</DbtrAcct>".encode())
    data = data.replace(b"</Cdtr>", f"</Cdtr><CdtrAcct>{account(PAYEE)}</CdtrAcct>".encode())
    (transfer,) = parse_payments(data, local_tz=UTC).transfers
    assert transfer == TransferRecord(
        "223423423",
        datetime(2018, 4, 27, 21, 0, 45, tzinfo=UTC),
        PAYER,
        PAYEE,
        Decimal("5000.00"),
        "USD",
        Channel.WEB,
        None,
        None,
    )


@needs_samples
def test_invalid_sample_is_refused_as_a_status_report_without_namespace() -> None:
    with pytest.raises(InvalidInput) as caught:
        sample("invalid_pain_v11.xml")
    message = str(caught.value)
    assert message.startswith("invalid_pain_v11.xml: Document holds CstmrPmtStsRpt")
    assert "pain.002 customer payment status report" in message
    assert "not a credit transfer" in message
    assert "no ISO 20022 namespace" in message
    assert "expected CstmrCdtTrfInitn (pain.001) or FIToFICstmrCdtTrf (pacs.008)" in message


# --- versions, times, ids --------------------------------------------------------------------


@pytest.mark.parametrize("version", ["03", "04", "05", "06", "07", "08", "09", "10", "11"])
def test_every_pain001_version_is_read_and_its_type_kept(version: str) -> None:
    requested = "2026-03-03" if version < "08" else "<Dt>2026-03-03</Dt>"
    result = parse_payments(pain001(version=version, requested=requested))
    assert result.message_type == f"pain.001.001.{version}"
    assert result.message_id == "M-1"
    assert result.transfers == (
        TransferRecord(
            "E2E-1",
            datetime(2026, 3, 2, 5, 15, tzinfo=UTC),
            PAYER,
            PAYEE,
            Decimal("1500.00"),
            "KZT",
            Channel.WEB,
            None,
            None,
        ),
    )


def test_requested_execution_date_time_outranks_creation_time() -> None:
    message = pain001(requested="<DtTm>2026-03-03T09:00:00+05:00</DtTm>")
    (transfer,) = parse_payments(message).transfers
    assert transfer.ts == datetime(2026, 3, 3, 4, tzinfo=UTC)


def test_version_03_execution_date_time_outranks_creation_time() -> None:
    message = pain001(version="03", requested="2026-03-03T09:00:00Z")
    (transfer,) = parse_payments(message).transfers
    assert transfer.ts == datetime(2026, 3, 3, 9, tzinfo=UTC)


def test_bare_execution_date_does_not_outrank_creation_time() -> None:
    (transfer,) = parse_payments(pain001(version="03", requested="2026-03-09")).transfers
    assert transfer.ts == datetime(2026, 3, 2, 5, 15, tzinfo=UTC)


def test_unparsable_creation_time_is_rejected_with_its_path() -> None:
    rejection = only_rejection(parse_payments(pain001(created="yesterday")))
    assert rejection.path == "CstmrCdtTrfInitn/GrpHdr/CreDtTm"
    assert "'yesterday'" in rejection.reason


def test_not_provided_end_to_end_id_gets_message_payment_and_position() -> None:
    message = pain001(pain_tx("E2E-1"), pain_tx("NOTPROVIDED"), pain_tx(""))
    ids = [t.transfer_id for t in parse_payments(message).transfers]
    assert ids == ["E2E-1", "M-1/P-1/2", "M-1/P-1/3"]


def test_pacs008_without_end_to_end_id_uses_tx_id() -> None:
    amount = '<IntrBkSttlmAmt Ccy="KZT">10</IntrBkSttlmAmt>'
    (transfer,) = parse_payments(pacs008(amount, pmt_id="")).transfers
    assert transfer.transfer_id == "P-9/TX-9/1"


def test_repeated_end_to_end_id_is_rejected_not_merged() -> None:
    result = parse_payments(pain001(pain_tx("SAME"), pain_tx("SAME", amount="7.00")))
    assert [t.amount for t in result.transfers] == [Decimal("1500.00")]
    rejection = result.rejected[0]
    assert (rejection.index, rejection.end_to_end_id) == (2, "SAME")
    assert rejection.path == "CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[2]/PmtId/EndToEndId"
    assert rejection.reason == f"{rejection.path} 'SAME' is transaction 1's id too"


# --- accounts and amounts --------------------------------------------------------------------


def test_iban_is_normalised_to_compact_upper_case() -> None:
    (transfer,) = parse_payments(pain001(debtor=account("kz86 125k zt50 0410 0100"))).transfers
    assert transfer.from_account == PAYER


def test_othr_account_is_rejected_quoting_its_scheme_not_its_id() -> None:
    othr = "<Id><Othr><Id>40817810099910004312</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm></Othr></Id>"
    rejection = only_rejection(parse_payments(pain001(pain_tx(creditor=othr))))
    assert rejection.path == "CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[1]/CdtrAcct/Id/IBAN"
    assert rejection.reason.endswith("is missing: only an Othr/Id account (scheme 'BBAN')")
    assert "40817810099910004312" not in rejection.reason


def test_bad_transaction_does_not_stop_the_good_ones_around_it() -> None:
    message = pain001(
        pain_tx("A"), pain_tx("B", amount="0"), pain_tx("C", creditor=account(OTHER_PAYEE))
    )
    result = parse_payments(message)
    assert [t.transfer_id for t in result.transfers] == ["A", "C"]
    assert [(r.index, r.end_to_end_id) for r in result.rejected] == [(2, "B")]
    assert result.rejected[0].path == "CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[2]/Amt/InstdAmt"
    assert "zero amount" in result.rejected[0].reason


@pytest.mark.parametrize(
    ("amount", "ccy", "path_end", "words"),
    [
        ("-5.00", 'Ccy="KZT"', "Amt/InstdAmt", "negative amount"),
        ("12.345", 'Ccy="KZT"', "Amt/InstdAmt", "more than 2 decimal places"),
        ("1e3", 'Ccy="KZT"', "Amt/InstdAmt", "not a decimal amount"),
        ("10.00", 'Ccy="kzt"', "Amt/InstdAmt/@Ccy", "'kzt' is not ISO 4217"),
        ("10.00", 'Ccy="TENGE"', "Amt/InstdAmt/@Ccy", "'TENGE' is not ISO 4217"),
        ("10.00", "", "Amt/InstdAmt/@Ccy", "is missing"),
    ],
)
def test_bad_amount_or_currency_is_rejected_with_its_path(
    amount: str, ccy: str, path_end: str, words: str
) -> None:
    rejection = only_rejection(parse_payments(pain001(pain_tx(amount=amount, ccy=ccy))))
    assert rejection.path == f"CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[1]/{path_end}"
    assert words in rejection.reason


def test_equivalent_amount_alone_is_rejected_saying_so() -> None:
    tx = pain_tx().replace(
        '<InstdAmt Ccy="KZT">1500.00</InstdAmt>',
        '<EqvtAmt><Amt Ccy="KZT">1</Amt><CcyOfTrf>EUR</CcyOfTrf></EqvtAmt>',
    )
    rejection = only_rejection(parse_payments(pain001(tx)))
    assert rejection.path.endswith("CdtTrfTxInf[1]/Amt/InstdAmt")
    assert "only an EqvtAmt" in rejection.reason


def test_pacs008_prefers_settlement_amount_and_falls_back_to_instructed() -> None:
    both = '<IntrBkSttlmAmt Ccy="KZT">990.00</IntrBkSttlmAmt><InstdAmt Ccy="USD">2</InstdAmt>'
    (settled,) = parse_payments(pacs008(both)).transfers
    (instructed,) = parse_payments(pacs008('<InstdAmt Ccy="USD">2.50</InstdAmt>')).transfers
    assert (settled.amount, settled.currency) == (Decimal("990.00"), "KZT")
    assert (instructed.amount, instructed.currency) == (Decimal("2.50"), "USD")
    assert settled.ts == datetime(2026, 3, 2, 5, 15, tzinfo=UTC)


def test_pacs008_without_any_amount_names_the_settlement_amount() -> None:
    rejection = only_rejection(parse_payments(pacs008("")))
    assert rejection.reason == "FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmAmt is missing"


# --- messages that cannot be used ------------------------------------------------------------


def test_malformed_xml_is_reported_with_source_and_line() -> None:
    broken = b"<Document>\n  <CstmrCdtTrfInitn>\n    <GrpHdr></Grp>\n</Document>"
    with pytest.raises(InvalidInput, match=r"^upload\.xml, line 3, column \d+: mismatched tag"):
        parse_payments(broken, "upload.xml")


def test_empty_input_is_invalid() -> None:
    with pytest.raises(InvalidInput, match="no element found"):
        parse_payments(b"")


def test_billion_laughs_is_refused_at_once() -> None:
    levels = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "lol">{levels}]><d>&l9;</d>'
    started = time.perf_counter()
    with pytest.raises(InvalidInput, match="DTDs and entity declarations are refused"):
        parse_payments(bomb.encode())
    assert time.perf_counter() - started < 1


def test_external_entity_is_refused() -> None:
    xxe = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
    with pytest.raises(InvalidInput, match="refused"):
        parse_payments(xxe)


def test_oversized_message_is_refused_before_parsing() -> None:
    with pytest.raises(InvalidInput, match="over the 1,048,576-byte cap"):
        parse_payments(b" " * (MAX_MESSAGE_BYTES + 1), "big.xml")


def test_unknown_encoding_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="encoding"):
        parse_payments(b'<?xml version="1.0" encoding="no-such-codec"?><Document/>')


def test_message_without_msg_id_is_refused() -> None:
    with pytest.raises(InvalidInput, match="CstmrCdtTrfInitn/GrpHdr/MsgId is missing"):
        parse_payments(pain001(msg_id=""), "m.xml")


def test_other_xml_is_not_iso20022() -> None:
    with pytest.raises(InvalidInput, match="<html> is not an ISO 20022 Document"):
        parse_payments(b"<html><body>hi</body></html>")


def test_credit_transfer_without_namespace_is_refused() -> None:
    bare = pain001().replace(f' xmlns="{PAIN.format(version="09")}"'.encode(), b"")
    with pytest.raises(InvalidInput, match="no ISO 20022 namespace naming its message type"):
        parse_payments(bare)


def test_app_header_names_the_type_of_a_document_without_namespace() -> None:
    bare = pain001().replace(f' xmlns="{PAIN.format(version="09")}"'.encode(), b"")
    bare = bare.replace(b'<?xml version="1.0" encoding="UTF-8"?>', b"")
    wrapped = b"<Msg><AppHdr><MsgDefIdr>pain.001.001.09</MsgDefIdr></AppHdr>" + bare + b"</Msg>"
    assert parse_payments(wrapped).message_type == "pain.001.001.09"


def test_namespace_of_another_message_type_is_refused() -> None:
    wrong = pain001().replace(b"pain.001.001.09", b"pacs.008.001.08")
    with pytest.raises(InvalidInput, match=r"a CstmrCdtTrfInitn message inside a pacs\.008"):
        parse_payments(wrong)


def test_deeply_nested_document_is_invalid_input_not_a_crash() -> None:
    with pytest.raises(InvalidInput):
        parse_payments(b"<a>" * 100_000 + b"</a>" * 100_000)


# --- properties ------------------------------------------------------------------------------


@given(st.binary(max_size=2_000))
def test_arbitrary_bytes_raise_nothing_but_invalid_input(data: bytes) -> None:
    with contextlib.suppress(InvalidInput):
        parse_payments(data)


@given(st.data())
def test_corrupted_message_raises_nothing_but_invalid_input(data: st.DataObject) -> None:
    message = bytearray(pain001(pain_tx("A"), pain_tx("B")))
    for _ in range(data.draw(st.integers(1, 4))):
        message[data.draw(st.integers(0, len(message) - 1))] = data.draw(st.integers(0, 255))
    with contextlib.suppress(InvalidInput):
        parse_payments(bytes(message))


xml_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@given(iban=xml_text, amount=xml_text, ccy=xml_text, created=xml_text)
def test_every_transaction_is_either_a_transfer_or_a_rejection(
    iban: str, amount: str, ccy: str, created: str
) -> None:
    tx = pain_tx(amount=escape(amount), ccy=f'Ccy="{escape(ccy, {chr(34): "&quot;"})}"')
    message = pain001(tx, pain_tx("OK"), debtor=account(escape(iban)), created=escape(created))
    result = parse_payments(message, local_tz=UTC)
    assert len(result.transfers) + len(result.rejected) == 2
    assert all(t.amount > 0 and re.fullmatch("[A-Z]{3}", t.currency) for t in result.transfers)
