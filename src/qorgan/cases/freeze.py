"""Freeze orders: one per bank, blocking the victim's money where the trace found it.

An order moves through these states (``docs/cases.md`` draws them)::

    issued ──confirm──► confirmed ──extend──► extended ─┐ (extend again)
      │                    │  │                  │  ▲───┘
      │                    │  └──return all──────┼──────► returned
      └──release───────────┴─────release─────────┴──────► released (expired | lifted | mistaken)

Every function here is pure: it takes an order and returns a new frozen one, or raises
:class:`~qorgan.core.errors.Conflict` naming the state that forbids the step. Amounts are
integer tiyn; per account ``returned <= blocked <= ordered`` always holds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from qorgan.cases.calendar import BusinessCalendar
from qorgan.core.errors import Conflict, InvalidInput
from qorgan.core.money import from_tiyn
from qorgan.tracing.result import Trace

FREEZE_TERM_DAYS = 5
"""Business days an order blocks money before it must be extended (``orders_from_trace``)."""


class OrderState(StrEnum):
    ISSUED = "issued"  # sent to the bank, not yet acknowledged
    CONFIRMED = "confirmed"  # the bank blocked what it could
    EXTENDED = "extended"  # a prosecutor moved the expiry
    RELEASED = "released"  # the block ended without a return
    RETURNED = "returned"  # everything blocked went back to the victim


class ReleaseReason(StrEnum):
    EXPIRED = "expired"  # the term ran out without an extension
    LIFTED = "lifted"  # lifted by the investigator or the prosecutor
    MISTAKEN = "mistaken"  # the account was not the fraudster's


LIVE = frozenset({OrderState.ISSUED, OrderState.CONFIRMED, OrderState.EXTENDED})
"""States in which money is (or is to be) blocked."""


@dataclass(frozen=True, slots=True)
class FreezeItem:
    """One account of an order.

    Attributes:
        account: the IBAN to block.
        amount_ordered: tiyn the order asks to block.
        amount_blocked: tiyn the bank actually blocked; ``None`` until it confirms.
        amount_returned: tiyn already returned to the victim from it.
    """

    account: str
    amount_ordered: int
    amount_blocked: int | None = None
    amount_returned: int = 0

    @property
    def returnable(self) -> int:
        """Tiyn still blocked and not yet returned."""
        return (self.amount_blocked or 0) - self.amount_returned


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """One step in an order's life.

    Attributes:
        at: when it happened (aware UTC).
        action: ``issue``, ``confirm``, ``extend``, ``release`` or ``return``.
        state: the state the order was in after it.
        reason: why, in words (a release reason, an extension's reason, a sanction).
    """

    at: datetime
    action: str
    state: OrderState
    reason: str = ""


@dataclass(frozen=True, slots=True)
class FreezeOrder:
    """An order to one bank to block accounts.

    Attributes:
        order_id: deterministic: ``{case_id}-{bank}``.
        case_id: the case it serves.
        bank: the bank that must block.
        items: the accounts and amounts, largest first.
        legal_basis: the norm it rests on, e.g. ``CPC RK art. 161`` (required).
        issued_at: when it was issued.
        expires_at: when the block ends unless extended.
        state: where it stands.
        history: every step, oldest first.
        release_reason: why it was released, once released.
    """

    order_id: str
    case_id: str
    bank: str
    items: tuple[FreezeItem, ...]
    legal_basis: str
    issued_at: datetime
    expires_at: datetime
    state: OrderState = OrderState.ISSUED
    history: tuple[OrderEvent, ...] = ()
    release_reason: ReleaseReason | None = None

    @property
    def ordered(self) -> int:
        return sum(i.amount_ordered for i in self.items)

    @property
    def blocked(self) -> int:
        return sum(i.amount_blocked or 0 for i in self.items)

    @property
    def returned(self) -> int:
        return sum(i.amount_returned for i in self.items)

    def item(self, account: str) -> FreezeItem:
        """The item for one account.

        Raises:
            InvalidInput: the order does not name the account.
        """
        for item in self.items:
            if item.account == account:
                return item
        raise InvalidInput(f"order {self.order_id} does not name account {account}")


def issue(
    order_id: str,
    case_id: str,
    bank: str,
    items: tuple[FreezeItem, ...],
    legal_basis: str,
    issued_at: datetime,
    expires_at: datetime,
) -> FreezeOrder:
    """A new order in state ``issued``.

    Raises:
        InvalidInput: no legal basis, no items, a non-positive amount, or expiry before issue.
    """
    if not legal_basis.strip():
        raise InvalidInput("a freeze order needs its legal basis (e.g. 'CPC RK art. 161')")
    if not items:
        raise InvalidInput(f"order {order_id} names no account")
    if any(i.amount_ordered <= 0 for i in items):
        raise InvalidInput(f"order {order_id}: every amount ordered must be positive")
    if expires_at <= issued_at:
        raise InvalidInput(f"order {order_id}: expiry must come after issue")
    event = OrderEvent(issued_at, "issue", OrderState.ISSUED, legal_basis.strip())
    return FreezeOrder(
        order_id,
        case_id,
        bank,
        items,
        legal_basis.strip(),
        issued_at,
        expires_at,
        history=(event,),
    )


def _require(order: FreezeOrder, allowed: frozenset[OrderState], step: str) -> None:
    if order.state not in allowed:
        raise Conflict(f"order {order.order_id} is {order.state.value}: cannot {step}")


def confirm(order: FreezeOrder, blocked: Mapping[str, int], at: datetime) -> FreezeOrder:
    """The bank's confirmation of what it actually blocked, per account (missing: 0).

    Raises:
        Conflict: the order is not ``issued``.
        InvalidInput: an unknown account, or an amount below 0 or above the one ordered.
    """
    _require(order, frozenset({OrderState.ISSUED}), "confirm")
    unknown = set(blocked) - {i.account for i in order.items}
    if unknown:
        raise InvalidInput(f"order {order.order_id} does not name {', '.join(sorted(unknown))}")
    items = []
    for item in order.items:
        amount = blocked.get(item.account, 0)
        if not 0 <= amount <= item.amount_ordered:
            raise InvalidInput(
                f"{item.account}: blocked {from_tiyn(amount)} is outside 0.."
                f"{from_tiyn(item.amount_ordered)} ordered"
            )
        items.append(dataclasses.replace(item, amount_blocked=amount))
    return _step(order, at, "confirm", OrderState.CONFIRMED, "", items=tuple(items))


def extend(order: FreezeOrder, until: datetime, reason: str, at: datetime) -> FreezeOrder:
    """A prosecutor's extension to a later expiry, before the current one has passed.

    Raises:
        Conflict: the order is not confirmed or extended, or has already expired at ``at``.
        InvalidInput: no reason, or ``until`` not after the current expiry.
    """
    _require(order, frozenset({OrderState.CONFIRMED, OrderState.EXTENDED}), "extend")
    if at > order.expires_at:
        raise Conflict(f"order {order.order_id} expired at {order.expires_at.isoformat()}")
    if not reason.strip():
        raise InvalidInput("an extension needs its reason")
    if until <= order.expires_at:
        raise InvalidInput(f"new expiry {until.isoformat()} is not after the current one")
    return _step(order, at, "extend", OrderState.EXTENDED, reason.strip(), expires_at=until)


def release(order: FreezeOrder, reason: ReleaseReason, at: datetime) -> FreezeOrder:
    """End the block without a return.

    Raises:
        Conflict: the order is already released or returned.
    """
    _require(order, LIVE, "release")
    return _step(order, at, "release", OrderState.RELEASED, reason.value, release_reason=reason)


def expire(order: FreezeOrder, now: datetime) -> FreezeOrder:
    """The order released as ``expired`` when ``now`` is past its expiry; else unchanged.

    An extended order expires at its new expiry; released and returned ones never change.
    """
    if order.state in LIVE and now > order.expires_at:
        return _step(
            order,
            order.expires_at,
            "release",
            OrderState.RELEASED,
            "expired",
            release_reason=ReleaseReason.EXPIRED,
        )
    return order


def _step(
    order: FreezeOrder,
    at: datetime,
    action: str,
    state: OrderState,
    reason: str,
    *,
    items: tuple[FreezeItem, ...] | None = None,
    expires_at: datetime | None = None,
    release_reason: ReleaseReason | None = None,
) -> FreezeOrder:
    return dataclasses.replace(
        order,
        state=state,
        history=(*order.history, OrderEvent(at, action, state, reason)),
        items=order.items if items is None else items,
        expires_at=expires_at or order.expires_at,
        release_reason=release_reason or order.release_reason,
    )


def orders_from_trace(
    trace: Trace,
    case_id: str,
    legal_basis: str,
    issued_at: datetime,
    calendar: BusinessCalendar,
    min_amount: int = 0,
    term_days: int = FREEZE_TERM_DAYS,
) -> list[FreezeOrder]:
    """One order per bank, listing that bank's holding accounts and amounts.

    Holdings below ``min_amount`` tiyn (and empty ones) are left out; the items of all
    orders sum to the rest of ``trace.held``. Orders come sorted by bank, ids
    ``{case_id}-{bank}``, and expire at the end of the ``term_days``-th business day.
    """
    per_bank: dict[str, dict[str, int]] = {}
    for holding in trace.holdings:
        if holding.amount > 0 and holding.amount >= min_amount:
            accounts = per_bank.setdefault(holding.bank, {})
            accounts[holding.account] = accounts.get(holding.account, 0) + holding.amount
    expires_at = calendar.add_business_days(issued_at, term_days)
    orders = []
    for bank in sorted(per_bank):
        ranked = sorted(per_bank[bank].items(), key=lambda kv: (-kv[1], kv[0]))
        items = tuple(FreezeItem(account, amount) for account, amount in ranked)
        orders.append(
            issue(f"{case_id}-{bank}", case_id, bank, items, legal_basis, issued_at, expires_at)
        )
    return orders


def order_json(order: FreezeOrder) -> dict[str, object]:
    """One order as JSON: amounts as decimal tenge strings, times ISO 8601 UTC."""
    return {
        "order_id": order.order_id,
        "case_id": order.case_id,
        "bank": order.bank,
        "legal_basis": order.legal_basis,
        "issued_at": order.issued_at.isoformat(),
        "expires_at": order.expires_at.isoformat(),
        "state": order.state.value,
        "release_reason": order.release_reason.value if order.release_reason else None,
        "amount_ordered": str(from_tiyn(order.ordered)),
        "amount_blocked": str(from_tiyn(order.blocked)),
        "amount_returned": str(from_tiyn(order.returned)),
        "items": [
            {
                "account": i.account,
                "amount_ordered": str(from_tiyn(i.amount_ordered)),
                "amount_blocked": None
                if i.amount_blocked is None
                else str(from_tiyn(i.amount_blocked)),
                "amount_returned": str(from_tiyn(i.amount_returned)),
            }
            for i in order.items
        ],
        "history": [
            {"at": e.at.isoformat(), "action": e.action, "state": e.state.value, "reason": e.reason}
            for e in order.history
        ],
    }


def orders_json(orders: list[FreezeOrder]) -> list[dict[str, object]]:
    """Orders as JSON, for ``qorgan trace funds`` output and the API."""
    return [order_json(order) for order in orders]
