"""The ``qorgan`` command: summaries, exit codes, clear errors."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from qorgan.cli import EXIT_CODES, _exit_code, app
from qorgan.core.errors import FieldError, InvalidInput, NotFound, QorganError

runner = CliRunner()


@pytest.mark.slow
def test_simulate_writes_the_world_and_prints_one_summary_line(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["simulate", "--out", str(tmp_path), "--seed", "5", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert "simulate: seed 5, scale small" in result.output
    assert "rejected 0" in result.output
    assert (tmp_path / "calls.csv").read_text(encoding="utf-8").startswith('"call_id","ts"')
    assert (tmp_path / "truth" / "world.json").exists()


def test_unknown_scale_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", "--out", str(tmp_path), "--scale", "huge"])
    assert result.exit_code == 2
    assert "unknown scale 'huge'" in result.output


def test_error_kinds_map_to_their_exit_codes() -> None:
    assert _exit_code(FieldError("ts", "bad")) == EXIT_CODES[InvalidInput]
    assert _exit_code(NotFound("x")) == EXIT_CODES[NotFound]
    assert _exit_code(QorganError("x")) == 1


@pytest.mark.slow
def test_a_trained_sms_model_is_used_by_screen_sms(tmp_path: Path) -> None:
    world = tmp_path / "world"
    assert runner.invoke(app, ["simulate", "--out", str(world), "--seed", "3"]).exit_code == 0
    model = tmp_path / "sms-model.json"
    trained = runner.invoke(app, ["train", "sms", "--world", str(world), "--out", str(model)])
    assert trained.exit_code == 0, trained.output
    out = tmp_path / "decisions.parquet"
    args = ["screen", "sms", "--sms", str(world / "sms.parquet"), "--model", str(model)]
    screened = runner.invoke(app, [*args, "--out", str(out)])
    assert screened.exit_code == 0, screened.output
    reasons = {r for row in pq.read_table(out).column("reasons").to_pylist() for r in row}
    assert "SMS_FRAUD_TEXT" in reasons


def test_training_without_a_world_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["train", "sms", "--world", str(tmp_path), "--out", "m.json"])
    assert result.exit_code != 0
    assert isinstance(result.exception, InvalidInput)
