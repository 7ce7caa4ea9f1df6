"""Freeze orders: issued from a trace, one per bank, and their state machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgan.cases.calendar import KAZAKHSTAN
from qorgan.cases.freeze import (
    FreezeOrder,
    OrderState,
    ReleaseReason,
    confirm,
    expire,
    extend,
    orders_from_trace,
    orders_json,
    release,
)
from qorgan.core.errors import Conflict, InvalidInput
from qorgan.tracing.result import Holding, Rule, Trace

T0 = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)  # a Friday, 14:00 in Almaty
BASIS = "CPC RK art. 161"
A1, A2, B1 = "KZ000000000000000A01", "KZ000000000000000A02", "KZ000000000000000B01"


def trace_of(holdings: list[tuple[str, str, int]], loss: int | None = None) -> Trace:
    held = tuple(Holding(acc, bank, amount, T0, 2) for acc, bank, amount in holdings)
    total = sum(h.amount for h in held)
    return Trace("R1", "KZ000000000000000V01", T0, Rule.FIFO, loss or total, held, (), (), 0)


def one_order(amounts: tuple[int, ...] = (50_000, 30_000)) -> FreezeOrder:
    trace = trace_of([(f"KZ00000000000000A{i:03}", "BANKA", a) for i, a in enumerate(amounts)])
    return orders_from_trace(trace, "C-R1", BASIS, T0, KAZAKHSTAN)[0]


def test_trace_over_two_banks_gives_one_order_per_bank() -> None:
    trace = trace_of([(A1, "BANKA", 70_000), (B1, "BANKB", 20_000), (A2, "BANKA", 10_000)])
    orders = orders_from_trace(trace, "C-R1", BASIS, T0, KAZAKHSTAN)
    assert [o.order_id for o in orders] == ["C-R1-BANKA", "C-R1-BANKB"]
    assert [(i.account, i.amount_ordered) for i in orders[0].items] == [
        (A1, 70_000),
        (A2, 10_000),
    ]
    assert all(o.state is OrderState.ISSUED and o.legal_basis == BASIS for o in orders)
    assert orders[0].expires_at == KAZAKHSTAN.add_business_days(T0, 5)


def test_holdings_below_the_minimum_get_no_order() -> None:
    trace = trace_of([(A1, "BANKA", 70_000), (B1, "BANKB", 99)])
    orders = orders_from_trace(trace, "C-R1", BASIS, T0, KAZAKHSTAN, min_amount=100)
    assert [o.bank for o in orders] == ["BANKA"]


def test_an_order_without_legal_basis_is_refused() -> None:
    with pytest.raises(InvalidInput, match="legal basis"):
        orders_from_trace(trace_of([(A1, "BANKA", 1)]), "C-R1", "  ", T0, KAZAKHSTAN)


holdings = st.lists(
    st.tuples(
        st.sampled_from([A1, A2, B1, "KZ000000000000000C01"]),
        st.sampled_from(["BANKA", "BANKB", "BANKC"]),
        st.integers(min_value=0, max_value=10**9),
    ),
    max_size=12,
)


@given(holdings, st.integers(min_value=0, max_value=10**6))
def test_orders_cover_exactly_what_is_held_above_the_minimum(
    rows: list[tuple[str, str, int]], minimum: int
) -> None:
    trace = trace_of(rows)
    orders = orders_from_trace(trace, "C-R1", BASIS, T0, KAZAKHSTAN, min_amount=minimum)
    kept = sum(h.amount for h in trace.holdings if h.amount > 0 and h.amount >= minimum)
    assert sum(o.ordered for o in orders) == kept
    banks = [o.bank for o in orders]
    assert len(banks) == len(set(banks))
    assert orders == orders_from_trace(trace, "C-R1", BASIS, T0, KAZAKHSTAN, min_amount=minimum)


def test_bank_confirms_a_smaller_amount_than_ordered() -> None:
    order = confirm(one_order(), {"KZ00000000000000A000": 40_000}, T0 + timedelta(hours=1))
    assert order.state is OrderState.CONFIRMED
    assert [i.amount_blocked for i in order.items] == [40_000, 0]
    assert order.blocked == 40_000
    assert [e.action for e in order.history] == ["issue", "confirm"]


def test_blocking_more_than_ordered_or_an_unknown_account_is_refused() -> None:
    with pytest.raises(InvalidInput, match="outside"):
        confirm(one_order(), {"KZ00000000000000A000": 50_001}, T0)
    with pytest.raises(InvalidInput, match="does not name"):
        confirm(one_order(), {A1: 1}, T0)


def test_confirming_twice_is_a_conflict_naming_the_state() -> None:
    order = confirm(one_order(), {}, T0)
    with pytest.raises(Conflict, match="is confirmed"):
        confirm(order, {}, T0)


def test_prosecutor_extends_a_confirmed_order_before_expiry() -> None:
    order = confirm(one_order(), {}, T0)
    later = order.expires_at + timedelta(days=30)
    extended = extend(order, later, "investigation continues", T0 + timedelta(days=2))
    assert extended.state is OrderState.EXTENDED
    assert extended.expires_at == later
    assert expire(extended, order.expires_at + timedelta(hours=1)) is extended


def test_an_issued_or_expired_order_cannot_be_extended() -> None:
    order = one_order()
    with pytest.raises(Conflict, match="is issued"):
        extend(order, order.expires_at + timedelta(days=1), "why", T0)
    confirmed = confirm(order, {}, T0)
    with pytest.raises(Conflict, match="expired"):
        extend(
            confirmed,
            order.expires_at + timedelta(days=9),
            "late",
            order.expires_at + timedelta(seconds=1),
        )


def test_an_extension_must_move_the_expiry_later_and_say_why() -> None:
    order = confirm(one_order(), {}, T0)
    with pytest.raises(InvalidInput):
        extend(order, order.expires_at, "same", T0)
    with pytest.raises(InvalidInput):
        extend(order, order.expires_at + timedelta(days=1), " ", T0)


def test_order_past_its_expiry_is_released_as_expired() -> None:
    order = one_order()
    assert expire(order, order.expires_at) is order
    expired = expire(order, order.expires_at + timedelta(seconds=1))
    assert expired.state is OrderState.RELEASED
    assert expired.release_reason is ReleaseReason.EXPIRED
    assert expired.history[-1].at == order.expires_at


def test_released_order_cannot_change_again() -> None:
    order = release(one_order(), ReleaseReason.MISTAKEN, T0)
    assert order.release_reason is ReleaseReason.MISTAKEN
    with pytest.raises(Conflict, match="is released"):
        release(order, ReleaseReason.LIFTED, T0)
    with pytest.raises(Conflict, match="is released"):
        confirm(order, {}, T0)
    assert expire(order, T0 + timedelta(days=99)) is order


def test_orders_json_shows_tenge_strings() -> None:
    rows = orders_json([confirm(one_order((12_345,)), {"KZ00000000000000A000": 12_300}, T0)])
    assert rows[0]["amount_ordered"] == "123.45"
    assert rows[0]["amount_blocked"] == "123.00"
    assert rows[0]["state"] == "confirmed"
