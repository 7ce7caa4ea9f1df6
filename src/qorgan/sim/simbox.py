"""SIM-boxes: racks of local SIMs that terminate fraud centres' calls as local ones.

A box has 16-128 slots, a few GSM modules (IMEIs) rotated across the slots, and sits in
one place (1-3 cells). Each slot burns through SIMs: a fresh SIM works for a few days of
mostly outgoing, short-to-medium calls to strangers, then is thrown away. Stealthy boxes
fake a human life: accomplices call their SIMs, the SIMs text, the box moves across
a few cells, and each SIM calls less and in human hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from qorgan.sim.batch import CallBatch, CallKind
from qorgan.sim.calls import hour_weight, talk_time
from qorgan.sim.clock import DAY_MS, HOUR_MS, Calendar
from qorgan.sim.fraudcalls import Channel, Victims, outcome
from qorgan.sim.ids import imei_digits
from qorgan.sim.params import FraudCallParams, Scale, SimBoxParams, SubscriberParams
from qorgan.sim.population import BOX_SIMS_BASE, Population

I64 = NDArray[np.int64]


@dataclass(frozen=True)
class Boxes:
    """The boxes (``box_*``, one row per box) and every SIM they burn (``sim_*``)."""

    box_operator: I64
    box_stealthy: NDArray[np.bool_]
    box_cells: list[I64]
    box_imeis: list[I64]
    box_slots: I64
    sim_box: I64
    sim_slot: I64
    sim_msisdn: I64
    sim_imsi: I64
    sim_from: I64  # first use, epoch ms
    sim_to: I64  # burnt at, epoch ms
    accomplices: I64  # numbers that fake incoming calls to stealthy boxes
    accomplice_imsi: I64
    accomplice_imei: I64
    accomplice_cell: I64
    sim_calls: I64  # calls each SIM placed so far (filled in as hours are generated)

    def active(self, at_ms: int) -> I64:
        return np.flatnonzero((self.sim_from <= at_ms) & (self.sim_to > at_ms))

    def truth(self) -> tuple[pa.Table, pa.Table]:
        """Truth tables: the boxes, and every SIM that placed calls, with its box and life."""
        boxes = pa.table(
            {
                "box": np.arange(len(self.box_slots), dtype=np.int64),
                "slots": self.box_slots,
                "stealthy": self.box_stealthy,
                "imeis": [[str(i) for i in imeis] for imeis in self.box_imeis],
                "n_cells": [len(c) for c in self.box_cells],
            }
        )
        used = self.sim_calls > 0
        sims = pa.table(
            {
                "imsi": [str(i) for i in self.sim_imsi[used]],
                "msisdn": [f"+{m}" for m in self.sim_msisdn[used]],
                "box": self.sim_box[used],
                "slot": self.sim_slot[used],
                "active_from": pa.array(self.sim_from[used], pa.timestamp("ms", tz="UTC")),
                "burnt_at": pa.array(self.sim_to[used], pa.timestamp("ms", tz="UTC")),
                "calls": self.sim_calls[used],
            }
        )
        return boxes, sims


def plan_boxes(
    pop: Population,
    scale: Scale,
    params: SimBoxParams,
    cal: Calendar,
    seed: int,
    rng: np.random.Generator,
) -> Boxes:
    """Boxes installed before or during the window, and their SIM schedules."""
    operator, stealthy, cells, imeis, slots = [], [], [], [], []
    sim_rows: list[tuple[int, int, int, int]] = []  # box, slot, from, to
    for b in range(scale.boxes):
        op = int(rng.integers(0, 3))
        region = int(rng.integers(0, 8))
        sneaky = bool(rng.random() < params.stealthy_share)
        lo, hi = params.stealth_cells if sneaky else params.cells
        n_cells = int(rng.integers(lo, hi + 1))
        cells.append(
            pop.random_cell(np.full(n_cells, op), np.full(n_cells, region), rng.random(n_cells))
        )
        n_slots = int(rng.integers(params.slots[0], min(params.slots[1], scale.max_box_slots) + 1))
        n_imeis = int(rng.integers(params.imeis[0], min(params.imeis[1], n_slots) + 1))
        imeis.append(imei_digits(np.arange(n_imeis, dtype=np.int64) + 60_000_000 + b * 1000, seed))
        operator.append(op)
        stealthy.append(sneaky)
        slots.append(n_slots)
        installed = cal.start_ms + int(rng.integers(-10, max(1, cal.days // 2) + 1)) * DAY_MS
        for s in range(n_slots):
            t = installed + int(rng.integers(0, HOUR_MS * 12))
            while t < cal.end_ms:
                life = int(rng.uniform(*params.sim_life_days) * DAY_MS)
                if t + life > cal.start_ms:
                    sim_rows.append((b, s, t, t + life))
                t += life + int(rng.integers(0, 6 * HOUR_MS))
    rows = np.asarray(sim_rows, dtype=np.int64).reshape(-1, 4)
    op_of_sim = np.asarray(operator, dtype=np.int64)[rows[:, 0]]
    serial = np.arange(len(rows), dtype=np.int64)
    msisdn = np.zeros(len(rows), dtype=np.int64)
    imsi = np.zeros(len(rows), dtype=np.int64)
    for o in range(3):
        sel = op_of_sim == o
        msisdn[sel] = pop.msisdn_of_local(o, BOX_SIMS_BASE + serial[sel])
        imsi[sel] = pop.imsi_of_local(o, BOX_SIMS_BASE + serial[sel])
    helpers = BOX_SIMS_BASE + 4_000_000 + np.arange(50, dtype=np.int64)
    helper_cells = pop.random_cell(np.zeros(50, np.int64), rng.integers(0, 8, 50), rng.random(50))
    return Boxes(
        np.asarray(operator, dtype=np.int64),
        np.asarray(stealthy, dtype=np.bool_),
        cells,
        imeis,
        np.asarray(slots, dtype=np.int64),
        rows[:, 0],
        rows[:, 1],
        msisdn,
        imsi,
        rows[:, 2],
        rows[:, 3],
        pop.msisdn_of_local(0, helpers),
        pop.imsi_of_local(0, helpers),
        imei_digits(helpers, seed),
        helper_cells,
        np.zeros(len(rows), dtype=np.int64),
    )


def box_calls(
    boxes: Boxes,
    pop: Population,
    params: SimBoxParams,
    fraud: FraudCallParams,
    human: SubscriberParams,
    cal: Calendar,
    hour: int,
    victims: Victims,
    rng: np.random.Generator,
) -> CallBatch:
    """One hour of every active box SIM's calls, and the cover traffic of stealthy boxes."""
    t0 = cal.hour_start_ms(hour)
    sims = boxes.active(t0 + HOUR_MS // 2)
    if len(sims) == 0:
        return CallBatch.empty()
    box = boxes.sim_box[sims]
    sneaky = boxes.box_stealthy[box]
    per_day = np.where(sneaky, params.stealth_calls_per_sim_day, params.calls_per_sim_day)
    weight = np.where(
        sneaky,
        hour_weight(human.hour_profile, cal, hour),
        hour_weight(fraud.hour_profile, cal, hour),
    )
    n = rng.poisson(per_day * weight)
    sim = np.repeat(sims, n)
    np.add.at(boxes.sim_calls, sims, n)
    k = len(sim)
    # The in-sample share makes the box channel's attempts on our subscribers match the mix.
    wanted = fraud.attempts_per_100k * pop.size / 100_000 * fraud.channel_mix[Channel.SIMBOX]
    capacity = max(
        1.0,
        float(
            np.sum(
                np.where(
                    boxes.box_stealthy[boxes.sim_box],
                    params.stealth_calls_per_sim_day,
                    params.calls_per_sim_day,
                )[sims]
            )
        ),
    )
    in_sample = rng.random(k) < min(1.0, wanted / capacity)
    target = np.where(in_sample, rng.integers(0, pop.size, k), -1)
    callee = np.where(in_sample, pop.msisdn[np.maximum(target, 0)], pop.outside_numbers(rng, k))
    answered, duration, turned = outcome(
        pop, target, params.answer_rate, params.talk_median_s, fraud, rng
    )
    ts = t0 + rng.integers(0, HOUR_MS, k)
    serial = np.zeros(k, dtype=np.int64)
    serial[turned] = victims.add(
        target[turned], ts[turned] + duration[turned] * 1000, Channel.SIMBOX
    )
    b = boxes.sim_box[sim]
    day = cal.day(hour)
    imei = np.array(
        [
            boxes.box_imeis[bb][(s + day) % len(boxes.box_imeis[bb])]
            for bb, s in zip(b, boxes.sim_slot[sim], strict=True)
        ],
        dtype=np.int64,
    )
    cell = np.array(
        [
            c[int(u * len(c))]
            for c, u in zip((boxes.box_cells[bb] for bb in b), rng.random(k), strict=True)
        ],
        dtype=np.int64,
    )
    calls = CallBatch.of(
        ts,
        boxes.sim_msisdn[sim],
        callee,
        "radio",
        boxes.box_operator[b],
        CallKind.FRAUD_SIMBOX,
        imsi=boxes.sim_imsi[sim],
        imei=imei,
        cell=cell,
        answered=answered,
        duration=duration,
        ref=b,
        victim=serial,
    )
    return CallBatch.concat(
        [calls, _cover_calls(boxes, sims[sneaky], params, cal, hour, human, rng)]
    )


def _cover_calls(
    boxes: Boxes,
    sims: I64,
    params: SimBoxParams,
    cal: Calendar,
    hour: int,
    human: SubscriberParams,
    rng: np.random.Generator,
) -> CallBatch:
    """Accomplices calling stealthy SIMs so that they seem to receive calls like people do."""
    share = params.stealth_incoming_share
    rate = (
        params.stealth_calls_per_sim_day
        * share
        / (1 - share)
        * hour_weight(human.hour_profile, cal, hour)
    )
    n = rng.poisson(rate, len(sims))
    sim = np.repeat(sims, n)
    k = len(sim)
    who = rng.integers(0, len(boxes.accomplices), k)
    answered = rng.random(k) < 0.9
    return CallBatch.of(
        cal.hour_start_ms(hour) + rng.integers(0, HOUR_MS, k),
        boxes.accomplices[who],
        boxes.sim_msisdn[sim],
        "radio",
        0,
        CallKind.SIMBOX_COVER,
        imsi=boxes.accomplice_imsi[who],
        imei=boxes.accomplice_imei[who],
        cell=boxes.accomplice_cell[who],
        answered=answered,
        duration=np.where(answered, talk_time(rng, k, 80, 0.8), 0),
        ref=boxes.sim_box[sim],
    )
