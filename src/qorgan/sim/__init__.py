"""The synthetic Kazakhstan: a seeded, documented world with ground truth.

``simulate(out, seed=..., scale=..., profile=...)`` writes every feed of CONTRACTS.md and
``truth/`` beside them. The same seed, scale and profile give byte-identical files. The model
and every parameter are described in ``docs/simulator.md``; the parameters themselves live in
``params.py`` (the ``default`` profile) with a ``shifted`` profile that moves them, so
detectors are evaluated on a world they were not tuned on.

Contract: imports ``qorgan.core`` only; randomness comes from the seed, time from the
simulated calendar, never the wall clock.
"""
