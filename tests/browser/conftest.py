"""A real browser on the real console: Debian's Chromium driven by Playwright.

The console is served by uvicorn on a free loopback port over the demo's database (the same
``build_demo`` that ``qorgan demo`` runs, seed 7), in a thread of the test process. Chromium is
the system binary (``/usr/bin/chromium``): browser downloads are not possible here. Without it
the tests are skipped, unless ``QORGAN_REQUIRE_BROWSER=1`` (CI), which makes them fail.

Screenshots go to ``$QORGAN_SCREENSHOTS`` when it is set (the README's pictures are made so:
``QORGAN_SCREENSHOTS=docs/screenshots pytest tests/browser``), else to a temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from qorgan.api.app import ApiSettings, create_app
from qorgan.commands.demo import build_demo

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Console:
    """The served console and the demo's agencies' keys (role or bank name -> key)."""

    url: str
    keys: dict[str, str]
    banks: tuple[str, ...]
    shots: Path


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "Chromium not found; apt-get install chromium"
        if os.environ.get("QORGAN_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (QORGAN_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def console() -> Iterator[Console]:
    _chromium()
    root = Path(tempfile.mkdtemp(prefix="qorgan-console-"))
    out = root / "demo-world"
    url = f"sqlite:///{root / 'qorgan.db'}"
    build_demo(out, seed=7, database_url=url, report=lambda _line: None)
    keys: dict[str, str] = {}
    banks: list[str] = []
    for agency in json.loads((out / "demo-keys.json").read_text()):
        if agency["role"] == "bank":
            banks.append(agency["bank"])
            keys.setdefault("bank", agency["key"])
            keys[f"bank:{agency['bank']}"] = agency["key"]
        else:
            keys.setdefault(agency["role"], agency["key"])
    app = create_app(
        ApiSettings(
            database_url=url,
            transfers=out / "transfers.parquet",
            accounts=out / "accounts.parquet",
            roaming=out / "roaming.parquet",
            decision_log=root / "decisions.jsonl",
        )
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the console did not start")
        time.sleep(0.05)
    shots = Path(os.environ.get("QORGAN_SCREENSHOTS") or root / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    yield Console(f"http://127.0.0.1:{port}", keys, tuple(banks), shots)
    server.should_exit = True
    thread.join(timeout=30)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(console: Console) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
