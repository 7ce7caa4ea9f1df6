"""The dropper finder on hand-made money: a ring found with the transfers that show it, and the
hard negatives — a marketplace, one that sweeps its takings daily, a student, an employer and
its staff — left alone."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.banking.dropper_graph import MAX_HOPS, Edges, victim_reach
from qorgan.banking.droppers import (
    DropperFinding,
    DropperRules,
    rule_scores,
    to_registry,
)
from qorgan.banking.payments import PaymentScorer
from qorgan.core.feeds import ACCOUNTS, TRANSFERS, arrow_schema
from qorgan.core.ports import IndicatorKind, IndicatorStatus, InMemoryIndicators
from qorgan.core.records import TransferRecord
from qorgan.store.droppers import DropperRun
from qorgan.store.simboxes import connect

START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday


def iban(n: int, bank: str = "722") -> str:
    """A valid KZ IBAN for account number ``n``."""
    bban = f"{bank}{n:013d}"
    digits = "".join(str(int(ch, 36)) for ch in bban + "KZ00")
    return f"KZ{98 - int(digits) % 97:02d}{bban}"


MULE, NEXT, MARKET, SWEEPER, SETTLEMENT, STUDENT, EMPLOYER = (iban(i) for i in range(1, 8))
VICTIMS = [iban(100 + i) for i in range(5)]
CUSTOMERS = [iban(10_000 + i) for i in range(3_000)]
RELATIVES = [iban(20_000 + i) for i in range(12)]
STAFF = [iban(30_000 + i) for i in range(40)]


class Book:
    """Transfers as the contract has them, numbered in the order they are made."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []

    def pay(self, at: datetime, src: str, dst: str, amount: float, device: str | None = None,
            channel: str = "app") -> str:  # fmt: skip
        tid = f"T{len(self.rows):06d}"
        self.rows.append({
            "transfer_id": tid, "ts": at, "from_account": src, "to_account": dst,
            "amount": Decimal(f"{amount:.2f}"), "currency": "KZT", "channel": channel,
            "device_id": device, "ip": None,
        })  # fmt: skip
        return tid

    def table(self) -> pa.Table:
        return pa.Table.from_pylist(self.rows, schema=arrow_schema(TRANSFERS))


def country() -> tuple[Book, dict[str, list[str]]]:
    """One week: a two-layer ring, a marketplace, one that sweeps its takings to settlement
    every hour, a student supported by relatives, and a payroll."""
    rng = random.Random(7)
    book = Book()
    ids: dict[str, list[str]] = {"victims": [], "mule_out": [], "next_out": []}
    for i, victim in enumerate(VICTIMS):  # victims pay the mule; it forwards within minutes
        at = START + timedelta(days=i % 3, hours=9 + i)
        ids["victims"].append(book.pay(at, victim, MULE, 300_000 + 50_000 * i, f"dev-v{i}"))
        ids["mule_out"].append(book.pay(at + timedelta(minutes=15), MULE, NEXT,
                                        (300_000 + 50_000 * i) * 0.95, "dev-ring"))  # fmt: skip
        ids["next_out"].append(book.pay(at + timedelta(minutes=40), NEXT, "CRYPTO:binance",
                                        (300_000 + 50_000 * i) * 0.9, "dev-ring",
                                        "p2p_crypto"))  # fmt: skip
    for customer in CUSTOMERS:  # thousands of strangers buy at both marketplaces
        at = START + timedelta(minutes=rng.randrange(7 * 24 * 60))
        book.pay(at, customer, MARKET, rng.randrange(2_000, 40_000), channel="card")
        at = START + timedelta(minutes=rng.randrange(7 * 24 * 60))
        book.pay(at, customer, SWEEPER, rng.randrange(2_000, 40_000), channel="card")
    sales = sorted((r["ts"], float(str(r["amount"]))) for r in book.rows
                   if r["to_account"] == SWEEPER)  # fmt: skip
    for hour in range(7 * 24):  # the sweeper moves each hour's takings to settlement
        end = START + timedelta(hours=hour + 1)
        takings = sum(a for t, a in sales if end - timedelta(hours=1) <= t < end)  # type: ignore[operator]
        if takings:
            book.pay(end, SWEEPER, SETTLEMENT, takings, channel="web")
    for i, relative in enumerate(RELATIVES):  # relatives support a student, who spends slowly
        at = START + timedelta(hours=8 + 13 * i)
        book.pay(at, relative, STUDENT, 5_000 + 2_500 * i, f"dev-r{i}")
        book.pay(at + timedelta(hours=30), STUDENT, MARKET, 3_000 + 1_000 * (i % 4), "dev-s")
    for i, person in enumerate(STAFF):  # payroll on Friday; staff spend a part over the weekend
        book.pay(START + timedelta(days=4, hours=5), EMPLOYER, person, 350_000, channel="web")
        book.pay(START + timedelta(days=5, hours=3 + i % 10), person, MARKET, 40_000, f"dev-p{i}")
    return book, ids


