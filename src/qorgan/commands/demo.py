"""``qorgan demo``: a small simulated country, every detector run over it, the figures filled.

:func:`build_demo` is the pipeline (the command serves the console over what it built):

1. simulate a small world into ``out``;
2. migrate a fresh database and create the demo agencies with new random API keys (an
   analyst ``afc``, an admin, police, a prosecutor, an operator and one agency per bank of
   the accounts feed), written to ``out/demo-keys.json`` (synthetic demo keys);
3. run every detector (:mod:`qorgan.commands.detections`): each non-allow decision becomes
   an alert, each finding a ``suspected`` registry claim of its detector;
4. trace every victim report into a case with freeze orders;
5. play the agencies' week (:mod:`qorgan.commands.casework`): banks confirm most orders,
   the prosecutor extends some, money goes back to victims, the oldest orders expire, and
   the analyst decides a few alerts of every queue.

The same seed builds the same world, alerts, cases and figures; only the keys are new.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData, func, inspect, select
from sqlalchemy.engine import make_url

from qorgan.commands.casework import (
    Agencies,
    decide_alerts,
    file_cases,
    orders_by_state,
    play_week,
)
from qorgan.commands.detections import detect
from qorgan.core.errors import Conflict
from qorgan.core.roles import Principal, Role
from qorgan.sim.world import simulate
from qorgan.store.sql.agencies import create_agency, issue_key
from qorgan.store.sql.alerts import AlertService
from qorgan.store.sql.case_tables import CaseRow
from qorgan.store.sql.cases import CaseService
from qorgan.store.sql.db import Database
from qorgan.store.sql.registry import SqlRegistry

KEYS_FILE = "demo-keys.json"
OFFICIALS = (
    ("afc", Role.ANALYST),
    ("admin", Role.ADMIN),
    ("police", Role.POLICE),
    ("prosecutor", Role.PROSECUTOR),
    ("operator", Role.OPERATOR),
)
"""The demo's agencies besides the banks: name and role."""


