"""The shared indicator registry: values in normal form, the lifecycle, lookups.

Contract: imports ``qorgan.core`` only. :class:`~qorgan.registry.memory.Registry` implements
the core ports ``IndicatorLookup`` and ``IndicatorSink`` in memory; the relational store's
``SqlRegistry`` applies the same :mod:`~qorgan.registry.lifecycle` to stored indicators.
"""

from qorgan.registry.indicator import Assertion, Claim, Indicator
from qorgan.registry.lifecycle import TRANSITIONS, IllegalTransition
from qorgan.registry.memory import Registry
from qorgan.registry.values import normalise

__all__ = [
    "TRANSITIONS",
    "Assertion",
    "Claim",
    "IllegalTransition",
    "Indicator",
    "Registry",
    "normalise",
]
