"""Writing decisions to the file a command's ``--out`` names (.csv, .parquet, .json, .jsonl).

Rows stream out in batches; ``.json`` collects one array and writes it on close. Reasons are
a list column in Parquet and a JSON list in CSV; evidence is a JSON object per row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from qorgan.core.decisions import Decision
from qorgan.core.errors import InvalidInput

FORMATS = (".csv", ".parquet", ".json", ".jsonl")
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("action", pa.string()),
        ("score", pa.float64()),
        ("reasons", pa.list_(pa.string())),
        ("evidence", pa.string()),
    ]
)


def _evidence(decision: Decision) -> str:
    if not decision.signals:
        return "{}"
    return json.dumps(
        {s.code: dict(s.evidence) for s in decision.signals}, ensure_ascii=False, sort_keys=True
    )


class DecisionWriter:
    """Streams decisions to ``path``; ``id_column`` names the id (``call_id``, ``sms_id`` ...)."""

    def __init__(self, path: Path, id_column: str, batch_size: int = 50_000) -> None:
        if path.suffix not in FORMATS:
            raise InvalidInput(f"{path}: --out must end in one of {', '.join(FORMATS)}")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.rows = 0
        self._schema = pa.schema([SCHEMA.field(0).with_name(id_column), *list(SCHEMA)[1:]])
        self._pending: list[Decision] = []
        self._batch = batch_size
        self._parquet: pq.ParquetWriter | None = None
        self._csv: pcsv.CSVWriter | None = None
        self._text: IO[str] | None = None
        self._json: list[dict[str, object]] = []
        if path.suffix == ".parquet":
            self._parquet = pq.ParquetWriter(path, self._schema, compression="zstd")
        elif path.suffix == ".csv":
            self._csv = pcsv.CSVWriter(path, self._schema.set(3, pa.field("reasons", pa.string())))
        elif path.suffix == ".jsonl":
            self._text = path.open("w", encoding="utf-8")

    def write(self, decisions: Iterable[Decision]) -> None:
        for decision in decisions:
            self._pending.append(decision)
            if len(self._pending) >= self._batch:
                self._flush()

    def _rows(self) -> list[dict[str, object]]:
        name = self._schema.names[0]
        return [
            {
                name: d.subject,
                "action": d.action.value,
                "score": d.score,
                "reasons": list(d.reasons),
                "evidence": _evidence(d),
            }
            for d in self._pending
        ]

    def _flush(self) -> None:
        if not self._pending:
            return
        rows = self._rows()
        self.rows += len(rows)
        self._pending.clear()
        if self._parquet is not None:
            self._parquet.write_table(pa.Table.from_pylist(rows, schema=self._schema))
        elif self._csv is not None:
            for row in rows:
                row["reasons"] = json.dumps(row["reasons"])
            schema = self._schema.set(3, pa.field("reasons", pa.string()))
            self._csv.write_table(pa.Table.from_pylist(rows, schema=schema))
        elif self._text is not None:
            self._text.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        else:
            self._json.extend(rows)

    def close(self) -> None:
        self._flush()
        if self._parquet is not None:
            self._parquet.close()
        elif self._csv is not None:
            self._csv.close()
        elif self._text is not None:
            self._text.close()
        else:
            self.path.write_text(json.dumps(self._json, ensure_ascii=False, indent=1) + "\n")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def write_table(table: pa.Table, out: Path) -> None:
    """A whole table of findings to .csv, .parquet (zstd), .jsonl or .json (an array)."""
    if out.suffix not in FORMATS:
        raise InvalidInput(f"{out}: --out must end in .csv, .parquet, .json or .jsonl")
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".csv":
        pcsv.write_csv(table, out)
    elif out.suffix == ".parquet":
        pq.write_table(table, out, compression="zstd")
    else:
        rows = table.to_pylist()
        if out.suffix == ".jsonl":
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        else:
            text = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
        out.write_text(text, "utf-8")
