"""The redirect server's logic, free of sockets: one request in, at most one response out.

Answers (``docs/sip-front.md`` has them with examples):

- INVITE, allowed or flagged: ``302 Moved Temporarily``, ``Contact: <Request-URI>`` so the
  switch sends the call on to where it was going. Where STIR/SHAKEN was checked, the verdict
  rides on ``P-Asserted-Identity: <tel:CALLER;verstat=...>`` (ATIS-1000074 places ``verstat``
  on the calling number) for the switch to copy into the onward INVITE. A flagged call also
  carries ``X-Qorgan-Flag: REASON,...``.
- INVITE, blocked: ``603 Decline`` with ``Reason: SIP;cause=603;text="CODE"`` (RFC 3326; the
  "603+" network block of US call-blocking practice) when the strongest reason is a rule
  about the signalling itself (:data:`NETWORK_RULES`: a spoofed, unallocated or withheld CLI,
  a failed PASSporT);
  otherwise (the registry, behavioural analytics) ``608 Rejected`` with the same ``Reason``
  and ``Call-Info: <jwscard_url>;purpose=jwscard`` (RFC 8688) so the caller can seek redress.
- Emergency callees (``112``, ``101``-``104``, ``urn:service:sos``): ``302`` unscreened.
- OPTIONS: ``200 OK``; ACK: nothing; other methods: ``405`` with ``Allow``; a Request-URI
  scheme other than sip, sips, tel: ``416``; a malformed request: ``400`` with a ``Warning``
  saying what is wrong; a screener failure: ``500`` (the switch decides to fail open).

Retransmissions are answered from a bounded cache keyed by (Call-ID, CSeq, top Via branch),
byte for byte, without screening again. Each INVITE's decision is one ``key=value`` line.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from qorgan.core.decisions import Action, Decision
from qorgan.core.records import CallRecord
from qorgan.sipfront.config import SipSettings
from qorgan.sipfront.invite import IngressRules, callee_of, caller_of
from qorgan.sipfront.message import (
    MalformedSip,
    SipRequest,
    build_response,
    parse_request,
    salvage_headers,
)
from qorgan.sipfront.uri import parse_uri
from qorgan.telecom.screening import CallScreener, CallVerdict

Clock = Callable[[], datetime]
Decisions = Callable[[str], object]
"""Where decision lines go: anything that takes one line (without its newline)."""
Address = tuple[str, int]

LOG = logging.getLogger("qorgan.sipfront")

NETWORK_RULES = frozenset(
    {"CLI_SPOOF_INTL", "CLI_SPOOF_VOIP", "CLI_UNALLOCATED", "CLI_WITHHELD_INTL", "STIR_INVALID"}
)
"""Reasons that block with ``603`` (a fact of the signalling); any other blocks with ``608``."""

ALLOW = ("Allow", "INVITE, OPTIONS, ACK")


def log_decision(line: str) -> None:
    """The default sink of decision lines: the ``qorgan.sipfront`` logger, at INFO."""
    LOG.info(line)


class DecisionLog:
    """Decision lines to a text stream in batches, like a web server's access log: the
    server's loop calls :meth:`flush` every :attr:`interval` seconds and when it stops.

    Cheaper than a logging record per call (no record, formatter or write per line), for
    ``qorgan sip`` under load. Not thread-safe: fed and flushed by the one event loop.

    Args:
        stream: where the lines go (``sys.stdout`` for ``qorgan sip``).
        interval: the most seconds a line waits before it is written.
    """

    def __init__(self, stream: TextIO, interval: float = 0.2) -> None:
        self.stream = stream
        self.interval = interval
        self._lines: list[str] = []

    def __call__(self, line: str) -> None:
        self._lines.append(line)

    def flush(self) -> None:
        """Write and flush the lines waiting."""
        if self._lines:
            self._lines.append("")
            self.stream.write("\n".join(self._lines))
            self._lines.clear()
            self.stream.flush()


def utc_now() -> datetime:
    """The wall clock, in UTC: the SIP front stamps each call with its arrival time."""
    return datetime.now(UTC)


class Redirector:
    """Answers SIP requests as a screening redirect server. Not thread-safe (one per loop).

    Args:
        settings: trunk groups, source ranges, the jwscard URL, emergency numbers.
        screener: built once, called per INVITE.
        clock: the time stamped on each call (the only wall clock read; injected for tests).
        decisions: where each INVITE's decision line goes (by default the ``qorgan.sipfront``
            logger at INFO; ``server.DecisionLog`` writes them in batches, cheaper).
    """

    def __init__(
        self,
        settings: SipSettings,
        screener: CallScreener,
        *,
        clock: Clock = utc_now,
        decisions: Decisions | None = None,
    ) -> None:
        self.settings = settings
        self.screener = screener
        self.clock = clock
        self.decisions = decisions or log_decision
        self._ingress = IngressRules(settings)
        self._cache: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()

    def handle(self, data: bytes, source: Address, *, stream: bool = False) -> bytes | None:
        """The answer to one message, or ``None`` when none is due (ACK, a response, a ping).

        Args:
            data: the message as received (one datagram, or one frame of a stream).
            source: the sender's (address, port); UDP answers go back there.
            stream: it came over TCP (``Content-Length`` is then mandatory).
        """
        started = time.perf_counter_ns()
        if data[:1] in (b"\r", b"\n"):
            data = data.lstrip(b"\r\n")
        if not data or data.startswith((b"ACK ", b"SIP/2.0 ")):
            return None
        try:
            request = parse_request(data, stream=stream)
        except MalformedSip as exc:
            return self.bad_request(data, str(exc), source)
        key = (request.call_id, request.cseq, request.branch)
        reply = self._cache.get(key)
        if reply is not None:
            return reply
        if request.method == "INVITE":
            try:
                reply = self._invite(request, source, started)
            except MalformedSip as exc:
                reply = self.bad_request(data, str(exc), source)
        elif request.method == "OPTIONS":
            extra = (ALLOW, ("Accept", "application/sdp"))
            reply = build_response(request.headers, 200, "OK", extra=extra, source=source)
        else:
            reply = build_response(
                request.headers, 405, "Method Not Allowed", extra=(ALLOW,), source=source
            )
        if len(self._cache) >= self.settings.cache_size:
            self._cache.popitem(last=False)  # the oldest answer
        self._cache[key] = reply
        return reply

    def bad_request(self, data: bytes, why: str, source: Address) -> bytes:
        """``400 Bad Request`` for a message that could not be used, saying why."""
        LOG.warning("sip malformed source=%s:%d why=%s", source[0], source[1], why)
        text = "".join(c if c.isprintable() and c != '"' else "'" for c in why)[:160]
        warning = ("Warning", f'399 qorgan "{text}"')
        return build_response(
            salvage_headers(data), 400, "Bad Request", extra=(warning,), source=source
        )

    def _invite(self, request: SipRequest, source: Address, started: int) -> bytes:
        uri = parse_uri(request.uri)
        redirect = (("Contact", f"<{request.uri}>"),)
        if uri.scheme == "urn" and uri.user.lower().startswith("service:sos"):
            return self._emergency(request, source, redirect)
        if uri.scheme not in ("sip", "sips", "tel"):
            return build_response(request.headers, 416, "Unsupported URI Scheme", source=source)
        if uri.user in self.settings.emergency:
            return self._emergency(request, source, redirect)
        if not uri.user:
            raise MalformedSip("the Request-URI names no number (no user part)")
        caller, callee = caller_of(request), callee_of(uri)
        route = self._ingress.route(uri, source[0])
        call = CallRecord(
            request.call_id, self.clock(), caller, callee, route.ingress, None, None, None,
            False, 0,
        )  # fmt: skip
        try:
            verdict = self.screener.screen(call, request.first("identity"))
        except Exception:
            LOG.exception("sip screening failed call_id=%s", request.call_id)
            return build_response(request.headers, 500, "Server Internal Error", source=source)
        status, reason, extra = self._answer(verdict, caller, redirect)
        reasons = ",".join(_reasons(verdict.decision)) or "-"
        self.decisions(
            f"sip invite ts={_iso(call.ts)} call_id={call.call_id} caller={caller or '-'} "
            f"callee={callee} ingress={route.ingress.value} basis={route.basis} "
            f"action={verdict.decision.action.value} status={status} reasons={reasons} "
            f"verstat={verdict.verstat or '-'} us={(time.perf_counter_ns() - started) // 1000}"
        )
        return build_response(request.headers, status, reason, extra=extra, source=source)

    def _answer(
        self, verdict: CallVerdict, caller: str | None, redirect: tuple[tuple[str, str], ...]
    ) -> tuple[int, str, tuple[tuple[str, str], ...]]:
        decision = verdict.decision
        reasons = _reasons(decision)
        if decision.action is Action.BLOCK:
            code = reasons[0] if reasons else "BLOCKED"
            if code in NETWORK_RULES:
                return 603, "Decline", (("Reason", f'SIP;cause=603;text="{code}"'),)
            info = ("Call-Info", f"<{self.settings.jwscard_url}>;purpose=jwscard")
            return 608, "Rejected", (("Reason", f'SIP;cause=608;text="{code}"'), info)
        extra = list(redirect)
        if verdict.verstat and caller:
            extra.append(("P-Asserted-Identity", f"<tel:{caller};verstat={verdict.verstat}>"))
        if decision.action is Action.FLAG:
            extra.append(("X-Qorgan-Flag", ",".join(reasons)))
        return 302, "Moved Temporarily", tuple(extra)

    def _emergency(
        self, request: SipRequest, source: Address, redirect: tuple[tuple[str, str], ...]
    ) -> bytes:
        self.decisions(
            f"sip invite ts={_iso(self.clock())} call_id={request.call_id} "
            f"callee={request.uri} action=allow status=302 unscreened=emergency"
        )
        return build_response(
            request.headers, 302, "Moved Temporarily", extra=redirect, source=source
        )


def _iso(ts: datetime) -> str:
    return ts.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _reasons(decision: Decision) -> list[str]:
    """Reason codes that count against the call (score above 0), strongest first."""
    ranked = sorted(decision.signals, key=lambda s: -s.score)
    return [s.code for s in ranked if s.score > 0]
