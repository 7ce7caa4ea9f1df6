"""Qorgan: the shared anti-fraud platform for Kazakhstan's telecom and banking chain.

Packages (see ARCHITECTURE.md): ``core`` is the kernel every other package builds on;
``sim`` makes the synthetic country; domain packages hold the detectors; adapters
(``store``, ``engine``, ``api``, ``web``, ``cli``) wire them to the world.
"""

__version__ = "0.1.0"