def accounts_table() -> pa.Table:
    opened = {MULE: START - timedelta(days=6), NEXT: START - timedelta(days=9)}
    everyone = [MULE, NEXT, MARKET, SWEEPER, SETTLEMENT, STUDENT, EMPLOYER, *VICTIMS,
                *RELATIVES, *STAFF]  # fmt: skip
    business = {MARKET, SWEEPER, SETTLEMENT, EMPLOYER}
    return pa.Table.from_pylist(
        [{"account": a, "bank": "halyk", "holder": f"P{i:06d}", "holder_phone": None,
          "opened_at": opened.get(a, START - timedelta(days=900)),
          "kind": "business" if a in business else "personal"}
         for i, a in enumerate(everyone)],
        schema=arrow_schema(ACCOUNTS),
    )  # fmt: skip


def run_over(book: Book, with_accounts: bool, reported: list[str] | None = None) -> DropperRun:
    db = connect()
    db.register("incoming", book.table())
    db.execute("create table transfers as select * from incoming")
    if with_accounts:
        db.register("opened", accounts_table())
        db.execute("create table accounts as select * from opened")
    if reported is not None:
        db.execute(
            "create table reports as select 'R1' as report_id, ? as victim_account, "
            "cast(? as varchar[]) as transfer_ids",
            [VICTIMS[0], reported],
        )
    return DropperRun(db, "week", with_accounts, reported is not None)


@pytest.fixture(scope="module")
def made() -> tuple[Book, dict[str, list[str]]]:
    return country()


@pytest.mark.parametrize("with_accounts", [True, False])
def test_the_mule_is_found_with_the_transfers_that_make_it_suspicious(
    made: tuple[Book, dict[str, list[str]]], with_accounts: bool
) -> None:
    book, ids = made
    found = {f.account: f for f in run_over(book, with_accounts).findings()}
    mule = found[MULE]
    assert {"DROP_PASS_THROUGH", "DROP_FAST_FORWARD"} <= set(mule.reasons)
    # The largest victims' payments in and the largest forwards out, by id.
    assert set(mule.transfers) == set(ids["victims"][-3:]) | set(ids["mule_out"][-3:])
    evidence = dict(next(s for s in mule.signals if s.code == "DROP_PASS_THROUGH").evidence)
    assert float(evidence["passthrough_24h"]) == pytest.approx(0.95)
    assert evidence["stranger_payers"] == "5"
    assert NEXT in found
    assert "DROP_CASH_OUT" in found[NEXT].reasons
    if with_accounts:
        assert "DROP_NEW_ACCOUNT" in mule.reasons


@pytest.mark.parametrize("with_accounts", [True, False])
def test_merchants_students_and_payroll_are_not_flagged(
    made: tuple[Book, dict[str, list[str]]], with_accounts: bool
) -> None:
    book, _ = made
    run = run_over(book, with_accounts)
    features = run.features()
    flagged = {f.account for f in run.findings(features)}
    assert flagged == {MULE, NEXT}
    market = features.filter(pa.compute.equal(features.column("account"), MARKET))
    assert market.column("payers")[0].as_py() > 2_000  # thousands of distinct customers
    sweeper = features.filter(pa.compute.equal(features.column("account"), SWEEPER))
    assert sweeper.column("passthrough_24h")[0].as_py() > 0.9  # it does pass everything on


def test_a_reported_payment_marks_its_payee_and_the_next_layer(
    made: tuple[Book, dict[str, list[str]]],
) -> None:
    book, ids = made
    features = run_over(book, False, reported=ids["victims"][:1]).features()
    reach = dict(zip(features.column("account").to_pylist(),
                     features.column("victim_reach").to_pylist(), strict=True))  # fmt: skip
    assert reach[MULE] == 1.0
    assert reach[NEXT] == 0.5
    assert reach[MARKET] == 0.0
    assert reach[VICTIMS[0]] == 0.0


def test_findings_reach_payment_scoring_through_the_registry() -> None:
    registry = InMemoryIndicators()
    finding = DropperFinding(MULE, 0.93, START.isoformat(), ())
    assert to_registry([finding], registry) == 1
    hit = registry.lookup(IndicatorKind.IBAN, MULE)
    assert hit is not None
    assert hit.status is IndicatorStatus.SUSPECTED
    scorer = PaymentScorer(indicators=registry)
    payment = TransferRecord("P1", START, VICTIMS[0], MULE, Decimal("250000"), "KZT", "app",
                             "dev-v0", None)  # fmt: skip
    decision = scorer.decide(payment)
    assert "PAYEE_SUSPECTED" in decision.reasons


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(1, 500),
                          st.integers(0, 3 * 86_400)), min_size=1, max_size=40))  # fmt: skip
