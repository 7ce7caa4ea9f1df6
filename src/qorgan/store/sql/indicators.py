"""The registry's tables: one row per indicator, its sources and its evidence links.

Rows map one to one onto :class:`qorgan.registry.indicator.Indicator`; ``changed_at`` is when
this row (or its sources or evidence) last changed, the watermark other processes refresh
their lookup maps by.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qorgan.core.ports import IndicatorKind, IndicatorStatus
from qorgan.registry.indicator import Assertion, Indicator
from qorgan.store.sql.base import Base
from qorgan.store.sql.db import UtcDateTime


class IndicatorRow(Base):
    """One indicator, unique by ``(kind, value)``."""

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_indicators_kind_value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(300), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    confidence: Mapped[float] = mapped_column(Float)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    status_at: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

    sources: Mapped[list[SourceRow]] = relationship(
        order_by="SourceRow.id", cascade="all, delete-orphan", lazy="selectin"
    )
    evidence: Mapped[list[EvidenceRow]] = relationship(
        order_by="EvidenceRow.id", cascade="all, delete-orphan", lazy="selectin"
    )

    def indicator(self) -> Indicator:
        """The row as the domain's value."""
        return Indicator(
            kind=IndicatorKind(self.kind),
            value=self.value,
            status=IndicatorStatus(self.status),
            confidence=self.confidence,
            sources=tuple(s.assertion() for s in self.sources),
            first_seen=self.first_seen,
            last_seen=self.last_seen,
            evidence=tuple(e.link for e in self.evidence),
            status_at=self.status_at,
        )

    def take(self, indicator: Indicator, at: datetime) -> None:
        """Make the row say what ``indicator`` says (rows added, changed, never dropped)."""
        self.status = indicator.status.value
        self.confidence = indicator.confidence
        self.first_seen = indicator.first_seen
        self.last_seen = indicator.last_seen
        self.status_at = indicator.status_at
        self.changed_at = at
        known = {s.source: s for s in self.sources}
        for assertion in indicator.sources:
            row = known.get(assertion.source)
            if row is None:
                self.sources.append(SourceRow.of(assertion))
            elif row.assertion() != assertion:
                row.at, row.confidence = assertion.at, assertion.confidence
                row.status = assertion.status.value
        links = {e.link for e in self.evidence}
        new = [link for link in indicator.evidence if link not in links]
        self.evidence.extend(EvidenceRow(link=link) for link in new)


class SourceRow(Base):
    """One source's assertion on an indicator."""

    __tablename__ = "indicator_sources"
    __table_args__ = (
        UniqueConstraint("indicator_id", "source", name="uq_indicator_sources_indicator_source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    confidence: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))

    @classmethod
    def of(cls, assertion: Assertion) -> SourceRow:
        return cls(
            source=assertion.source,
            at=assertion.at,
            confidence=assertion.confidence,
            status=assertion.status.value,
        )

    def assertion(self) -> Assertion:
        return Assertion(self.source, self.at, self.confidence, IndicatorStatus(self.status))


class EvidenceRow(Base):
    """One evidence link of an indicator (``case:C-1``, ``transfer:T9`` ...)."""

    __tablename__ = "indicator_evidence"
    __table_args__ = (
        UniqueConstraint("indicator_id", "link", name="uq_indicator_evidence_indicator_link"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    link: Mapped[str] = mapped_column(String(300))
