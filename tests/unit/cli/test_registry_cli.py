"""``qorgan db|agencies|registry|audit``: the relational store from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from qorgan.cli import app
from qorgan.core.errors import NotFound
from qorgan.store.sql.agencies import authenticate
from qorgan.store.sql.db import Database

runner = CliRunner()
IBAN = "KZ86125KZT5004100100"


def test_db_upgrade_makes_a_fresh_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = runner.invoke(app, ["db", "upgrade", "--db", url])
    assert result.exit_code == 0, result.output
    assert "newest schema" in result.output
    assert (tmp_path / "new.db").exists()


def test_an_agency_added_gets_a_key_that_authenticates(database: Database) -> None:
    result = runner.invoke(app, ["agencies", "add", "--name", "kaspi", "--role", "bank",
                                 "--bank", "kaspi", "--db", database.url])  # fmt: skip
    assert result.exit_code == 0, result.output
    key = result.stdout.splitlines()[0]
    with database.session() as session:
        assert authenticate(session, key).bank == "KASPI"
    listed = runner.invoke(app, ["agencies", "list", "--db", database.url])
    assert "kaspi" in listed.stdout
    assert "1 agencies" in listed.stdout


def test_findings_load_once_and_show(database: Database, tmp_path: Path) -> None:
    findings = tmp_path / "droppers.jsonl"
    findings.write_text(
        json.dumps({"account": IBAN.lower(), "score": 0.9, "window_start": "2026-03-02T00:00:00Z",
                    "transfers": json.dumps(["T1", "T2"])}) + "\n"
        + json.dumps({"account": "KZ00", "score": 0.5}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    load = ["registry", "load", "--findings", str(findings), "--kind", "iban",
            "--source", "dropper_finder", "--db", database.url]  # fmt: skip
    first = runner.invoke(app, load)
    assert first.exit_code == 0, first.output
    assert "read 2, rejected 1, produced 1" in first.stdout
    second = runner.invoke(app, load)
    assert "produced 0" in second.stdout
    shown = runner.invoke(app, ["registry", "show", IBAN, "--db", database.url])
    assert shown.exit_code == 0, shown.output
    assert "suspected, confidence 0.90" in shown.stdout
    assert "transfer:T1" in shown.stdout
    assert "finding:dropper_finder:2026-03-02" in shown.stdout


def test_showing_an_unknown_value_is_not_found(database: Database) -> None:
    result = runner.invoke(app, ["registry", "show", "+77011234567", "--db", database.url])
    assert isinstance(result.exception, NotFound)


def test_audit_verify_passes_then_names_the_tampered_entry(
    database: Database, tmp_path: Path
) -> None:
    for name in ("afc", "police"):
        runner.invoke(app, ["agencies", "add", "--name", name, "--role", "analyst",
                            "--db", database.url])  # fmt: skip
    ok = runner.invoke(app, ["audit", "verify", "--db", database.url])
    assert ok.exit_code == 0, ok.output
    assert "2 entries checked, chain intact" in ok.stdout
    with database.session() as session:
        session.execute(text("update audit_log set subject_id = 'mallory' where seq = 2"))
    tampered = runner.invoke(app, ["audit", "verify", "--db", database.url])
    assert tampered.exit_code == 7
    assert "TAMPERED at seq 2: hash mismatch" in tampered.output
