"""The examples in the core modules' docstrings run as written."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["msisdn", "iban", "money", "timestamps", "ip", "values", "brands"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"qorgan.core.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
