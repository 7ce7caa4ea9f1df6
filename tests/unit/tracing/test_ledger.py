"""One account's parcels and the four rules that say which of them an outflow spends."""

from __future__ import annotations

import pytest

from qorgan.tracing.ledger import CLEAN, Ledger, Piece, carried
from qorgan.tracing.result import Rule


def ledger(*parcels: tuple[int, int], own: int = 0) -> Ledger:
    """A ledger holding ``(amount, depth)`` parcels, oldest first, and ``own`` money."""
    book = Ledger()
    book.keep(own)
    for amount, depth in parcels:
        book.add(amount, depth)
    return book


def take(book: Ledger, amount: int, rule: Rule, spend: bool = False) -> tuple[int, int]:
    return carried(book.take(amount, rule, spend))


def test_fifo_spends_the_oldest_money_first() -> None:
    book = ledger((100_00, CLEAN), (200_00, 1), (50_00, CLEAN))
    assert take(book, 150_00, Rule.FIFO) == (50_00, 1)
    assert book.holdings() == (150_00, 1)
    assert book.total == 200_00


def test_lifo_spends_the_newest_money_first() -> None:
    book = ledger((100_00, CLEAN), (200_00, 1), (50_00, CLEAN))
    assert take(book, 150_00, Rule.LIFO) == (100_00, 1)
    assert book.holdings() == (100_00, 1)
    assert book.total == 200_00


def test_lifo_that_spends_only_clean_money_carries_none_of_the_victims() -> None:
    book = ledger((200_00, 1), (50_00, CLEAN))
    assert take(book, 50_00, Rule.LIFO) == (0, CLEAN)
    assert book.holdings() == (200_00, 1)


def test_proportional_carries_each_kind_in_proportion_to_what_is_there() -> None:
    book = ledger((300_00, CLEAN), (100_00, 1))
    assert take(book, 200_00, Rule.PROPORTIONAL) == (50_00, 1)
    assert book.holdings() == (50_00, 1)
    assert book.total == 200_00


def test_proportional_haircut_is_exact_in_integer_tiyn() -> None:
    book = ledger((2, CLEAN), (1, 1))
    # A third of a tiyn is no tiyn: the victim's share rounds down and the clean money pays
    # the rest, so nothing is made or lost.
    assert take(book, 1, Rule.PROPORTIONAL) == (0, CLEAN)
    assert (book.tainted, book.total) == (1, 2)
    book = ledger((7, CLEAN), (3, 1), (5, 2))
    taken, depth = take(book, 10, Rule.PROPORTIONAL)
    assert (taken, depth) == (10 * 8 // 15, 1)
    assert taken + book.tainted == 8
    assert book.total == 5


def test_poison_spends_the_victims_money_first_wherever_it_sits() -> None:
    book = ledger((100_00, CLEAN), (60_00, 2), (100_00, CLEAN), (40_00, 3))
    assert take(book, 80_00, Rule.POISON) == (80_00, 2)
    assert book.holdings() == (20_00, 3)
    assert take(book, 50_00, Rule.POISON) == (20_00, 3)
    assert book.holdings() == (0, CLEAN)
    assert book.total == 170_00


def test_the_depth_taken_is_the_least_depth_among_the_parcels_spent() -> None:
    book = ledger((10_00, 3), (10_00, 1), (10_00, 2))
    assert take(book, 15_00, Rule.FIFO) == (15_00, 1)
    assert take(book, 5_00, Rule.FIFO) == (5_00, 1)
    assert take(book, 10_00, Rule.FIFO) == (10_00, 2)


def test_nothing_and_negative_amounts_arriving_change_nothing() -> None:
    book = ledger((0, 1), (-5, CLEAN))
    assert (book.total, book.tainted) == (0, 0)
    assert book.holdings() == (0, CLEAN)


@pytest.mark.parametrize("rule", list(Rule))
def test_money_moving_on_spends_the_holders_own_money_only_after_the_parcels(rule: Rule) -> None:
    book = ledger((100_00, 1), own=500_00)
    assert take(book, 60_00, rule) == (60_00, 1)
    assert book.own == 500_00
    assert take(book, 140_00, rule) == (40_00, 1)
    assert book.own == 400_00
    assert book.holdings() == (0, CLEAN)


@pytest.mark.parametrize("rule", list(Rule))
def test_clean_parcels_are_spent_before_the_holders_own_money_too(rule: Rule) -> None:
    book = ledger((30_00, CLEAN), own=100_00)
    assert take(book, 50_00, rule) == (0, CLEAN)
    assert (book.total, book.own) == (0, 80_00)


@pytest.mark.parametrize("rule", list(Rule))
def test_an_outflow_larger_than_everything_takes_no_more_victim_money_than_is_there(
    rule: Rule,
) -> None:
    book = ledger((40_00, CLEAN), (100_00, 1), (10_00, CLEAN), own=20_00)
    assert take(book, 1_000_00, rule) == (100_00, 1)
    assert (book.total, book.tainted, book.own) == (0, 0, 0)
    assert book.holdings() == (0, CLEAN)
    assert take(book, 5_00, rule) == (0, CLEAN)


@pytest.mark.parametrize("rule", list(Rule))
def test_the_holders_own_spending_never_takes_the_parcels(rule: Rule) -> None:
    book = ledger((100_00, 1), (20_00, CLEAN), own=30_00)
    assert book.take(50_00, rule, spend=True) == []
    assert (book.own, book.total) == (0, 120_00)
    assert book.holdings() == (100_00, 1)


@pytest.mark.parametrize(
    ("rule", "pieces"),
    [
        (Rule.FIFO, [(10, CLEAN), (20, 1)]),
        (Rule.LIFO, [(5, CLEAN), (20, 1), (5, CLEAN)]),  # newest first, listed oldest first
        (Rule.POISON, [(20, 1), (10, CLEAN)]),
    ],
)
def test_a_take_lists_the_pieces_it_carries_in_the_order_they_came(
    rule: Rule, pieces: list[Piece]
) -> None:
    book = ledger((10, CLEAN), (20, 1), (5, CLEAN))
    assert book.take(30, rule) == pieces
    assert book.total == 5


def test_own_money_of_nothing_or_less_is_no_money() -> None:
    book = ledger(own=-10)
    book.keep(0)
    assert book.own == 0
