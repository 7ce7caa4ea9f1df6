"""Intelligence domain: text screening, requisite extraction, look-alike domains.

Contract: imports ``qorgan.core`` only. Empty until the text-screening issue lands.
"""
