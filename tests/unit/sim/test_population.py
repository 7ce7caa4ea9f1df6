"""The people of the synthetic country: determinism, circles, reciprocity."""

from __future__ import annotations

import numpy as np

from qorgan.sim.params import SCALES, SubscriberParams
from qorgan.sim.population import build_population, circle_contacts, pair_affinity


def _population(seed: int = 1):  # type: ignore[no-untyped-def]
    return build_population(
        SCALES["small"], SubscriberParams(), 7, seed, np.random.default_rng(seed)
    )


def test_the_same_seed_gives_the_same_people() -> None:
    a, b = _population(4), _population(4)
    assert np.array_equal(a.msisdn, b.msisdn)
    assert np.array_equal(a.home_cell, b.home_cell)
    assert np.array_equal(a.rate, b.rate)


def test_numbers_and_imsis_are_unique_across_operators() -> None:
    pop = _population()
    assert len(np.unique(pop.msisdn)) == pop.size
    assert len(np.unique(pop.imsi)) == pop.size


def test_affinity_is_symmetric() -> None:
    a = np.arange(100, dtype=np.int64)
    b = a[::-1].copy()
    assert np.array_equal(pair_affinity(a, b, 3), pair_affinity(b, a, 3))


def test_contacts_stay_in_the_callers_circle_and_are_never_the_caller() -> None:
    pop = _population()
    caller = np.repeat(np.arange(0, pop.size, 7, dtype=np.int64), 5)
    contact = circle_contacts(pop, caller, np.random.default_rng(0), 1)
    assert np.all(contact // pop.circle == caller // pop.circle)
    assert not np.any(contact == caller)


def test_people_call_their_closest_contacts_most() -> None:
    pop = _population()
    caller = np.zeros(2_000, dtype=np.int64)
    contact = circle_contacts(pop, caller, np.random.default_rng(0), 1)
    _, counts = np.unique(contact, return_counts=True)
    top_five = np.sort(counts)[-5:].sum()
    assert top_five > 0.5 * len(caller)


def test_outside_numbers_never_belong_to_the_sample() -> None:
    pop = _population()
    outside = pop.outside_numbers(np.random.default_rng(2), 5_000)
    assert not np.isin(outside, pop.msisdn).any()
