"""Temporal flow tracing over transfer graphs, shared by the bank and chain traces.

Contract: imports ``qorgan.core`` only. Empty until the trace/freeze issue lands.
"""
