"""``core.feeds`` is the contract of ../shared/CONTRACTS.md: every column, none renamed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qorgan.core.feeds import FEEDS, arrow_schema

CONTRACTS = Path(__file__).resolve().parents[3].parent / "shared" / "CONTRACTS.md"


def _contract_columns() -> dict[str, list[str]]:
    text = CONTRACTS.read_text(encoding="utf-8")
    feeds: dict[str, list[str]] = {}
    for block in re.split(r"^### ", text, flags=re.MULTILINE)[1:]:
        name = block.split()[0]
        block = block.split("\n## ")[0]  # the last feed's table ends where the next part begins
        feeds[name] = re.findall(r"^\| (\w+) \| ", block, flags=re.MULTILINE)
        feeds[name] = [c for c in feeds[name] if c != "column"]
    return feeds


@pytest.mark.skipif(not CONTRACTS.exists(), reason="../shared/CONTRACTS.md is not beside the repo")
def test_every_contract_feed_and_column_is_in_the_schema() -> None:
    contract = _contract_columns()
    assert set(contract) == set(FEEDS)
    for name, columns in contract.items():
        ours = [c.name for c in FEEDS[name].columns]
        assert ours[: len(columns)] == columns, name
        extra = [c for c in FEEDS[name].columns if c.name not in columns]
        assert all(not c.required for c in extra), f"{name}: added columns must be optional"


def test_arrow_schema_has_every_column_in_order() -> None:
    for feed in FEEDS.values():
        assert arrow_schema(feed).names == [c.name for c in feed.columns]


def test_id_columns_are_columns_of_their_feed() -> None:
    for feed in FEEDS.values():
        for name in feed.id_columns:
            assert feed.column(name).name == name
