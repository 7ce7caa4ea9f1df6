"""The decision log of a real-time service: every decision, with its reasons, one JSON line
each, written before the answer leaves.

Lines are written through an OS-buffered file and flushed per decision, so a crash of the
process loses nothing already answered (an fsync per line would cost more than the
decision; the host's crash is what the at-scale store — PostgreSQL — is for).
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import IO

from qorgan.core.decisions import Decision


class DecisionLog:
    """Appends decisions to ``path`` (JSON lines); ``None`` keeps only the count."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.written = 0
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a", encoding="utf-8")

    def write(self, kind: str, decision: Decision) -> None:
        """Record one decision on a ``kind`` of event (``payment``, ``call``)."""
        line = json.dumps(
            {
                "kind": kind,
                "id": decision.subject,
                "action": decision.action.value,
                "score": decision.score,
                "reasons": list(decision.reasons),
                "evidence": {s.code: dict(s.evidence) for s in decision.signals},
                "decided_at_ms": time.time_ns() // 1_000_000,
            },
            ensure_ascii=True,  # a lone surrogate in an id must not fail the write
        )
        with self._lock:
            self.written += 1
            if self._file is not None:
                self._file.write(line + "\n")
                self._file.flush()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
