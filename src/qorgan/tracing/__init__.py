"""Temporal flow tracing over transfer graphs, shared by the bank and chain traces.

- ``index``: :class:`TransferIndex`, the history as arrays with per-account timelines.
- ``ledger``: one account's parcels and the allocation rules.
- ``flow``: :func:`trace_report`, a report's money followed forward in time.
- ``result``: what a trace returns (:class:`Trace`, :class:`Holding`, :class:`CashOut`,
  :class:`Hop`, :class:`Rule`).

Contract: imports ``qorgan.core`` only.
"""

from qorgan.tracing.flow import ReportSeed, TraceLimits, bank_resolver, trace_report
from qorgan.tracing.index import TransferIndex
from qorgan.tracing.result import CashOut, CashOutKind, Holding, Hop, Rule, Trace

__all__ = [
    "CashOut",
    "CashOutKind",
    "Holding",
    "Hop",
    "ReportSeed",
    "Rule",
    "Trace",
    "TraceLimits",
    "TransferIndex",
    "bank_resolver",
    "trace_report",
]
