"""What every feed-reading command shares: rejects beside the output, progress, summary."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from qorgan.core.readers import read_feed
from qorgan.core.records import Record
from qorgan.core.rejects import RejectSink

console = Console(stderr=True)
T = TypeVar("T")


def rejects_path(out: Path, rejects: Path | None) -> Path:
    """``--rejects`` when given, else ``<out stem>.rejects.csv`` beside the output."""
    return rejects if rejects is not None else out.with_name(out.stem + ".rejects.csv")


def stream(path: Path, feed: str, sink: RejectSink, label: str) -> Iterator[list[Record]]:
    """Batches of a feed file, with a live count of records on stderr."""
    with Progress(
        SpinnerColumn(), TextColumn("[bold]{task.description}"), TextColumn("{task.completed:,}"),
        TimeElapsedColumn(), console=console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task(label, total=None)
        for batch in read_feed(path, feed, rejects=sink):
            yield batch
            bar.advance(task, len(batch))


def summary(command: str, sink: RejectSink, produced: int, started: float, out: Path) -> None:
    """The one-line summary every command prints."""
    stats = sink.summary()
    line = (
        f"{command}: read {stats.rows:,}, rejected {stats.rejected:,}, "
        f"duplicates {stats.duplicates:,}, produced {produced:,}, "
        f"{time.perf_counter() - started:.1f} s -> {out}"
    )
    if stats.rejected and sink.path is not None:
        line += f" (rejects in {sink.path})"
    typer.echo(line)


def load_all(
    path: Path | None, feed: str, sink: RejectSink, build: Callable[[list[Record]], T]
) -> T | None:
    """Read a whole side file (roaming, accounts) into ``build``; ``None`` when not given."""
    if path is None:
        return None
    records = [r for batch in read_feed(path, feed, rejects=sink) for r in batch]
    return build(records)
