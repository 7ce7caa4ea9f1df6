"""A victim's money followed forward in time through hand-made histories, to the tiyn."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pyarrow as pa
import pytest

from qorgan.sim.ids import kz_iban
from qorgan.tracing import (
    CashOut,
    CashOutKind,
    Holding,
    Hop,
    ReportSeed,
    Rule,
    Trace,
    TraceLimits,
    TransferIndex,
    bank_resolver,
    trace_report,
)

T0 = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
VICTIM = kz_iban("125", 1)
M1, M2, M3 = kz_iban("722", 11), kz_iban("601", 12), kz_iban("722", 13)
OTHER, X = kz_iban("125", 21), kz_iban("601", 22)
EMPLOYER, SHOP = kz_iban("125", 31), kz_iban("601", 32)
BUSINESSES = (EMPLOYER, SHOP)
SCHEMA = pa.schema(
    [
        ("transfer_id", pa.string()),
        ("ts", pa.timestamp("us", tz="UTC")),
        ("from_account", pa.string()),
        ("to_account", pa.string()),
        ("amount", pa.decimal128(20, 2)),
    ]
)

DEFAULT_LIMITS = TraceLimits()

Row = tuple[str, int, str, str, str]
"""``(transfer_id, minutes after T0, from, to, tenge)``."""


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def history(rows: Sequence[Row]) -> TransferIndex:
    return TransferIndex.build(
        pa.Table.from_pylist(
            [
                {"transfer_id": t, "ts": at(m), "from_account": a, "to_account": b,
                 "amount": Decimal(amount)}
                for t, m, a, b, amount in rows
            ],
            schema=SCHEMA,
        ),
        pa.array(BUSINESSES),
    )  # fmt: skip


def trace(
    rows: Sequence[Row],
    reported: Sequence[str] = ("T1",),
    minutes: int = 24 * 60,
    rule: Rule = Rule.FIFO,
    limits: TraceLimits = DEFAULT_LIMITS,
) -> Trace:
    report = ReportSeed("R1", at(minutes), VICTIM, tuple(reported))
    return trace_report(history(rows), report, rule, bank_resolver(), limits)


def held(result: Trace) -> dict[str, int]:
    return {h.account: h.amount for h in result.holdings}


def carried(result: Trace) -> dict[str, int]:
    return {h.transfer_id: h.amount for h in result.hops}


def conserved(result: Trace) -> bool:
    return result.held + result.cashed_out + result.unresolved == result.loss


SPLIT: list[Row] = [
    ("T1", 0, VICTIM, M1, "500000.00"),
    ("T2", 5, M1, M2, "300000.00"),
    ("T3", 6, M1, M3, "200000.00"),
    ("T4", 20, M2, "CASH", "100000.00"),
    ("T5", 25, M3, "CRYPTO:binance", "200000.00"),
]


def test_a_split_to_two_banks_ends_in_cash_crypto_and_a_holding() -> None:
    result = trace(SPLIT)
    assert result.loss == 500_000_00
    assert result.holdings == (Holding(M2, "601", 200_000_00, at(5), 2),)
    assert result.cash_outs == (
        CashOut("T4", at(20), M2, "601", CashOutKind.ATM, "CASH", 100_000_00),
        CashOut("T5", at(25), M3, "722", CashOutKind.CRYPTO, "CRYPTO:binance", 200_000_00),
    )
    assert result.hops == (
        Hop("T1", at(0), VICTIM, M1, 500_000_00, 500_000_00, 1, Rule.FIFO),
        Hop("T2", at(5), M1, M2, 300_000_00, 300_000_00, 2, Rule.FIFO),
        Hop("T3", at(6), M1, M3, 200_000_00, 200_000_00, 2, Rule.FIFO),
        Hop("T4", at(20), M2, "CASH", 100_000_00, 100_000_00, 3, Rule.FIFO),
        Hop("T5", at(25), M3, "CRYPTO:binance", 200_000_00, 200_000_00, 3, Rule.FIFO),
    )
    assert result.unresolved == 0
    assert result.missing_transfers == ()
    assert (result.held, result.cashed_out) == (200_000_00, 300_000_00)


def test_banks_come_from_the_accounts_feed_when_it_names_them() -> None:
    banks = {M2: "Halyk", M3: "Kaspi"}
    report = ReportSeed("R1", at(60), VICTIM, ("T1",))
    result = trace_report(history(SPLIT), report, Rule.FIFO, bank_resolver(banks))
    assert [h.bank for h in result.holdings] == ["Halyk"]
    assert [c.bank for c in result.cash_outs] == ["Halyk", "Kaspi"]


def test_two_mules_forwarding_into_one_merge_the_money() -> None:
    rows: list[Row] = [
        ("T1", 0, VICTIM, M1, "300000.00"),
        ("T2", 1, VICTIM, M2, "200000.00"),
        ("T3", 10, OTHER, M3, "50000.00"),  # M3's own money, before the victim's reaches it
        ("T4", 20, M1, M3, "300000.00"),
        ("T5", 30, M2, M3, "150000.00"),
    ]
    result = trace(rows, ("T1", "T2"))
    assert result.loss == 500_000_00
    assert held(result) == {M3: 450_000_00, M2: 50_000_00}
    assert result.holdings[0] == Holding(M3, "722", 450_000_00, at(30), 2)
    assert carried(result) == {"T1": 300_000_00, "T2": 200_000_00, "T4": 300_000_00,
                               "T5": 150_000_00}  # fmt: skip
    assert conserved(result)


def test_a_transfer_out_before_the_money_arrived_carries_none_of_it() -> None:
    rows: list[Row] = [
        ("T0", 0, OTHER, M1, "100000.00"),
        ("T9", 5, M1, M2, "100000.00"),  # earlier than the victim's money
        ("T1", 10, VICTIM, M1, "100000.00"),
    ]
    result = trace(rows)
    assert carried(result) == {"T1": 100_000_00}
    assert held(result) == {M1: 100_000_00}
    assert all(h.ts >= at(10) for h in result.hops)


def test_a_mule_forwarding_more_than_it_received_sends_the_victims_money_not_its_savings() -> None:
    rows: list[Row] = [
        ("T0", 0, EMPLOYER, M1, "50000.00"),  # a salary: the holder's own money
        ("T1", 10, VICTIM, M1, "100000.00"),
        ("T2", 20, M1, M2, "120000.00"),
    ]
    result = trace(rows)
    assert carried(result) == {"T1": 100_000_00, "T2": 100_000_00}
    assert held(result) == {M2: 100_000_00}


@pytest.mark.parametrize("rule", list(Rule))
def test_a_mule_with_savings_holds_what_it_kept_of_the_victims_money_not_its_savings(
    rule: Rule,
) -> None:
    rows: list[Row] = [
        ("T0", 0, EMPLOYER, M1, "50000.00"),  # a salary: the holder's own money
        ("T1", 10, VICTIM, M1, "100000.00"),
        ("T2", 20, M1, M2, "60000.00"),
    ]
    result = trace(rows, rule=rule)
    # Under every rule the holder's own money moves last: 60,000 of the victim's money left,
    # 40,000 of it stays (the 50,000 of savings are not frozen in the victim's name).
    assert held(result) == {M2: 60_000_00, M1: 40_000_00}


def test_money_from_people_before_the_victims_leaves_first_under_fifo() -> None:
    rows: list[Row] = [
        ("T0", 0, OTHER, M1, "50000.00"),  # another payer's money, older (another victim's?)
        ("T1", 10, VICTIM, M1, "100000.00"),
        ("T2", 20, M1, M2, "60000.00"),
    ]
    # Clayton's rule between claimants: the older money goes first, so 10,000 of the
    # victim's money left and 90,000 stays.
    assert held(trace(rows)) == {M2: 10_000_00, M1: 90_000_00}
    assert held(trace(rows, rule=Rule.LIFO)) == {M2: 60_000_00, M1: 40_000_00}


def test_what_a_history_takes_below_zero_was_there_before_it() -> None:
    rows: list[Row] = [
        ("T0", 0, M1, X, "30000.00"),  # paid from a balance the history does not show
        ("T9", 5, OTHER, M1, "50000.00"),
        ("T1", 10, VICTIM, M1, "100000.00"),
        ("T2", 20, M1, M2, "60000.00"),
    ]
    assert held(trace(rows)) == {M2: 10_000_00, M1: 90_000_00}


def test_the_holders_purchases_are_paid_from_their_own_money_not_the_victims() -> None:
    rows: list[Row] = [
        ("T1", 10, VICTIM, M1, "100000.00"),
        ("T2", 20, M1, SHOP, "30000.00"),  # a card payment: the holder's own spending
        ("T3", 30, M1, M2, "50000.00"),
    ]
    result = trace(rows)
    assert "T2" not in carried(result)
    assert held(result) == {M1: 50_000_00, M2: 50_000_00}


def test_a_transfer_keeps_the_order_of_the_money_it_carries() -> None:
    rows: list[Row] = [
        ("T0", 0, OTHER, M1, "40000.00"),
        ("T1", 10, VICTIM, M1, "100000.00"),
        ("T2", 20, M1, M2, "140000.00"),  # the older 40,000 first, then the victim's
        ("T3", 30, M2, M3, "40000.00"),
    ]
    result = trace(rows)
    # At M2 the other money is still the older: FIFO sends it on first.
    assert "T3" not in carried(result)
    assert held(result) == {M2: 100_000_00}


def test_transfers_after_the_report_are_not_followed() -> None:
    rows: list[Row] = [
        ("T1", 0, VICTIM, M1, "100000.00"),
        ("T2", 30, M1, M2, "40000.00"),
        ("T3", 60, M1, M3, "60000.00"),  # exactly at the report's time: after it
        ("T4", 90, M2, "CASH", "40000.00"),
    ]
    result = trace(rows, minutes=60)
    assert carried(result) == {"T1": 100_000_00, "T2": 40_000_00}
    assert held(result) == {M1: 60_000_00, M2: 40_000_00}
    assert result.cash_outs == ()
    assert result.as_of == at(60)


def test_a_report_filed_before_its_own_transfer_still_traces_that_transfer() -> None:
    rows: list[Row] = [("T1", 30, VICTIM, M1, "100000.00"), ("T2", 40, M1, M2, "100000.00")]
    result = trace(rows, minutes=10)
    assert carried(result) == {"T1": 100_000_00}
    assert held(result) == {M1: 100_000_00}


def test_a_reported_transfer_missing_from_the_history_is_listed_and_not_counted() -> None:
    result = trace(SPLIT, ("T1", "T404", "T1"))
    assert result.missing_transfers == ("T404",)
    assert result.loss == 500_000_00  # T1 once, T404 not at all
    assert conserved(result)


def test_a_report_whose_transfers_are_all_missing_traces_nothing() -> None:
    result = trace(SPLIT, ("T404",))
    assert (result.loss, result.holdings, result.hops, result.unresolved) == (0, (), (), 0)
    assert result.missing_transfers == ("T404",)


def test_money_sent_back_to_the_victim_is_unresolved_not_held() -> None:
    rows: list[Row] = [
        ("T1", 0, VICTIM, M1, "100000.00"),
        ("T2", 10, M1, VICTIM, "30000.00"),
        ("T3", 20, M1, M2, "70000.00"),
    ]
    result = trace(rows)
    assert result.unresolved == 30_000_00
    assert held(result) == {M2: 70_000_00}
    assert VICTIM not in held(result)
    assert conserved(result)


def test_a_piece_smaller_than_min_piece_is_unresolved_dust() -> None:
    rows: list[Row] = [
        ("T1", 0, VICTIM, M1, "100000.00"),
        ("T2", 10, M1, M2, "99.99"),
        ("T3", 20, M1, M3, "100.00"),
    ]
    result = trace(rows)
    assert result.unresolved == 99_99
    assert held(result) == {M1: 99_800_01, M3: 100_00}
    assert conserved(result)


def test_money_past_max_depth_is_unresolved() -> None:
    rows: list[Row] = [
        ("T1", 0, VICTIM, M1, "100000.00"),
        ("T2", 10, M1, M2, "60000.00"),
        ("T3", 20, M2, M3, "50000.00"),
    ]
    result = trace(rows, limits=TraceLimits(max_depth=2))
    assert held(result) == {M2: 10_000_00, M1: 40_000_00}
    assert result.unresolved == 50_000_00
    assert [h.depth for h in result.hops] == [1, 2, 3]  # the hop is evidence; M3 is not held
    assert conserved(result)


def test_money_past_max_accounts_is_unresolved() -> None:
    rows: list[Row] = [
        ("T1", 0, VICTIM, M1, "100000.00"),
        ("T2", 10, M1, M2, "60000.00"),
        ("T3", 20, M1, M3, "40000.00"),
    ]
    result = trace(rows, limits=TraceLimits(max_accounts=2))
    assert held(result) == {M2: 60_000_00}
    assert result.unresolved == 40_000_00


@pytest.mark.parametrize("rule", list(Rule))
def test_every_hop_names_the_rule_that_placed_it(rule: Rule) -> None:
    result = trace(SPLIT, rule=rule)
    assert result.rule is rule
    assert len(result.hops) == 5
    assert {h.rule for h in result.hops} == {rule}


MIXED: list[Row] = [
    ("T1", 0, VICTIM, M1, "100000.00"),
    ("T2", 1, VICTIM, M2, "10000.00"),
    ("T3", 10, X, M2, "90000.00"),  # other money, between the victim's two arrivals
    ("T4", 20, M1, M2, "100000.00"),
    ("T5", 30, M2, M3, "50000.00"),
]
"""M2 holds, oldest first: 10,000 of the victim's (depth 1), 90,000 of other money, 100,000
of the victim's (depth 2); then pays 50,000 to M3."""


