"""Invariants of a fund trace over random small histories, under every rule.

Money is conserved to the tiyn, never flows backwards in time, never grows on a hop, and the
same history gives the same trace whatever the order of its rows.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.sim.ids import kz_iban
from qorgan.tracing import ReportSeed, Rule, Trace, TraceLimits, TransferIndex, trace_report

T0 = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
VICTIM = kz_iban("125", 1)
MULES = [kz_iban("722", 2), kz_iban("601", 3), kz_iban("722", 4), kz_iban("125", 5)]
ENDS = [VICTIM, *MULES, "CASH", "CRYPTO:binance"]
PAYERS = [VICTIM, *MULES, "CASH"]  # CASH as a payer: a deposit
SCHEMA = pa.schema(
    [
        ("transfer_id", pa.string()),
        ("ts", pa.timestamp("us", tz="UTC")),
        ("from_account", pa.string()),
        ("to_account", pa.string()),
        ("amount", pa.decimal128(20, 2)),
    ]
)


@dataclass(frozen=True)
class World:
    rows: list[dict[str, object]]
    report: ReportSeed
    rule: Rule
    limits: TraceLimits
    business: tuple[str, ...] = ()  # accounts that are businesses': own money, own spending

    def index(self, rows: list[dict[str, object]] | None = None) -> TransferIndex:
        table = pa.Table.from_pylist(rows or self.rows, schema=SCHEMA)
        return TransferIndex.build(table, pa.array(list(self.business), pa.string()))

    def trace(self, rows: list[dict[str, object]] | None = None) -> Trace:
        return trace_report(self.index(rows), self.report, self.rule, None, self.limits)

    def amount(self, transfer_id: str) -> int:
        row = next(r for r in self.rows if r["transfer_id"] == transfer_id)
        return int(Decimal(str(row["amount"])) * 100)

    def found(self) -> list[str]:
        ids = {r["transfer_id"] for r in self.rows}
        return [t for t in dict.fromkeys(self.report.transfer_ids) if t in ids]


@st.composite
def worlds(draw: st.DrawFn, distinct_times: bool = False) -> World:
    n = draw(st.integers(1, 16))
    if distinct_times:
        minutes = draw(st.lists(st.integers(0, 600), min_size=n, max_size=n, unique=True))
    else:
        minutes = draw(st.lists(st.integers(0, 60), min_size=n, max_size=n))  # ties too
    rows: list[dict[str, object]] = []
    millis = draw(st.sampled_from([0, 1, 123, 999]))
    early = sorted(minutes)[n // 3]
    for i, minute in enumerate(minutes):
        # The victim pays mostly early, so that most worlds have money to follow a while.
        victim_pays = minute <= early and draw(st.integers(0, 3)) > 0
        src = VICTIM if victim_pays else draw(st.sampled_from(PAYERS))
        dst = draw(st.sampled_from([e for e in [*ENDS, *MULES] if e != src]))
        tiyn = draw(st.integers(1, 2_000_00) | st.integers(1, 200))
        rows.append(
            {"transfer_id": f"T{i}", "ts": T0 + timedelta(minutes=minute, milliseconds=millis),
             "from_account": src, "to_account": dst, "amount": Decimal(tiyn) / 100}
        )  # fmt: skip
    paid = [str(r["transfer_id"]) for r in rows if r["from_account"] == VICTIM]
    reported = draw(
        st.lists(st.sampled_from(paid), min_size=1, max_size=4) if paid else st.just([])
    )
    if draw(st.booleans()) or not reported:
        reported.append("T-missing")
    report_at = T0 + timedelta(minutes=draw(st.integers(0, 620)), milliseconds=millis)
    limits = TraceLimits(
        max_depth=draw(st.sampled_from([1, 2, 12, 12])),
        min_piece=draw(st.sampled_from([1, 100, 100_00])),
        max_accounts=draw(st.sampled_from([1, 3, 20_000, 20_000])),
    )
    report = ReportSeed("R1", report_at, VICTIM, tuple(reported))
    business = tuple(draw(st.lists(st.sampled_from(MULES), max_size=2, unique=True)))
    return World(rows, report, draw(st.sampled_from(list(Rule))), limits, business)


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_money_is_conserved_to_the_tiyn(world: World) -> None:
    result = world.trace()
    found = world.found()
    assert result.loss == sum(world.amount(t) for t in found)
    assert result.held + result.cashed_out + result.unresolved == result.loss
    assert set(result.missing_transfers) == set(world.report.transfer_ids) - set(found)
    assert result.unresolved >= 0


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_money_moves_only_forward_in_time_and_never_grows_on_a_hop(world: World) -> None:
    result = world.trace()
    found = world.found()
    if not found:
        assert result.hops == ()
        return
    seeds = [h for h in result.hops if h.transfer_id in found]
    assert {h.transfer_id for h in seeds} == set(found)
    first = min(h.ts for h in seeds)
    last_seed = max(h.ts for h in seeds)
    for hop in result.hops:
        assert hop.ts >= first
        assert hop.ts < result.as_of or hop.ts <= last_seed
        assert 0 < hop.amount <= hop.transfer_amount
        assert hop.transfer_amount == world.amount(hop.transfer_id)
        assert hop.rule is world.rule
    assert [h.ts for h in result.hops] == sorted(h.ts for h in result.hops)


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_an_account_holds_no_more_than_the_hops_brought_it(world: World) -> None:
    result = world.trace()
    received: dict[str, int] = defaultdict(int)
    for hop in result.hops:
        received[hop.to_account] += hop.amount
    assert all(h.amount > 0 for h in result.holdings)
    assert len({h.account for h in result.holdings}) == len(result.holdings)
    for holding in result.holdings:
        assert holding.account != VICTIM
        assert holding.amount <= received[holding.account]
    by_id = {h.transfer_id: h.amount for h in result.hops}
    for cash_out in result.cash_outs:
        assert cash_out.amount == by_id[cash_out.transfer_id]
        assert cash_out.destination in ("CASH", "CRYPTO:binance")
    assert [h.amount for h in result.holdings] == sorted(
        (h.amount for h in result.holdings), reverse=True
    )


@settings(max_examples=100, deadline=None)
@given(worlds(distinct_times=True), st.randoms(use_true_random=False))
def test_the_same_history_in_any_row_order_gives_the_same_trace(
    world: World, shuffler: random.Random
) -> None:
    first = world.trace()
    assert world.trace() == first
    rows = list(world.rows)
    shuffler.shuffle(rows)
    assert world.trace(rows) == first
