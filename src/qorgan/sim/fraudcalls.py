"""Fraud call centres abroad reaching victims, and who among those reached is turned.

Four channels (``FraudCallParams.channel_mix``): a spoofed Kazakh CLI on international or
VoIP ingress, a SIM-box (``simbox.py``), or an over-the-top messenger call that no operator
sees. Whatever the channel, an answered call may engage the victim (a long call) and an
engaged victim, more likely the older, may be turned: those become ``Victims`` whom the
banking side then makes move their money.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from qorgan.sim.batch import CallBatch, CallKind
from qorgan.sim.calls import talk_time
from qorgan.sim.clock import HOUR_MS, Calendar
from qorgan.sim.params import FraudCallParams
from qorgan.sim.population import Population

I64 = NDArray[np.int64]


class Channel(IntEnum):
    """How the fraudster reached the victim."""

    SPOOF_INTL = 0
    SPOOF_VOIP = 1
    SIMBOX = 2
    OTT = 3  # messenger call, invisible to operators
    NO_CALL = 4  # fake shop or investment ad, no call at all


@dataclass
class Victims:
    """People turned by a fraud call (or an ad), in the order they were turned."""

    subscriber: list[int] = field(default_factory=list)
    ts_ms: list[int] = field(default_factory=list)
    channel: list[int] = field(default_factory=list)

    def add(self, subscriber: I64, ts_ms: I64, channel: Channel) -> I64:
        """Record victims; returns their serials (1-based, 0 is "none" in call batches)."""
        first = len(self.subscriber) + 1
        self.subscriber.extend(int(s) for s in subscriber)
        self.ts_ms.extend(int(t) for t in ts_ms)
        self.channel.extend([int(channel)] * len(subscriber))
        return np.arange(first, first + len(subscriber), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.subscriber)


def outcome(
    pop: Population,
    target: I64,
    answer_rate: float,
    talk_median_s: float,
    params: FraudCallParams,
    rng: np.random.Generator,
) -> tuple[NDArray[np.bool_], I64, NDArray[np.bool_]]:
    """Answered, talk time and turned for fraud calls to ``target`` (-1 = outside the sample)."""
    n = len(target)
    answered = rng.random(n) < answer_rate
    engaged = answered & (rng.random(n) < params.engage_rate)
    duration = np.where(answered, talk_time(rng, n, talk_median_s, 0.9), 0)
    duration = np.where(engaged, talk_time(rng, n, 900, 0.6), duration)
    age = pop.age[np.maximum(target, 0)].astype(np.float64)
    lift = 1 + (params.age_susceptibility - 1) * np.clip((age - 16) / 74, 0, 1)
    turned = (
        engaged
        & (target >= 0)
        & (rng.random(n) < params.convert_rate * lift / params.age_susceptibility * 2)
    )
    return answered, duration, turned


def spoof_cli(
    pop: Population, bank_lines: I64, params: FraudCallParams, rng: np.random.Generator, n: int
) -> I64:
    """CLIs a fraud centre presents: real subscribers', banks', random, unallocated or none."""
    u = rng.random(n)
    existing = pop.msisdn[rng.integers(0, pop.size, n)]
    cli = pop.outside_numbers(rng, n)
    cli = np.where(u < params.spoof_existing_share, existing, cli)
    bank = (u >= params.spoof_existing_share) & (
        u < params.spoof_existing_share + params.spoof_bank_share
    )
    cli = np.where(bank, bank_lines[rng.integers(0, len(bank_lines), n)], cli)
    odd = rng.random(n)
    unallocated = 77_400_000_000 + rng.integers(0, 10_000_000, n)  # +7 740: no operator has it
    cli = np.where(odd < 0.04, unallocated, cli)
    return np.where((odd >= 0.04) & (odd < 0.07), 0, cli)  # withheld


def spoofed_calls(
    pop: Population,
    bank_lines: I64,
    params: FraudCallParams,
    cal: Calendar,
    hour: int,
    victims: Victims,
    rng: np.random.Generator,
) -> CallBatch:
    """One hour of spoofed-CLI fraud calls (international and VoIP) and unseen messenger calls."""
    t0 = cal.hour_start_ms(hour)
    per_day = params.attempts_per_100k * pop.size / 100_000
    weight = params.hour_profile[cal.local_hour(hour)] / sum(params.hour_profile)
    parts = []
    for channel, ingress, kind in (
        (Channel.SPOOF_INTL, "international", CallKind.FRAUD_SPOOF_INTL),
        (Channel.SPOOF_VOIP, "voip", CallKind.FRAUD_SPOOF_VOIP),
        (Channel.OTT, "", CallKind.ORDINARY),
    ):
        n = int(rng.poisson(per_day * params.channel_mix[channel] * weight))
        target = rng.integers(0, pop.size, n)
        ts = t0 + rng.integers(0, HOUR_MS, n)
        answered, duration, turned = outcome(pop, target, 0.5, 20, params, rng)
        serial = np.zeros(n, dtype=np.int64)
        serial[turned] = victims.add(target[turned], ts[turned] + duration[turned] * 1000, channel)
        if channel == Channel.OTT:
            continue
        parts.append(
            CallBatch.of(
                ts,
                spoof_cli(pop, bank_lines, params, rng, n),
                pop.msisdn[target],
                ingress,
                pop.operator[target],
                kind,
                answered=answered,
                duration=duration,
                ref=target,
                victim=serial,
            )
        )
    return CallBatch.concat(parts)
