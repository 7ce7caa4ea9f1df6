"""The shared indicator registry: lifecycle, lookups; implements the core ports.

Contract: imports ``qorgan.core`` only. Empty until the trace/freeze/registry issue lands.
"""
