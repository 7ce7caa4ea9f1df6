"""Every behaviour of the synthetic country as a documented parameter.

``WorldParams()`` is the ``default`` profile, the one detectors are developed on.
``WorldParams.shifted()`` moves most behaviours (rates, mixes, timings, fraud tactics) so
that detectors can be evaluated on a world they were not tuned on. ``SCALES`` sets the size.
Rates are per simulated day unless named otherwise; times of day are local (UTC+5).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from qorgan.sim.chain import ChainParams
from qorgan.sim.lookalike import LookalikeParams
from qorgan.sim.texts import TextParams


@dataclass(frozen=True, slots=True)
class Scale:
    """How big a world is.

    Attributes:
        subscribers: mobile subscribers (people with a phone, one SIM each).
        days: simulated days.
        boxes: SIM-boxes run by fraud call centres.
        rings: dropper rings (money-mule networks).
        texts: ads, posts and messages in the texts feed.
        max_box_slots: the largest SIM-box of this world (a small world holds small boxes).
    """

    name: str
    subscribers: int
    days: int
    boxes: int
    rings: int
    texts: int
    max_box_slots: int = 128


SCALES: dict[str, Scale] = {
    "small": Scale("small", 4_000, days=7, boxes=2, rings=4, texts=1_500, max_box_slots=32),
    "medium": Scale("medium", subscribers=150_000, days=14, boxes=12, rings=30, texts=40_000),
    "large": Scale("large", subscribers=22_000_000, days=1, boxes=88, rings=200, texts=200_000),
}


@dataclass(frozen=True, slots=True)
class SubscriberParams:
    """Ordinary subscribers: how much and when they call and text.

    Attributes:
        calls_per_day_median: median outgoing call attempts per subscriber per day.
        calls_per_day_sigma: lognormal spread of activity between subscribers.
        sms_per_day: mean person-to-person SMS sent per subscriber per day.
        circle_size: people in a contact circle (a block of neighbours in social space).
        closeness_draws: a callee is the closest of this many circle members drawn at
            random; more draws concentrate calls on the closest contacts.
        weak_tie_share: share of calls to anyone in the country (not the circle).
        business_call_share: share of calls to businesses and services on fixed lines.
        answer_rate: share of calls to contacts that are answered.
        talk_median_s: median talk time of an answered call, seconds.
        talk_sigma: lognormal spread of talk time.
        handset_change_share: share of subscribers who change handset during the window.
        work_cell_share: share of daytime weekday calls made from the work cell.
        roaming_share: share of subscribers abroad at some time in the window.
        roaming_feed_completeness: share of those trips the operator's roaming feed shows.
        foreign_contact_share: share of subscribers with relatives abroad who call them.
        hour_profile: relative call intensity per local hour 0..23 (weekday).
    """

    calls_per_day_median: float = 3.6
    calls_per_day_sigma: float = 0.7
    sms_per_day: float = 0.35
    circle_size: int = 48
    closeness_draws: int = 10
    weak_tie_share: float = 0.12
    business_call_share: float = 0.05
    answer_rate: float = 0.78
    talk_median_s: float = 75.0
    talk_sigma: float = 1.0
    handset_change_share: float = 0.01
    work_cell_share: float = 0.6
    roaming_share: float = 0.015
    roaming_feed_completeness: float = 0.995
    foreign_contact_share: float = 0.08
    hour_profile: tuple[float, ...] = (
        0.2,
        0.1,
        0.05,
        0.05,
        0.05,
        0.1,
        0.3,
        0.8,
        1.3,
        1.6,
        1.8,
        1.9,
        1.9,
        1.8,
        1.7,
        1.7,
        1.8,
        1.9,
        2.0,
        1.9,
        1.6,
        1.2,
        0.8,
        0.4,
    )


@dataclass(frozen=True, slots=True)
class LegitHeavyParams:
    """Hard negatives: legitimate lines with a lot of outgoing traffic.

    Attributes:
        call_centres_per_100k: call centres per 100k subscribers (telemarketing, banks' sales).
        call_centre_agents: (min, max) SIM lines of one centre, each in its own handset.
        call_centre_calls_per_agent: outgoing calls per agent per working day.
        taxi_per_100k: taxi dispatch lines per 100k subscribers.
        taxi_calls_per_line: outgoing calls per dispatcher line per day (to a fixed driver pool).
        couriers_per_100k: delivery couriers per 100k subscribers (many customers, moving).
        courier_calls: outgoing calls per courier per working day.
        bank_lines_per_bank: banks' own outbound fixed lines (domestic ingress) per bank.
        bank_calls_per_100k: banks' outbound calls per working day per 100k subscribers.
        callback_rate: share of a business line's callees who call it back.
    """

    call_centres_per_100k: float = 6.0
    call_centre_agents: tuple[int, int] = (8, 40)
    call_centre_calls_per_agent: float = 70.0
    taxi_per_100k: float = 10.0
    taxi_calls_per_line: float = 90.0
    couriers_per_100k: float = 40.0
    courier_calls: float = 35.0
    bank_lines_per_bank: int = 3
    bank_calls_per_100k: float = 2_500.0
    callback_rate: float = 0.12


@dataclass(frozen=True, slots=True)
class FraudCallParams:
    """Fraud call centres abroad and how their calls reach Kazakhstan.

    Attributes:
        attempts_per_100k: fraud call attempts per day per 100k subscribers (all channels).
        channel_mix: shares of (spoofed CLI on international ingress, spoofed CLI on VoIP
            ingress, SIM-box, WhatsApp-style over-the-top calls invisible to operators).
        spoof_existing_share: share of spoofed CLIs that are real subscribers' numbers.
        spoof_bank_share: share of spoofed CLIs that are a bank's published number.
        engage_rate: share of answered fraud calls where the victim stays on the line.
            Fraud is over-represented against reality (about one attempt per subscriber
            every two to three weeks) so that a small world holds enough cases to study.
        convert_rate: share of engaged victims who then transfer money.
        age_susceptibility: how much more likely the oldest are to convert than the youngest.
        hour_profile: weights of the fraud centres' working hours (local 0..23).
    """

    attempts_per_100k: float = 5_000.0
    channel_mix: tuple[float, float, float, float] = (0.40, 0.10, 0.38, 0.12)
    spoof_existing_share: float = 0.5
    spoof_bank_share: float = 0.15
    engage_rate: float = 0.15
    convert_rate: float = 0.35
    age_susceptibility: float = 3.0
    hour_profile: tuple[float, ...] = (
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0.2,
        0.8,
        1.5,
        1.8,
        1.8,
        1.6,
        1.6,
        1.8,
        1.8,
        1.7,
        1.5,
        1.2,
        0.8,
        0.4,
        0.1,
        0,
        0,
    )


@dataclass(frozen=True, slots=True)
class SimBoxParams:
    """SIM-boxes: racks of local SIMs that turn international calls into local ones.

    Attributes:
        slots: (min, max) SIM slots in one box (16-128).
        imeis: (min, max) GSM modules, i.e. IMEIs rotated across the SIMs.
        cells: (min, max) cells a box is seen on (it sits in one place).
        sim_life_days: (min, max) days a SIM works before it is burnt and replaced.
        stealthy_share: share of boxes that fake human behaviour.
        stealth_incoming_share: share of a stealthy SIM's traffic that is faked incoming calls.
        stealth_sms_per_day: SMS a stealthy SIM sends per day to look human.
        stealth_cells: (min, max) cells a stealthy box moves across.
        calls_per_sim_day: call attempts per active SIM per day (plain boxes).
        stealth_calls_per_sim_day: call attempts per active SIM per day (stealthy boxes).
        talk_median_s: median talk time of an answered box call.
        answer_rate: share of box calls answered.
    """

    slots: tuple[int, int] = (16, 128)
    imeis: tuple[int, int] = (4, 16)
    cells: tuple[int, int] = (1, 3)
    sim_life_days: tuple[int, int] = (2, 9)
    stealthy_share: float = 0.3
    stealth_incoming_share: float = 0.25
    stealth_sms_per_day: float = 3.0
    stealth_cells: tuple[int, int] = (3, 6)
    calls_per_sim_day: float = 70.0
    stealth_calls_per_sim_day: float = 25.0
    talk_median_s: float = 40.0
    answer_rate: float = 0.42


@dataclass(frozen=True, slots=True)
class BankingParams:
    """Accounts and everyday money.

    Attributes:
        second_account_share: share of people with a second bank.
        opening_balance_median: median balance of a personal account at the start, tenge.
        purchases_per_day: card purchases per person per day.
        purchase_median: median purchase, tenge.
        p2p_per_day: transfers to family and friends per person per day.
        p2p_median: median transfer to family and friends, tenge.
        atm_per_day: cash withdrawals per person per day.
        salary_share: share of people paid a salary by an employer in the window.
        salary_median: median salary, tenge.
        students_per_100k: students supported by many relatives, per 100k people.
        merchants_per_100k: merchants and marketplace sellers per 100k people.
        loan_victim_share: share of bank-impersonation victims talked into a loan first.
    """

    second_account_share: float = 0.35
    opening_balance_median: float = 180_000.0
    purchases_per_day: float = 0.9
    purchase_median: float = 4_500.0
    p2p_per_day: float = 0.18
    p2p_median: float = 12_000.0
    atm_per_day: float = 0.06
    salary_share: float = 0.55
    salary_median: float = 360_000.0
    students_per_100k: float = 150.0
    merchants_per_100k: float = 300.0
    loan_victim_share: float = 0.15


@dataclass(frozen=True, slots=True)
class DropperParams:
    """Dropper (money-mule) rings and how money passes through them.

    Attributes:
        layers: (min, max) layers of droppers between victims and cash-out (1-4).
        first_layer: (min, max) first-layer accounts of one ring.
        new_account_share: share of dropper accounts opened shortly before use (else rented).
        new_account_age_days: (min, max) days between opening and first fraud inflow.
        forward_delay_median_min: median minutes before a dropper forwards what came in.
        forward_delay_sigma: lognormal spread of that delay.
        split_share: share of forwards split across two or three next-layer accounts.
        fee_share: share of each inflow a dropper keeps as a fee.
        cashout_mix: shares of (ATM cash, crypto via P2P, left in the last account).
        atm_chunk: largest single ATM withdrawal, tenge.
        shared_device_share: share of ring accounts operated from one shared device.
        non_call_share: share of victims reached without a call (fake shops, investments).
        report_rate: share of victims who report.
        report_delay_median_h: median hours from the loss to the report.
    """

    layers: tuple[int, int] = (1, 4)
    first_layer: tuple[int, int] = (4, 14)
    new_account_share: float = 0.65
    new_account_age_days: tuple[int, int] = (1, 30)
    forward_delay_median_min: float = 25.0
    forward_delay_sigma: float = 1.0
    split_share: float = 0.35
    fee_share: float = 0.05
    cashout_mix: tuple[float, float, float] = (0.5, 0.4, 0.1)
    atm_chunk: float = 400_000.0
    shared_device_share: float = 0.6
    non_call_share: float = 0.25
    report_rate: float = 0.6
    report_delay_median_h: float = 5.0


@dataclass(frozen=True, slots=True)
class SmishingParams:
    """Fake SMS: bank impersonation and phishing links.

    Attributes:
        per_100k: smishing messages per day per 100k subscribers.
        from_simbox_share: share sent from SIM-box SIMs (else international ingress).
        alpha_spoof_share: share of international ones with a spoofed alphanumeric sender.
        bank_notices_per_day: genuine bank notices per account holder per day.
        spam_per_100k: ordinary marketing SMS per day per 100k subscribers.
    """

    per_100k: float = 400.0
    from_simbox_share: float = 0.5
    alpha_spoof_share: float = 0.4
    bank_notices_per_day: float = 0.4
    spam_per_100k: float = 600.0


@dataclass(frozen=True, slots=True)
class WorldParams:
    """All parameters of one world; the defaults are the ``default`` profile."""

    profile: str = "default"
    start: datetime = datetime(2026, 3, 1, 19, 0, tzinfo=UTC)  # 2026-03-02 00:00 local
    subscribers: SubscriberParams = field(default_factory=SubscriberParams)
    legit_heavy: LegitHeavyParams = field(default_factory=LegitHeavyParams)
    fraud_calls: FraudCallParams = field(default_factory=FraudCallParams)
    simbox: SimBoxParams = field(default_factory=SimBoxParams)
    banking: BankingParams = field(default_factory=BankingParams)
    droppers: DropperParams = field(default_factory=DropperParams)
    smishing: SmishingParams = field(default_factory=SmishingParams)
    texts: TextParams = field(default_factory=TextParams)
    lookalike: LookalikeParams = field(default_factory=LookalikeParams)
    chain: ChainParams = field(default_factory=ChainParams)

    @classmethod
    def for_profile(cls, name: str) -> WorldParams:
        """The named profile: ``default`` or ``shifted``."""
        if name == "default":
            return cls()
        if name == "shifted":
            return cls.shifted()
        raise ValueError(f"unknown profile {name!r}; expected 'default' or 'shifted'")

    @classmethod
    def shifted(cls) -> WorldParams:
        """A world whose fraudsters and customers behave differently from the default.

        Busier subscribers with more roaming; more stealthy, smaller SIM-boxes with more
        IMEIs and longer-lived SIMs; fraud that leans on spoofed international calls late in
        the day; droppers that wait longer, split more and cash out more through crypto;
        busier legitimate call centres and couriers (harder negatives).
        """
        base = cls()
        return replace(
            base,
            profile="shifted",
            start=datetime(2026, 9, 13, 19, 0, tzinfo=UTC),  # a Monday in September
            subscribers=replace(
                base.subscribers,
                calls_per_day_median=4.4,
                calls_per_day_sigma=0.85,
                sms_per_day=0.5,
                circle_size=36,
                closeness_draws=7,
                weak_tie_share=0.18,
                answer_rate=0.7,
                talk_median_s=95.0,
                handset_change_share=0.02,
                roaming_share=0.03,
                roaming_feed_completeness=0.99,
            ),
            legit_heavy=replace(
                base.legit_heavy,
                call_centres_per_100k=9.0,
                call_centre_agents=(5, 60),
                call_centre_calls_per_agent=95.0,
                couriers_per_100k=60.0,
                courier_calls=50.0,
                callback_rate=0.07,
            ),
            fraud_calls=replace(
                base.fraud_calls,
                attempts_per_100k=4_000.0,
                channel_mix=(0.50, 0.15, 0.25, 0.10),
                spoof_existing_share=0.7,
                engage_rate=0.18,
                convert_rate=0.3,
                hour_profile=(
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0.3,
                    0.9,
                    1.2,
                    1.4,
                    1.4,
                    1.5,
                    1.6,
                    1.8,
                    1.9,
                    2.0,
                    1.8,
                    1.4,
                    0.9,
                    0.5,
                    0.2,
                    0,
                ),
            ),
            simbox=replace(
                base.simbox,
                slots=(16, 64),
                imeis=(8, 32),
                cells=(1, 2),
                sim_life_days=(4, 14),
                stealthy_share=0.55,
                stealth_incoming_share=0.35,
                stealth_sms_per_day=5.0,
                calls_per_sim_day=55.0,
                stealth_calls_per_sim_day=18.0,
                talk_median_s=55.0,
                answer_rate=0.5,
            ),
            banking=replace(
                base.banking,
                opening_balance_median=230_000.0,
                purchases_per_day=1.2,
                p2p_per_day=0.25,
                students_per_100k=250.0,
                merchants_per_100k=450.0,
                loan_victim_share=0.25,
            ),
            droppers=replace(
                base.droppers,
                layers=(2, 4),
                first_layer=(6, 20),
                new_account_share=0.45,
                forward_delay_median_min=70.0,
                forward_delay_sigma=1.3,
                split_share=0.55,
                fee_share=0.08,
                cashout_mix=(0.3, 0.6, 0.1),
                shared_device_share=0.35,
                report_rate=0.5,
                report_delay_median_h=12.0,
            ),
            smishing=replace(base.smishing, per_100k=550.0, from_simbox_share=0.3),
            texts=TextParams.shifted(),
            lookalike=LookalikeParams.shifted(),
            chain=ChainParams.shifted(),
        )
