"""``simulate``: build a world, stream its feeds hour by hour, then write the truth.

Order of work: the people, cells, trips, heavy lines and SIM-boxes are planned; each hour
of calls and SMS is generated, sorted, numbered and appended to the feeds (so a national
day never sits in memory); the victims the calls turned then drive the banking side, again
hour by hour; the crypto cash-outs feed the chain; texts close the run. Every component draws from
its own child of the seed, so adding a component never shifts another's numbers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from qorgan.core.feeds import (
    CALLS,
    ROAMING,
    SMS,
    TAGS,
    TEXTS,
    TOKEN_TRANSFERS,
    TRANSFERS,
    arrow_schema,
)
from qorgan.sim import sms as sms_gen
from qorgan.sim.banking import TransferBatch, everyday, open_accounts
from qorgan.sim.batch import CallBatch, calls_table, calls_truth, record_ids
from qorgan.sim.calls import ordinary_calls, plan_trips
from qorgan.sim.chain import generate_chain
from qorgan.sim.clock import HOUR_MS, Calendar
from qorgan.sim.droppers import build_rings, run_fraud
from qorgan.sim.fraudcalls import Victims, spoofed_calls
from qorgan.sim.lines import Role, line_calls, plan_lines
from qorgan.sim.lookalike import lookalike_domains
from qorgan.sim.outputs import (
    add_non_call_victims,
    cashouts,
    dropper_table,
    flows_table,
    holdings_table,
    jsonable,
    reports_and_holdings,
    reports_table,
    requisite_pool,
    roles_table,
    victims_truth,
)
from qorgan.sim.params import SCALES, WorldParams
from qorgan.sim.population import build_population
from qorgan.sim.simbox import box_calls, plan_boxes
from qorgan.sim.texts import generate_texts, texts_table, texts_truth_table
from qorgan.sim.transfers import (
    TRANSFERS_TRUTH_SCHEMA,
    money,
    transfers_table,
    transfers_truth,
)
from qorgan.sim.writer import TableWriter, write_table

Progress = Callable[[str, int, int], None]
COMPONENTS = (
    "population",
    "trips",
    "lines",
    "boxes",
    "calls",
    "sms",
    "banking",
    "fraud",
    "reports",
    "chain",
    "texts",
)


@dataclass
class Summary:
    """What a run made: rows per feed and per truth table, and how long it took."""

    seed: int
    scale: str
    profile: str
    rows: dict[str, int] = field(default_factory=dict)
    truth: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _quiet(stage: str, done: int, total: int) -> None:
    """The progress callback when nobody listens."""


def _rngs(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(COMPONENTS))
    return {
        name: np.random.default_rng(child) for name, child in zip(COMPONENTS, children, strict=True)
    }


def simulate(
    out: Path,
    *,
    seed: int = 1,
    scale: str = "small",
    profile: str = "default",
    fmt: str = "parquet",
    progress: Progress | None = None,
) -> Summary:
    """Write every feed of CONTRACTS.md and ``truth/`` into ``out``.

    Args:
        out: directory to write (created; existing feed files are overwritten).
        seed: the world's seed; the same seed, scale, profile and format give identical bytes.
        scale: ``small``, ``medium`` or ``large`` (see ``params.SCALES``).
        profile: ``default`` or ``shifted`` (``WorldParams.shifted``).
        fmt: ``parquet`` or ``csv`` for the tabular feeds (texts are always JSONL).
        progress: called as ``progress(stage, done, total)``.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    started = time.perf_counter()
    size = SCALES[scale]
    params = WorldParams.for_profile(profile)
    rng = _rngs(seed)
    cal = Calendar(params.start, size.days)
    truth = out / "truth"
    summary = Summary(seed, scale, profile)
    tell = progress or _quiet

    def keep(name: str, table: pa.Table) -> None:
        summary.truth[name] = write_table(truth / f"{name}.parquet", table)

    pop = build_population(size, params.subscribers, size.days, seed, rng["population"])
    trips = plan_trips(pop, params.subscribers, cal, rng["trips"])
    lines = plan_lines(pop, params.legit_heavy, seed, rng["lines"])
    boxes = plan_boxes(pop, size, params.simbox, cal, seed, rng["boxes"])
    bank_lines = lines.msisdn[lines.role == Role.BANK]
    cell_ids = pa.array(pop.cells.cell_id)
    victims = Victims()

    ext = "." + fmt
    calls_out = TableWriter(out / f"calls{ext}", arrow_schema(CALLS))
    calls_truth_out = TableWriter(
        truth / "calls.parquet", calls_truth(CallBatch.empty(), pa.array([], pa.string())).schema
    )
    sms_out = TableWriter(out / f"sms{ext}", arrow_schema(SMS))
    sms_truth_out = TableWriter(truth / "sms.parquet", sms_gen.TRUTH_SCHEMA)
    lookalikes = [d.domain for d in lookalike_domains(rng["sms"], 60, params.lookalike)]
    texts_pool = sms_gen.TextPools.build(rng["sms"], lookalikes, params.texts)
    with calls_out, calls_truth_out, sms_out, sms_truth_out:
        for hour in range(cal.hours):
            r = rng["calls"]
            batch = CallBatch.concat(
                [
                    ordinary_calls(pop, trips, params.subscribers, cal, hour, seed, r),
                    line_calls(lines, pop, params.legit_heavy, cal, hour, r),
                    spoofed_calls(pop, bank_lines, params.fraud_calls, cal, hour, victims, r),
                    box_calls(
                        boxes,
                        pop,
                        params.simbox,
                        params.fraud_calls,
                        params.subscribers,
                        cal,
                        hour,
                        victims,
                        r,
                    ),
                ]
            ).sorted()
            ids = record_ids("C", calls_out.rows, len(batch))
            calls_out.write(calls_table(batch, ids, cell_ids))
            calls_truth_out.write(calls_truth(batch, ids))
            feed, labels = sms_gen.hour_of_sms(
                pop, boxes, params, cal, hour, texts_pool, sms_out.rows, rng["sms"]
            )
            sms_out.write(feed)
            sms_truth_out.write(labels)
            tell("calls and sms", hour + 1, cal.hours)
    summary.rows["calls"] = calls_out.rows
    summary.rows["sms"] = sms_out.rows
    summary.truth["calls"] = calls_truth_out.rows
    summary.truth["sms"] = sms_truth_out.rows

    roaming = trips.table(cal)
    numbers = pc.binary_join_element_wise(
        "+", pc.cast(pa.array(pop.msisdn[roaming["subscriber"].to_numpy()]), pa.string()), ""
    )
    summary.rows["roaming"] = write_table(
        out / f"roaming{ext}",
        roaming.drop(["subscriber"]).add_column(0, "msisdn", numbers).cast(arrow_schema(ROAMING)),
    )

    # Banking: accounts, rings, the victims' money, everyday life, reports.
    r = rng["fraud"]
    acc = open_accounts(pop, params.banking, cal, seed, rng["banking"])
    add_non_call_victims(victims, pop.size, params, cal, r)
    acc, rings, who = build_rings(
        acc, params.droppers, size.rings, cal, seed, set(victims.subscriber), r
    )
    fraud = run_fraud(acc, rings, victims, params.droppers, params.banking, cal, r)
    acc = fraud.accounts
    fraud_batch = fraud.ledger.batch()
    in_window = fraud_batch.ts < cal.end_ms
    row_id = np.full(len(fraud_batch), "", dtype=object)
    tx_out = TableWriter(out / f"transfers{ext}", arrow_schema(TRANSFERS))
    tx_truth_out = TableWriter(truth / "transfers.parquet", TRANSFERS_TRUTH_SCHEMA)
    with tx_out, tx_truth_out:
        for hour in range(cal.hours):
            t0 = cal.hour_start_ms(hour)
            now = np.flatnonzero(
                in_window & (fraud_batch.ts >= t0) & (fraud_batch.ts < t0 + HOUR_MS)
            )
            daily = everyday(acc, pop, params.banking, cal, hour, seed, rng["banking"])
            mixed = TransferBatch.concat([daily, fraud_batch.take(now)]).sorted()
            ids = record_ids("T", tx_out.rows, len(mixed))
            # Remember the ids given to fraud rows (they carry their ledger row in ``row``).
            is_fraud = np.flatnonzero(mixed.row >= 0)
            row_id[mixed.row[is_fraud]] = np.asarray(
                pc.take(ids, is_fraud).to_pylist(), dtype=object
            )
            tx_out.write(transfers_table(mixed, ids, acc))
            tx_truth_out.write(transfers_truth(mixed, ids))
            tell("transfers", hour + 1, cal.hours)
    summary.rows["transfers"] = tx_out.rows
    summary.truth["transfers"] = tx_truth_out.rows
    summary.rows["accounts"] = write_table(out / f"accounts{ext}", acc.table())

    reports, holdings = reports_and_holdings(fraud, params.droppers, cal, rng["reports"])
    summary.rows["reports"] = write_table(
        out / f"reports{ext}", reports_table(reports, fraud, acc, row_id)
    )
    keep("holdings", holdings_table(holdings, acc))
    keep("fraud_flows", flows_table(fraud, row_id, in_window))
    keep("droppers", dropper_table(who, acc))
    keep("roles", roles_table(acc))
    keep("victims", victims_truth(victims, pop, fraud, acc, reports))
    boxes_truth, sims_truth = boxes.truth()
    keep("simboxes", boxes_truth)
    keep("simbox_sims", sims_truth)
    keep("lines", lines.table())
    keep("cells", pop.cells.table(rng["population"]))
    write_table(
        truth / "balances.parquet",
        pa.table(
            {"account": acc.ibans(np.arange(len(acc))), "opening_balance": money(acc.balance)}
        ),
    )

    crypto_cashouts = cashouts(fraud, row_id, in_window)
    chain = generate_chain(rng["chain"], params.chain, cal.start, cal.days, crypto_cashouts)
    summary.rows["token_transfers"] = write_table(
        out / f"token_transfers{ext}", chain.token_transfers.cast(arrow_schema(TOKEN_TRANSFERS))
    )
    summary.rows["tags"] = write_table(out / f"tags{ext}", chain.tags.cast(arrow_schema(TAGS)))
    keep("crypto_flows", chain.truth_crypto_flows)
    keep("crypto_holdings", chain.truth_crypto_holdings)
    keep("crypto_cashouts", chain.truth_crypto_cashouts)
    keep("crypto_wallets", chain.truth_crypto_wallets)

    pool = requisite_pool(acc, who, pop, boxes, chain, lookalikes)
    items = generate_texts(rng["texts"], params.texts, cal.start, cal.days, pool, size.texts)
    summary.rows["texts"] = write_table(
        out / "texts.jsonl", texts_table(items).cast(arrow_schema(TEXTS))
    )
    keep("texts", texts_truth_table(items))

    summary.seconds = round(time.perf_counter() - started, 2)
    manifest = {
        "seed": seed,
        "scale": asdict(size),
        "profile": profile,
        "format": fmt,
        "rows": summary.rows,
        "truth_rows": summary.truth,
        "params": jsonable(params),
    }
    (truth / "world.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
    )
    return summary
