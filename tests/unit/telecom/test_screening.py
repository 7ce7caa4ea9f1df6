"""Call screening: spoofing, roaming, Russian numbers, registry, mass dialling, STIR."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from qorgan.core.decisions import Action
from qorgan.core.ports import IndicatorHit, IndicatorKind, IndicatorStatus, InMemoryIndicators
from qorgan.core.records import CallRecord, Ingress, RoamingRecord
from qorgan.telecom.reasons import REASONS
from qorgan.telecom.roaming import RoamingIndex
from qorgan.telecom.screening import CallScreener, ScreeningConfig
from qorgan.telecom.stir import PassportResult

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def call(
    caller: str | None = "+77011234567",
    ingress: Ingress = Ingress.INTERNATIONAL,
    callee: str = "+77051234567",
    at: datetime = T0,
    call_id: str = "c1",
    **extra: object,
) -> CallRecord:
    fields: dict[str, object] = {
        "imsi": None, "imei": None, "cell_id": None, "answered": True, "duration_s": 30,
    }  # fmt: skip
    fields.update(extra)
    return CallRecord(call_id, at, caller, callee, ingress, **fields)  # type: ignore[arg-type]


def test_international_call_with_kazakh_cli_is_blocked_as_spoofed() -> None:
    verdict = CallScreener().screen(call())
    assert verdict.decision.action is Action.BLOCK
    assert verdict.decision.reasons[0] == "CLI_SPOOF_INTL"
    assert ("caller", "+77011234567") in verdict.decision.signals[0].evidence


def test_international_call_with_roaming_cli_is_allowed() -> None:
    roaming = RoamingIndex([RoamingRecord("+77011234567", T0 - timedelta(days=2), None)])
    verdict = CallScreener(roaming=roaming).screen(call())
    assert verdict.decision.action is Action.ALLOW


def test_roaming_does_not_excuse_a_kazakh_mobile_number_on_voip_ingress() -> None:
    roaming = RoamingIndex([RoamingRecord("+77011234567", T0 - timedelta(days=2), None)])
    verdict = CallScreener(roaming=roaming).screen(call(ingress=Ingress.VOIP))
    assert verdict.decision.action is Action.BLOCK
    assert verdict.decision.reasons == ("CLI_SPOOF_VOIP",)
    assert ("roaming", "yes") in verdict.decision.signals[0].evidence


def test_a_roamer_who_came_home_is_no_longer_excused() -> None:
    stay = RoamingRecord("+77011234567", T0 - timedelta(days=5), T0 - timedelta(days=1))
    verdict = CallScreener(roaming=RoamingIndex([stay])).screen(call())
    assert verdict.decision.action is Action.BLOCK


def test_russian_mobile_over_international_ingress_is_allowed() -> None:
    assert CallScreener().screen(call("+79161234567")).decision.action is Action.ALLOW


def test_domestic_call_from_kazakh_mobile_is_allowed() -> None:
    verdict = CallScreener().screen(call(ingress=Ingress.RADIO))
    assert verdict.decision.action is Action.ALLOW
    assert verdict.decision.signals == ()


def test_unallocated_cli_is_blocked() -> None:
    verdict = CallScreener().screen(call("+77401234567", Ingress.DOMESTIC))
    assert verdict.decision.action is Action.BLOCK
    assert verdict.decision.reasons == ("CLI_UNALLOCATED",)


def test_withheld_cli_on_international_ingress_is_flagged() -> None:
    verdict = CallScreener().screen(call(None))
    assert verdict.decision.action is Action.FLAG
    assert verdict.decision.reasons == ("CLI_WITHHELD_INTL",)


def test_blocked_number_in_the_registry_is_blocked() -> None:
    registry = InMemoryIndicators(
        (IndicatorHit(IndicatorKind.MSISDN, "+77011234567", IndicatorStatus.BLOCKED, 1.0, ("op",)),)
    )
    verdict = CallScreener(indicators=registry).screen(call(ingress=Ingress.RADIO))
    assert verdict.decision.action is Action.BLOCK
    assert verdict.decision.reasons == ("CLI_BLOCKED",)


def test_cleared_number_in_the_registry_is_allowed() -> None:
    registry = InMemoryIndicators(
        (IndicatorHit(IndicatorKind.MSISDN, "+77011234567", IndicatorStatus.CLEARED, 1.0, ("op",)),)
    )
    verdict = CallScreener(indicators=registry).screen(call(ingress=Ingress.RADIO))
    assert verdict.decision.action is Action.ALLOW


def test_flagged_simbox_sim_is_caught_by_imsi() -> None:
    registry = InMemoryIndicators(
        (
            IndicatorHit(
                IndicatorKind.IMSI, "401020000000001", IndicatorStatus.SUSPECTED, 0.9, ("simbox",)
            ),
        )
    )
    verdict = CallScreener(indicators=registry).screen(
        call(ingress=Ingress.RADIO, imsi="401020000000001")
    )
    assert verdict.decision.reasons == ("SIM_FLAGGED",)
    assert verdict.decision.action is Action.BLOCK


def test_mass_dialling_is_flagged_once_the_window_fills() -> None:
    screener = CallScreener(ScreeningConfig(mass_distinct_callees=10))
    actions = [
        screener.screen(
            call(ingress=Ingress.RADIO, callee=f"+7705123{i:04d}", at=T0 + timedelta(seconds=i))
        ).decision.action
        for i in range(12)
    ]
    assert actions[:9] == [Action.ALLOW] * 9
    assert actions[-1] in (Action.FLAG, Action.BLOCK)


def test_calls_spread_beyond_the_window_are_not_mass_dialling() -> None:
    screener = CallScreener(ScreeningConfig(mass_distinct_callees=10, mass_window_s=60))
    verdicts = [
        screener.screen(
            call(ingress=Ingress.RADIO, callee=f"+7705123{i:04d}", at=T0 + timedelta(minutes=i))
        )
        for i in range(30)
    ]
    assert all(v.decision.action is Action.ALLOW for v in verdicts)


def test_wangiri_short_rings_are_flagged() -> None:
    screener = CallScreener(ScreeningConfig(wangiri_rings=5, mass_distinct_callees=1000))
    last = None
    for i in range(6):
        last = screener.screen(
            call(ingress=Ingress.RADIO, callee=f"+7705123{i:04d}", answered=False, duration_s=0,
                 at=T0 + timedelta(seconds=i))
        )  # fmt: skip
    assert last is not None
    assert "WANGIRI" in last.decision.reasons


class StubPassports:
    def __init__(self, result: PassportResult) -> None:
        self.result = result

    def verify(self, identity: str, *, orig: str | None, dest: str, at: datetime) -> PassportResult:
        return self.result


def test_a_verified_a_attested_passport_lowers_a_soft_score_and_sets_verstat() -> None:
    screener = CallScreener(passports=StubPassports(PassportResult(True, "A")))
    verdict = screener.screen(call(None), identity="x.y.z")
    assert verdict.verstat == "TN-Validation-Passed"
    assert verdict.decision.action is Action.ALLOW  # withheld (0.5) x trust 0.5


def test_a_failed_passport_blocks_the_call() -> None:
    screener = CallScreener(passports=StubPassports(PassportResult(False, None, "stale iat")))
    verdict = screener.screen(call(ingress=Ingress.DOMESTIC), identity="x.y.z")
    assert verdict.verstat == "TN-Validation-Failed"
    assert verdict.decision.action is Action.BLOCK
    assert ("why", "stale iat") in verdict.decision.signals[0].evidence


def test_every_reason_a_screener_gives_is_documented() -> None:
    screener = CallScreener(ScreeningConfig(mass_distinct_callees=2, wangiri_rings=2))
    codes: set[str] = set()
    for i, caller in enumerate(["+77011234567", "+77401234567", None, "+79161234567"] * 3):
        verdict = screener.screen(
            call(caller, callee=f"+770512300{i:02d}", answered=False, duration_s=0)
        )
        codes.update(verdict.decision.reasons)
    assert codes <= set(REASONS)
    assert {"CLI_SPOOF_INTL", "CLI_UNALLOCATED", "CLI_WITHHELD_INTL"} <= codes


def test_screening_is_deterministic() -> None:
    calls = [call(callee=f"+7705123{i:04d}", at=T0 + timedelta(seconds=i)) for i in range(40)]
    first = [v.decision for v in map(CallScreener().screen, calls)]
    again = [v.decision for v in map(CallScreener().screen, calls)]
    assert first == again


def test_a_call_from_abroad_to_a_known_contact_is_flagged_not_blocked() -> None:
    screener = CallScreener()
    screener.screen(call("+77051234567", Ingress.RADIO, callee="+77011234567"))
    verdict = screener.screen(call("+77011234567", callee="+77051234567"))
    assert verdict.decision.action is Action.FLAG
    assert ("acquainted", "yes") in verdict.decision.signals[0].evidence


def test_contacts_learnt_from_spoofable_ingress_do_not_excuse_a_spoof() -> None:
    screener = CallScreener()
    screener.screen(call("+77051234567", Ingress.VOIP, callee="+77011234567"))
    assert (
        screener.screen(call("+77011234567", callee="+77051234567")).decision.action is Action.BLOCK
    )


def test_a_passport_from_an_unprovisioned_certificate_is_not_a_block() -> None:
    result = PassportResult(False, None, "unknown certificate")
    verdict = CallScreener(passports=StubPassports(result)).screen(
        call(ingress=Ingress.DOMESTIC), identity="x.y.z"
    )
    assert verdict.verstat == "No-TN-Validation"
    assert verdict.decision.action is Action.ALLOW
