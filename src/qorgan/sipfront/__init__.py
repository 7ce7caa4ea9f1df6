"""The SIP front: a screening redirect server that an operator's switch asks about each call.

Contract: an edge adapter like ``api``: it may import anything of qorgan, and nothing imports
it but ``cli``. A switch sends each INVITE here (UDP or TCP); the answer is ``302`` back to the
original Request-URI (allowed or flagged), ``603`` or ``608`` (blocked), per
``CONTRACTS.md`` ("The SIP front") and ``docs/sip-front.md``.

Modules:
- ``message``: the strict RFC 3261 request parser and the stateless response builder.
- ``uri``: SIP/tel URIs: user part, RFC 4904 trunk-group parameters.
- ``invite``: caller, callee and ingress of an INVITE, normalised as the calls feed.
- ``redirect``: the answer rules, the retransmission cache, the decision lines and sinks.
- ``config``: the frozen :class:`SipSettings`.
- ``server``: asyncio UDP and TCP listeners, :func:`run`, :class:`BackgroundServer`.
"""

from qorgan.sipfront.config import SipSettings
from qorgan.sipfront.message import MalformedSip, SipRequest, build_response, parse_request
from qorgan.sipfront.redirect import DecisionLog, Redirector
from qorgan.sipfront.server import BackgroundServer, SipServer, run, start_server

__all__ = [
    "BackgroundServer",
    "DecisionLog",
    "MalformedSip",
    "Redirector",
    "SipRequest",
    "SipServer",
    "SipSettings",
    "build_response",
    "parse_request",
    "run",
    "start_server",
]
