"""One file's rows into records, a chunk at a time: convert, reject, drop duplicates.

The format readers in :mod:`qorgan.core.readers` cut a file into chunks of rows, given as
columns in the file's own layout; :class:`Intake` converts each column at once
(:mod:`qorgan.core.columns`), writes one reject line per bad row and one per duplicate,
in row order, and builds the records of the rest.

Duplicates are found by a 64-bit hash of the normalised id (``hash()``, keyed per
process, which is all a check within one read needs) mapped to the row where the id was
first seen: about 100 bytes per distinct id. Two distinct ids collide with odds of about
``n**2 / 2**65`` (3 in a million for ten million ids).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from qorgan.core.columns import column_converter
from qorgan.core.errors import InvalidFields, InvalidInput, InvalidValue, MissingColumns
from qorgan.core.feeds import Feed
from qorgan.core.records import CHOICE_TYPES, RECORD_TYPES, Record
from qorgan.core.rejects import RejectSink
from qorgan.core.values import Converter, converter

_Problem = tuple[str, object, str]  # column, value as given, reason


class Intake:
    """Turns the rows of one file of a feed into records.

    Args:
        feed: the feed the file holds.
        file: the file's name as it should appear in reject lines.
        rejects: where bad rows and duplicates go.
    """

    def __init__(self, feed: Feed, file: str, rejects: RejectSink) -> None:
        self.feed = feed
        self.file = file
        self.rejects = rejects
        self.read = 0
        self._make: Callable[..., Record] = RECORD_TYPES[feed.name]
        enums = [CHOICE_TYPES.get(c.choices) for c in feed.columns]
        self._converters = [
            column_converter(c, e) for c, e in zip(feed.columns, enums, strict=True)
        ]
        # What an absent optional column holds: None, or KZT for a currency.
        self._defaults = [converter(c)(None) if not c.required else None for c in feed.columns]
        names = [c.name for c in feed.columns]
        self._id_positions = [names.index(name) for name in feed.id_columns]
        self._id_label = "+".join(feed.id_columns)
        self._layout = list(range(len(names)))
        self._seen: dict[int, int] = {}
        self._pending: list[tuple[int, bool, str, object, str]] = []

    def check_header(self, header: Sequence[str]) -> None:
        """Refuse a header that lacks a required column or names a feed column twice.

        Raises:
            MissingColumns: required columns are absent.
            InvalidInput: a column of the feed appears twice.
        """
        for name in {n for n in header if header.count(n) > 1}:
            if any(c.name == name for c in self.feed.columns):
                raise InvalidInput(f"{self.file}: column {name!r} appears more than once")
        missing = [n for n in self.feed.required_names if n not in header]
        if missing:
            raise MissingColumns(self.file, self.feed.name, missing)

    def lay_out(self, header: Sequence[str]) -> None:
        """Note where each feed column sits among the chunk's columns (-1: absent)."""
        self._layout = [header.index(c.name) if c.name in header else -1 for c in self.feed.columns]

    def reject(self, row: int, field: str, value: object, reason: str) -> None:
        """Reject a row that could not be split into values (ragged, not JSON)."""
        self.read += 1
        self._pending.append((row, False, field, value, reason))

    def records(self, columns: Sequence[Sequence[object]], rows: Sequence[int]) -> list[Record]:
        """The records of a chunk of rows.

        Args:
            columns: the chunk's values, one sequence per column of the file's layout.
            rows: the row number of each position, for reject lines.

        Returns:
            The records of the good rows whose ids were not seen before, in row order.
        """
        self.read += len(rows)
        converted: list[Sequence[object]] = []
        bad: dict[int, list[_Problem]] = {}
        for column, index, convert_all, default in zip(
            self.feed.columns, self._layout, self._converters, self._defaults, strict=True
        ):
            if index < 0:
                converted.append([default] * len(rows))
                continue
            values, reasons = convert_all(columns[index])
            converted.append(values)
            for i, reason in reasons.items():
                bad.setdefault(i, []).append((column.name, columns[index][i], reason))
        for i, problems in bad.items():
            field, value, reason = problems[0]
            also = "".join(f"; also {name}: {why}" for name, _, why in problems[1:])
            self._pending.append((rows[i], False, field, value, reason + also))
        drop = set(bad).union(self._duplicates(converted, rows, bad))
        self.flush()
        records = list(map(self._make, *converted))
        if drop:
            records = [record for i, record in enumerate(records) if i not in drop]
        return records

    def flush(self) -> None:
        """Write the pending reject lines, in row order."""
        self._pending.sort(key=lambda line: line[0])
        for row, duplicate, field, value, reason in self._pending:
            if duplicate:
                self.rejects.duplicate(self.file, row, field, value, reason)
            else:
                self.rejects.reject(self.file, row, field, value, reason)
        self._pending.clear()

    def _duplicates(
        self, converted: list[Sequence[object]], rows: Sequence[int], bad: Collection[int]
    ) -> list[int]:
        """Positions whose id was seen before; remembers the ids of the others."""
        ids = [converted[p] for p in self._id_positions]
        keys = list(map(hash, ids[0] if len(ids) == 1 else zip(*ids, strict=True)))
        if not bad:
            # The common case at C speed: no id twice in the chunk, none seen before.
            first_rows = dict(zip(keys, rows, strict=True))
            if len(first_rows) == len(keys) and self._seen.keys().isdisjoint(first_rows):
                self._seen.update(first_rows)
                return []
        found: list[int] = []
        for i, (key, row) in enumerate(zip(keys, rows, strict=True)):
            if i in bad:
                continue
            first = self._seen.setdefault(key, row)
            if first != row:
                found.append(i)
                shown = " / ".join(str(values[i]) for values in ids)
                reason = (
                    f"duplicate {self._id_label} (first seen at row {first}); the first is kept"
                )
                self._pending.append((row, True, self._id_label, shown, reason))
        return found


_CONVERTERS: dict[str, tuple[tuple[Converter, ...], frozenset[str]]] = {}


def _converters(feed: Feed) -> tuple[tuple[Converter, ...], frozenset[str]]:
    """The feed's converters and column names, built once (keyed by name: hashing a whole
    ``Feed`` per request would cost more than the lookup saves)."""
    known = _CONVERTERS.get(feed.name)
    if known is None:
        converters = tuple(converter(c, CHOICE_TYPES.get(c.choices)) for c in feed.columns)
        known = _CONVERTERS[feed.name] = (converters, frozenset(c.name for c in feed.columns))
    return known


def record_from(feed: Feed, values: Mapping[str, object], source: str | None = None) -> Record:
    """One record from ``column -> raw value`` (an API request's JSON body), with exactly
    the checks and normalisation of the feed files.

    Raises:
        InvalidFields: naming every field that is missing, bad, or not a column of the feed.
    """
    problems: list[tuple[str, str]] = []
    converted: list[object] = []
    converters, known = _converters(feed)
    for column, convert in zip(feed.columns, converters, strict=True):
        try:
            converted.append(convert(values.get(column.name)))
        except InvalidValue as error:
            problems.append((column.name, error.reason))
    if not known.issuperset(values):
        problems += [(name, "not a field of this record") for name in values if name not in known]
    if problems:
        raise InvalidFields(source or feed.name, problems)
    make: Callable[..., Record] = RECORD_TYPES[feed.name]
    return make(*converted)
