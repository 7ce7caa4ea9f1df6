"""Dropper rings and the victims' money: from the fraud transfer to cash, crypto or rest.

Each ring has 1-4 layers of mule accounts: fresh ones opened days before use, or rented
ones with years of ordinary history. A victim pays a first-layer account minutes after the
call (or after an ad); each dropper waits a while, keeps a fee and forwards the rest to the
next layer, sometimes split across two or three accounts (so money splits and merges); the
last layer withdraws cash, buys crypto through a P2P exchange, or simply holds it.

Once the ring's transfers are made, :func:`follow` follows the victims' money through them
as parcels, transfer by transfer in time order, first in first out inside each dropper
(Clayton's rule, the convention courts use for money of several claimants mixed in one
account; a rented account's owner's own money and life are kept apart). So the truth says
which victim's money each transfer carried and where every victim's money sits at any
moment: the holdings always add up to the loss.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from qorgan.sim.banking import (
    CASH,
    CHANNEL_CODES,
    CRYPTO_BASE,
    EXCHANGES,
    Accounts,
    TransferBatch,
    TransferKind,
    person_device,
    person_ip,
)
from qorgan.sim.clock import DAY_MS, Calendar
from qorgan.sim.fraudcalls import Channel, Victims
from qorgan.sim.geo import BANKS
from qorgan.sim.params import BankingParams, DropperParams

I64 = NDArray[np.int64]
MINUTE_MS = 60_000


@dataclass
class Ring:
    """One ring's layers of accounts and its habits."""

    layers: list[list[int]]
    device: int
    cashout: int  # 0 ATM, 1 crypto, 2 hold


@dataclass
class Ledger:
    """The fraud money trail: transfers made, parcels moved, victims' outcomes."""

    rows: list[tuple[int, int, int, int, str, int, int, int, int]] = field(default_factory=list)
    moves: list[tuple[int, int, int, int, int]] = field(
        default_factory=list
    )  # row, victim, amount, src, dst: set by :func:`follow`

    def transfer(
        self,
        ts: int,
        src: int,
        dst: int,
        amount: int,
        channel: str,
        kind: TransferKind,
        ref: int,
        device: int = 0,
        ip: int = 0,
    ) -> int:
        self.rows.append((ts, src, dst, amount, channel, device, ip, int(kind), ref))
        return len(self.rows) - 1

    def batch(self) -> TransferBatch:
        """Every fraud transfer as a batch whose ``row`` is its ledger row."""
        if not self.rows:
            return TransferBatch.concat([])
        cols = list(zip(*self.rows, strict=True))
        ints = [
            np.asarray(c, dtype=np.int64)
            if i != 4
            else np.asarray([CHANNEL_CODES[x] for x in c], dtype=np.int64)
            for i, c in enumerate(cols)
        ]
        ts, src, dst, amount, channel, device, ip, kind, ref = ints
        rows = np.arange(len(self.rows), dtype=np.int64)
        return TransferBatch(ts, src, dst, amount, channel, device, ip, kind, ref, rows)


@dataclass(frozen=True)
class FraudWorld:
    """What the dropper simulation produced."""

    accounts: Accounts
    ledger: Ledger
    rings: list[Ring]
    victim_account: dict[int, int]
    victim_type: dict[int, str]
    victim_rows: dict[int, list[int]]  # victim -> ledger rows of their own fraud transfers
    loan_rows: dict[int, int]