@pytest.mark.parametrize(
    ("rule", "to_m3", "m3_depth", "m2_left"),
    [
        (Rule.FIFO, 10_000_00, 2, 100_000_00),  # the oldest: 10,000 victim + 40,000 other
        (Rule.LIFO, 50_000_00, 3, 60_000_00),  # the newest: the depth-2 money
        (Rule.PROPORTIONAL, 27_500_00, 2, 82_500_00),  # 110/200 of it
        (Rule.POISON, 50_000_00, 2, 60_000_00),  # the victim's first, the oldest of it first
    ],
)
def test_the_rules_place_money_differently_on_a_mixed_account(
    rule: Rule, to_m3: int, m3_depth: int, m2_left: int
) -> None:
    result = trace(MIXED, ("T1", "T2"), rule=rule)
    assert result.loss == 110_000_00
    assert carried(result)["T5"] == to_m3
    assert held(result) == {M2: m2_left, M3: to_m3}
    assert {h.account: h.depth for h in result.holdings}[M3] == m3_depth
    assert conserved(result)


def test_a_transfer_amount_with_tiyn_is_read_exactly() -> None:
    rows: list[Row] = [("T1", 0, VICTIM, M1, "12345678901.23"), ("T2", 5, M1, M2, "0.01")]
    result = trace(rows, limits=TraceLimits(min_piece=1))
    assert held(result) == {M1: 1_234_567_890_122, M2: 1}


def test_a_sliced_decimal_column_is_read_from_its_offset() -> None:
    table = pa.Table.from_pylist(
        [{"transfer_id": f"T{i}", "ts": at(i), "from_account": VICTIM, "to_account": M1,
          "amount": Decimal(f"{i}.0{i}")} for i in range(1, 6)],
        schema=SCHEMA,
    ).slice(2)  # fmt: skip
    index = TransferIndex.build(table)
    assert index.amount.tolist() == [3_03, 4_04, 5_05]
    assert [index.when(p) for p in range(3)] == [at(3), at(4), at(5)]


def test_hops_and_cash_outs_are_in_time_order_whatever_the_row_order() -> None:
    assert trace(list(reversed(SPLIT))) == trace(SPLIT)
