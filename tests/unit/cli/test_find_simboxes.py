"""``qorgan find simboxes`` and ``qorgan train simboxes`` on a simulated world."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from qorgan.cli import app
from qorgan.sim.world import simulate


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    simulate(out, seed=3, scale="small")
    return out


def test_find_simboxes_names_box_sims_with_reasons_and_counts_bad_rows(
    world: Path, tmp_path: Path
) -> None:
    calls = tmp_path / "calls.csv"
    pcsv.write_csv(pq.read_table(world / "calls.parquet"), calls)
    with calls.open("a", encoding="utf-8") as f:
        f.write('"Cbad",not-a-time,+77011234567,+77051234567,radio,401010000000001,,,true,30,\n')
    out = tmp_path / "simboxes.csv"
    result = CliRunner().invoke(
        app,
        [
            "find",
            "simboxes",
            "--calls",
            str(calls),
            "--sms",
            str(world / "sms.parquet"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "find simboxes: read" in result.output
    assert "rejected 1," in result.output
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:3] == ["imsi", "score", "box"]
    truth = {r["imsi"] for r in pq.read_table(world / "truth/simbox_sims.parquet").to_pylist()}
    lines = {r["imsi"] for r in pq.read_table(world / "truth/lines.parquet").to_pylist()}
    flagged = {r["imsi"] for r in rows}
    assert flagged
    assert flagged <= truth
    assert not flagged & lines  # no call-centre agent, taxi or courier
    assert len(flagged) >= 0.8 * len(truth)
    first = rows[0]
    evidence = json.loads(first["evidence"])
    assert json.loads(first["reasons"])[0] in evidence
    assert "window" in evidence[json.loads(first["reasons"])[0]]
    rejects = (tmp_path / "simboxes.rejects.csv").read_text(encoding="utf-8")
    assert ",ts,not-a-time," in rejects


def test_train_then_find_with_the_model(world: Path, tmp_path: Path) -> None:
    model = tmp_path / "simbox-model.json"
    trained = CliRunner().invoke(app, ["train", "simboxes", "--world", str(world),
                                       "--out", str(model)])  # fmt: skip
    assert trained.exit_code == 0, trained.output
    out = tmp_path / "found.parquet"
    found = CliRunner().invoke(
        app,
        [
            "find",
            "simboxes",
            "--calls",
            str(world / "calls.parquet"),
            "--model",
            str(model),
            "--out",
            str(out),
        ],
    )
    assert found.exit_code == 0, found.output
    rows = pq.read_table(out).to_pylist()
    assert rows
    assert all(0.5 <= r["score"] <= 1.0 for r in rows)
    assert any("SIMBOX_MODEL" in json.loads(r["reasons"]) for r in rows)


def test_a_window_the_model_was_not_trained_on_is_refused(world: Path, tmp_path: Path) -> None:
    model = tmp_path / "day-model.json"
    trained = CliRunner().invoke(
        app, ["train", "simboxes", "--world", str(world), "--out", str(model), "--window", "day"]
    )
    assert trained.exit_code == 0, trained.output
    calls = str(world / "calls.parquet")
    out = str(tmp_path / "x.csv")
    for extra in (["--model", str(model), "--window", "week"], ["--window", "fortnight"]):
        result = CliRunner().invoke(
            app, ["find", "simboxes", "--calls", calls, "--out", out, *extra]
        )
        assert result.exit_code != 0
        assert "window" in str(result.exception)
