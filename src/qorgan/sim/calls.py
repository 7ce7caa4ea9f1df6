"""Ordinary telephone traffic: subscribers calling their circles, roaming, relatives abroad.

One call to ``ordinary_calls`` makes one hour of the whole country's ordinary calls,
vectorised: every subscriber draws a Poisson number of calls from their own rate and the
hour's weight, picks callees from their circle (closest first), weak ties anywhere in the
country, or businesses on fixed lines; calls are placed from the home cell, or from the
work cell in working hours. A subscriber on a trip abroad calls home over international
ingress with their own Kazakh number as CLI, which is legitimate and what the roaming
feed is for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from qorgan.sim.batch import CallBatch, CallKind
from qorgan.sim.clock import HOUR_MS, Calendar
from qorgan.sim.geo import REGIONS
from qorgan.sim.ids import FOREIGN_WEIGHTS, fixed_line_digits, foreign_digits, hash_unit
from qorgan.sim.params import SubscriberParams
from qorgan.sim.population import Population, circle_contacts

I64 = NDArray[np.int64]
AREA_CODES = np.asarray([r.fixed_code for r in REGIONS], dtype=np.int64)
ROAMING_COUNTRIES = ("TR", "AE", "RU", "CN", "TH", "GE", "UZ", "KG", "DE", "EG")


@dataclass(frozen=True)
class Trips:
    """Subscribers' trips abroad; ``in_feed`` says whether the roaming feed shows the trip."""

    subscriber: I64
    since_ms: I64
    until_ms: I64
    country: NDArray[np.int16]
    in_feed: NDArray[np.bool_]

    def abroad(self, size: int, at_ms: int) -> NDArray[np.bool_]:
        """Which subscribers are abroad at ``at_ms``."""
        mask = np.zeros(size, dtype=np.bool_)
        active = (self.since_ms <= at_ms) & (self.until_ms > at_ms)
        mask[self.subscriber[active]] = True
        return mask

    def table(self, cal: Calendar) -> pa.Table:
        """Roaming feed rows (trips the feed shows); ``until`` is empty while still abroad."""
        shown = self.in_feed
        until = self.until_ms[shown]
        return pa.table(
            {
                "since": pa.array(self.since_ms[shown], pa.timestamp("ms", tz="UTC")),
                "until": pa.array(until, pa.timestamp("ms", tz="UTC"), mask=until >= cal.end_ms),
                "country": pa.array([ROAMING_COUNTRIES[c] for c in self.country[shown]]),
                "subscriber": pa.array(self.subscriber[shown]),
            }
        )


def plan_trips(
    pop: Population, params: SubscriberParams, cal: Calendar, rng: np.random.Generator
) -> Trips:
    """Trips abroad overlapping the window (some began before it)."""
    n = int(rng.binomial(pop.size, params.roaming_share))
    who = np.sort(rng.choice(pop.size, n, replace=False)).astype(np.int64)
    length_h = np.clip(rng.lognormal(np.log(24 * 6), 0.6, n), 24, 24 * 30).astype(np.int64)
    start_h = rng.integers(-24 * 10, cal.hours, n)
    since = cal.start_ms + start_h * HOUR_MS + rng.integers(0, HOUR_MS, n)
    until = since + length_h * HOUR_MS
    keep = until > cal.start_ms
    country = rng.integers(0, len(ROAMING_COUNTRIES), n).astype(np.int16)
    in_feed = rng.random(n) < params.roaming_feed_completeness
    return Trips(who[keep], since[keep], until[keep], country[keep], in_feed[keep])


def talk_time(rng: np.random.Generator, n: int, median_s: float, sigma: float) -> I64:
    """Talk times of answered calls: lognormal, at least one second, at most three hours."""
    return np.clip(rng.lognormal(np.log(median_s), sigma, n), 1, 10_800).astype(np.int64)


def hour_weight(profile: tuple[float, ...], cal: Calendar, hour: int) -> float:
    """Share of a day's calls placed in this hour (weekends are a fifth quieter)."""
    weight = profile[cal.local_hour(hour)] / sum(profile)
    return weight * (0.8 if cal.is_weekend(hour) else 1.0)


