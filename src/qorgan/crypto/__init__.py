"""Crypto domain: address validation, chain adapters, tags, clustering, crypto trace.

Contract: imports ``qorgan.core`` and ``qorgan.tracing`` only. Empty until the crypto-trace
issue lands.
"""
