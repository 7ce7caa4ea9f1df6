"""The error table: one root and a few kinds that the API and CLI map in one place each."""

# The kinds are named for what went wrong (InvalidInput, NotFound ...), as STYLE.md has
# them, not with an "Error" suffix.
# ruff: noqa: N818

from __future__ import annotations


class QorganError(Exception):
    """Root of every error Qorgan raises on purpose."""


class InvalidInput(QorganError):
    """Input that cannot be used: a bad file, a missing column, a malformed value."""


class NotFound(QorganError):
    """Something named by the caller does not exist."""


class Conflict(QorganError):
    """The request contradicts the stored state (a duplicate, a wrong state transition)."""


class PermissionDenied(QorganError):
    """The caller's role does not allow this."""


class Unavailable(QorganError):
    """A dependency (a server, a file system) cannot be reached right now."""


class FieldError(InvalidInput):
    """One field of one record is unusable.

    Attributes:
        field: the column name.
        reason: what is wrong, in words an analyst can act on.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class MissingColumns(InvalidInput):
    """A feed file lacks required columns, so none of its rows can be read."""

    def __init__(self, path: str, feed: str, missing: list[str]) -> None:
        super().__init__(f"{path}: {feed} feed lacks required column(s): {', '.join(missing)}")
        self.path = path
        self.missing = missing


class InvalidValue(InvalidInput, ValueError):
    """One value cannot be normalised: a bad phone number, IBAN, amount, timestamp ...

    Raised by the normalisers in ``qorgan.core``, which know the value but not where it
    came from; a reader adds the file, row and column and writes it as a reject line.
    It is also a ``ValueError``, so callers that only know the standard library can catch it.

    Attributes:
        reason: what is wrong, in words an analyst can act on.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidFields(InvalidInput):
    """Some fields of one record (an API request's body) cannot be normalised.

    Attributes:
        source: what the record is (``transfer``, ``call`` ...).
        problems: ``(field, reason)`` for every bad or missing field, in the feed's order.
    """

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        listed = "; ".join(f"{name}: {reason}" for name, reason in problems)
        super().__init__(f"{source}: {listed}")
        self.source = source
        self.problems = problems
