"""Revisions: ``0001`` foundation, ``0002`` registry, ``0003`` cases."""