def test_features_do_not_depend_on_the_order_rows_arrive_in(
    moves: list[tuple[int, int, int, int]],
) -> None:
    book = Book()
    for src, dst, amount, at in moves:
        book.pay(START + timedelta(seconds=at), iban(src), iban(dst) if dst != src else "CASH",
                 amount * 100.0)  # fmt: skip
    shuffled = Book()
    shuffled.rows = random.Random(len(moves)).sample(book.rows, len(book.rows))
    one, two = (run_over(b, False).base_features() for b in (book, shuffled))
    assert one.equals(two)
    for name in ("passthrough_1h", "passthrough_24h", "stranger_share", "top_payer_share"):
        values = np.asarray(one.column(name).to_numpy(zero_copy_only=False), dtype=float)
        assert ((values >= 0) & (values <= 1)).all()
    scores = rule_scores(one, DropperRules(), graph=False)
    assert ((scores >= 0) & (scores <= 1)).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), st.integers(0, 400_000)),
                min_size=1, max_size=60), st.integers(0, 9), st.integers(0, 400_000))  # fmt: skip
def test_money_is_followed_forward_in_time_only(
    raw: list[tuple[int, int, int]], start: int, reported_at: int
) -> None:
    """Every account reached at hop h > 1 was paid by an account at hop h - 1, and that
    pair's transfers do not all predate the moment the money could have reached the payer."""
    raw = [(a, b, t) for a, b, t in raw if a != b]
    pairs: dict[tuple[int, int], list[int]] = {}
    for a, b, t in raw:
        pairs.setdefault((a, b), []).append(t)
    keys = sorted(pairs)
    edges = Edges.of(
        10, np.asarray([a for a, _ in keys], dtype=np.int64),
        np.asarray([b for _, b in keys], dtype=np.int64), np.ones(len(keys)),
        np.asarray([min(pairs[k]) for k in keys], dtype=np.float64),
        np.asarray([max(pairs[k]) for k in keys], dtype=np.float64),
    )  # fmt: skip
    reach = victim_reach(edges, [(start, float(reported_at))])
    hops = np.where(reach > 0, np.round(1 / np.where(reach > 0, reach, 1)), 0).astype(int)
    assert hops[start] == 1
    assert hops.max() <= MAX_HOPS
    earliest = {start: reported_at}  # the earliest the money can be at each reached account
    for hop in range(2, MAX_HOPS + 1):
        for node in np.flatnonzero(hops == hop).tolist():
            payers = [a for (a, b) in keys if b == node and a in earliest
                      and hops[a] == hop - 1 and max(pairs[(a, b)]) >= earliest[a]]  # fmt: skip
            assert payers, f"account {node} at hop {hop}: no payer paid it after money arrived"
            earliest[node] = min(max(earliest[a], min(pairs[(a, node)])) for a in payers)


def test_pass_through_is_timed_and_self_transfers_are_left_out() -> None:
    book = Book()
    book.pay(START, VICTIMS[0], MULE, 10_000)
    book.pay(START + timedelta(hours=3), MULE, NEXT, 5_000)  # three hours later: within the day
    book.pay(START + timedelta(days=1), VICTIMS[1], MULE, 10_000)
    book.pay(START + timedelta(days=1, minutes=10), MULE, NEXT, 10_000)  # within the hour
    book.pay(START + timedelta(days=1, minutes=30), NEXT, NEXT, 50_000)  # to itself
    table = run_over(book, False).base_features()
    rows = {r["account"]: r for r in table.to_pylist()}
    assert rows[MULE]["passthrough_1h"] == pytest.approx(0.5)
    assert rows[MULE]["passthrough_24h"] == pytest.approx(0.75)
    assert rows[MULE]["forward_delay_min"] == pytest.approx((180 + 10) / 2)
    assert rows[NEXT]["in_value"] == pytest.approx(15_000)
    assert rows[NEXT]["stranger_payers"] == 1
    assert rows[NEXT]["out_n"] == 0


def test_reasons_are_documented() -> None:
    from qorgan.banking.droppers import REASONS

    made_book, _ = country()
    found = run_over(made_book, True).findings()
    assert {code for f in found for code in f.reasons} <= set(REASONS)


def test_an_empty_feed_finds_nothing() -> None:
    db = connect()
    db.register("none", pa.Table.from_pylist([], schema=arrow_schema(TRANSFERS)))
    db.execute("create table transfers as select * from none")
    assert DropperRun(db).findings() == []
