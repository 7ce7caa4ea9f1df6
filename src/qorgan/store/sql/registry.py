"""The shared registry on the relational store: the lifecycle of :mod:`qorgan.registry`, roles,
the audit trail, and O(1) lookups from a process-local map.

Lookups (the :class:`~qorgan.core.ports.IndicatorLookup` port, on the hot path of call
screening and payment scoring) never touch the database: each process keeps a dict
``(kind, value) -> IndicatorHit``, loaded on first use and kept in step with this process's
own writes at once. Other processes' writes arrive by refresh: at most every ``refresh_s``
seconds (5 by default) a lookup first reads the rows whose ``changed_at`` is at or after the
newest one already seen less ``OVERLAP`` (30 s, for clock skew between writers and
transactions that commit late). So a process sees its own writes immediately and other
processes' within ``refresh_s`` (eventual consistency); reads by value for people
(:meth:`SqlRegistry.read`, :meth:`SqlRegistry.search`) always go to the database.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qorgan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from qorgan.core.ports import IndicatorHit, IndicatorKind, IndicatorStatus
from qorgan.core.roles import (
    Principal,
    Role,
    may_assert_kind,
    may_see_kind,
    may_set_status,
    visible_kinds,
)
from qorgan.registry.indicator import Claim, Indicator
from qorgan.registry.lifecycle import absorb, transition
from qorgan.registry.memory import Clock, as_claims, normalised, utc_now
from qorgan.registry.values import normalise
from qorgan.store.sql.audit import append_audit
from qorgan.store.sql.db import Database
from qorgan.store.sql.indicators import IndicatorRow, SourceRow

OVERLAP = timedelta(seconds=30)
CHUNK = 500
MAX_PAGE = 500
ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a search.

    Attributes:
        items: the indicators on this page, most recently changed first.
        total: how many match in all.
        page: the page number, from 1.
        size: the page size.
    """

    items: tuple[Indicator, ...]
    total: int
    page: int
    size: int


def _key(kind: IndicatorKind, value: str) -> str:
    return f"{kind.value}:{value}"