def build_rings(
    acc: Accounts,
    params: DropperParams,
    n_rings: int,
    cal: Calendar,
    seed: int,
    victims: set[int],
    rng: np.random.Generator,
) -> tuple[Accounts, list[Ring], dict[int, tuple[int, int, bool]]]:
    """Rings of fresh and rented mule accounts; returns the grown accounts and who is who.

    Mules are people who are not among the ``victims``, and nobody is a mule twice.
    """
    people = len(acc.primary)
    rings: list[Ring] = []
    who: dict[int, tuple[int, int, bool]] = {}  # account -> (ring, layer, fresh)
    fresh_rows: list[tuple[int, int, int]] = []  # holder, bank, opened
    taken: set[int] = set()
    for _ in range(n_rings):
        depth = int(rng.integers(params.layers[0], params.layers[1] + 1))
        size = int(rng.integers(params.first_layer[0], params.first_layer[1] + 1))
        layers: list[list[int]] = []
        for _layer in range(depth):
            members: list[int] = []
            for _ in range(size):
                mule = int(rng.integers(0, people))
                while mule in victims or mule in taken:
                    mule = int(rng.integers(0, people))
                taken.add(mule)
                if rng.random() < params.new_account_share:
                    age = int(
                        rng.integers(
                            params.new_account_age_days[0], params.new_account_age_days[1] + 1
                        )
                    )
                    opened = (
                        cal.start_ms
                        + int(rng.integers(0, max(1, cal.days // 2))) * DAY_MS
                        - age * DAY_MS
                    )
                    fresh_rows.append((mule, int(rng.integers(0, len(BANKS))), opened))
                    members.append(-len(fresh_rows))  # placeholder, resolved below
                else:
                    members.append(int(acc.primary[mule]))
            layers.append(members)
            size = max(1, size // 2 + int(rng.integers(0, 2)))
        rings.append(
            Ring(
                layers,
                int(rng.integers(1, 2**40)),
                int(rng.choice(3, p=np.asarray(params.cashout_mix) / sum(params.cashout_mix))),
            )
        )
    if fresh_rows:
        holder = np.asarray([f[0] for f in fresh_rows], dtype=np.int64)
        acc, ids = acc.add(
            np.asarray([f[1] for f in fresh_rows], dtype=np.int64),
            holder,
            acc.phone[acc.primary[holder]],
            np.asarray([f[2] for f in fresh_rows], dtype=np.int64),
            seed,
        )
        for ring in rings:
            for members in ring.layers:
                for i, m in enumerate(members):
                    if m < 0:
                        members[i] = int(ids[-m - 1])
    for r, ring in enumerate(rings):
        for layer, members in enumerate(ring.layers):
            for m in members:
                who.setdefault(m, (r, layer + 1, m >= len(acc) - len(fresh_rows)))
    return acc, rings, who


def run_fraud(
    acc: Accounts,
    rings: list[Ring],
    victims: Victims,
    params: DropperParams,
    banking: BankingParams,
    cal: Calendar,
    rng: np.random.Generator,
) -> FraudWorld:
    """Victims pay, droppers forward and cash out, in event-time order until the window ends."""
    ledger = Ledger()
    held: dict[int, int] = defaultdict(int)  # account -> tiyn of fraud money on it
    kept: dict[int, int] = defaultdict(int)  # account -> tiyn of it kept as fees
    scheduled: set[int] = set()
    # (ts, seq, account, ring): a dropper acts; arrivals wait in ``payments`` until their time
    events: list[tuple[int, int, int, int]] = []
    payments: list[tuple[int, int, int, int]] = []  # ts, row, account, amount
    position: dict[int, tuple[int, int]] = {}
    for r, ring in enumerate(rings):
        for layer, members in enumerate(ring.layers):
            for m in members:
                position.setdefault(m, (r, layer))
    seq = 0
    victim_account: dict[int, int] = {}
    victim_type: dict[int, str] = {}
    victim_rows: dict[int, list[int]] = {}
    loan_rows: dict[int, int] = {}

    def arrive(ts: int, account: int, amount: int, row: int) -> None:
        # Money lands at the transfer's time, which may be later than the decision to send it.
        heapq.heappush(payments, (ts, row, account, amount))

    def land(ts: int, _row: int, account: int, amount: int) -> None:
        nonlocal seq
        held[account] += amount
        if account not in scheduled:
            delay = (
                rng.lognormal(np.log(params.forward_delay_median_min), params.forward_delay_sigma)
                * MINUTE_MS
            )
            scheduled.add(account)
            seq += 1
            heapq.heappush(
                events, (ts + int(max(MINUTE_MS, delay)), seq, account, position[account][0])
            )

    for v in range(1, len(victims) + 1):
        person = victims.subscriber[v - 1]
        turned = victims.ts_ms[v - 1]
        channel = victims.channel[v - 1]
        own = int(acc.primary[person])
        ring = rings[int(rng.integers(0, len(rings)))]
        victim_account[v] = own
        savings = int(acc.balance[own] * rng.uniform(0.5, 0.95))
        if channel == Channel.NO_CALL:
            kind = "fake_shop" if rng.random() < 0.6 else "investment"
        else:
            kind = "bank_impersonation" if rng.random() < 0.65 else "police_impersonation"
            if kind == "bank_impersonation" and rng.random() < banking.loan_victim_share:
                kind = "loan"
        victim_type[v] = kind
        if kind == "fake_shop":
            amounts = [int(rng.integers(5, 150)) * 100_000]
        elif kind == "investment":
            amounts = sorted(int(savings * f) // 100 * 100 for f in rng.dirichlet(np.ones(3)) * 0.9)
        else:
            amounts = [
                max(100_000, int(savings * f) // 100_000 * 100_000)
                for f in rng.dirichlet(np.ones(int(rng.integers(1, 4))))
            ]
        t = turned + int(rng.integers(1, 20)) * MINUTE_MS
        if kind == "loan":
            loan = int(rng.integers(3, 20)) * 10_000_000
            bank = int(acc.bank[own])
            loan_rows[v] = ledger.transfer(
                t, int(acc.loan_account[bank]), own, loan, "web", TransferKind.LOAN_DISBURSAL, v
            )
            amounts.append(loan)
            t += int(rng.integers(3, 15)) * MINUTE_MS
        own_device = int(person_device(np.asarray([person]))[0])
        device = own_device if rng.random() > 0.1 else ring.device + 7  # remote-access app
        victim_rows[v] = []
        for a in amounts:
            if t >= cal.end_ms:
                break
            payee = ring.layers[0][int(rng.integers(0, len(ring.layers[0])))]
            row = ledger.transfer(
                t,
                own,
                payee,
                a,
                "app",
                TransferKind.VICTIM_PAYMENT,
                v,
                device,
                int(person_ip(np.asarray([person]))[0]),
            )
            victim_rows[v].append(row)
            arrive(t, payee, a, row)
            t += (
                (int(rng.integers(1, 3)) * DAY_MS)
                if kind == "investment"
                else int(rng.integers(2, 12)) * MINUTE_MS
            )
    # Victims' payments and droppers' moves in one event-time order: a dropper only ever
    # passes on money that has already arrived (payments first on equal times).
    while events or payments:
        if payments and (not events or payments[0][0] <= events[0][0]):
            land(*heapq.heappop(payments))
            continue
        ts, _, account, r = heapq.heappop(events)
        if ts >= cal.end_ms:
            continue
        scheduled.discard(account)
        ring = rings[r]
        layer = position[account][1]
        _forward(ledger, held, kept, ts, account, ring, layer, params, rng, arrive)
    ledger.moves = follow(ledger.rows)
    return FraudWorld(acc, ledger, rings, victim_account, victim_type, victim_rows, loan_rows)


def follow(rows: list[tuple[int, int, int, int, str, int, int, int, int]]) -> list[Move]:
    """The victims' money through the fraud transfers: ``(row, victim, amount, src, dst)``.

    Transfer by transfer in time order, each dropper pays out the oldest victims' money it
    holds first (its fees are what stays, and leave first at its next move).
    """
    queues: dict[int, deque[list[int]]] = defaultdict(deque)  # account -> [victim, tiyn]
    moves: list[Move] = []
    for row in sorted(range(len(rows)), key=lambda r: (rows[r][0], r)):
        _, src, dst, amount, _, _, _, kind, ref = rows[row]
        if kind == TransferKind.VICTIM_PAYMENT:
            parcels = [(ref, amount)]
        elif kind in _MULE_KINDS:
            parcels = _take(queues[src], amount)
        else:
            continue
        for victim, part in parcels:
            moves.append((row, victim, part, src, dst))
            if kind in _INTO_DROPPER:
                queues[dst].append([victim, part])
    return moves


def _take(queue: deque[list[int]], amount: int) -> list[tuple[int, int]]:
    """Parcels worth ``amount``, first in first out, splitting the last one."""
    out: list[tuple[int, int]] = []
    while amount > 0:
        if not queue:
            raise AssertionError("a dropper paid out money that had not arrived")
        victim, have = queue[0]
        used = min(have, amount)
        out.append((victim, used))
        amount -= used
        if used == have:
            queue.popleft()
        else:
            queue[0][1] = have - used
    return out


Move = tuple[int, int, int, int, int]
_MULE_KINDS = (TransferKind.MULE_FORWARD, TransferKind.MULE_ATM, TransferKind.MULE_CRYPTO)
_INTO_DROPPER = (TransferKind.VICTIM_PAYMENT, TransferKind.MULE_FORWARD)
Arrive = Callable[[int, int, int, int], None]


def _forward(
    ledger: Ledger,
    held: dict[int, int],
    kept: dict[int, int],
    ts: int,
    account: int,
    ring: Ring,
    layer: int,
    params: DropperParams,
    rng: np.random.Generator,
    arrive: Arrive,
) -> None:
    """A dropper acts on what it holds: keeps its fee, forwards or cashes out the rest."""
    last = layer == len(ring.layers) - 1
    if last and ring.cashout == 2:
        return  # this ring's last layer lets the money rest
    total = held[account] - kept[account]
    fee = int(total * params.fee_share) // 100 * 100  # kept on the account
    kept[account] += fee
    movable = total - fee
    device = ring.device if rng.random() < params.shared_device_share else 0
    t = ts
    if last:
        while movable > 0:
            atm = ring.cashout == 0
            chunk = min(movable, int(params.atm_chunk * 100)) if atm else movable
            dst = CASH if atm else CRYPTO_BASE - int(rng.integers(0, len(EXCHANGES)))
            kind = TransferKind.MULE_ATM if atm else TransferKind.MULE_CRYPTO
            row = ledger.transfer(
                t,
                account,
                dst,
                chunk,
                "atm" if atm else "p2p_crypto",
                kind,
                0,
                0 if atm else device,
            )
            held[account] -= chunk
            movable -= chunk
            t += int(rng.integers(2, 20)) * MINUTE_MS
        return
    nxt = ring.layers[layer + 1]
    ways = 1 if rng.random() >= params.split_share else int(rng.integers(2, 4))
    units = movable // 100
    cuts = (
        sorted(
            int(c)
            for c in rng.choice(np.arange(1, units), size=min(ways - 1, units - 1), replace=False)
        )
        if ways > 1 and units > 2
        else []
    )
    bounds = [0, *(c * 100 for c in cuts), movable]
    for a, b in itertools.pairwise(bounds):
        payee = nxt[int(rng.integers(0, len(nxt)))]
        row = ledger.transfer(t, account, payee, b - a, "app", TransferKind.MULE_FORWARD, 0, device)
        held[account] -= b - a
        arrive(t, payee, b - a, row)
        t += int(rng.integers(1, 6)) * MINUTE_MS
