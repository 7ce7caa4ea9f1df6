"""Short messages: people texting, banks' genuine notices, smishing, spam, and box cover.

Bodies of everyday messages come from pools made once per world (a few hundred per
kind, in kk/ru/en); every smishing message is written afresh with its requisites so the
truth can say exactly which callback number or look-alike link it carried.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from qorgan.core.feeds import SMS, arrow_schema
from qorgan.sim.batch import record_ids
from qorgan.sim.calls import hour_weight
from qorgan.sim.clock import HOUR_MS, Calendar
from qorgan.sim.geo import BANKS
from qorgan.sim.ids import foreign_digits
from qorgan.sim.lookalike import GENUINE_DOMAINS
from qorgan.sim.params import WorldParams
from qorgan.sim.population import Population
from qorgan.sim.simbox import Boxes
from qorgan.sim.texts import ALPHA_SENDERS, SmsContext, TextParams, sms_text

LANGS = ("kk", "ru", "en")
LANG_WEIGHTS = (0.35, 0.55, 0.10)
GENUINE_SENDERS = tuple(s.sender_id for s in ALPHA_SENDERS if s.genuine)
SPOOF_SENDERS = tuple(s.sender_id for s in ALPHA_SENDERS if not s.genuine)
TRUTH_SCHEMA = pa.schema(
    [("sms_id", pa.string()), ("kind", pa.string()), ("requisites", pa.string())]
)


@dataclass(frozen=True)
class TextPools:
    """Pre-written bodies of everyday messages, per kind."""

    personal: list[str]
    bank_notice: list[str]
    spam: list[str]
    domains: list[str]  # the look-alike domains this world's fraudsters use

    @classmethod
    def build(
        cls, rng: np.random.Generator, domains: list[str], style: TextParams, size: int = 300
    ) -> TextPools:
        """Everyday bodies; genuine notices and spam link only to genuine domains."""
        genuine = sorted(GENUINE_DOMAINS)
        pools: dict[str, list[str]] = {}
        for kind in ("personal", "bank_notice", "spam"):
            pools[kind] = [
                sms_text(rng, kind, _lang(rng), _context(rng, genuine), style)[0]
                for _ in range(size)
            ]
        return cls(pools["personal"], pools["bank_notice"], pools["spam"], domains)


def _lang(rng: np.random.Generator) -> str:
    return LANGS[int(rng.choice(3, p=LANG_WEIGHTS))]


def _context(rng: np.random.Generator, domains: list[str]) -> SmsContext:
    bank = BANKS[int(rng.integers(0, len(BANKS)))]
    return SmsContext(
        bank=bank.name,
        amount=Decimal(int(rng.integers(1, 500)) * 1000),
        link_domain=domains[int(rng.integers(0, len(domains)))],
        callback_phone=f"+7{int(rng.choice([701, 705, 747, 777]))}{rng.integers(10**6, 10**7)}",
    )


def hour_of_sms(
    pop: Population,
    boxes: Boxes,
    params: WorldParams,
    cal: Calendar,
    hour: int,
    pools: TextPools,
    first_id: int,
    rng: np.random.Generator,
) -> tuple[pa.Table, pa.Table]:
    """One hour of SMS as feed rows and truth rows (sorted by time, numbered from first_id)."""
    t0 = cal.hour_start_ms(hour)
    weight = hour_weight(params.subscribers.hour_profile, cal, hour)
    rows: list[
        tuple[int, str, str, str, str, str, str]
    ] = []  # ts, sender, recipient, ingress, imsi, text, kind
    requisites: list[str] = []

    def add(
        ts: int,
        sender: str,
        recipient: int,
        ingress: str,
        imsi: str,
        text: str,
        kind: str,
        req: str = "[]",
    ) -> None:
        rows.append((ts, sender, f"+{recipient}", ingress, imsi, text, kind))
        requisites.append(req)

    n = int(rng.poisson(params.subscribers.sms_per_day * weight * pop.size))
    senders = rng.integers(0, pop.size, n)
    friends = np.clip(senders + rng.integers(-pop.circle // 2, pop.circle // 2, n), 0, pop.size - 1)
    for s, f, t, k in zip(
        senders,
        friends,
        rng.integers(0, HOUR_MS, n),
        rng.integers(0, len(pools.personal), n),
        strict=True,
    ):
        add(
            t0 + int(t),
            f"+{pop.msisdn[s]}",
            int(pop.msisdn[f]),
            "radio",
            str(pop.imsi[s]),
            pools.personal[k],
            "personal",
        )
    n = int(rng.poisson(params.smishing.bank_notices_per_day * weight * pop.size))
    for who, t, k in zip(
        rng.integers(0, pop.size, n),
        rng.integers(0, HOUR_MS, n),
        rng.integers(0, len(pools.bank_notice), n),
        strict=True,
    ):
        sender = GENUINE_SENDERS[int(rng.integers(0, len(GENUINE_SENDERS)))]
        add(
            t0 + int(t),
            sender,
            int(pop.msisdn[who]),
            "domestic",
            "",
            pools.bank_notice[k],
            "bank_notice",
        )
    n = int(rng.poisson(params.smishing.spam_per_100k * pop.size / 100_000 * weight))
    for who, t, k in zip(
        rng.integers(0, pop.size, n),
        rng.integers(0, HOUR_MS, n),
        rng.integers(0, len(pools.spam), n),
        strict=True,
    ):
        add(t0 + int(t), "INFO", int(pop.msisdn[who]), "domestic", "", pools.spam[k], "spam")
    _smishing(
        pop,
        boxes,
        params,
        hour_weight(params.fraud_calls.hour_profile, cal, hour),
        t0,
        pools,
        rng,
        add,
    )
    _box_cover_sms(boxes, params, weight, t0, rng, add)

    order = sorted(range(len(rows)), key=lambda i: (rows[i][0], rows[i][1], rows[i][2], rows[i][5]))
    ids = record_ids("S", first_id, len(rows))
    cols: list[tuple[object, ...]] = list(zip(*[rows[i] for i in order], strict=True)) or [()] * 7
    imsi = pa.array(list(cols[4]), pa.string())
    feed = pa.table(
        {
            "sms_id": ids,
            "ts": pa.array(list(cols[0]), pa.timestamp("ms", tz="UTC")),
            "sender": pa.array(list(cols[1]), pa.string()),
            "recipient": pa.array(list(cols[2]), pa.string()),
            "ingress": pa.array(list(cols[3]), pa.string()),
            "imsi": pc.if_else(pc.equal(imsi, ""), pa.scalar(None, pa.string()), imsi),
            "text": pa.array(list(cols[5]), pa.string()),
            "operator": pa.array([None] * len(rows), pa.string()),
        },
        schema=arrow_schema(SMS),
    )
    truth = pa.table(
        {
            "sms_id": ids,
            "kind": pa.array(list(cols[6]), pa.string()),
            "requisites": pa.array([requisites[i] for i in order], pa.string()),
        },
        schema=TRUTH_SCHEMA,
    )
    return feed, truth


def _smishing(
    pop: Population,
    boxes: Boxes,
    params: WorldParams,
    weight: float,
    t0: int,
    pools: TextPools,
    rng: np.random.Generator,
    add: object,
) -> None:
    n = int(rng.poisson(params.smishing.per_100k * pop.size / 100_000 * weight))
    active = boxes.active(t0 + HOUR_MS // 2)
    for _ in range(n):
        target = int(pop.msisdn[int(rng.integers(0, pop.size))])
        kind = "smishing_bank" if rng.random() < 0.55 else "smishing_link"
        text, reqs = sms_text(rng, kind, _lang(rng), _context(rng, pools.domains), params.texts)
        req = json.dumps(
            [{"kind": r.kind, "raw": r.raw, "value": r.value, "valid": r.valid} for r in reqs],
            ensure_ascii=False,
        )
        ts = t0 + int(rng.integers(0, HOUR_MS))
        if len(active) and rng.random() < params.smishing.from_simbox_share:
            sim = int(active[int(rng.integers(0, len(active)))])
            add(
                ts,
                f"+{boxes.sim_msisdn[sim]}",
                target,
                "radio",
                str(boxes.sim_imsi[sim]),
                text,
                kind,
                req,
            )  # type: ignore[operator]
        elif rng.random() < params.smishing.alpha_spoof_share:
            sender = ("KASPl", "Halyk-Bank", "KASPI BANK", "HalykBank", "eGov-KZ")[
                int(rng.integers(0, 5))
            ]
            add(ts, sender, target, "international", "", text, kind, req)  # type: ignore[operator]
        else:
            number = int(
                foreign_digits(
                    np.asarray([int(rng.integers(0, 5))]), np.asarray([int(rng.integers(0, 2**40))])
                )[0]
            )
            add(ts, f"+{number}", target, "international", "", text, kind, req)  # type: ignore[operator]


def _box_cover_sms(
    boxes: Boxes, params: WorldParams, weight: float, t0: int, rng: np.random.Generator, add: object
) -> None:
    active = boxes.active(t0 + HOUR_MS // 2)
    sims = active[boxes.box_stealthy[boxes.sim_box[active]]]
    counts = rng.poisson(params.simbox.stealth_sms_per_day * weight, len(sims))
    for sim, k in zip(sims, counts, strict=True):
        for _ in range(int(k)):
            to = int(boxes.accomplices[int(rng.integers(0, len(boxes.accomplices)))])
            add(
                t0 + int(rng.integers(0, HOUR_MS)),
                f"+{boxes.sim_msisdn[sim]}",
                to,
                "radio",
                str(boxes.sim_imsi[sim]),
                "ok",
                "simbox_cover",
            )  # type: ignore[operator]
