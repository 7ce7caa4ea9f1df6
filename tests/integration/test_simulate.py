"""The simulator end to end: determinism, contracts, and truth consistent with the feeds."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from qorgan.core.feeds import FEEDS
from qorgan.core.readers import read_all, read_feed
from qorgan.core.rejects import RejectSink
from qorgan.sim.world import simulate

pytestmark = pytest.mark.slow
FEED_FILES = {
    "calls": "calls.parquet",
    "sms": "sms.parquet",
    "roaming": "roaming.parquet",
    "accounts": "accounts.parquet",
    "transfers": "transfers.parquet",
    "reports": "reports.parquet",
    "token_transfers": "token_transfers.parquet",
    "tags": "tags.parquet",
    "texts": "texts.jsonl",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    simulate(out, seed=11, scale="small")
    return out


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_every_contract_feed_is_written(world: Path) -> None:
    assert set(FEED_FILES) == set(FEEDS)
    for name in FEED_FILES.values():
        assert (world / name).stat().st_size > 0, name


def test_same_seed_gives_byte_identical_files(world: Path, tmp_path: Path) -> None:
    simulate(tmp_path, seed=11, scale="small")
    assert _digest(tmp_path) == _digest(world)


def test_another_seed_gives_another_world(world: Path, tmp_path: Path) -> None:
    simulate(tmp_path, seed=12, scale="small")
    assert _digest(tmp_path)["calls.parquet"] != _digest(world)["calls.parquet"]


def test_every_simbox_sim_in_truth_places_the_calls_it_claims(world: Path) -> None:
    mismatched = duckdb.execute(
        f"""select count(*) from '{world}/truth/simbox_sims.parquet' s
            left join (select imsi, count(*) as placed from '{world}/calls.parquet' group by imsi) c
            using (imsi) where coalesce(c.placed, 0) <> s.calls or s.calls = 0"""
    ).fetchone()
    assert mismatched == (0,)


def test_simbox_calls_in_truth_come_from_simbox_sims(world: Path) -> None:
    stray = duckdb.execute(
        f"""select count(*) from '{world}/truth/calls.parquet' t
            join '{world}/calls.parquet' c using (call_id)
            where t.kind = 'fraud_simbox'
              and c.imsi not in (select imsi from '{world}/truth/simbox_sims.parquet')"""
    ).fetchone()
    assert stray == (0,)


def test_holdings_add_up_to_each_reported_loss(world: Path) -> None:
    rows = duckdb.execute(
        f"""with loss as (
              select r.report_id, sum(t.amount) as lost
              from '{world}/reports.parquet' r, unnest(r.transfer_ids) as u(id)
              join '{world}/transfers.parquet' t on t.transfer_id = u.id
              group by r.report_id),
            held as (select report_id, sum(amount) as held from '{world}/truth/holdings.parquet'
                     group by report_id)
            select loss.report_id, lost, held from loss left join held using (report_id)"""
    ).fetchall()
    assert rows, "a small world has reports"
    for report_id, lost, held in rows:
        assert held == lost, report_id


def test_reported_transfers_start_at_the_victims_account(world: Path) -> None:
    wrong = duckdb.execute(
        f"""select count(*) from '{world}/reports.parquet' r, unnest(r.transfer_ids) as u(id)
            join '{world}/transfers.parquet' t on t.transfer_id = u.id
            where t.from_account <> r.victim_account"""
    ).fetchone()
    assert wrong == (0,)


def test_fraud_flows_carry_no_more_than_each_transfer(world: Path) -> None:
    over = duckdb.execute(
        f"""select count(*) from (
              select f.transfer_id, sum(f.amount) as carried, any_value(t.amount) as amount
              from '{world}/truth/fraud_flows.parquet' f
              join '{world}/transfers.parquet' t using (transfer_id) group by f.transfer_id)
            where carried > amount"""
    ).fetchone()
    assert over == (0,)


def test_victim_money_never_leaves_an_account_before_it_arrived(world: Path) -> None:
    """Per victim and account, the money carried out by any moment never exceeds what came
    in by then: droppers pass on only what they already hold."""
    early = duckdb.execute(
        f"""with moves as (
              select f.victim, t.to_account as account, t.ts, f.amount as delta, 0 as side
              from '{world}/truth/fraud_flows.parquet' f
              join '{world}/transfers.parquet' t using (transfer_id)
              union all
              select f.victim, t.from_account, t.ts, -f.amount, 1
              from '{world}/truth/fraud_flows.parquet' f
              join '{world}/transfers.parquet' t using (transfer_id)
              where t.from_account not in (
                  select victim_account from '{world}/reports.parquet')
                and t.from_account in (select account from '{world}/truth/droppers.parquet')
            ),
            running as (
              select sum(delta) over (partition by victim, account order by ts, side
                                      rows unbounded preceding) as held
              from moves
            )
            select count(*) from running where held < 0"""
    ).fetchone()
    assert early == (0,)


def test_droppers_in_truth_receive_victim_money(world: Path) -> None:
    first = duckdb.execute(
        f"""select count(*) from '{world}/truth/droppers.parquet' d where layer = 1 and exists
            (select 1 from '{world}/transfers.parquet' t where t.to_account = d.account)"""
    ).fetchone()
    assert first is not None
    assert first[0] > 0


def test_roaming_calls_home_are_international_with_kazakh_cli(world: Path) -> None:
    kinds = duckdb.execute(
        f"""select distinct c.ingress, c.caller like '+77%' from '{world}/truth/calls.parquet' t
            join '{world}/calls.parquet' c using (call_id) where t.kind = 'roaming_home'"""
    ).fetchall()
    assert kinds == [("international", True)]


def test_shifted_profile_changes_the_world(tmp_path: Path) -> None:
    simulate(tmp_path / "a", seed=3, scale="small")
    simulate(tmp_path / "b", seed=3, scale="small", profile="shifted")
    a = json.loads((tmp_path / "a/truth/world.json").read_text())
    b = json.loads((tmp_path / "b/truth/world.json").read_text())
    assert a["params"]["simbox"] != b["params"]["simbox"]
    assert a["rows"]["calls"] != b["rows"]["calls"]


def test_amounts_are_decimal_tenge(world: Path) -> None:
    amount = duckdb.execute(f"select amount from '{world}/transfers.parquet' limit 1").fetchone()
    assert amount is not None
    assert isinstance(amount[0], Decimal)


def _read_every_feed(world: Path, files: dict[str, str]) -> dict[str, tuple[int, int, int]]:
    counts = {}
    for feed, name in files.items():
        sink = RejectSink()
        accepted = sum(len(b) for b in read_feed(world / name, feed, rejects=sink))
        stats = sink.summary()
        counts[feed] = (accepted, stats.rejected, stats.duplicates)
    return counts


def test_the_readers_accept_every_simulated_record(world: Path) -> None:
    manifest = json.loads((world / "truth" / "world.json").read_text())
    for feed, (accepted, rejected, duplicates) in _read_every_feed(world, FEED_FILES).items():
        assert (rejected, duplicates) == (0, 0), feed
        assert accepted == manifest["rows"][feed], feed


def test_the_csv_world_reads_back_to_the_same_records(world: Path, tmp_path: Path) -> None:
    simulate(tmp_path, seed=11, scale="small", fmt="csv")
    csv_files = {f: n.replace(".parquet", ".csv") for f, n in FEED_FILES.items()}
    for feed in ("calls", "transfers", "reports", "accounts", "roaming"):
        as_csv, _ = read_all(tmp_path / csv_files[feed], feed)
        as_parquet, _ = read_all(world / FEED_FILES[feed], feed)
        assert as_csv == as_parquet, feed