@dataclass(frozen=True, slots=True)
class DemoKey:
    """One demo agency and its API key.

    Attributes:
        principal: the agency as a caller (name, role, bank and its IBAN codes).
        key: the API key (synthetic demo data).
    """

    principal: Principal
    key: str

    @property
    def agency(self) -> str:
        return self.principal.agency

    def json(self) -> dict[str, str | None]:
        """The line of ``demo-keys.json``: agency, role, bank, key."""
        p = self.principal
        return {"agency": p.agency, "role": p.role.value, "bank": p.bank, "key": self.key}


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What :func:`build_demo` built.

    Attributes:
        alerts: alerts per queue.
        cases: cases filed.
        orders: freeze orders per state.
        frozen: tiyn blocked by confirmed, extended or returned orders.
        returned: tiyn returned to victims.
        decided: alerts the analyst decided.
        keys: the demo agencies' keys.
        keys_path: where the keys were written.
        database_url: the database it filled.
        seconds: how long it took.
    """

    alerts: dict[str, int]
    cases: int
    orders: dict[str, int]
    frozen: int
    returned: int
    decided: int
    keys: tuple[DemoKey, ...]
    keys_path: Path
    database_url: str
    seconds: float

    def key_of(self, agency: str) -> str:
        """The key of one agency (``afc``, ``kaspi`` ...)."""
        return next(k.key for k in self.keys if k.agency == agency)


def build_demo(
    out: Path,
    seed: int,
    database_url: str,
    report: Callable[[str], None] = print,
    reset: bool = False,
) -> DemoSummary:
    """Build the demo world, database and figures (see the module's steps).

    Raises:
        Conflict: the database already holds tables and ``reset`` was not given.
    """
    started = time.perf_counter()
    report(f"1/5 simulating a small country (seed {seed}) into {out}")
    simulate(out, seed=seed, scale="small")
    report("2/5 creating the database and the demo agencies")
    database = fresh_database(database_url, reset)
    try:
        keys = create_agencies(database, out / "accounts.parquet")
        keys_path = out / KEYS_FILE
        keys_path.write_text(json.dumps([k.json() for k in keys], indent=1) + "\n", "utf-8")
        report(f"    {len(keys)} agencies, keys in {keys_path}")
        agencies = _agencies(keys)
        report("3/5 running every detector")
        found = detect(out, lambda line: report("    " + line.strip()))
        registry = SqlRegistry(database)
        registry.assert_many(found.claims())
        alerts = AlertService(database, registry)
        alerts.add_many(found.alerts)
        report("4/5 tracing the victims' reports into cases and freeze orders")
        cases = CaseService(database)
        orders = file_cases(cases, agencies.analyst, out)
        report(f"    {len(orders)} freeze orders issued")
        report("5/5 playing the agencies' week")
        rng = random.Random(seed)
        now = play_week(cases, orders, agencies, rng)
        if now is not None:
            alerts.clock = lambda: now
        decided = decide_alerts(alerts, agencies.analyst, rng)
        return _summary(database, alerts, cases, agencies, keys, keys_path, decided, started)
    finally:
        database.dispose()


def fresh_database(url: str, reset: bool = False) -> Database:
    """``url`` empty and migrated.

    A database that already holds tables is emptied only when ``reset`` says the demo owns it
    (a SQLite file is deleted, other databases lose every table); otherwise it is refused, so
    that a mistyped ``--db`` never wipes a real registry.

    Raises:
        Conflict: the database holds tables and ``reset`` is false.
    """
    parsed = make_url(url)
    probe = Database(url)
    try:
        held = sorted(inspect(probe.engine).get_table_names())
    finally:
        probe.dispose()
    if held and not reset:
        raise Conflict(
            f"{parsed.render_as_string(hide_password=True)} already holds {len(held)} tables "
            f"({', '.join(held[:3])}...); the demo only fills an empty database (--reset "
            "lets it empty this one)"
        )
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(str(parsed.database))
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
    database = Database(url)
    if database.dialect != "sqlite":
        tables = MetaData()
        tables.reflect(database.engine)
        tables.drop_all(database.engine)
    return database.migrated()


def create_agencies(database: Database, accounts: Path) -> tuple[DemoKey, ...]:
    """The officials and one bank agency per bank of ``accounts`` (the largest first), each
    with a fresh key; a bank's codes are those inside its accounts' IBANs."""
    import pyarrow.parquet as pq

    feed = pq.read_table(accounts, columns=["account", "bank"]).to_pydict()
    codes: dict[str, set[str]] = {}
    size: Counter[str] = Counter()
    for account, bank in zip(feed["account"], feed["bank"], strict=True):
        codes.setdefault(bank, set()).add(account[4:7])
        size[bank] += 1
    wanted: list[tuple[str, Role, str | None, tuple[str, ...]]]
    wanted = [(name, role, None, ()) for name, role in OFFICIALS]
    wanted += [
        (b.lower(), Role.BANK, b, tuple(sorted(codes[b])))
        for b in sorted(codes, key=lambda b: (-size[b], b))
    ]
    keys = []
    with database.session() as session:
        for name, role, bank, bank_codes in wanted:
            agency = create_agency(session, name, role, bank, bank_codes)
            keys.append(DemoKey(agency.principal(), issue_key(session, agency)))
    return tuple(keys)


def _agencies(keys: tuple[DemoKey, ...]) -> Agencies:
    by_name = {k.agency: k.principal for k in keys}
    banks = {p.bank: p for p in by_name.values() if p.role is Role.BANK and p.bank}
    return Agencies(by_name["afc"], by_name["prosecutor"], banks)


def _summary(
    database: Database,
    alerts: AlertService,
    cases: CaseService,
    agencies: Agencies,
    keys: tuple[DemoKey, ...],
    keys_path: Path,
    decided: int,
    started: float,
) -> DemoSummary:
    counts = alerts.counts(agencies.analyst)
    figures = alerts.kpis(agencies.analyst).totals
    with database.session() as session:
        filed = session.scalar(select(func.count()).select_from(CaseRow)) or 0
    return DemoSummary(
        alerts={q.value: sum(by.values()) for q, by in counts.items()},
        cases=filed,
        orders=orders_by_state(cases, agencies.analyst),
        frozen=figures["money_frozen"],
        returned=figures["money_returned"],
        decided=decided,
        keys=keys,
        keys_path=keys_path,
        database_url=database.url,
        seconds=time.perf_counter() - started,
    )
