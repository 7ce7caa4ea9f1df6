"""``qorgan trace funds`` on a tiny hand-made world: where two victims' money went, the freeze
orders per bank, bad rows counted, and the cases filed with ``--db``."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from qorgan.cli import app
from qorgan.core.errors import InvalidInput
from qorgan.sim.ids import kz_iban

V1, V2 = kz_iban("125", 1), kz_iban("125", 2)
M1, M2, M3, M4 = kz_iban("722", 11), kz_iban("601", 12), kz_iban("722", 13), kz_iban("125", 14)
X = kz_iban("601", 21)

TRANSFERS = [
    # transfer_id, ts, from, to, tenge
    ("T1", "2025-06-20T09:00:00Z", V1, M1, "500000.00"),
    ("T6", "2025-06-20T09:01:00Z", X, M1, "100000.00"),  # other money: M1 is mixed
    ("T2", "2025-06-20T09:05:00Z", M1, M2, "300000.00"),
    ("T3", "2025-06-20T09:06:00Z", M1, M3, "200000.00"),
    ("T4", "2025-06-20T09:20:00Z", M2, "CASH", "100000.00"),
    ("T5", "2025-06-20T09:25:00Z", M3, "CRYPTO:binance", "150000.00"),
    ("T7", "2025-06-20T10:00:00Z", V2, M4, "80000.50"),
    ("T8", "2025-06-20T13:00:00Z", M4, "CASH", "80000.50"),  # after R2 was filed
]
REPORTS = [
    ("R1", "2025-06-20T12:00:00Z", V1, ["T1"]),
    ("R2", "2025-06-20T11:00:00Z", V2, ["T7", "T404"]),
]
ACCOUNTS = [(M1, "BANKA"), (M2, "BANKB"), (M3, "BANKA")]  # M4's bank: its IBAN's code


def write_world(folder: Path, bad_row: bool = False) -> dict[str, Path]:
    paths = {n: folder / f"{n}.csv" for n in ("transfers", "reports", "accounts")}
    with paths["transfers"].open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["transfer_id", "ts", "from_account", "to_account", "amount", "currency",
                      "channel", "device_id", "ip"])  # fmt: skip
        for tid, ts, a, b, amount in TRANSFERS:
            out.writerow([tid, ts, a, b, amount, "KZT", "app", "", ""])
        if bad_row:
            out.writerow(["Tbad", "2025-06-20T09:30:00Z", "KZ00BROKEN", M1, "5.00", "KZT", "app",
                          "", ""])  # fmt: skip
    with paths["reports"].open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["report_id", "ts", "victim_account", "victim_phone", "fraud_type",
                      "transfer_ids"])  # fmt: skip
        for rid, ts, victim, ids in REPORTS:
            out.writerow([rid, ts, victim, "+77011234567", "bank_impersonation", json.dumps(ids)])
    with paths["accounts"].open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["account", "bank", "holder", "holder_phone", "opened_at", "kind"])
        for i, (account, bank) in enumerate(ACCOUNTS):
            out.writerow([account, bank, f"P{i:06d}", "", "2024-01-01T00:00:00Z", "personal"])
    return paths


def trace_funds(folder: Path, out: Path, *extra: str, bad_row: bool = False) -> str:
    paths = write_world(folder, bad_row)
    result = CliRunner().invoke(
        app, ["trace", "funds", "--transfers", str(paths["transfers"]),
              "--reports", str(paths["reports"]), "--accounts", str(paths["accounts"]),
              "--out", str(out), *extra],
    )  # fmt: skip
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def by_report(out: Path) -> dict[str, dict[str, Any]]:
    return {r["report_id"]: r for r in json.loads(out.read_text("utf-8"))}


def tenge(rows: list[dict[str, Any]], key: str = "amount") -> Decimal:
    return sum((Decimal(r[key]) for r in rows), Decimal(0))


def test_each_report_says_where_the_money_is_and_orders_one_freeze_per_bank(
    tmp_path: Path,
) -> None:
    out = tmp_path / "traces.json"
    output = trace_funds(tmp_path, out)
    assert "trace funds: read" in output
    assert "rejected 0," in output
    traces = by_report(out)
    assert list(traces) == ["R2", "R1"]  # in the order they were filed: R2 came first
    r1 = traces["R1"]
    assert (r1["loss"], r1["held"], r1["cashed_out"], r1["unresolved"]) == (
        "500000.00", "250000.00", "250000.00", "0.00",
    )  # fmt: skip
    assert r1["rule"] == "fifo"
    assert [(h["account"], h["bank"], h["amount"], h["depth"]) for h in r1["holdings"]] == [
        (M2, "BANKB", "200000.00", 2),
        (M3, "BANKA", "50000.00", 2),
    ]
    assert [(c["transfer_id"], c["account"], c["bank"], c["kind"], c["destination"], c["amount"])
            for c in r1["cash_outs"]] == [
        ("T4", M2, "BANKB", "atm", "CASH", "100000.00"),
        ("T5", M3, "BANKA", "crypto", "CRYPTO:binance", "150000.00"),
    ]  # fmt: skip
    assert [(h["transfer_id"], h["amount"], h["transfer_amount"], h["depth"], h["rule"])
            for h in r1["hops"]] == [
        ("T1", "500000.00", "500000.00", 1, "fifo"),
        ("T2", "300000.00", "300000.00", 2, "fifo"),
        ("T3", "200000.00", "200000.00", 2, "fifo"),
        ("T4", "100000.00", "100000.00", 3, "fifo"),
        ("T5", "150000.00", "150000.00", 3, "fifo"),
    ]  # fmt: skip
    orders = r1["freeze_orders"]
    assert [o["bank"] for o in orders] == ["BANKA", "BANKB"]
    assert sum(tenge(o["items"], "amount_ordered") for o in orders) == Decimal(r1["held"])
    for order in orders:
        assert tenge(order["items"], "amount_ordered") == Decimal(order["amount_ordered"])
        assert {i["account"] for i in order["items"]} <= {h["account"] for h in r1["holdings"]}

    r2 = traces["R2"]
    assert r2["missing_transfers"] == ["T404"]
    assert (r2["loss"], r2["held"], r2["cashed_out"]) == ("80000.50", "80000.50", "0.00")
    assert r2["holdings"] == [
        {"account": M4, "bank": "125", "amount": "80000.50",
         "since": "2025-06-20T10:00:00+00:00", "depth": 1}
    ]  # fmt: skip
    assert r2["cash_outs"] == []  # T8 came after the report
    assert [(o["bank"], o["amount_ordered"]) for o in r2["freeze_orders"]] == [("125", "80000.50")]


def test_a_bad_transfer_row_is_rejected_and_counted_and_the_rest_traced(tmp_path: Path) -> None:
    out = tmp_path / "traces.json"
    output = trace_funds(tmp_path, out, bad_row=True)
    assert "rejected 1," in output
    rejects = (tmp_path / "traces.rejects.csv").read_text("utf-8")
    assert "transfers.csv,9,from_account,KZ00BROKEN," in rejects  # file, row, column, value
    traces = by_report(out)
    assert traces["R1"]["held"] == "250000.00"
    assert traces["R2"]["held"] == "80000.50"


def test_lifo_changes_where_the_money_is_placed(tmp_path: Path) -> None:
    out = tmp_path / "traces.json"
    trace_funds(tmp_path, out, "--rule", "lifo")
    r1 = by_report(out)["R1"]
    assert r1["rule"] == "lifo"
    assert {h["rule"] for h in r1["hops"]} == {"lifo"}
    # T2 spent the 100,000 of other money that came in last, so M2 received 200,000 of the
    # victim's, not 300,000; the other money is still the newer at M2, so the withdrawal T4
    # spends it and M2 keeps the victim's 200,000.
    assert [(h["account"], h["amount"]) for h in r1["holdings"]] == [
        (M2, "200000.00"),
        (M1, "100000.00"),
        (M3, "50000.00"),
    ]
    assert {h["transfer_id"]: h["amount"] for h in r1["hops"]}["T2"] == "200000.00"
    assert "T4" not in {h["transfer_id"] for h in r1["hops"]}
    assert (r1["held"], r1["cashed_out"]) == ("350000.00", "150000.00")


def test_money_from_a_business_is_its_payees_own_and_moves_last(tmp_path: Path) -> None:
    paths = write_world(tmp_path)
    with paths["accounts"].open("a", newline="", encoding="utf-8") as f:
        csv.writer(f).writerow([X, "BANKB", "B000001", "", "2024-01-01T00:00:00Z", "business"])
    out = tmp_path / "traces.json"
    result = CliRunner().invoke(
        app, ["trace", "funds", "--transfers", str(paths["transfers"]),
              "--reports", str(paths["reports"]), "--accounts", str(paths["accounts"]),
              "--out", str(out), "--rule", "lifo"],
    )  # fmt: skip
    assert result.exit_code == 0, (result.output, result.exception)
    # T6 (X is a business: a salary, say) is M1's holder's own money, which moves last even
    # under LIFO: T2 carries 300,000 of the victim's (a person's T6 made it 200,000).
    hops = {h["transfer_id"]: h["amount"] for h in by_report(out)["R1"]["hops"]}
    assert hops["T2"] == "300000.00"


def test_jsonl_writes_one_report_a_line_and_hops_can_be_left_out(tmp_path: Path) -> None:
    out = tmp_path / "traces.jsonl"
    trace_funds(tmp_path, out, "--no-hops")
    lines = out.read_text("utf-8").splitlines()
    assert [json.loads(line)["report_id"] for line in lines] == ["R2", "R1"]
    assert all("hops" not in json.loads(line) for line in lines)


def test_an_out_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    paths = write_world(tmp_path)
    result = CliRunner().invoke(
        app, ["trace", "funds", "--transfers", str(paths["transfers"]),
              "--reports", str(paths["reports"]), "--out", str(tmp_path / "x.csv")],
    )  # fmt: skip
    assert result.exit_code != 0
    assert isinstance(result.exception, InvalidInput)
    assert "--out must end in .json or .jsonl" in str(result.exception)
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("rule", ["fifo", "poison"])
def test_with_a_database_the_cases_are_filed_and_the_audit_chain_holds(
    tmp_path: Path, rule: str
) -> None:
    url = f"sqlite:///{tmp_path}/q.db"
    out = tmp_path / "traces.json"
    trace_funds(tmp_path, out, "--db", url, "--rule", rule)
    traces = by_report(out)
    orders = traces["R1"]["freeze_orders"]
    assert [o["bank"] for o in orders] == ["BANKA", "BANKB"]
    assert sum(Decimal(o["amount_ordered"]) for o in orders) == Decimal(traces["R1"]["held"])
    assert [o["bank"] for o in traces["R2"]["freeze_orders"]] == ["125"]
    result = CliRunner().invoke(app, ["audit", "verify", "--db", url])
    assert result.exit_code == 0, (result.output, result.exception)
    # Two cases opened, two traces recorded, three orders issued: seven steps on the chain.
    assert "audit verify: 7 entries checked, chain intact" in result.output
    # A second run finds the cases filed and their orders out: it issues none again.
    trace_funds(tmp_path, tmp_path / "again.json", "--db", url, "--rule", rule)
    again = by_report(tmp_path / "again.json")
    assert again["R1"]["freeze_orders"] == orders
    assert again["R2"]["freeze_orders"] == traces["R2"]["freeze_orders"]
    result = CliRunner().invoke(app, ["audit", "verify", "--db", url])
    assert result.exit_code == 0, (result.output, result.exception)
