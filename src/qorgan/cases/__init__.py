"""Cases: victim reports, traces, freeze orders, returns, and their timeline.

Contract: imports ``qorgan.core`` and ``qorgan.tracing`` only; every function is pure (new
frozen objects in, time from the caller). ``calendar`` counts business days in Kazakhstan,
``freeze`` issues one order per bank from a trace and runs the order's state machine,
``returns`` bounds returns by what was blocked, ``case`` keeps status and timeline, ``access``
says who may do what. Storage and the audit trail live in ``qorgan.store.sql.cases``.
"""
