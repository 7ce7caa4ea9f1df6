"""Cases: victim reports, traces, freeze orders, returns, audit trail.

Contract: imports ``qorgan.core`` and ``qorgan.tracing`` only. Empty until the
trace/freeze issue lands.
"""
