"""The SIM-box finder: rules with evidence, hard negatives, boxes, registry, incremental mode."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qorgan.core.decisions import Action
from qorgan.core.errors import InvalidInput
from qorgan.core.ports import IndicatorKind, InMemoryIndicators
from qorgan.core.records import CallRecord, Ingress
from qorgan.store.simboxes import SimBoxRun, connect
from qorgan.telecom.reasons import REASONS
from qorgan.telecom.screening import CallScreener
from qorgan.telecom.simbox_features import FEATURES, feature_sql
from qorgan.telecom.simboxes import (
    SimBoxModel,
    SimBoxRules,
    group_boxes,
    rule_score,
    rule_scores,
    rule_signals,
    score_sims,
    to_registry,
    train,
)

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 11:00 in Kazakhstan, a Monday
COLUMNS = ("call_id", "ts", "caller", "callee", "ingress", "imsi", "imei", "cell_id",
           "answered", "duration_s")  # fmt: skip
BOX_IMSIS = ("401010000000001", "401010000000002", "401010000000003")
CENTRE_IMSI = "401020000000009"
ROAMER = "+77017770000"


def _calls() -> list[tuple[object, ...]]:
    """A 3-SIM box, a call-centre agent, a roaming subscriber and their friends, over 3 days."""
    rows: list[tuple[object, ...]] = []
    n = 0

    def add(at: datetime, caller: str, callee: str, ingress: str, imsi: str | None,
            imei: str | None, cell: str | None, answered: bool = True,
            duration: int = 60) -> None:  # fmt: skip
        nonlocal n
        n += 1
        rows.append((f"C{n:06d}", at, caller, callee, ingress, imsi, imei, cell, answered,
                     duration if answered else 0))  # fmt: skip

    for day in range(3):
        for slot, imsi in enumerate(BOX_IMSIS):
            module = f"35300011{(slot + day) % 2:06d}0"  # two modules cycled over three SIMs
            for k in range(40):
                at = T0 + timedelta(days=day, minutes=5 * k + slot)
                victim = f"+7705{day:01d}{slot:01d}{k:05d}"
                add(at, f"+7700000000{slot}", victim, "radio", imsi, module, "401-01-1000-1",
                    answered=k % 2 == 0, duration=120)  # fmt: skip
        for k in range(60):  # the agent: own handset, office hours, customers call back
            at = T0 + timedelta(days=day, minutes=6 * k)
            customer = f"+7747{day:01d}{k:06d}"
            add(at, "+77009990000", customer, "radio", CENTRE_IMSI, "353000110000090",
                "401-02-2000-1")  # fmt: skip
            if k % 10 == 0:
                add(at + timedelta(hours=1), customer, "+77009990000", "domestic", None, None, None)
        for k in range(30):  # the roamer calls home from abroad: international ingress
            at = T0 + timedelta(days=day, minutes=20 * k)
            add(at, ROAMER, f"+7701555{k % 5:04d}", "international", None, None, None)
    return rows


def _table(rows: list[tuple[object, ...]]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in COLUMNS]
    schema = pa.schema([
        ("call_id", pa.string()), ("ts", pa.timestamp("us", tz="UTC")), ("caller", pa.string()),
        ("callee", pa.string()), ("ingress", pa.string()), ("imsi", pa.string()),
        ("imei", pa.string()), ("cell_id", pa.string()), ("answered", pa.bool_()),
        ("duration_s", pa.int64()),
    ])  # fmt: skip
    return pa.Table.from_arrays([pa.array(c, t.type) for c, t in zip(columns, schema, strict=True)],
                                schema=schema)  # fmt: skip


def _run(rows: list[tuple[object, ...]], window: str = "week") -> SimBoxRun:
    db = connect()
    db.register("given", _table(rows))
    db.execute("create table calls as select * from given")
    db.unregister("given")
    run = SimBoxRun(db, window)
    run.score()
    return run


def test_box_sims_are_flagged_with_counts_and_window_and_grouped_into_one_box() -> None:
    findings = {f.imsi: f for f in _run(_calls()).findings()}
    assert set(findings) == set(BOX_IMSIS)
    assert len({f.box for f in findings.values()}) == 1
    first = findings[BOX_IMSIS[0]]
    assert first.reasons[0] == "SIMBOX_SHARED_IMEI"
    evidence = dict(next(s for s in first.signals if s.code == "SIMBOX_SHARED_IMEI").evidence)
    assert evidence["imsis_per_imei"] == "3"
    assert evidence["out_calls"] == "120"
    assert evidence["window"] == "week"
    assert all(code in REASONS for f in findings.values() for code in f.reasons)


def test_call_centre_agent_and_roaming_subscriber_are_not_flagged() -> None:
    run = _run(_calls())
    flagged = {f.imsi for f in run.findings()}
    assert CENTRE_IMSI not in flagged
    score, _, signals = run.scores[CENTRE_IMSI]
    assert score < run.threshold
    assert "SIMBOX_SHARED_IMEI" not in {s.code for s in signals}
    assert all(f.msisdn != ROAMER for f in run.findings())


def test_a_window_too_short_to_judge_raises_nothing() -> None:
    rows = [r for r in _calls() if r[5] == BOX_IMSIS[0]][:10]
    run = _run(rows)
    assert run.scores[BOX_IMSIS[0]][2] == ()
    assert run.findings() == []


def test_features_are_what_they_say() -> None:
    db = connect()
    db.register("calls", _table(_calls()))
    rows = {r["imsi"]: r for r in db.sql(feature_sql("all")).to_arrow_table().to_pylist()}
    box, centre = rows[BOX_IMSIS[0]], rows[CENTRE_IMSI]
    assert box["out_calls"] == 120
    assert box["distinct_callees"] == 120
    assert box["in_calls"] == 0
    assert box["reciprocity"] == 0.0
    assert box["imsis_per_imei"] == 3
    assert box["distinct_imeis"] == 2
    assert box["out_answered_share"] == 0.5
    assert centre["in_calls"] == 18
    assert centre["reciprocity"] == pytest.approx(18 / 180)
    assert centre["imsis_per_imei"] == 1
    assert centre["distinct_cells"] == 1


def test_boxes_are_connected_components_whatever_the_order() -> None:
    links = [("a", "b"), ("c", "d"), ("b", "c"), ("x", "unflagged")]
    one = group_boxes(["a", "b", "c", "d", "x"], links)
    two = group_boxes(["x", "d", "c", "b", "a"], list(reversed(links)))
    assert one == two
    assert len({one[k] for k in "abcd"}) == 1
    assert one["x"] != one["a"]


def test_findings_in_the_registry_make_call_screening_flag_that_sim() -> None:
    registry = InMemoryIndicators()
    assert to_registry(_run(_calls()).findings(), registry) == 3
    hit = registry.lookup(IndicatorKind.IMSI, BOX_IMSIS[1])
    assert hit is not None
    assert "simbox_finder" in hit.sources
    call = CallRecord("c1", T0, "+77000000001", "+77051234567", Ingress.RADIO,
                      BOX_IMSIS[1], None, None, True, 30)  # fmt: skip
    decision = CallScreener(indicators=registry).screen(call).decision
    assert decision.action is not Action.ALLOW
    assert "SIM_FLAGGED" in decision.reasons


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=4, unique=True))
def test_batches_fed_incrementally_score_as_the_whole_file_does(cuts: list[int]) -> None:
    rows = sorted(_calls(), key=lambda r: (r[1], r[0]))
    whole = _run(rows)
    db = connect()
    db.register("empty", _table([]))
    db.execute("create table calls as select * from empty")
    db.unregister("empty")
    run = SimBoxRun(db, "week")
    edges = [0, *sorted(c * len(rows) // 401 for c in cuts), len(rows)]
    for lo, hi in itertools.pairwise(edges):
        if hi > lo:
            run.add(_table(rows[lo:hi]))
    assert {k: v[0] for k, v in run.scores.items()} == {k: v[0] for k, v in whole.scores.items()}
    assert [(f.imsi, f.box) for f in run.findings()] == [(f.imsi, f.box) for f in whole.findings()]


def test_model_round_trips_and_scores_in_unit_interval(tmp_path: Path) -> None:
    run = _run(_calls(), "day")
    features = run.features()
    imsis = features.column("imsi").to_pylist()
    extra = pa.concat_tables([features] * 4)  # enough rows for grouped folds
    labels = [i in BOX_IMSIS for i in imsis] * 4
    groups = [f"{i}:{k}" for k in range(4) for i in imsis]
    model = train(extra, labels, groups, "day", folds=2)
    scores = model.score(features)
    assert ((scores >= 0) & (scores <= 1)).all()
    model.save(tmp_path / "m.json")
    again = SimBoxModel.load(tmp_path / "m.json")
    assert np.allclose(again.score(features), scores)
    (tmp_path / "bad.json").write_text('{"format": "other"}')
    with pytest.raises(InvalidInput):
        SimBoxModel.load(tmp_path / "bad.json")
    assert len(FEATURES) == features.num_columns - 5


_FEATURE_ROW = st.fixed_dictionaries(
    {
        "out_calls": st.integers(0, 80),
        "imsis_per_imei": st.integers(0, 12),
        "distinct_callees": st.integers(0, 60),
        "reciprocity": st.sampled_from([0.0, 0.005, 0.01, 0.02, 0.5]),
        "in_out_ratio": st.sampled_from([0.0, 0.05, 0.06, 1.0]),
        "in_calls": st.integers(0, 5),
        "repeat_callee_share": st.sampled_from([0.0, 0.1, 0.11, 0.9]),
        "distinct_cells": st.integers(0, 5),
        "top_cell_share": st.sampled_from([0.0, 0.49, 0.5, 1.0]),
        "calls_per_active_hour": st.sampled_from([0.5, 1.99, 2.0, 9.0]),
        "sms_out": st.integers(0, 2),
        "sms_in": st.integers(0, 2),
    }
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(_FEATURE_ROW, min_size=1, max_size=30), with_sms=st.booleans())
def test_column_rule_scores_equal_the_per_row_rules(
    rows: list[dict[str, float]], with_sms: bool
) -> None:
    rules = SimBoxRules()
    start = datetime(2026, 3, 2, tzinfo=UTC)
    full = [
        {**row, "imsi": f"40101{i % 7:010d}", "msisdn": f"7701{i % 7:07d}", "window_start": start}
        for i, row in enumerate(rows)
    ]
    table = pa.Table.from_pylist(full)
    per_row = [rule_score(rule_signals(row, rules, "week", with_sms), rules) for row in full]
    assert rule_scores(table, rules, with_sms).tolist() == pytest.approx(per_row, abs=1e-6)
    best = score_sims(table, rules, "week", with_sms)
    for imsi, (score, _, signals) in best.items():
        mine = [s for row, s in zip(full, per_row, strict=True) if row["imsi"] == imsi]
        assert score == pytest.approx(max(mine), abs=1e-6)
        assert (score > 0) == bool(signals)


def test_scoring_in_partitions_gives_the_scores_of_one_pass() -> None:
    whole = _run(_calls())
    parts = _run(_calls())
    parts.score(partitions=3)
    assert parts.scores == whole.scores
    assert whole.scores  # the fixture has SIMs to score
