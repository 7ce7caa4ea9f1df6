"""Who may do what with cases and freeze orders: one table, applied by the store and the API.

============================ =========================================================
action                       roles
============================ =========================================================
file a report (open a case)  police, analyst, admin; a bank, for its own customer
record a trace, issue orders police, analyst, admin
confirm an order             the bank the order is addressed to, only
extend an order              prosecutor
release an order             police, prosecutor, analyst, admin (expiry: the system)
record a return              the bank of the order, on a prosecutor's sanction
add a note                   police, prosecutor, analyst, admin; a bank on a case it sees
read a case, list orders     police, prosecutor, analyst, admin; a bank: only cases it
                             filed or holds an order of, and only its own orders
operator                     nothing here: a case is not found (404)
============================ =========================================================
"""

from __future__ import annotations

from qorgan.core.errors import NotFound, PermissionDenied
from qorgan.core.roles import Principal, Role

_OFFICIALS = frozenset({Role.POLICE, Role.ANALYST, Role.ADMIN})
_READERS = frozenset({Role.POLICE, Role.PROSECUTOR, Role.ANALYST, Role.ADMIN})

FILE = _OFFICIALS | {Role.BANK}
TRACE = _OFFICIALS
ISSUE = _OFFICIALS
EXTEND = frozenset({Role.PROSECUTOR})
RELEASE = _READERS
NOTE = _READERS | {Role.BANK}
READ = _READERS | {Role.BANK}


def require_role(principal: Principal, allowed: frozenset[Role], action: str) -> None:
    """Refuse ``principal`` unless its role is in ``allowed``.

    Raises:
        PermissionDenied: naming the action and the role.
    """
    if principal.role not in allowed:
        raise PermissionDenied(f"a {principal.role.value} may not {action}")


def require_reader(principal: Principal, what: str) -> None:
    """Refuse a caller that may read no case at all, as if ``what`` did not exist.

    Raises:
        NotFound: the caller is an operator (or any role outside :data:`READ`).
    """
    if principal.role not in READ:
        raise NotFound(f"no {what}")


def sees_everything(principal: Principal) -> bool:
    """Whether ``principal`` sees every case and every bank's orders (not a bank)."""
    return principal.role in _READERS


def require_bank_of(principal: Principal, bank: str, order_id: str, action: str) -> None:
    """Refuse anyone but the bank an order is addressed to.

    Raises:
        NotFound: a bank asks about another bank's order (it must not learn it exists), or
            an operator asks.
        PermissionDenied: another agency that can see the order tries a bank's step.
    """
    if principal.is_bank(bank):
        return
    if principal.role is Role.BANK or principal.role not in READ:
        raise NotFound(f"no freeze order {order_id}")
    raise PermissionDenied(f"only the bank {bank} may {action} order {order_id}")
