"""The lifecycle: legal moves only, claims never demote, folding a claim twice changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgan.core.errors import Conflict, InvalidInput
from qorgan.core.ports import IndicatorKind, IndicatorStatus
from qorgan.registry.indicator import Claim, Indicator
from qorgan.registry.lifecycle import TRANSITIONS, absorb, noisy_or, transition

S = IndicatorStatus
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
IBAN = "KZ86125KZT5004100100"


def claim(source: str = "dropper_finder", confidence: float = 0.6, minutes: int = 0,
          status: S = S.SUSPECTED, evidence: tuple[str, ...] = ()) -> Claim:  # fmt: skip
    at = T0 + timedelta(minutes=minutes)
    return Claim(IndicatorKind.IBAN, IBAN, source, confidence, at, status, evidence)


def fold(*claims: Claim) -> Indicator:
    indicator = None
    for c in claims:
        indicator = absorb(indicator, c)
    assert indicator is not None
    return indicator


claims = st.builds(
    claim,
    source=st.sampled_from(["dropper_finder", "agency:kaspi", "agency:afc"]),
    confidence=st.floats(0, 1),
    minutes=st.integers(-1000, 1000),
    status=st.sampled_from([S.SUSPECTED, S.CONFIRMED]),
    evidence=st.lists(st.sampled_from(["case:C-1", "transfer:T9", "finding:x"]), max_size=2).map(
        tuple
    ),
)


def test_a_first_claim_makes_a_suspected_indicator() -> None:
    indicator = fold(claim(evidence=("transfer:T9",)))
    assert indicator.status is S.SUSPECTED
    assert indicator.confidence == 0.6
    assert indicator.evidence == ("transfer:T9",)
    assert indicator.first_seen == indicator.last_seen == T0


def test_two_independent_sources_combine_by_noisy_or() -> None:
    indicator = fold(claim("dropper_finder", 0.6), claim("agency:kaspi", 0.6, minutes=5))
    assert indicator.confidence == pytest.approx(0.84)
    assert [a.source for a in indicator.sources] == ["dropper_finder", "agency:kaspi"]
    assert indicator.last_seen == T0 + timedelta(minutes=5)


def test_one_source_repeating_itself_adds_no_confidence() -> None:
    assert fold(claim(confidence=0.6), claim(confidence=0.6, minutes=9)).confidence == 0.6


@given(st.lists(claims, min_size=1, max_size=6), claims)
def test_folding_the_same_claim_twice_changes_nothing(history: list[Claim], c: Claim) -> None:
    once = absorb(fold(*history), c)
    assert absorb(once, c) == once


@given(st.lists(claims, min_size=1, max_size=6))
def test_confidence_stays_within_zero_and_one(history: list[Claim]) -> None:
    assert 0.0 <= fold(*history).confidence <= 1.0


@pytest.mark.parametrize("status", [S.CONFIRMED, S.BLOCKED])
def test_a_detectors_claim_never_demotes(status: S) -> None:
    indicator = fold(claim(status=S.CONFIRMED))
    if status is S.BLOCKED:
        indicator = transition(indicator, S.BLOCKED, T0)
    later = absorb(indicator, claim("simbox_finder", 0.1, minutes=60))
    assert later.status is status


def test_a_confirmed_claim_promotes_a_suspected_indicator() -> None:
    assert fold(claim(), claim("agency:afc", status=S.CONFIRMED)).status is S.CONFIRMED


def test_a_cleared_indicator_reopens_only_on_newer_evidence() -> None:
    cleared = transition(fold(claim()), S.CLEARED, T0 + timedelta(hours=1))
    replayed = absorb(cleared, claim(minutes=30))
    assert replayed.status is S.CLEARED
    reopened = absorb(cleared, claim("agency:kaspi", minutes=120))
    assert reopened.status is S.SUSPECTED
    assert reopened.status_at == T0 + timedelta(minutes=120)


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_only_listed_moves_are_allowed(current: S, target: S) -> None:
    indicator = replace(fold(claim()), status=current)
    if target in TRANSITIONS[current]:
        assert transition(indicator, target, T0).status is target
    else:
        with pytest.raises(Conflict, match=f"from {current.value} to {target.value}"):
            transition(indicator, target, T0)


def test_a_claim_cannot_block_or_clear() -> None:
    with pytest.raises(InvalidInput, match="set by hand"):
        claim(status=S.BLOCKED)


def test_noisy_or_of_nothing_is_zero_and_of_certainty_is_one() -> None:
    assert noisy_or([]) == 0.0
    assert noisy_or([0.3, 1.0]) == 1.0
