"""Returns to the victim: never more than blocked, partial ones recorded."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgan.cases.calendar import KAZAKHSTAN
from qorgan.cases.freeze import FreezeOrder, OrderState, confirm, orders_from_trace
from qorgan.cases.returns import Return, apply_return
from qorgan.core.errors import Conflict, InvalidInput
from qorgan.tracing.result import Holding, Rule, Trace

T0 = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
VICTIM = "KZ000000000000000V01"
A1, A2 = "KZ000000000000000A01", "KZ000000000000000A02"


def confirmed(ordered: tuple[int, int], blocked: tuple[int, int]) -> FreezeOrder:
    held = (Holding(A1, "BANKA", ordered[0], T0, 2), Holding(A2, "BANKA", ordered[1], T0, 2))
    trace = Trace("R1", VICTIM, T0, Rule.FIFO, sum(ordered), held, (), (), 0)
    order = orders_from_trace(trace, "C-R1", "CPC RK art. 161", T0, KAZAKHSTAN)[0]
    return confirm(order, {A1: blocked[0], A2: blocked[1]}, T0 + timedelta(hours=1))


def money_back(account: str, amount: int) -> Return:
    return Return("C-R1-BANKA", account, amount, VICTIM, T0 + timedelta(days=1), "PR-7/2025")


def test_partial_return_is_recorded_and_the_order_stays_confirmed() -> None:
    order = apply_return(confirmed((60_000, 40_000), (50_000, 40_000)), money_back(A1, 20_000))
    assert order.state is OrderState.CONFIRMED
    assert order.item(A1).amount_returned == 20_000
    assert order.returned == 20_000
    assert order.history[-1].action == "return"


def test_order_becomes_returned_when_all_blocked_money_is_back() -> None:
    order = confirmed((60_000, 40_000), (50_000, 0))
    order = apply_return(order, money_back(A1, 30_000))
    order = apply_return(order, money_back(A1, 20_000))
    assert order.state is OrderState.RETURNED
    assert order.returned == order.blocked == 50_000


def test_returning_more_than_is_left_blocked_is_a_conflict() -> None:
    order = apply_return(confirmed((60_000, 40_000), (50_000, 0)), money_back(A1, 30_000))
    with pytest.raises(Conflict, match="exceeds"):
        apply_return(order, money_back(A1, 20_001))
    with pytest.raises(Conflict, match="exceeds"):
        apply_return(order, money_back(A2, 1))


def test_a_return_needs_a_sanction_and_a_positive_amount() -> None:
    order = confirmed((60_000, 40_000), (50_000, 0))
    with pytest.raises(InvalidInput, match="sanction"):
        apply_return(order, Return("C-R1-BANKA", A1, 1, VICTIM, T0, " "))
    with pytest.raises(InvalidInput, match="positive"):
        apply_return(order, money_back(A1, 0))


def test_no_return_from_an_order_the_bank_has_not_confirmed() -> None:
    held = (Holding(A1, "BANKA", 100, T0, 2),)
    trace = Trace("R1", VICTIM, T0, Rule.FIFO, 100, held, (), (), 0)
    order = orders_from_trace(trace, "C-R1", "CPC RK art. 161", T0, KAZAKHSTAN)[0]
    with pytest.raises(Conflict, match="is issued"):
        apply_return(order, money_back(A1, 1))


amounts = st.integers(min_value=1, max_value=10**7)


@st.composite
def ordered_and_blocked(draw: st.DrawFn) -> tuple[tuple[int, int], tuple[int, int]]:
    ordered = (draw(amounts), draw(amounts))
    blocked = tuple(draw(st.integers(min_value=0, max_value=o)) for o in ordered)
    return ordered, (blocked[0], blocked[1])


@given(
    ordered_and_blocked(),
    st.lists(st.tuples(st.sampled_from([A1, A2]), amounts), max_size=15),
)
def test_returned_never_exceeds_blocked_nor_blocked_ordered(
    amounts_: tuple[tuple[int, int], tuple[int, int]], attempts: list[tuple[str, int]]
) -> None:
    ordered, blocked = amounts_
    order = confirmed(ordered, blocked)
    for account, amount in attempts:
        with contextlib.suppress(Conflict):
            order = apply_return(order, money_back(account, amount))
        for item in order.items:
            assert 0 <= item.amount_returned <= (item.amount_blocked or 0) <= item.amount_ordered
    assert (order.state is OrderState.RETURNED) == (
        order.blocked > 0 and order.returned == order.blocked
    )
