"""Truth and feed tables of the banking side, built from the dropper simulation's ledger."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import fields, is_dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from qorgan.core.feeds import REPORTS, arrow_schema
from qorgan.sim.banking import CASH, CRYPTO_BASE, EXCHANGES, Accounts, TransferKind
from qorgan.sim.chain import ChainWorld, CryptoCashout
from qorgan.sim.clock import HOUR_MS, Calendar
from qorgan.sim.droppers import FraudWorld
from qorgan.sim.fraudcalls import Channel, Victims
from qorgan.sim.lookalike import GENUINE_DOMAINS
from qorgan.sim.params import DropperParams, WorldParams
from qorgan.sim.population import Population
from qorgan.sim.simbox import Boxes
from qorgan.sim.texts import RequisitePool
from qorgan.sim.transfers import money

I64 = NDArray[np.int64]
Report = tuple[int, int, int, str, list[int]]


def _where(acc: Accounts, index: int) -> str:
    if index == CASH:
        return "CASH"
    if index <= CRYPTO_BASE:
        return "CRYPTO:" + EXCHANGES[CRYPTO_BASE - index]
    return str(acc.ibans(np.asarray([index], dtype=np.int64))[0])


def add_non_call_victims(
    victims: Victims, people: int, params: WorldParams, cal: Calendar, rng: np.random.Generator
) -> None:
    """Victims of fake shops and investment ads: reached without any call."""
    called = len(victims)
    share = params.droppers.non_call_share
    n = int(rng.poisson(called * share / max(1e-9, 1 - share)))
    who = rng.integers(0, people, n)
    when = cal.start_ms + rng.integers(0, cal.end_ms - cal.start_ms, n)
    order = np.argsort(when, kind="stable")
    victims.add(who[order], when[order], Channel.NO_CALL)


def reports_table(
    reports: list[Report], fraud: FraudWorld, acc: Accounts, row_id: NDArray[np.object_]
) -> pa.Table:
    """The reports feed: one row per victim who reported within the window."""
    own = [fraud.victim_account[r[1]] for r in reports]
    phones = [int(acc.phone[a]) for a in own]
    return pa.table(
        {
            "report_id": [f"R{r[0]:07d}" for r in reports],
            "ts": pa.array([r[2] for r in reports], pa.timestamp("ms", tz="UTC")),
            "victim_account": acc.ibans(np.asarray(own, dtype=np.int64))
            if own
            else pa.array([], pa.string()),
            "victim_phone": [f"+{p}" if p else None for p in phones],
            "fraud_type": [r[3] for r in reports],
            "transfer_ids": [[str(row_id[x]) for x in r[4]] for r in reports],
        },
        schema=arrow_schema(REPORTS),
    )


def holdings_table(holdings: list[tuple[int, int, int, int]], acc: Accounts) -> pa.Table:
    """Truth: where each reporter's money sits when they report (sums to the loss)."""
    kinds = {CASH: "atm_cashout"}
    return pa.table(
        {
            "report_id": [f"R{h[0]:07d}" for h in holdings],
            "holder": [_where(acc, h[1]) for h in holdings],
            "kind": [
                kinds.get(h[1], "crypto_cashout" if h[1] <= CRYPTO_BASE else "account")
                for h in holdings
            ],
            "amount": money([h[2] for h in holdings]),
            "as_of": pa.array([h[3] for h in holdings], pa.timestamp("ms", tz="UTC")),
        }
    )


def flows_table(
    fraud: FraudWorld, row_id: NDArray[np.object_], in_window: NDArray[np.bool_]
) -> pa.Table:
    """Truth: which victim's money each fraud transfer carried, and how much."""
    moves = [m for m in fraud.ledger.moves if in_window[m[0]]]
    return pa.table(
        {
            "transfer_id": [str(row_id[m[0]]) for m in moves],
            "victim": pa.array([m[1] for m in moves], pa.int64()),
            "amount": money([m[2] for m in moves]),
        }
    )


def victims_truth(
    victims: Victims, pop: Population, fraud: FraudWorld, acc: Accounts, reports: list[Report]
) -> pa.Table:
    """Truth: every victim, how they were reached, what they lost, whether they reported."""
    reported = {r[1]: f"R{r[0]:07d}" for r in reports}
    serials = list(range(1, len(victims) + 1))
    loss = [sum(fraud.ledger.rows[x][3] for x in fraud.victim_rows.get(v, [])) for v in serials]
    accounts = np.asarray([fraud.victim_account[v] for v in serials], dtype=np.int64)
    return pa.table(
        {
            "victim": pa.array(serials, pa.int64()),
            "msisdn": [f"+{pop.msisdn[s]}" for s in victims.subscriber],
            "account": acc.ibans(accounts) if len(accounts) else pa.array([], pa.string()),
            "channel": [Channel(c).name.lower() for c in victims.channel],
            "turned_at": pa.array(victims.ts_ms, pa.timestamp("ms", tz="UTC")),
            "fraud_type": [fraud.victim_type[v] for v in serials],
            "loss": money(loss),
            "report_id": [reported.get(v) for v in serials],
        }
    )


