"""The in-memory registry: the core ports with the full lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qorgan.core.errors import Conflict, InvalidValue, NotFound
from qorgan.core.ports import IndicatorHit, IndicatorKind, IndicatorLookup, IndicatorSink
from qorgan.core.ports import IndicatorStatus as S
from qorgan.registry import Claim, Registry

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PHONE = "+77011234567"


def registry() -> Registry:
    return Registry(clock=lambda: T0)


def test_it_satisfies_both_ports() -> None:
    lookup: IndicatorLookup = registry()
    sink: IndicatorSink = registry()
    assert lookup.lookup(IndicatorKind.MSISDN, PHONE) is None
    sink.assert_indicator(IndicatorHit(IndicatorKind.MSISDN, PHONE, S.SUSPECTED, 0.5, ("x",)))


def test_a_hit_asserted_is_looked_up_with_its_sources() -> None:
    reg = registry()
    reg.assert_indicator(IndicatorHit(IndicatorKind.MSISDN, PHONE, S.SUSPECTED, 0.5, ("a", "b")))
    hit = reg.lookup(IndicatorKind.MSISDN, PHONE)
    assert hit is not None
    assert hit.sources == ("a", "b")
    assert hit.confidence == 0.75
    assert hit.since == T0


def test_values_are_normalised_on_the_way_in() -> None:
    reg = registry()
    reg.assert_many([Claim(IndicatorKind.MSISDN, "8 701 123 45 67", "afc", 0.9, T0)])
    assert reg.lookup(IndicatorKind.MSISDN, PHONE) is not None
    assert reg.get(IndicatorKind.MSISDN, "87011234567").value == PHONE


def test_a_bad_value_is_refused_naming_its_kind() -> None:
    with pytest.raises(InvalidValue, match=r"^iban: "):
        registry().assert_many([Claim(IndicatorKind.IBAN, "KZ00", "afc", 0.9, T0)])


def test_the_same_claims_twice_change_nothing() -> None:
    reg = registry()
    claims = [Claim(IndicatorKind.MSISDN, PHONE, "afc", 0.9, T0, evidence=("case:C-1",))]
    assert len(reg.assert_many(claims)) == 1
    assert reg.assert_many(claims) == []
    assert len(reg) == 1


def test_status_moves_by_hand_follow_the_lifecycle() -> None:
    reg = registry()
    reg.assert_many([Claim(IndicatorKind.MSISDN, PHONE, "afc", 0.9, T0)])
    assert reg.set_status(IndicatorKind.MSISDN, PHONE, S.CONFIRMED).status is S.CONFIRMED
    with pytest.raises(Conflict):
        reg.set_status(IndicatorKind.MSISDN, PHONE, S.SUSPECTED)
    with pytest.raises(NotFound):
        reg.set_status(IndicatorKind.MSISDN, "+77017654321", S.CONFIRMED)
