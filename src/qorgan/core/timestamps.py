"""Timestamps: ISO 8601 with an offset, or epoch milliseconds, stored as UTC.

Every timestamp Qorgan keeps is a timezone-aware ``datetime`` in UTC at millisecond
resolution (the contract's finest unit); finer digits are truncated on the way in, so
``parse_ts(format_ts(t)) == t`` for every ``t`` that ``parse_ts`` returns.

>>> format_ts(parse_ts("2026-03-02T15:15:00+05:00"))
'2026-03-02T10:15:00.000Z'
>>> format_ts(parse_ts(1772446500000))
'2026-03-02T10:15:00.000Z'
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from qorgan.core.errors import InvalidValue

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MIN_EPOCH_MS = 10**11
"""Smaller epoch values (before 1973-03-03) are taken for epoch seconds sent by mistake."""
MAX_EPOCH_MS = 4_102_444_800_000
"""2100-01-01T00:00:00Z: later epoch values are taken for microseconds sent by mistake."""


def parse_ts(raw: str | int | datetime) -> datetime:
    """Parse a timestamp to an aware UTC ``datetime`` at millisecond resolution.

    Args:
        raw: ISO 8601 text with an offset or ``Z`` (``2026-03-02T10:15:00Z``), epoch
            milliseconds as an int or a digit string, or an aware ``datetime``.

    Returns:
        The instant in UTC, sub-millisecond digits truncated.

    Raises:
        InvalidValue: unparsable text, no UTC offset, or epoch milliseconds out of range.
    """
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, bool):
        raise InvalidValue("a boolean is not a timestamp")
    elif isinstance(raw, int):
        return _from_epoch_ms(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if text.isascii() and text.isdigit():
            return _from_epoch_ms(int(text))
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidValue(
                "not a timestamp: expected ISO 8601 with offset or Z, or epoch milliseconds"
            ) from None
    else:
        raise InvalidValue(f"not a timestamp: {type(raw).__name__}")
    if moment.utcoffset() is None:
        raise InvalidValue("timestamp has no UTC offset")
    if moment.tzinfo is not UTC:
        try:
            moment = moment.astimezone(UTC)
        except OverflowError:
            raise InvalidValue("timestamp out of range") from None
    extra = moment.microsecond % 1000
    return moment - timedelta(microseconds=extra) if extra else moment


def format_ts(moment: datetime) -> str:
    """Format an aware ``datetime`` as ``2026-03-02T10:15:00.000Z`` (UTC, milliseconds).

    Raises:
        InvalidValue: ``moment`` is naive.
    """
    if moment.utcoffset() is None:
        raise InvalidValue("timestamp has no UTC offset")
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="milliseconds") + "Z"


def _from_epoch_ms(ms: int) -> datetime:
    if ms < MIN_EPOCH_MS:
        raise InvalidValue(f"epoch value {ms} is too small: epoch milliseconds expected")
    if ms >= MAX_EPOCH_MS:
        raise InvalidValue(f"epoch value {ms} is after 2100: epoch milliseconds expected")
    return EPOCH + timedelta(milliseconds=ms)
