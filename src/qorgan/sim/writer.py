"""Streaming writers for feeds and truth tables: Parquet, CSV or JSONL, batch by batch.

Nothing is held beyond the batch being written, so a 100M-row day streams to disk.
Output is deterministic: fixed compression, no timestamps of the run in the files.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import Self

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

FORMATS = ("parquet", "csv")


def _text_columns(table: pa.Table) -> pa.Table:
    """Timestamps as ISO 8601 ``...Z`` and lists as JSON, for CSV and JSONL."""
    columns = []
    for name, col in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_timestamp(col.type):
            col = pc.strftime(col, format="%Y-%m-%dT%H:%M:%SZ")
        elif pa.types.is_list(col.type):
            col = pa.array(
                [None if v is None else json.dumps(v, ensure_ascii=False) for v in col.to_pylist()],
                pa.string(),
            )
        elif pa.types.is_decimal(col.type):
            col = pc.cast(col, pa.string())
        columns.append((name, col))
    return pa.table(dict(columns))


class TableWriter:
    """Appends Arrow tables of one schema to ``path`` (format from its extension)."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.schema = schema
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._parquet: pq.ParquetWriter | None = None
        self._csv: pcsv.CSVWriter | None = None
        self._jsonl = None
        suffix = path.suffix
        if suffix == ".parquet":
            self._parquet = pq.ParquetWriter(path, schema, compression="zstd")
        elif suffix == ".csv":
            text_schema = _text_columns(schema.empty_table()).schema
            self._csv = pcsv.CSVWriter(path, text_schema)
        elif suffix == ".jsonl":
            self._jsonl = path.open("w", encoding="utf-8")
        else:
            raise ValueError(f"{path}: unknown output format {suffix!r}")

    def write(self, table: pa.Table) -> None:
        table = table.select(self.schema.names).cast(self.schema)
        self.rows += table.num_rows
        if self._parquet is not None:
            self._parquet.write_table(table, row_group_size=1_000_000)
        elif self._csv is not None:
            self._csv.write_table(_text_columns(table))
        elif self._jsonl is not None:
            for row in _text_columns(table).to_pylist():
                self._jsonl.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        elif self._csv is not None:
            self._csv.close()
        elif self._jsonl is not None:
            self._jsonl.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def write_table(path: Path, table: pa.Table) -> int:
    """Write one whole table; returns its row count."""
    with TableWriter(path, table.schema) as writer:
        writer.write(table)
    return int(table.num_rows)
