"""Running the dropper finder on DuckDB: features, the transfer graph, scores and evidence.

``DropperRun`` holds a DuckDB database with ``transfers`` (and ``accounts``, ``reports``) in
the contract's columns, runs :func:`qorgan.banking.dropper_features.feature_sql` over it, adds
the graph features of :mod:`qorgan.banking.dropper_graph` (edges summed per payer and payee in
SQL, the graph walked in NumPy/SciPy), scores accounts with the rules and optionally the model
of :mod:`qorgan.banking.droppers`, and fetches for every flagged account the transfers that
make it suspicious.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from qorgan.banking.dropper_features import WINDOWS, edges_sql, feature_sql
from qorgan.banking.dropper_graph import Edges, neighbourhood, victim_reach
from qorgan.banking.dropper_model import DropperModel, train
from qorgan.banking.droppers import (
    DropperFinding,
    DropperRules,
    rule_scores,
    score_accounts,
)
from qorgan.core.errors import InvalidInput
from qorgan.store.results import write_table
from qorgan.store.simboxes import connect, load_parquet

EVIDENCE_PER_SIDE = 3  # the largest inflows and the largest outflows named


def _utc(at: datetime) -> datetime:
    """A window start without a zone is UTC (the engines run in UTC), never local time."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


@dataclass
class DropperRun:
    """The finder over one database.

    Args:
        db: a connection (see :func:`qorgan.store.simboxes.connect`) whose table
            ``transfers`` holds the contract columns, and ``accounts`` / ``reports`` when
            ``with_accounts`` / ``with_reports``.
        window: the feature window (``day``, ``week`` or ``all``).
        rules: thresholds of the rule layer.
        model: the calibrated model, or ``None`` for rules only.
        flag_at: the score from which an account is reported (default: 0.5 with a model,
            else the rules' flag score).
    """

    db: duckdb.DuckDBPyConnection
    window: str = "week"
    with_accounts: bool = False
    with_reports: bool = False
    rules: DropperRules = field(default_factory=DropperRules)
    model: DropperModel | None = None
    flag_at: float | None = None

    def base_features(self) -> pa.Table:
        """Per-account, per-window features of the SQL query alone."""
        return self.db.sql(feature_sql(self.window, self.with_accounts)).to_arrow_table()

    def features(self) -> pa.Table:
        """Every feature: the query's, and the graph's appended per row."""
        base = self.base_features()
        graph = self.graph_features(base)
        for name, values in graph.items():
            base = base.append_column(name, pa.array(values, pa.float64()))
        return base

    def graph_features(self, base: pa.Table) -> dict[str, np.ndarray]:
        """The graph features of each row's account (see :mod:`qorgan.banking.dropper_graph`)."""
        edges = self.db.sql(edges_sql()).to_arrow_table()
        nodes = pc.unique(
            pa.chunked_array(
                [*base.column("account").chunks, *edges.column("src").chunks,
                 *edges.column("dst").chunks], pa.string()
            )
        )  # fmt: skip

        def ids(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
            return np.asarray(pc.index_in(values, value_set=nodes).to_numpy(zero_copy_only=False),
                              dtype=np.int64)  # fmt: skip

        graph = Edges.of(
            len(nodes),
            ids(edges.column("src")),
            ids(edges.column("dst")),
            np.asarray(edges.column("value").to_numpy(), dtype=np.float64),
            np.asarray(edges.column("first_s").to_numpy(), dtype=np.float64),
            np.asarray(edges.column("last_s").to_numpy(), dtype=np.float64),
        )
        row_node = ids(base.column("account"))
        base_score = rule_scores(base, self.rules, graph=False)
        best = np.zeros(len(nodes))
        np.maximum.at(best, row_node, base_score)
        out = neighbourhood(graph, best >= self.rules.suspect_at)
        starts: list[tuple[int, float]] = []
        if self.with_reports:
            reported = self.db.sql(
                """select t.to_account, epoch(t.ts)
                   from reports r, unnest(r.transfer_ids) as u(id)
                   join transfers t on t.transfer_id = u.id
                   where t.to_account <> 'CASH' and t.to_account not like 'CRYPTO:%'"""
            ).to_arrow_table()
            node = ids(reported.column(0))
            starts = [
                (int(n), float(s))
                for n, s in zip(node.tolist(), reported.column(1).to_pylist(), strict=True)
                if n >= 0
            ]
        out["victim_reach"] = victim_reach(graph, starts)
        return {name: values[row_node] for name, values in out.items()}

    def findings(self, features: pa.Table | None = None) -> list[DropperFinding]:
        """Flagged accounts, highest score first, each with the transfers behind it."""
        table = self.features() if features is None else features
        found = score_accounts(table, self.rules, self.window, self.model, self.flag_at)
        named = self.evidence(found)
        return [replace(f, transfers=named.get(f.account, ())) for f in found]

    def evidence(self, found: list[DropperFinding]) -> dict[str, tuple[str, ...]]:
        """Per flagged account, the transfer ids of its best window that make it suspicious:
        the largest inflows and the largest outflows (``EVIDENCE_PER_SIDE`` of each)."""
        if not found:
            return {}
        flagged = pa.table(
            {
                "account": [f.account for f in found],
                "window_s": [
                    int(_utc(datetime.fromisoformat(f.window_start)).timestamp()) for f in found
                ],
            }
        )
        w = WINDOWS[self.window].format(ts="ts")
        self.db.register("flagged", flagged)
        try:
            rows = self.db.execute(
                f"""
                with t as (
                    select transfer_id, from_account, to_account, amount,
                           cast(epoch({w}) as bigint) as window_s
                    from transfers
                ),
                f as (select account, window_s from flagged),
                sides as (
                    select f.account, 'in' as side, t.transfer_id, t.amount from f
                    join t on t.to_account = f.account
                    where t.window_s = f.window_s
                    union all
                    select f.account, 'out' as side, t.transfer_id, t.amount from f
                    join t on t.from_account = f.account
                    where t.window_s = f.window_s
                ),
                ranked as (
                    select *, row_number() over (partition by account, side
                                                 order by amount desc, transfer_id) as k
                    from sides
                )
                select account, side, transfer_id from ranked where k <= {EVIDENCE_PER_SIDE}
                order by account, side, k
                """
            ).fetchall()
        finally:
            self.db.unregister("flagged")
        named: dict[str, list[str]] = defaultdict(list)
        for account, _, transfer_id in rows:
            named[account].append(transfer_id)
        return {a: tuple(ids) for a, ids in named.items()}


FINDINGS_SCHEMA = pa.schema(
    [
        ("account", pa.string()),
        ("score", pa.float64()),
        ("reasons", pa.string()),
        ("window_start", pa.string()),
        ("transfers", pa.string()),
        ("evidence", pa.string()),
    ]
)


def write_findings(findings: list[DropperFinding], out: Path) -> None:
    """``account, score, reasons`` (the contract; reasons a JSON list) plus the best window,
    ``transfers`` (the JSON list of transfer ids behind the reasons) and ``evidence`` (a JSON
    object per reason) to .csv, .parquet, .json or .jsonl."""
    rows = [
        {
            "account": f.account,
            "score": f.score,
            "reasons": json.dumps(list(f.reasons)),
            "window_start": f.window_start,
            "transfers": json.dumps(list(f.transfers)),
            "evidence": json.dumps(
                {s.code: dict(s.evidence) for s in f.signals}, ensure_ascii=False, sort_keys=True
            ),
        }
        for f in findings
    ]
    write_table(pa.Table.from_pylist(rows, schema=FINDINGS_SCHEMA), out)


def window_seconds(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Window starts as whole seconds since 1970."""
    seconds = pc.cast(pc.cast(column, pa.timestamp("s", tz="UTC")), pa.int64())
    return np.asarray(seconds.to_numpy(zero_copy_only=False), dtype=np.int64)


FRAUD_KINDS = ("victim_payment", "mule_forward", "mule_atm", "mule_crypto")


def world_run(world: Path, window: str = "week") -> DropperRun:
    """A run over a simulated world's Parquet feeds (transfers, accounts, reports)."""
    transfers = world / "transfers.parquet"
    if not transfers.exists():
        raise InvalidInput(f"{world}: needs transfers.parquet")
    db = connect()
    load_parquet(db, "transfers", transfers)
    present = {}
    for name in ("accounts", "reports"):
        path = world / f"{name}.parquet"
        if path.exists():
            load_parquet(db, name, path)
        present[name] = path.exists()
    return DropperRun(db, window, present["accounts"], present["reports"])


def labels(run: DropperRun, features: pa.Table, world: Path) -> tuple[list[bool], list[str]]:
    """Per feature row: is it a dropper moving fraud money in that window, and its group for
    splits (``ring:<n>`` for droppers, ``account:<iban>`` for the rest)."""
    truth = world / "truth"
    w = WINDOWS[run.window].format(ts="t.ts")
    kinds = ", ".join(f"'{k}'" for k in FRAUD_KINDS)
    active = {
        (str(a), int(s))
        for a, s in run.db.execute(
            f"""select distinct d.account, cast(epoch({w}) as bigint)
                from read_parquet(?) d
                join transfers t on t.to_account = d.account or t.from_account = d.account
                join read_parquet(?) k on k.transfer_id = t.transfer_id and k.kind in ({kinds})""",
            [str(truth / "droppers.parquet"), str(truth / "transfers.parquet")],
        ).fetchall()
    }
    rings = dict(
        run.db.execute(
            "select account, ring from read_parquet(?)", [str(truth / "droppers.parquet")]
        ).fetchall()
    )
    accounts = [str(a) for a in features.column("account").to_pylist()]
    starts = window_seconds(features.column("window_start")).tolist()
    ys = [(a, s) in active for a, s in zip(accounts, starts, strict=True)]
    groups = [f"ring:{rings[a]}" if a in rings else f"account:{a}" for a in accounts]
    return ys, groups


def train_from_world(world: Path, window: str = "week", seed: int = 0) -> DropperModel:
    """Fit the dropper model on a simulated world: labels from ``truth/droppers`` and the
    fraud transfers, split by time and grouped by ring (:func:`qorgan.banking.droppers.train`)."""
    if not (world / "truth" / "droppers.parquet").exists():
        raise InvalidInput(f"{world}: needs truth/droppers.parquet")
    run = world_run(world, window)
    features = run.features()
    ys, groups = labels(run, features, world)
    if run.with_reports:
        # Every row again as if no victim had reported: the finder runs without reports too,
        # and must not learn that a first-layer mule is only one a report points at.
        blind = features.set_column(
            features.schema.get_field_index("victim_reach"), "victim_reach",
            pa.array(np.zeros(features.num_rows), pa.float64()),
        )  # fmt: skip
        features = pa.concat_tables([features, blind])
        ys, groups = ys * 2, groups * 2
    return train(features, ys, groups, window, seed=seed,
                 trained_on={"world": str(world), "window": window,
                             "reports": "with and without"
                             if run.with_reports else "without"})  # fmt: skip


def read_findings(path: Path) -> list[DropperFinding]:
    """Findings written by :func:`write_findings` (``account`` and ``score`` are what count;
    reasons are kept as codes), to load into the registry port."""
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    if not path.exists():
        raise InvalidInput(f"{path}: no such findings file")
    try:
        if path.suffix == ".parquet":
            rows = pq.read_table(path).to_pylist()
        elif path.suffix == ".csv":
            rows = pcsv.read_csv(path).to_pylist()
        elif path.suffix == ".jsonl":
            text = path.read_text("utf-8")
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        elif path.suffix == ".json":
            rows = json.loads(path.read_text("utf-8"))
        else:
            raise InvalidInput(f"{path}: findings must be .csv, .parquet, .json or .jsonl")
        return [
            DropperFinding(str(r["account"]), float(r["score"]), str(r.get("window_start", "")),
                           ())
            for r in rows
        ]  # fmt: skip
    except (KeyError, TypeError, ValueError, pa.ArrowInvalid) as exc:
        raise InvalidInput(f"{path}: not a `qorgan find droppers` output ({exc})") from exc
