"""The standing quality gates, run by the test suite so CI enforces them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which(args[0], path=str(BIN)) or args[0]
    return subprocess.run([tool, *args[1:]], cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing_to_fix() -> None:
    result = _run("ruff", "check", "src", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_ruff_formatted() -> None:
    result = _run("ruff", "format", "--check", "src", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes_on_src() -> None:
    result = _run("mypy", "--strict", "src/qorgan")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_of_architecture_hold() -> None:
    result = _run("lint-imports")
    assert result.returncode == 0, result.stdout + result.stderr