def ordinary_calls(
    pop: Population,
    trips: Trips,
    params: SubscriberParams,
    cal: Calendar,
    hour: int,
    seed: int,
    rng: np.random.Generator,
) -> CallBatch:
    """One hour of ordinary calls by every subscriber, plus relatives and businesses calling in."""
    t0 = cal.hour_start_ms(hour)
    weight = hour_weight(params.hour_profile, cal, hour)
    counts = rng.poisson(pop.rate * weight)
    caller = np.repeat(np.arange(pop.size, dtype=np.int64), counts)
    m = len(caller)
    ts = t0 + rng.integers(0, HOUR_MS, m)
    u = rng.random(m)
    weak = u < params.weak_tie_share
    business = (u >= params.weak_tie_share) & (
        u < params.weak_tie_share + params.business_call_share
    )
    callee_idx = circle_contacts(pop, caller, rng, seed, params.closeness_draws)
    callee_idx = np.where(weak, rng.integers(0, pop.size, m), callee_idx)
    callee = pop.msisdn[callee_idx]
    # Half the weak ties reach people outside the sample (the rest of the country).
    outside = weak & (rng.random(m) < 0.5)
    callee[outside] = pop.outside_numbers(rng, int(outside.sum()))
    region = pop.region[caller].astype(np.int64)
    callee[business] = fixed_line_digits(
        AREA_CODES[region[business]], rng.integers(0, 5_000, int(business.sum()))
    )

    answered = rng.random(m) < params.answer_rate
    duration = np.where(answered, talk_time(rng, m, params.talk_median_s, params.talk_sigma), 0)
    local_hour = cal.local_hour(hour)
    working = (9 <= local_hour < 18) and not cal.is_weekend(hour)
    at_work = rng.random(m) < (params.work_cell_share if working else 0.0)
    cell = np.where(at_work, pop.work_cell[caller], pop.home_cell[caller])
    wander = rng.random(m) < 0.06
    cell[wander] = pop.random_cell(
        pop.operator[caller[wander]].astype(np.int64), region[wander], rng.random(int(wander.sum()))
    )
    day = cal.day(hour)
    imei = np.where(pop.change_day[caller] <= day, pop.imei_new[caller], pop.imei[caller])

    abroad = trips.abroad(pop.size, t0 + HOUR_MS // 2)[caller]
    home = CallBatch.of(
        ts[~abroad],
        pop.msisdn[caller[~abroad]],
        callee[~abroad],
        "radio",
        pop.operator[caller[~abroad]],
        CallKind.ORDINARY,
        imsi=pop.imsi[caller[~abroad]],
        imei=imei[~abroad],
        cell=cell[~abroad],
        answered=answered[~abroad],
        duration=duration[~abroad],
    )
    # Abroad: only calls to people at home in the sample reach a Kazakh operator's ingress.
    roam = abroad & ~business & ~outside
    roaming = CallBatch.of(
        ts[roam],
        pop.msisdn[caller[roam]],
        callee[roam],
        "international",
        pop.operator[callee_idx[roam]],
        CallKind.ROAMING_HOME,
        answered=answered[roam],
        duration=duration[roam],
        ref=caller[roam],
    )
    return CallBatch.concat([home, roaming, inbound_calls(pop, params, cal, hour, rng)])


def inbound_calls(
    pop: Population, params: SubscriberParams, cal: Calendar, hour: int, rng: np.random.Generator
) -> CallBatch:
    """Relatives abroad calling (international ingress) and businesses calling (domestic)."""
    t0 = cal.hour_start_ms(hour)
    weight = hour_weight(params.hour_profile, cal, hour)
    relatives = np.flatnonzero(pop.foreign)
    n_rel = rng.poisson(0.4 * weight, len(relatives))
    callee = np.repeat(relatives, n_rel).astype(np.int64)
    # Each subscriber's relatives live in one country, fixed by a hash of the subscriber.
    plan = np.searchsorted(np.cumsum(FOREIGN_WEIGHTS), hash_unit(callee, 77), side="right")
    which = (hash_unit(callee, 78) * 3).astype(np.int64)
    caller = foreign_digits(np.minimum(plan, len(FOREIGN_WEIGHTS) - 1), callee * 3 + which)
    k = len(callee)
    answered = rng.random(k) < params.answer_rate
    foreign = CallBatch.of(
        t0 + rng.integers(0, HOUR_MS, k),
        caller,
        pop.msisdn[callee],
        "international",
        pop.operator[callee],
        CallKind.FOREIGN_RELATIVE,
        answered=answered,
        duration=np.where(
            answered, talk_time(rng, k, params.talk_median_s * 2, params.talk_sigma), 0
        ),
        ref=callee,
    )
    n_biz = rng.poisson(0.25 * weight * pop.size)
    target = rng.integers(0, pop.size, n_biz)
    biz_answered = rng.random(n_biz) < 0.6
    businesses = CallBatch.of(
        t0 + rng.integers(0, HOUR_MS, n_biz),
        fixed_line_digits(
            AREA_CODES[pop.region[target].astype(np.int64)], rng.integers(0, 5_000, n_biz)
        ),
        pop.msisdn[target],
        "domestic",
        pop.operator[target],
        CallKind.BUSINESS_INBOUND,
        answered=biz_answered,
        duration=np.where(biz_answered, talk_time(rng, n_biz, 60, 0.8), 0),
    )
    return CallBatch.concat([foreign, businesses])
