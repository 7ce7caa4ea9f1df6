"""``qorgan find droppers`` and ``qorgan train droppers`` on a simulated world, and the
findings reaching payment scoring through ``qorgan screen payments --droppers``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from qorgan.cli import app
from qorgan.sim.world import simulate


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    simulate(out, seed=4, scale="small")
    return out


def _find(world: Path, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(
        app, ["find", "droppers", "--transfers", str(world / "transfers.parquet"),
              "--out", str(out), *extra],
    )  # fmt: skip
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_find_droppers_names_mules_with_reasons_and_counts_bad_rows(
    world: Path, tmp_path: Path
) -> None:
    transfers = tmp_path / "transfers.csv"
    pcsv.write_csv(pq.read_table(world / "transfers.parquet"), transfers)
    with transfers.open("a", encoding="utf-8") as f:
        f.write("Tbad,2026-03-03T10:00:00Z,KZ00BROKEN,CASH,100,KZT,atm,,\n")
    out = tmp_path / "droppers.csv"
    result = CliRunner().invoke(
        app, ["find", "droppers", "--transfers", str(transfers),
              "--accounts", str(world / "accounts.parquet"),
              "--reports", str(world / "reports.parquet"), "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, (result.output, result.exception)
    assert "find droppers: read" in result.output
    assert "rejected 1," in result.output
    rejects = (tmp_path / "droppers.rejects.csv").read_text("utf-8")
    assert "Tbad" not in rejects.splitlines()[0]  # a header, then the bad row
    assert "from_account" in rejects
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows
    assert {"account", "score", "reasons"} <= set(rows[0])
    truth = {a for (a,) in duckdb.connect().sql(
        f"select account from '{world}/truth/droppers.parquet'").fetchall()}  # fmt: skip
    found = {r["account"] for r in rows}
    assert len(found & truth) / len(found) >= 0.8
    ids = {t for (t,) in duckdb.connect().sql(
        f"select transfer_id from '{world}/transfers.parquet'").fetchall()}  # fmt: skip
    for row in rows:
        reasons = json.loads(row["reasons"])
        assert reasons
        assert all(code.startswith("DROP_") for code in reasons)
        named = json.loads(row["transfers"])
        assert named
        assert set(named) <= ids  # the transfers behind the reasons, by id


def test_train_then_find_with_the_model_and_feed_payment_scoring(
    world: Path, tmp_path: Path
) -> None:
    model = tmp_path / "droppers.json"
    result = CliRunner().invoke(
        app, ["train", "droppers", "--world", str(world), "--out", str(model), "--window", "day"]
    )
    assert result.exit_code == 0, (result.output, result.exception)
    assert "held-out precision" in result.output
    out = tmp_path / "droppers.parquet"
    _find(world, out, "--model", str(model), "--accounts", str(world / "accounts.parquet"))
    rows = pq.read_table(out).to_pylist()
    assert rows
    assert all(0.5 <= r["score"] <= 1.0 for r in rows)
    assert any("DROP_MODEL" in json.loads(r["reasons"]) for r in rows)
    # The same accounts as payees: payment scoring now sees them in the registry.
    decisions = tmp_path / "decisions.parquet"
    result = CliRunner().invoke(
        app, ["screen", "payments", "--transfers", str(world / "transfers.parquet"),
              "--droppers", str(out), "--out", str(decisions)],
    )  # fmt: skip
    assert result.exit_code == 0, (result.output, result.exception)
    assert f"{len(rows):,} suspected droppers in the registry" in result.output
    flagged = {r["account"] for r in rows}
    paid = {t for (t,) in duckdb.connect().sql(
        f"select transfer_id from '{world}/transfers.parquet' "
        f"where to_account in ({', '.join(repr(a) for a in flagged)})").fetchall()}  # fmt: skip
    reasons = {r["transfer_id"]: r["reasons"] for r in pq.read_table(decisions).to_pylist()}
    assert all("PAYEE_SUSPECTED" in reasons[t] for t in paid)


def test_a_model_for_other_windows_or_a_broken_file_is_refused(world: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["find", "droppers", "--transfers", str(world / "transfers.parquet"),
              "--model", str(broken), "--out", str(tmp_path / "x.csv")],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "not a qorgan.dropper-model file" in str(result.exception) + result.output
    result = CliRunner().invoke(
        app, ["find", "droppers", "--transfers", str(world / "transfers.parquet"),
              "--window", "fortnight", "--out", str(tmp_path / "x.csv")],
    )  # fmt: skip
    assert result.exit_code != 0


def test_a_model_trained_on_other_windows_or_damaged_is_refused(
    world: Path, tmp_path: Path
) -> None:
    model = tmp_path / "day.json"
    result = CliRunner().invoke(
        app, ["train", "droppers", "--world", str(world), "--out", str(model), "--window", "day"]
    )
    assert result.exit_code == 0, (result.output, result.exception)
    result = CliRunner().invoke(
        app, ["find", "droppers", "--transfers", str(world / "transfers.parquet"),
              "--model", str(model), "--window", "week", "--out", str(tmp_path / "x.csv")],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "trained on day windows, not week" in str(result.exception) + result.output
    doc = json.loads(model.read_text("utf-8"))
    doc["booster"] = "garbage"
    model.write_text(json.dumps(doc), "utf-8")
    result = CliRunner().invoke(
        app, ["find", "droppers", "--transfers", str(world / "transfers.parquet"),
              "--model", str(model), "--out", str(tmp_path / "x.csv")],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "a damaged qorgan.dropper-model file" in str(result.exception) + result.output
