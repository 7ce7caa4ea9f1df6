"""Banks, accounts and everyday money: purchases, family transfers, students, cash, salaries.

Every subscriber is a person with a primary account (and sometimes a second one at
another bank); businesses are employers, merchants (a few marketplaces receive from
thousands of strangers, the hard negatives of fan-in) and each bank's loan account.
Everyday transfers are drawn per day, vectorised; fraud flows come from ``droppers.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from qorgan.core.feeds import ACCOUNTS, arrow_schema
from qorgan.sim.clock import DAY_MS, HOUR_MS, LOCAL_OFFSET, Calendar
from qorgan.sim.geo import BANKS
from qorgan.sim.ids import hash_unit, splitmix64
from qorgan.sim.params import BankingParams
from qorgan.sim.population import Population, circle_contacts

I64 = NDArray[np.int64]
AnyArray = NDArray[Any]
CHANNEL_CODES = {
    name: i for i, name in enumerate(("app", "web", "card", "atm", "branch", "p2p_crypto"))
}
CASH = -1  # account index meaning cash (ATM withdrawal or deposit)
CRYPTO_BASE = -100  # -100 - k means CRYPTO:<EXCHANGES[k]>
EXCHANGES = ("binance", "bybit", "okx", "htx", "p2p_kz")


def iban_text(bank_code: I64, number: I64) -> pa.Array:
    """Valid KZ IBANs, vectorised: mod-97 over BBAN + 'KZ00' computed in 64-bit pieces."""
    head = (bank_code % 97) * pow(10, 13, 97) % 97
    rest = (head + number % 97) % 97  # BBAN mod 97
    check = 98 - (rest * pow(10, 6, 97) + 203500) % 97
    code = pc.utf8_lpad(pc.cast(pa.array(bank_code), pa.string()), 3, "0")
    body = pc.utf8_lpad(pc.cast(pa.array(number), pa.string()), 13, "0")
    chk = pc.utf8_lpad(pc.cast(pa.array(check), pa.string()), 2, "0")
    return pc.binary_join_element_wise("KZ", chk, code, body, "")


class TransferKind(IntEnum):
    """What a simulated transfer really is (``truth/transfers`` lists all but the first five)."""

    PURCHASE = 0
    FAMILY = 1
    STUDENT_SUPPORT = 2
    ATM = 3
    SALARY = 4
    LOAN_DISBURSAL = 10  # a loan the fraudster talked the victim into, paid to the victim
    VICTIM_PAYMENT = 11  # the victim's transfer under fraud
    MULE_FORWARD = 12  # a dropper passing money on to the next layer
    MULE_ATM = 13  # a dropper's cash withdrawal
    MULE_CRYPTO = 14  # a dropper buying crypto through a P2P exchange


ORDINARY_KINDS = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class Accounts:
    """All accounts (index = account id): bank, holder, kind and when opened."""

    bank: I64
    number: I64  # 13-digit account number inside the IBAN
    holder: I64  # person index, or -1 - business index for businesses
    phone: I64  # E.164 digits of a person's phone, 0 for none
    business: NDArray[np.bool_]
    opened_ms: I64
    balance: I64  # opening balance, tiyn
    primary: I64  # per person: their primary account
    employers: I64
    merchants: I64
    loan_account: I64  # per bank
    students: I64  # person indices of students supported by relatives

    def __len__(self) -> int:
        return len(self.bank)

    def ibans(self, index: I64) -> pa.Array:
        codes = np.asarray([int(b.code) for b in BANKS], dtype=np.int64)
        return iban_text(codes[self.bank[index]], self.number[index])

    def add(
        self, bank: I64, holder: I64, phone: I64, opened_ms: I64, seed: int
    ) -> tuple[Accounts, I64]:
        """A copy with new personal accounts appended (droppers' fresh accounts)."""
        start = len(self)
        n = len(bank)
        ids = np.arange(start, start + n, dtype=np.int64)
        grown = Accounts(
            np.concatenate([self.bank, bank]),
            np.concatenate([self.number, _numbers(ids, seed)]),
            np.concatenate([self.holder, holder]),
            np.concatenate([self.phone, phone]),
            np.concatenate([self.business, np.zeros(n, np.bool_)]),
            np.concatenate([self.opened_ms, opened_ms]),
            np.concatenate([self.balance, np.zeros(n, np.int64)]),
            self.primary,
            self.employers,
            self.merchants,
            self.loan_account,
            self.students,
        )
        return grown, ids

    def table(self) -> pa.Table:
        idx = np.arange(len(self), dtype=np.int64)
        holders = np.where(self.business, -1 - self.holder, self.holder)
        prefix = np.where(self.business, "B", "P")
        holder_text = pc.binary_join_element_wise(
            pa.array(prefix), pc.utf8_lpad(pc.cast(pa.array(holders), pa.string()), 9, "0"), ""
        )
        phone = pc.binary_join_element_wise("+", pc.cast(pa.array(self.phone), pa.string()), "")
        return pa.table(
            {
                "account": self.ibans(idx),
                "bank": [BANKS[b].slug for b in self.bank],
                "holder": holder_text,
                "holder_phone": pc.if_else(
                    pa.array(self.phone == 0), pa.scalar(None, pa.string()), phone
                ),
                "opened_at": pa.array(self.opened_ms, pa.timestamp("ms", tz="UTC")),
                "kind": pa.array(np.where(self.business, "business", "personal")),
            },
            schema=arrow_schema(ACCOUNTS),
        )


def _numbers(ids: I64, seed: int) -> I64:
    return (splitmix64((ids + seed * 1_000_003).astype(np.uint64)) % np.uint64(10**13)).astype(
        np.int64
    )


def _bank_pick(u: NDArray[np.float64]) -> I64:
    cum = np.cumsum([b.share for b in BANKS])
    return np.minimum(np.searchsorted(cum / cum[-1], u, side="right"), len(BANKS) - 1).astype(
        np.int64
    )


def open_accounts(
    pop: Population, params: BankingParams, cal: Calendar, seed: int, rng: np.random.Generator
) -> Accounts:
    """Every person's accounts, the businesses' accounts and the banks' loan accounts."""
    n = pop.size
    person = np.arange(n, dtype=np.int64)
    second = np.flatnonzero(rng.random(n) < params.second_account_share)
    holders = np.concatenate([person, second])
    banks = _bank_pick(hash_unit(holders * 2 + (np.arange(len(holders)) >= n), seed + 3))
    per = n / 100_000
    n_employers = max(5, n // 60)
    n_merchants = max(20, round(params.merchants_per_100k * per))
    biz = np.arange(n_employers + n_merchants + len(BANKS), dtype=np.int64)
    bank_of_biz = np.concatenate(
        [_bank_pick(rng.random(n_employers + n_merchants)), np.arange(len(BANKS))]
    )
    holder = np.concatenate([holders, -1 - biz])
    bank = np.concatenate([banks, bank_of_biz])
    total = len(holder)
    years = rng.uniform(0.2, 15, total) * 365 * DAY_MS
    opened = (cal.start_ms - years).astype(np.int64)
    phone = np.concatenate([pop.msisdn[holders], np.zeros(len(biz), np.int64)])
    balance = (params.opening_balance_median * np.exp(rng.normal(0, 1.1, total)) * 100).astype(
        np.int64
    )
    first_biz = len(holders)
    ids = np.arange(total, dtype=np.int64)
    students = np.flatnonzero(rng.random(n) < params.students_per_100k / 100_000)
    return Accounts(
        bank,
        _numbers(ids, seed),
        holder,
        phone,
        holder < 0,
        opened,
        balance,
        primary=person.copy(),
        employers=ids[first_biz : first_biz + n_employers],
        merchants=ids[first_biz + n_employers : first_biz + n_employers + n_merchants],
        loan_account=ids[first_biz + n_employers + n_merchants :],
        students=students,
    )


@dataclass
class TransferBatch:
    """Transfers as arrays; accounts are indices (CASH, CRYPTO_BASE - k for the specials)."""

    ts: I64
    src: I64
    dst: I64
    amount: I64  # tiyn
    channel: I64
    device: I64  # 0 for none
    ip: I64  # IPv4 as an integer, 0 for none
    kind: I64  # TransferKind code, for truth
    ref: I64  # victim serial, ring, ... (truth)
    row: I64  # the fraud ledger's row, -1 for everyday transfers

    @classmethod
    def of(
        cls,
        ts: AnyArray,
        src: AnyArray,
        dst: AnyArray,
        amount: AnyArray,
        channel: str,
        kind: int,
        **optional: AnyArray,
    ) -> TransferBatch:
        n = len(ts)
        z = np.zeros(n, dtype=np.int64)
        return cls(
            ts.astype(np.int64),
            src.astype(np.int64),
            dst.astype(np.int64),
            amount.astype(np.int64),
            np.full(n, CHANNEL_CODES[channel], np.int64),
            optional.get("device", z).astype(np.int64),
            optional.get("ip", z).astype(np.int64),
            np.full(n, kind, np.int64),
            optional.get("ref", z).astype(np.int64),
            optional.get("row", z - 1).astype(np.int64),
        )

    def __len__(self) -> int:
        return len(self.ts)

    @classmethod
    def concat(cls, parts: list[TransferBatch]) -> TransferBatch:
        if not parts:
            z = np.zeros(0, np.int64)
            return cls(*(z for _ in _KEYS))
        return cls(*(np.concatenate([getattr(p, k) for p in parts]) for k in _KEYS))

    def take(self, index: I64) -> TransferBatch:
        return TransferBatch(*(getattr(self, k)[index] for k in _KEYS))

    def sorted(self) -> TransferBatch:
        """In time order; ties broken by every other column (deterministic)."""
        return self.take(
            np.lexsort((self.row, self.ref, self.kind, self.amount, self.dst, self.src, self.ts))
        )


_KEYS = ("ts", "src", "dst", "amount", "channel", "device", "ip", "kind", "ref", "row")


def person_device(person: I64) -> I64:
    return (splitmix64(person.astype(np.uint64) + np.uint64(0xD1CE)) >> np.uint64(20)).astype(
        np.int64
    ) + 1


def person_ip(person: I64) -> I64:
    """Home IPv4 of each person inside 2.72.0.0/13 (a Kazakh broadband block)."""
    base = (2 << 24) | (72 << 16)
    return base + (
        splitmix64(person.astype(np.uint64) + np.uint64(0x1B)) % np.uint64(1 << 19)
    ).astype(np.int64)


# Relative intensity of everyday payments per local hour (shops, transfers, ATMs).
PAYMENT_HOURS = (
    0.12, 0.06, 0.03, 0.02, 0.02, 0.05, 0.2, 0.55, 0.95, 1.25, 1.45, 1.55,
    1.65, 1.6, 1.5, 1.45, 1.5, 1.6, 1.75, 1.7, 1.45, 1.05, 0.6, 0.3,
)  # fmt: skip
SALARY_HOUR = 10  # local hour at which employers' payroll runs


def everyday(
    acc: Accounts,
    pop: Population,
    params: BankingParams,
    cal: Calendar,
    hour: int,
    seed: int,
    rng: np.random.Generator,
) -> TransferBatch:
    """One hour of ordinary transfers for the whole country (memory bounded by the hour)."""
    t0 = cal.hour_start_ms(hour)
    n = pop.size
    weight = PAYMENT_HOURS[cal.local_hour(hour)] / sum(PAYMENT_HOURS)
    people = np.arange(n, dtype=np.int64)

    def within(k: int) -> I64:
        return t0 + rng.integers(0, HOUR_MS, k)

    parts = []
    buyers = np.repeat(people, rng.poisson(params.purchases_per_day * weight, n))
    k = len(buyers)
    # Merchants by popularity (Zipf): the top few are marketplaces with thousands of payers.
    rank = np.minimum(rng.zipf(1.3, k) - 1, len(acc.merchants) - 1)
    price = np.round(params.purchase_median * np.exp(rng.normal(0, 0.9, k)) * 100)
    parts.append(
        TransferBatch.of(
            within(k), acc.primary[buyers], acc.merchants[rank], price, "card",
            TransferKind.PURCHASE, device=person_device(buyers), ip=person_ip(buyers),
        )
    )  # fmt: skip
    senders = np.repeat(people, rng.poisson(params.p2p_per_day * weight, n))
    k = len(senders)
    family = circle_contacts(pop, senders, rng, seed)
    gift = np.maximum(1, np.round(params.p2p_median * np.exp(rng.normal(0, 0.8, k)) / 1000))
    parts.append(
        TransferBatch.of(
            within(k), acc.primary[senders], acc.primary[family], gift * 100_000, "app",
            TransferKind.FAMILY, device=person_device(senders), ip=person_ip(senders),
        )
    )  # fmt: skip
    # Students: relatives (people near them in social space) each send a little.
    kids = np.repeat(acc.students, rng.poisson(weight, len(acc.students)))
    k = len(kids)
    relative = np.clip(kids + rng.integers(-200, 200, k), 0, n - 1)
    parts.append(
        TransferBatch.of(
            within(k), acc.primary[relative], acc.primary[kids], rng.integers(5, 40, k) * 100_000,
            "app", TransferKind.STUDENT_SUPPORT, device=person_device(relative),
            ip=person_ip(relative),
        )
    )  # fmt: skip
    cash = np.repeat(people, rng.poisson(params.atm_per_day * weight, n))
    k = len(cash)
    parts.append(
        TransferBatch.of(
            within(k), acc.primary[cash], np.full(k, CASH), rng.integers(1, 20, k) * 500_000,
            "atm", TransferKind.ATM,
        )
    )  # fmt: skip
    if cal.local_hour(hour) == SALARY_HOUR:
        parts.append(_payroll(acc, params, cal, hour, people, seed, rng))
    return TransferBatch.concat(parts)


def _payroll(
    acc: Accounts,
    params: BankingParams,
    cal: Calendar,
    hour: int,
    people: I64,
    seed: int,
    rng: np.random.Generator,
) -> TransferBatch:
    """Salaries: each employer pays its staff on its own day of the month."""
    day_of_month = (cal.at(cal.hour_start_ms(hour)) + LOCAL_OFFSET).day
    paid = hash_unit(people, seed + 11) < params.salary_share
    employer = (hash_unit(people, seed + 12) * len(acc.employers)).astype(np.int64)
    pay_day = 1 + (hash_unit(acc.employers[employer], seed + 13) * 28).astype(np.int64)
    today = np.flatnonzero(paid & (pay_day == day_of_month))
    k = len(today)
    salary = np.round(params.salary_median * np.exp(rng.normal(0, 0.5, k))) * 100
    return TransferBatch.of(
        cal.hour_start_ms(hour) + rng.integers(0, HOUR_MS, k), acc.employers[employer[today]],
        acc.primary[today], salary, "web", TransferKind.SALARY,
    )  # fmt: skip
