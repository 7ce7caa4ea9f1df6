"""Running detectors over streams: in-process bus by default, NATS JetStream at scale.

Contract: may import ``qorgan.core`` and the domain packages, never the edges. Empty until
the first streaming detector lands.
"""
