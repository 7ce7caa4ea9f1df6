"""Benchmark: the console's pages over a store holding many alerts.

Usage::

    python bench/bench_console.py [--alerts 100000] [--repeat 30] [--db sqlite:///F]

Fills a fresh SQLite database (or ``--db``) with ``--alerts`` synthetic alerts spread over the
five queues, two banks, twenty regions and thirty days (the real ``AlertService.add_many``),
signs in as an analyst and as a bank, and requests each page ``--repeat`` times in process
(FastAPI's test client: no network, so the figures are the server's work): the dashboard,
the first and a deep page of a queue, with and without a status filter, and one alert.
Prints one line per page with the median and worst time, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from qorgan.api.app import ApiSettings, create_app
from qorgan.core.ports import IndicatorKind
from qorgan.core.roles import Role
from qorgan.store.sql.agencies import create_agency, issue_key
from qorgan.store.sql.alerts import AlertService, NewAlert, Queue
from qorgan.store.sql.db import Database

START = datetime(2026, 3, 1, tzinfo=UTC)
KINDS = {
    Queue.CALLS: (IndicatorKind.MSISDN, "block", "voice"),
    Queue.SMS: (IndicatorKind.MSISDN, "block", "sms"),
    Queue.PAYMENTS: (IndicatorKind.IBAN, "hold", "app"),
    Queue.SIMBOXES: (IndicatorKind.IMSI, "suspect", "voice"),
    Queue.DROPPERS: (IndicatorKind.IBAN, "suspect", "app"),
}


def alerts(n: int) -> list[NewAlert]:
    queues = list(KINDS)
    out = []
    for i in range(n):
        queue = queues[i % len(queues)]
        kind, decision, channel = KINDS[queue]
        out.append(
            NewAlert(
                queue=queue,
                source_id=f"B{i:08d}",
                subject_kind=kind,
                subject=f"+7701{i:07d}" if kind is IndicatorKind.MSISDN else f"S{i:010d}",
                at=START + timedelta(seconds=i * 30 * 86_400 // n),
                score=0.5 + (i % 50) / 100,
                decision=decision,
                reasons=("BENCH",),
                evidence={"n": i, "box": f"BOX{i % 88}"},
                region=f"region-{i % 20}",
                channel=channel,
                bank=("KASPI", "HALYK")[i % 2]
                if queue in (Queue.PAYMENTS, Queue.DROPPERS)
                else None,
                amount=100_000 + i if queue is Queue.PAYMENTS else None,
            )
        )
    return out


def timed(client: TestClient, path: str, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"{path}: {answer.status_code}")
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--db")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="qorgan-bench-console-"))
    url = args.db or f"sqlite:///{scratch / 'console.db'}"
    database = Database(url).migrated()
    started = time.perf_counter()
    AlertService(database).add_many(alerts(args.alerts))
    loaded = time.perf_counter() - started
    keys = {}
    with database.session() as session:
        for name, role, bank in (("afc", Role.ANALYST, None), ("kaspi", Role.BANK, "KASPI")):
            keys[name] = issue_key(session, create_agency(session, name, role, bank))
    database.dispose()
    app = create_app(ApiSettings(database_url=url, decision_log=scratch / "decisions.jsonl"))
    pages = {
        "afc": [
            "/console",
            "/console/alerts/calls",
            "/console/alerts/calls?status=open",
            f"/console/alerts/calls?before={args.alerts // 2}",
            "/console/alerts/calls/1",
        ],
        "kaspi": ["/console", "/console/alerts/payments"],
    }
    figures: dict[str, dict[str, float]] = {}
    print(f"{args.alerts:,} alerts loaded in {loaded:.1f} s ({url})")
    for who, paths in pages.items():
        with TestClient(app) as client:
            client.post("/console/login", data={"key": keys[who]}, follow_redirects=False)
            for path in paths:
                p50, worst = timed(client, path, args.repeat)
                figures[f"{who} {path}"] = {"p50_ms": round(p50, 1), "max_ms": round(worst, 1)}
                print(f"{who:>6} {path:<40} p50 {p50:7.1f} ms  max {worst:7.1f} ms")
    print(json.dumps({"alerts": args.alerts, "load_s": round(loaded, 1), "pages": figures}))


if __name__ == "__main__":
    main()
