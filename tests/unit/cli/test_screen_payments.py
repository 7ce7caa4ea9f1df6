"""``qorgan screen payments``: calls and transfers replayed in time order, rejects counted."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from qorgan.cli import app

PAYER = "KZ668564418266381604"
FAMILY = "KZ386019809680864835"
STRANGER = "KZ397229253416221965"
PHONE = "+77051234567"

ACCOUNTS = f"""account,bank,holder,holder_phone,opened_at,kind
{PAYER},bcc,P1,{PHONE},2019-05-01T00:00:00Z,personal
{FAMILY},halyk,P2,,2018-01-01T00:00:00Z,personal
{STRANGER},kaspi,P3,,2017-01-01T00:00:00Z,personal
"""
HISTORY = [
    f"h{d},2026-03-0{d}T09:00:00Z,{PAYER},{FAMILY},10000,KZT,app,dev-1," for d in range(1, 9)
]
TRANSFERS = "transfer_id,ts,from_account,to_account,amount,currency,channel,device_id,ip\n" + (
    "\n".join([
        *HISTORY,
        f"before,2026-03-09T08:00:00Z,{PAYER},{STRANGER},20000,KZT,app,dev-1,",
        f"bad,2026-03-09T08:10:00Z,{PAYER},KZ00,20000,KZT,app,dev-1,",
        f"after,2026-03-09T08:40:00Z,{PAYER},{STRANGER},20000,KZT,app,dev-1,",
    ])
    + "\n"
)  # fmt: skip
CALLS = (
    "call_id,ts,caller,callee,ingress,imsi,imei,cell_id,answered,duration_s\n"
    f"call-1,2026-03-09T08:20:00Z,+77017654321,{PHONE},international,,,,true,600\n"
)


def _run(tmp_path: Path, with_calls: bool) -> tuple[dict[str, dict[str, object]], str]:
    (tmp_path / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (tmp_path / "transfers.csv").write_text(TRANSFERS, encoding="utf-8")
    (tmp_path / "calls.csv").write_text(CALLS, encoding="utf-8")
    out = tmp_path / "decisions.parquet"
    args = ["screen", "payments", "--transfers", str(tmp_path / "transfers.csv"),
            "--accounts", str(tmp_path / "accounts.csv"), "--out", str(out)]  # fmt: skip
    if with_calls:
        args += ["--calls", str(tmp_path / "calls.csv")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return {r["transfer_id"]: r for r in pq.read_table(out).to_pylist()}, result.output


def test_a_transfer_after_a_spoofed_call_is_held_and_one_before_it_is_not(tmp_path: Path) -> None:
    rows, output = _run(tmp_path, with_calls=True)
    assert rows["before"]["action"] == "allow"
    assert rows["after"]["action"] == "hold"
    evidence = json.loads(str(rows["after"]["evidence"]))
    assert evidence["CALL_SCREENED"]["call_id"] == "call-1"
    assert "rejected 1" in output
    assert "produced 10" in output
    assert "replayed 1 calls" in output
    rejects = (tmp_path / "decisions.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert ",to_account,KZ00," in rejects[1]


def test_without_calls_the_same_transfer_is_allowed(tmp_path: Path) -> None:
    rows, _ = _run(tmp_path, with_calls=False)
    assert rows["after"]["action"] == "allow"
