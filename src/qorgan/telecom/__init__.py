"""Telecom domain: numbering plan, call screening, SMS filter, SIM-box finder, SIP front.

Contract: imports ``qorgan.core`` only. Detectors are pure (events and keyed state in,
``Decision``/``Finding`` out) and reach the registry through core ports. Empty until the
call-screening and SIM-box issues land.
"""
