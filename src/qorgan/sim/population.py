"""The people of the synthetic country and their phones.

Subscribers are laid out in *social space*: index ``i`` belongs to the contact circle
``i // circle_size``, circles are grouped by region, and the affinity of two people is a
symmetric hash of the pair, so whom someone calls, and who calls back, needs no stored
contact lists. Operators are assigned by hash with their market shares; numbers, IMSIs and
IMEIs are computed from each subscriber's index within their operator (``ids.py``).

Numbers with an index past the sample (``out_of_sample``) belong to the rest of the
country: they appear as callees of mass calling and as people calling back, never as
account holders.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from qorgan.sim.geo import REGIONS, CellPlan, plan_cells
from qorgan.sim.ids import OPERATORS, hash_unit, imei_digits, imsi_digits, msisdn_digits
from qorgan.sim.params import Scale, SubscriberParams

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
# Per operator, 40M numbers (4 prefixes x 10M): the sample first, then the rest of the
# country, then business lines, then the SIMs that fraud call centres buy for SIM-boxes.
OUTSIDE_SPAN = 20_000_000
LINES_BASE = 30_000_000
BOX_SIMS_BASE = 35_000_000


@dataclass(frozen=True)
class Population:
    """Per-subscriber arrays (index = position in social space)."""

    size: int
    circle: int
    operator: NDArray[np.int8]
    local: I64  # index among the subscribers of the same operator
    region: NDArray[np.int16]
    msisdn: I64  # E.164 digits without '+'
    imsi: I64
    imei: I64
    imei_new: I64  # handset after a change (equal to imei when none)
    change_day: NDArray[np.int32]  # day the handset changes (days when none)
    home_cell: I64
    work_cell: I64
    rate: F64  # outgoing calls per day
    age: NDArray[np.int16]
    foreign: NDArray[np.bool_]  # has relatives abroad who call
    cells: CellPlan
    salt: int
    op_counts: I64  # subscribers per operator in the sample

    def msisdn_of_local(self, op: int, local: I64) -> I64:
        """Numbers of any subscriber of operator ``op``, in or out of the sample."""
        return msisdn_digits(OPERATORS[op], local, self.salt + op)

    def imsi_of_local(self, op: int, local: I64) -> I64:
        """IMSIs of any subscriber of operator ``op``, in or out of the sample."""
        return imsi_digits(OPERATORS[op], local, self.salt + op)

    def outside_numbers(self, rng: np.random.Generator, n: int) -> I64:
        """``n`` numbers of people outside the sample (any operator, never a subscriber)."""
        op = _pick([o.share for o in OPERATORS], rng.random(n))
        local = self.op_counts[op] + rng.integers(0, min(4 * self.size + 1000, OUTSIDE_SPAN), n)
        out = np.zeros(n, dtype=np.int64)
        for o in range(len(OPERATORS)):
            sel = op == o
            out[sel] = self.msisdn_of_local(o, local[sel])
        return out

    def random_cell(self, op: I64, region: I64, u: F64) -> I64:
        """A cell of each operator/region pair, picked by the uniforms ``u``."""
        first = self.cells.first[op, region]
        picked = first + np.floor(u * self.cells.count[op, region])
        return np.asarray(picked, dtype=np.int64)


def _pick(weights: list[float], u: F64) -> I64:
    cum = np.cumsum(np.asarray(weights, dtype=np.float64))
    return np.searchsorted(cum / cum[-1], u, side="right").astype(np.int64)


def build_population(
    scale: Scale, params: SubscriberParams, days: int, seed: int, rng: np.random.Generator
) -> Population:
    """Make the subscribers of a world of ``scale``."""
    n = scale.subscribers
    idx = np.arange(n, dtype=np.int64)
    circle = params.circle_size
    # Circles are contiguous in social space and grouped by region.
    block_position = ((idx // circle) * circle + circle / 2) / n
    region = _pick([r.weight for r in REGIONS], block_position).astype(np.int16)
    region = np.minimum(region, len(REGIONS) - 1).astype(np.int16)
    operator = _pick([o.share for o in OPERATORS], hash_unit(idx, seed * 7 + 1)).astype(np.int8)

    local = np.zeros(n, dtype=np.int64)
    op_counts = np.zeros(len(OPERATORS), dtype=np.int64)
    msisdn = np.zeros(n, dtype=np.int64)
    imsi = np.zeros(n, dtype=np.int64)
    salt = seed * 101
    for o, op in enumerate(OPERATORS):
        mask = operator == o
        local[mask] = np.arange(int(mask.sum()), dtype=np.int64)
        op_counts[o] = int(mask.sum())
        msisdn[mask] = msisdn_digits(op, local[mask], salt + o)
        imsi[mask] = imsi_digits(op, local[mask], salt + o)

    imei = imei_digits(idx, seed)
    changes = rng.random(n) < params.handset_change_share
    change_day = np.where(changes, rng.integers(1, max(2, days), n), days).astype(np.int32)
    imei_new = np.where(changes, imei_digits(idx + n, seed), imei)

    cells = plan_cells(n)
    op64 = operator.astype(np.int64)
    reg64 = region.astype(np.int64)
    first = cells.first[op64, reg64]
    count = cells.count[op64, reg64]
    home_cell = first + (rng.random(n) * count).astype(np.int64)
    work_cell = first + (rng.random(n) * count).astype(np.int64)

    rate = params.calls_per_day_median * np.exp(rng.normal(0.0, params.calls_per_day_sigma, n))
    age = np.clip(rng.normal(42, 15, n), 16, 90).astype(np.int16)
    foreign = rng.random(n) < params.foreign_contact_share
    return Population(
        size=n,
        circle=circle,
        operator=operator,
        local=local,
        region=region,
        msisdn=msisdn,
        imsi=imsi,
        imei=imei,
        imei_new=imei_new,
        change_day=change_day,
        home_cell=home_cell,
        work_cell=work_cell,
        rate=rate,
        age=age,
        foreign=foreign,
        cells=cells,
        salt=salt,
        op_counts=op_counts,
    )


def pair_affinity(a: I64, b: I64, seed: int) -> F64:
    """How close two people are: symmetric in ``a`` and ``b``, uniform in [0, 1)."""
    lo = np.minimum(a, b)
    hi = np.maximum(a, b)
    return hash_unit(lo * np.int64(1_000_003) + hi, seed * 13 + 5)


def circle_contacts(
    pop: Population, caller: I64, rng: np.random.Generator, seed: int, draws: int = 10
) -> I64:
    """For each caller, a contact from their circle: the closest of ``draws`` random members."""
    start = (caller // pop.circle) * pop.circle
    width = np.minimum(pop.circle, pop.size - start)
    best = np.full(len(caller), -1.0)
    chosen = caller.copy()
    for _ in range(draws):
        cand = start + (rng.random(len(caller)) * width).astype(np.int64)
        cand = np.where(cand == caller, start + (cand - start + 1) % width, cand)
        score = pair_affinity(caller, cand, seed)
        better = score > best
        chosen = np.where(better, cand, chosen)
        best = np.where(better, score, best)
    return chosen
