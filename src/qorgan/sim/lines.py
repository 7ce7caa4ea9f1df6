"""Hard negatives: legitimate lines that call a lot (call centres, taxis, couriers, banks).

They look like SIM-boxes on volume alone — many outgoing calls to many strangers — and
differ in the ways real ones do: each agent's SIM sits in its own handset, they work office
hours, customers call back, couriers move across many cells, dispatchers call the same
drivers again and again. Banks' own outbound lines are fixed lines (domestic ingress) and
are the numbers fraudsters most like to spoof.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from qorgan.sim.batch import CallBatch, CallKind
from qorgan.sim.calls import AREA_CODES, talk_time
from qorgan.sim.clock import HOUR_MS, Calendar
from qorgan.sim.geo import BANKS
from qorgan.sim.ids import OPERATORS, fixed_line_digits, hash_unit, imei_digits
from qorgan.sim.params import LegitHeavyParams
from qorgan.sim.population import LINES_BASE, Population

I64 = NDArray[np.int64]


class Role(IntEnum):
    """What a heavy line is used for."""

    CALL_CENTRE = 0
    TAXI = 1
    COURIER = 2
    BANK = 3


_KIND = {
    Role.CALL_CENTRE: CallKind.CALL_CENTRE,
    Role.TAXI: CallKind.TAXI,
    Role.COURIER: CallKind.COURIER,
    Role.BANK: CallKind.BANK_OUTBOUND,
}
# Local hours each role works, and calls per working hour as a share of the daily rate.
_HOURS = {
    Role.CALL_CENTRE: range(9, 19),
    Role.TAXI: range(6, 24),
    Role.COURIER: range(9, 21),
    Role.BANK: range(9, 19),
}


@dataclass(frozen=True)
class Lines:
    """One row per line: its role, organisation, number and handset."""

    role: NDArray[np.int8]
    org: I64
    msisdn: I64
    imsi: I64  # 0 for fixed lines
    imei: I64
    operator: NDArray[np.int8]
    region: I64
    cell: I64
    rate: NDArray[np.float64]  # outgoing calls per working day

    def table(self) -> pa.Table:
        """Truth: the legitimate heavy lines."""
        return pa.table(
            {
                "msisdn": [f"+{d}" for d in self.msisdn],
                "imsi": [str(i) if i else None for i in self.imsi],
                "role": [Role(r).name.lower() for r in self.role],
                "org": self.org,
            }
        )


def plan_lines(
    pop: Population, params: LegitHeavyParams, seed: int, rng: np.random.Generator
) -> Lines:
    """The call centres, taxi lines, couriers and bank lines of a world."""
    per = pop.size / 100_000
    rows: list[tuple[int, int, int, int]] = []  # role, org, operator, region
    org = 0
    for _ in range(max(1, round(params.call_centres_per_100k * per))):
        agents = int(rng.integers(params.call_centre_agents[0], params.call_centre_agents[1] + 1))
        where = (
            Role.CALL_CENTRE,
            org,
            int(rng.integers(0, 3)),
            int(rng.integers(0, 3)),
        )  # big cities
        rows += [where] * agents
        org += 1
    for _ in range(max(1, round(params.taxi_per_100k * per))):
        rows += [(Role.TAXI, org, int(rng.integers(0, 3)), int(rng.integers(0, 8)))] * int(
            rng.integers(1, 4)
        )
        org += 1
    for _ in range(max(2, round(params.couriers_per_100k * per))):
        rows.append((Role.COURIER, org, int(rng.integers(0, 3)), int(rng.integers(0, 8))))
        org += 1
    for b in range(len(BANKS)):
        rows += [(Role.BANK, 1_000_000 + b, 0, b % 2)] * params.bank_lines_per_bank
    arr = np.asarray(rows, dtype=np.int64)
    role, orgs, op, region = arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3]
    n = len(arr)
    serial = np.arange(n, dtype=np.int64)
    msisdn = np.zeros(n, dtype=np.int64)
    imsi = np.zeros(n, dtype=np.int64)
    for o in range(len(OPERATORS)):
        sel = (op == o) & (role != Role.BANK)
        msisdn[sel] = pop.msisdn_of_local(o, LINES_BASE + serial[sel])
        imsi[sel] = pop.imsi_of_local(o, LINES_BASE + serial[sel])
    bank = role == Role.BANK
    msisdn[bank] = fixed_line_digits(AREA_CODES[region[bank]], 900 + serial[bank])
    # A call centre's agents sit on one or two office cells; everyone else has a home cell.
    office = pop.random_cell(op, region, hash_unit(orgs, seed + 5) * 0.97 + rng.random(n) * 0.02)
    cell = np.where(role == Role.CALL_CENTRE, office, pop.random_cell(op, region, rng.random(n)))
    rate = np.select(
        [role == Role.CALL_CENTRE, role == Role.TAXI, role == Role.COURIER],
        [params.call_centre_calls_per_agent, params.taxi_calls_per_line, params.courier_calls],
        params.bank_calls_per_100k * per / max(1, len(BANKS) * params.bank_lines_per_bank),
    ) * rng.uniform(0.6, 1.4, n)
    return Lines(
        role.astype(np.int8),
        orgs,
        msisdn,
        imsi,
        imei_digits(serial + 50_000_000, seed),
        op.astype(np.int8),
        region,
        cell,
        rate,
    )


def line_calls(
    lines: Lines,
    pop: Population,
    params: LegitHeavyParams,
    cal: Calendar,
    hour: int,
    rng: np.random.Generator,
) -> CallBatch:
    """One hour of the heavy lines' calls and of customers calling them back."""
    parts: list[CallBatch] = []
    t0 = cal.hour_start_ms(hour)
    for role in Role:
        hours = _HOURS[role]
        if cal.local_hour(hour) not in hours or (cal.is_weekend(hour) and role != Role.TAXI):
            continue
        mine = np.flatnonzero(lines.role == role)
        n = rng.poisson(lines.rate[mine] / len(hours))
        line = np.repeat(mine, n)
        k = len(line)
        in_sample = rng.random(k) < (0.5 if role != Role.TAXI else 0.1)
        callee_idx = rng.integers(0, pop.size, k)
        if role == Role.TAXI:  # dispatchers call the same drivers again and again
            callee = pop.msisdn_of_local(
                0, LINES_BASE // 2 + lines.org[line] * 100 + rng.integers(0, 60, k)
            )
        else:
            callee = pop.outside_numbers(rng, k)
        callee = np.where(in_sample, pop.msisdn[callee_idx], callee)
        answered = rng.random(k) < (0.55 if role == Role.CALL_CENTRE else 0.8)
        median = {Role.CALL_CENTRE: 100, Role.TAXI: 25, Role.COURIER: 35, Role.BANK: 120}[role]
        duration = np.where(answered, talk_time(rng, k, median, 0.8), 0)
        cell = lines.cell[line]
        if role == Role.COURIER:  # on the move all day
            cell = pop.random_cell(
                lines.operator[line].astype(np.int64), lines.region[line], rng.random(k)
            )
        ts = t0 + rng.integers(0, HOUR_MS, k)
        radio = role != Role.BANK
        parts.append(
            CallBatch.of(
                ts,
                lines.msisdn[line],
                callee,
                "radio" if radio else "domestic",
                lines.operator[line] if radio else pop.operator[callee_idx],
                _KIND[role],
                imsi=lines.imsi[line],
                imei=lines.imei[line] if radio else np.zeros(k, np.int64),
                cell=cell if radio else np.full(k, -1),
                answered=answered,
                duration=duration,
                ref=lines.org[line],
            )
        )
        back = (
            in_sample
            & answered
            & (rng.random(k) < params.callback_rate * (3 if role == Role.TAXI else 1))
        )
        who = callee_idx[back]
        b = len(who)
        parts.append(
            CallBatch.of(
                np.minimum(ts[back] + rng.integers(60_000, HOUR_MS, b), t0 + HOUR_MS - 1),
                pop.msisdn[who],
                lines.msisdn[line[back]],
                "radio",
                pop.operator[who],
                CallKind.CALLBACK,
                imsi=pop.imsi[who],
                imei=pop.imei[who],
                cell=pop.home_cell[who],
                answered=np.ones(b, np.bool_),
                duration=talk_time(rng, b, 50, 0.7),
                ref=lines.org[line[back]],
            )
        )
    return CallBatch.concat(parts)
