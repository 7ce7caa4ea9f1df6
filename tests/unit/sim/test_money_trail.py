"""The simulator's truth of whose money each fraud transfer carried (Clayton's rule)."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from qorgan.sim.banking import CASH, TransferKind
from qorgan.sim.droppers import follow

V1, V2, D1, D2 = 101, 102, 201, 202
Row = tuple[int, int, int, int, str, int, int, int, int]


def row(ts: int, src: int, dst: int, amount: int, kind: TransferKind, ref: int = 0) -> Row:
    return (ts, src, dst, amount, "app", 0, 0, int(kind), ref)


def test_each_dropper_pays_out_the_oldest_victims_money_first_in_transfer_time_order() -> None:
    rows = [
        row(0, V1, D1, 100, TransferKind.VICTIM_PAYMENT, ref=1),
        row(5, V2, D1, 50, TransferKind.VICTIM_PAYMENT, ref=2),
        # decided first but paid last: the truth goes by when the money moved
        row(30, D1, D2, 20, TransferKind.MULE_FORWARD),
        row(10, D1, D2, 120, TransferKind.MULE_FORWARD),
        row(40, D2, CASH, 110, TransferKind.MULE_ATM),
        row(1, V1, V1 + 1000, 7, TransferKind.PURCHASE),  # ordinary life: not followed
    ]
    moves = follow(rows)
    assert [m for m in moves if m[0] == 3] == [(3, 1, 100, D1, D2), (3, 2, 20, D1, D2)]
    assert [m for m in moves if m[0] == 2] == [(2, 2, 20, D1, D2)]
    assert [m for m in moves if m[0] == 4] == [(4, 1, 100, D2, CASH), (4, 2, 10, D2, CASH)]
    assert not [m for m in moves if m[0] == 5]


@given(st.lists(st.integers(1, 10_000), min_size=1, max_size=8), st.data())
def test_every_transfer_carries_exactly_its_amount_of_victims_money(
    paid: list[int], data: st.DataObject
) -> None:
    total = sum(paid)
    rows = [
        row(i, V1 + i, D1, a, TransferKind.VICTIM_PAYMENT, ref=i + 1) for i, a in enumerate(paid)
    ]
    cuts = data.draw(st.lists(st.integers(1, total), max_size=6, unique=True))
    bounds = [0, *sorted(cuts)]
    for k, (a, b) in enumerate(itertools.pairwise(bounds)):
        rows.append(row(len(paid) + k, D1, D2, b - a, TransferKind.MULE_FORWARD))
    moves = follow(rows)
    for r, (_, _, _, amount, *_) in enumerate(rows):
        assert sum(m[2] for m in moves if m[0] == r) == amount
    # what left D1 is the oldest money: whole payments first, in the order they came
    sent = bounds[-1]
    assert sum(m[2] for m in moves if m[3] == D1 and m[1] == 1) == min(paid[0], sent)
