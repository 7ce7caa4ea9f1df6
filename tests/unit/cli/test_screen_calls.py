"""``qorgan screen calls``: decisions per call, bad rows to rejects, counts in the summary."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from qorgan.cli import app

HEADER = "call_id,ts,caller,callee,ingress,imsi,imei,cell_id,answered,duration_s\n"
ROWS = [
    "c1,2026-03-02T10:00:00Z,+77011234567,+77051234567,international,,,,true,30",
    "c2,2026-03-02T10:00:05Z,+79161234567,+77051234567,international,,,,true,30",
    "c3,not-a-time,+77011234567,+77051234567,radio,,,,true,30",
    "c4,2026-03-02T10:00:09Z,+77021234567,+77051234567,international,,,,true,12",
    "c1,2026-03-02T10:00:11Z,+77011234567,+77051234567,international,,,,true,30",
]


def _files(tmp_path: Path) -> tuple[Path, Path]:
    calls = tmp_path / "calls.csv"
    calls.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    roaming = tmp_path / "roaming.csv"
    roaming.write_text("msisdn,since,until\n+77021234567,2026-03-01T00:00:00Z,\n", encoding="utf-8")
    return calls, roaming


def test_a_broken_calls_file_gives_decisions_rejects_and_counts(tmp_path: Path) -> None:
    calls, roaming = _files(tmp_path)
    out = tmp_path / "decisions.parquet"
    result = CliRunner().invoke(
        app,
        ["screen", "calls", "--calls", str(calls), "--roaming", str(roaming), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "rejected 1, duplicates 1, produced 3" in result.output
    rows = {r["call_id"]: r for r in pq.read_table(out).to_pylist()}
    assert rows["c1"]["action"] == "block"
    assert rows["c1"]["reasons"] == ["CLI_SPOOF_INTL"]
    assert rows["c2"]["action"] == "allow"  # Russian +7 9xx
    assert rows["c4"]["action"] == "allow"  # roaming
    assert json.loads(rows["c1"]["evidence"])["CLI_SPOOF_INTL"]["caller"] == "+77011234567"
    rejects = (tmp_path / "decisions.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects[0] == "file,row,field,value,reason"
    assert ",3,ts,not-a-time," in rejects[1]


def test_an_unknown_output_format_is_refused(tmp_path: Path) -> None:
    calls, _ = _files(tmp_path)
    result = CliRunner().invoke(
        app, ["screen", "calls", "--calls", str(calls), "--out", str(tmp_path / "x.xlsx")]
    )
    assert result.exit_code != 0