def cashouts(
    fraud: FraudWorld, row_id: NDArray[np.object_], in_window: NDArray[np.bool_]
) -> list[CryptoCashout]:
    """The crypto purchases droppers made, for the chain simulation."""
    out = []
    for i, row in enumerate(fraud.ledger.rows):
        if row[7] == TransferKind.MULE_CRYPTO and in_window[i]:
            ring = next(r for r, ring in enumerate(fraud.rings) if row[1] in ring.layers[-1])
            out.append(
                CryptoCashout(
                    cashout_id=str(row_id[i]),
                    ts=datetime.fromtimestamp(row[0] / 1000, tz=UTC),
                    exchange=EXCHANGES[CRYPTO_BASE - row[2]],
                    amount_kzt=Decimal(row[3]) / 100,
                    ring_id=f"ring-{ring}",
                )
            )
    return out


def requisite_pool(
    acc: Accounts,
    who: dict[int, tuple[int, int, bool]],
    pop: Population,
    boxes: Boxes,
    chain: ChainWorld,
    lookalikes: list[str],
) -> RequisitePool:
    """Real simulated requisites for the texts: droppers' IBANs, box numbers, ring wallets."""
    droppers = np.asarray(sorted(who), dtype=np.int64)
    merchants = acc.merchants[: min(200, len(acc.merchants))]
    wallets = sorted(set(chain.truth_crypto_holdings.column("address").to_pylist()))
    return RequisitePool(
        fraud_ibans=tuple(acc.ibans(droppers).to_pylist()),
        fraud_phones=tuple(f"+{m}" for m in boxes.sim_msisdn[:200].tolist()),
        fraud_wallets=tuple(wallets[:200]),
        fraud_domains=tuple(lookalikes),
        merchant_ibans=tuple(acc.ibans(merchants).to_pylist()),
        merchant_phones=tuple(f"+{m}" for m in pop.msisdn[:200].tolist()),
        benign_domains=tuple(sorted(GENUINE_DOMAINS)),
        card_bins=("440043", "400303", "539545", "537541", "418384", "522858"),
    )


def jsonable(value: Any) -> Any:
    """Parameters as plain JSON values (dataclasses, tuples, datetimes)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def reports_and_holdings(
    fraud: FraudWorld, params: DropperParams, cal: Calendar, rng: np.random.Generator
) -> tuple[list[tuple[int, int, int, str, list[int]]], list[tuple[int, int, int, int]]]:
    """Who reports and when, and where each reporter's money sits at that moment.

    Returns ``reports`` as (report serial, victim, ts, fraud type, ledger rows) and
    ``holdings`` as (report serial, account or CASH/CRYPTO code, amount in tiyn, as-of ts).
    """
    ts_of = [r[0] for r in fraud.ledger.rows]
    by_victim: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    for row, victim, amount, src, dst in fraud.ledger.moves:
        by_victim[victim].append((ts_of[row], amount, src, dst))
    reports: list[tuple[int, int, int, str, list[int]]] = []
    holdings: list[tuple[int, int, int, int]] = []
    for victim in sorted(fraud.victim_rows):
        rows = [r for r in fraud.victim_rows[victim] if ts_of[r] < cal.end_ms]
        if not rows or rng.random() >= params.report_rate:
            continue
        when = max(ts_of[r] for r in rows) + int(
            rng.lognormal(np.log(params.report_delay_median_h), 1.0) * HOUR_MS
        )
        if when >= cal.end_ms:
            continue
        reports.append((0, victim, when, fraud.victim_type[victim], rows))
    # Reports are numbered in the order they were filed.
    filed = sorted(reports, key=lambda r: (r[2], r[1]))
    reports = [(i + 1, r[1], r[2], r[3], r[4]) for i, r in enumerate(filed)]
    for serial, victim, when, _, _ in reports:
        place: dict[int, int] = defaultdict(int)
        for ts, amount, src, dst in by_victim[victim]:
            if ts <= when:
                place[dst] += amount
                place[src] -= amount
        own = fraud.victim_account[victim]
        for where in sorted(place):
            if where != own and place[where] > 0:
                holdings.append((serial, where, place[where], when))
    return reports, holdings


def roles_table(acc: Accounts) -> pa.Table:
    """Truth: what every account is for — ``person``, ``student`` (supported by relatives),
    ``merchant`` (the top ones are marketplaces), ``employer`` (pays salaries) or ``loan``
    (a bank's loan account) — the hard negatives a dropper finder must leave alone."""
    role = np.where(acc.business, "employer", "person").astype(object)
    role[acc.merchants] = "merchant"
    role[acc.loan_account] = "loan"
    role[acc.primary[acc.students]] = "student"
    return pa.table(
        {"account": acc.ibans(np.arange(len(acc))), "role": pa.array(role, pa.string())}
    )


def dropper_table(who: dict[int, tuple[int, int, bool]], acc: Accounts) -> pa.Table:
    """Truth: every dropper account, its ring, its layer and whether it was opened for it."""
    accounts = np.asarray(sorted(who), dtype=np.int64)
    return pa.table(
        {
            "account": acc.ibans(accounts),
            "ring": [who[a][0] for a in accounts.tolist()],
            "layer": [who[a][1] for a in accounts.tolist()],
            "fresh": [who[a][2] for a in accounts.tolist()],
        }
    )
