"""Returns: blocked money sent back to the victim, on a prosecutor's sanction.

A return draws on one account of a confirmed (or extended) order. It may be partial; it can
never take more than what the bank blocked on that account less what was already returned.
When everything an order blocked has gone back, the order becomes ``returned``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from qorgan.cases.freeze import FreezeOrder, OrderEvent, OrderState
from qorgan.core.errors import Conflict, InvalidInput
from qorgan.core.money import from_tiyn

RETURNABLE = frozenset({OrderState.CONFIRMED, OrderState.EXTENDED})
"""States in which blocked money can be returned."""


@dataclass(frozen=True, slots=True)
class Return:
    """Money sent from a blocked account back to the victim.

    Attributes:
        order_id: the order that blocked it.
        account: the blocked account it leaves.
        amount: tiyn returned (positive).
        to_account: the victim's account.
        at: when the bank made it.
        sanction: the reference of the prosecutor's sanction it rests on.
    """

    order_id: str
    account: str
    amount: int
    to_account: str
    at: datetime
    sanction: str


def apply_return(order: FreezeOrder, ret: Return) -> FreezeOrder:
    """The order after a return: the account's returned amount grows; when all the order
    blocked is returned the order becomes ``returned``.

    Raises:
        Conflict: the order is not confirmed or extended, or the return exceeds what is
            left blocked on the account.
        InvalidInput: the return names another order, an account the order does not list,
            a non-positive amount, or no sanction.
    """
    if ret.order_id != order.order_id:
        raise InvalidInput(f"return for {ret.order_id} applied to order {order.order_id}")
    if order.state not in RETURNABLE:
        raise Conflict(f"order {order.order_id} is {order.state.value}: cannot return money")
    if ret.amount <= 0:
        raise InvalidInput("a return must be a positive amount")
    if not ret.sanction.strip():
        raise InvalidInput("a return needs the prosecutor's sanction reference")
    item = order.item(ret.account)
    if ret.amount > item.returnable:
        raise Conflict(
            f"{ret.account}: return of {from_tiyn(ret.amount)} exceeds the "
            f"{from_tiyn(item.returnable)} left blocked"
        )
    returned = dataclasses.replace(item, amount_returned=item.amount_returned + ret.amount)
    items = tuple(returned if i.account == ret.account else i for i in order.items)
    done = all(i.returnable == 0 for i in items)
    state = OrderState.RETURNED if done else order.state
    note = f"{from_tiyn(ret.amount)} from {ret.account} on sanction {ret.sanction.strip()}"
    event = OrderEvent(ret.at, "return", state, note)
    return dataclasses.replace(order, items=items, state=state, history=(*order.history, event))