class SqlRegistry:
    """The registry on a :class:`~qorgan.store.sql.db.Database` (migrated).

    Args:
        database: where indicators are stored.
        card_key: reduces full card numbers to tokens; without it only tokens are taken.
        refresh_s: how often lookups pick up other processes' writes.
        clock: the time of writes (``changed_at``, status changes, hits without a time).
    """

    def __init__(
        self,
        database: Database,
        card_key: bytes | None = None,
        refresh_s: float = 5.0,
        clock: Clock = utc_now,
    ) -> None:
        self.database = database
        self.refresh_s = refresh_s
        self._card_key = card_key
        self._clock = clock
        self._lock = threading.Lock()
        self._map: dict[tuple[IndicatorKind, str], IndicatorHit] | None = None
        self._watermark: datetime | None = None
        self._next_refresh = 0.0

    # -- the ports ---------------------------------------------------------------------------

    def lookup(self, kind: IndicatorKind, value: str) -> IndicatorHit | None:
        """What the registry knows of ``value`` (normalised already), from memory."""
        hits = self._map
        if hits is None or time.monotonic() >= self._next_refresh:
            hits = self.refresh()
        return hits.get((kind, value))

    def assert_indicator(self, hit: IndicatorHit) -> None:
        """The sink port: one hit, one claim per source."""
        self.assert_many([hit])

    def assert_many(
        self, items: Iterable[Claim | IndicatorHit], actor: Principal | None = None
    ) -> list[Indicator]:
        """Fold claims in, in one transaction; the same claims twice change nothing.

        Returns:
            The indicators that changed (one audit entry records the batch when any did).

        Raises:
            InvalidValue: a value is not valid for its kind (nothing is written).
            Conflict: concurrent writers kept colliding on new indicators.
        """
        now = self._clock()
        claims = [normalised(c, self._card_key) for c in as_claims(items, now)]
        if not claims:
            return []
        for attempt in range(ATTEMPTS):
            try:
                with self.database.session() as session:
                    changed = self._fold(session, claims, now)
                    if changed:
                        self._audit_batch(session, actor, claims, changed, now)
                break
            except IntegrityError:  # another process inserted one of the new values first
                if attempt == ATTEMPTS - 1:
                    raise Conflict("concurrent writers kept colliding; retry") from None
        self._remember(changed)
        return changed

    # -- reads and writes for people ---------------------------------------------------------

    def get(self, kind: IndicatorKind, value: str) -> Indicator:
        """The stored indicator (no role check, not audited: for Qorgan itself).

        Raises:
            InvalidValue: ``value`` is not valid for ``kind``.
            NotFound: unknown value.
        """
        value = normalise(kind, value, self._card_key)
        with self.database.session() as session:
            return self._row(session, kind, value).indicator()

    def read(self, reader: Principal, kind: IndicatorKind, value: str) -> Indicator:
        """The indicator, for ``reader``, recorded in the audit log (``indicator.read``).

        Raises:
            NotFound: unknown value, or a kind ``reader`` may not see (the same answer, so
                that it cannot probe).
        """
        value = normalise(kind, value, self._card_key)
        with self.database.session() as session:
            if not may_see_kind(reader, kind):
                raise NotFound(f"no {kind.value} indicator {value}")
            indicator = self._row(session, kind, value).indicator()
            append_audit(session, actor=reader, action="indicator.read",
                         subject_kind="indicator", subject_id=_key(kind, value))  # fmt: skip
        return indicator

    def search(
        self,
        *,
        value_prefix: str | None = None,
        kind: IndicatorKind | None = None,
        status: IndicatorStatus | None = None,
        page: int = 1,
        size: int = 50,
        reader: Principal | None = None,
    ) -> Page:
        """Indicators by value prefix, kind and status, most recently changed first.

        With a ``reader`` only the kinds it may see are searched, and the values returned
        are recorded in the audit log (``indicator.search``).
        """
        if page < 1 or not 1 <= size <= MAX_PAGE:
            raise InvalidInput(f"page from 1, size from 1 to {MAX_PAGE}")
        query = select(IndicatorRow)
        if value_prefix:
            prefix = value_prefix.strip()
            query = query.where(IndicatorRow.value.startswith(prefix, autoescape=True))
        if kind is not None:
            query = query.where(IndicatorRow.kind == kind.value)
        if status is not None:
            query = query.where(IndicatorRow.status == status.value)
        if reader is not None:
            query = query.where(IndicatorRow.kind.in_(sorted(visible_kinds(reader))))
        with self.database.session() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            ordered = query.order_by(IndicatorRow.changed_at.desc(), IndicatorRow.id.desc())
            rows = session.scalars(ordered.offset((page - 1) * size).limit(size)).all()
            items = tuple(r.indicator() for r in rows)
            if reader is not None and items:
                asked = {"value_prefix": value_prefix, "kind": kind, "status": status}
                append_audit(
                    session, actor=reader, action="indicator.search", subject_kind="indicator",
                    subject_id="search", detail={
                        "query": {k: str(v) for k, v in asked.items() if v is not None},
                        "page": page, "values": [_key(i.kind, i.value) for i in items],
                    },
                )  # fmt: skip
        return Page(items, total, page, size)

    def submit(self, reporter: Principal, claims: Sequence[Claim]) -> list[Indicator]:
        """Claims reported by an agency (the API's ``POST``), checked against its role.

        Raises:
            PermissionDenied: a kind the reporter may not assert, or a ``confirmed`` claim
                from anyone but an analyst or admin.
        """
        for claim in claims:
            if not may_assert_kind(reporter, claim.kind):
                raise PermissionDenied(f"a {reporter.role} may not report {claim.kind} indicators")
            if claim.status is IndicatorStatus.CONFIRMED and reporter.role not in (
                Role.ANALYST, Role.ADMIN,
            ):  # fmt: skip
                raise PermissionDenied("only analysts confirm by report; police confirm a status")
        self.assert_many(claims, actor=reporter)
        return [self.get(c.kind, c.value) for c in claims]

    def set_status(
        self,
        principal: Principal,
        kind: IndicatorKind,
        value: str,
        status: IndicatorStatus,
        note: str = "",
    ) -> Indicator:
        """Move an indicator by hand, recorded in the audit log (``indicator.status``).

        Raises:
            NotFound: unknown value, or a kind ``principal`` may not see.
            PermissionDenied: the role may not make this move.
            IllegalTransition: the lifecycle does not allow it.
        """
        value = normalise(kind, value, self._card_key)
        now = self._clock()
        with self.database.session() as session:
            if not may_see_kind(principal, kind):
                raise NotFound(f"no {kind.value} indicator {value}")
            row = self._row(session, kind, value, lock=True)
            if not may_set_status(principal, status):
                raise PermissionDenied(f"a {principal.role} may not set {status.value}")
            before = row.indicator()
            after = transition(before, status, now)
            row.take(after, now)
            append_audit(
                session, actor=principal, action="indicator.status", subject_kind="indicator",
                subject_id=_key(kind, value), at=now,
                detail={"from": before.status.value, "to": status.value, "note": note},
            )  # fmt: skip
        self._remember([after])
        return after

    # -- the lookup map ----------------------------------------------------------------------

    def refresh(self) -> dict[tuple[IndicatorKind, str], IndicatorHit]:
        """Load the map on first use, then read what changed since the watermark."""
        with self._lock:
            since = None if self._watermark is None else self._watermark - OVERLAP
            hits = dict(self._map) if self._map is not None else {}
            with self.database.session() as session:
                newest = self._load(session, hits, since)
            if newest is not None and (self._watermark is None or newest > self._watermark):
                self._watermark = newest
            self._map = hits
            self._next_refresh = time.monotonic() + self.refresh_s
            return hits

    def _load(
        self,
        session: Session,
        hits: dict[tuple[IndicatorKind, str], IndicatorHit],
        since: datetime | None,
    ) -> datetime | None:
        rows = select(
            IndicatorRow.id, IndicatorRow.kind, IndicatorRow.value, IndicatorRow.status,
            IndicatorRow.confidence, IndicatorRow.first_seen, IndicatorRow.changed_at,
        )  # fmt: skip
        sources = select(SourceRow.indicator_id, SourceRow.source).order_by(SourceRow.id)
        if since is not None:
            rows = rows.where(IndicatorRow.changed_at >= since)
            sources = sources.join(IndicatorRow).where(IndicatorRow.changed_at >= since)
        names: dict[int, list[str]] = defaultdict(list)
        for indicator_id, source in session.execute(sources):
            names[indicator_id].append(source)
        newest = None
        for row in session.execute(rows):
            kind = IndicatorKind(row.kind)
            hits[(kind, row.value)] = IndicatorHit(kind, row.value, IndicatorStatus(row.status),
                                                   row.confidence, tuple(names[row.id]),
                                                   row.first_seen)  # fmt: skip
            newest = row.changed_at if newest is None else max(newest, row.changed_at)
        return newest

    def _remember(self, changed: Iterable[Indicator]) -> None:
        with self._lock:
            if self._map is None:
                return
            for indicator in changed:
                self._map[(indicator.kind, indicator.value)] = indicator.hit()

    # -- storage -----------------------------------------------------------------------------

    def _row(
        self, session: Session, kind: IndicatorKind, value: str, lock: bool = False
    ) -> IndicatorRow:
        query = select(IndicatorRow).where(
            IndicatorRow.kind == kind.value, IndicatorRow.value == value
        )
        row = session.scalar(query.with_for_update() if lock else query)
        if row is None:
            raise NotFound(f"no {kind.value} indicator {value}")
        return row

    def _fold(self, session: Session, claims: list[Claim], now: datetime) -> list[Indicator]:
        by_key: dict[tuple[IndicatorKind, str], list[Claim]] = defaultdict(list)
        for claim in claims:
            by_key[(claim.kind, claim.value)].append(claim)
        rows = self._rows(session, list(by_key))
        changed = []
        for key, group in by_key.items():
            row = rows.get(key)
            before = row.indicator() if row is not None else None
            after = before
            for claim in group:
                after = absorb(after, claim)
            if after is None or after == before:
                continue
            if row is None:
                row = IndicatorRow(kind=key[0].value, value=key[1])
                session.add(row)
            row.take(after, now)
            changed.append(after)
        session.flush()
        return changed

    def _rows(
        self, session: Session, keys: list[tuple[IndicatorKind, str]]
    ) -> dict[tuple[IndicatorKind, str], IndicatorRow]:
        found: dict[tuple[IndicatorKind, str], IndicatorRow] = {}
        for start in range(0, len(keys), CHUNK):
            chunk = [(k.value, v) for k, v in keys[start : start + CHUNK]]
            query = select(IndicatorRow).where(
                tuple_(IndicatorRow.kind, IndicatorRow.value).in_(chunk)
            )
            for row in session.scalars(query.with_for_update()):
                found[(IndicatorKind(row.kind), row.value)] = row
        return found

    def _audit_batch(
        self,
        session: Session,
        actor: Principal | None,
        claims: list[Claim],
        changed: list[Indicator],
        now: datetime,
    ) -> None:
        keys = [_key(i.kind, i.value) for i in changed]
        append_audit(
            session, actor=actor, action="indicator.assert", subject_kind="indicator",
            subject_id=keys[0] if len(keys) == 1 else f"batch of {len(keys)}", at=now,
            detail={"claims": len(claims), "changed": keys[:100],
                    "sources": sorted({c.source for c in claims})},
        )  # fmt: skip
