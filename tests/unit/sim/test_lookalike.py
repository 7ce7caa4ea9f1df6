"""Look-alike domains of Kazakh brands."""

from __future__ import annotations

from collections import Counter

import numpy as np

from qorgan.sim.lookalike import (
    BRANDS,
    GENUINE_DOMAINS,
    LookalikeParams,
    lookalike_domains,
)

BY_KEY = {b.key: b for b in BRANDS}


def _distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _sample(seed: int, n: int = 400, params: LookalikeParams | None = None) -> list[str]:
    return [d.domain for d in lookalike_domains(np.random.default_rng(seed), n, params)]


def test_same_seed_gives_the_same_domains_and_another_seed_does_not() -> None:
    assert _sample(1) == _sample(1)
    assert _sample(1) != _sample(2)


def test_brands_cover_banks_marketplaces_government_delivery_with_unique_domains() -> None:
    categories = {b.category for b in BRANDS}
    assert {"bank", "marketplace", "government", "delivery"} <= categories
    assert len(GENUINE_DOMAINS) == len(BRANDS)
    assert {"kaspi.kz", "halykbank.kz", "egov.kz", "olx.kz", "kazpost.kz"} <= GENUINE_DOMAINS


def test_no_lookalike_equals_a_genuine_domain() -> None:
    for d in lookalike_domains(np.random.default_rng(3), 500):
        assert d.domain not in GENUINE_DOMAINS
        assert d.domain != BY_KEY[d.brand].domain


def test_every_lookalike_is_close_to_its_brand() -> None:
    for d in lookalike_domains(np.random.default_rng(4), 500):
        brand = BY_KEY[d.brand]
        label = d.domain.split(".", 1)[0]
        assert brand.label in d.domain or _distance(label, brand.label) <= 2, d


def test_lookalikes_are_distinct_lower_case_hostnames() -> None:
    domains = _sample(5, 600)
    assert len(set(domains)) == len(domains)
    for domain in domains:
        assert domain == domain.lower()
        assert domain.isascii()
        for label in domain.split("."):
            assert label
            assert not label.startswith("-")
            assert not label.endswith("-")


def test_a_large_sample_uses_every_technique() -> None:
    used = {d.technique for d in lookalike_domains(np.random.default_rng(6), 800)}
    assert used == {name for name, _ in LookalikeParams().technique_mix}


def test_shifted_profile_favours_homoglyphs_and_other_tlds() -> None:
    rng = np.random.default_rng(7)
    default = Counter(d.technique for d in lookalike_domains(rng, 800))
    shifted_items = lookalike_domains(rng, 800, LookalikeParams.shifted())
    shifted = Counter(d.technique for d in shifted_items)
    assert shifted["homoglyph"] > default["homoglyph"]
    assert shifted["dictionary"] < default["dictionary"]
    shifted_tlds = {name for name, _ in LookalikeParams.shifted().tld_mix}
    assert any(d.domain.rsplit(".", 1)[1] in shifted_tlds - {"online"} for d in shifted_items)
