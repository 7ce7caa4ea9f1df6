"""Banking domain: payment scoring, dropper finder, ISO 20022 adapter.

Contract: imports ``qorgan.core`` only; detectors are pure and read the registry through
core ports. Empty until the payment-scoring and dropper issues land.
"""
