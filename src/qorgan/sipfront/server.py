"""The SIP front on the network: asyncio UDP and TCP listeners around one :class:`Redirector`.

UDP answers go back to the datagram's source address and port (symmetric response routing,
RFC 3581), whatever the Via says. TCP is framed by ``Content-Length``; a connection whose
stream cannot be framed gets ``400`` and is closed; a ``CRLF CRLF`` keep-alive ping is
answered with ``CRLF`` (RFC 5626). Everything runs on one event loop, so the screener's
keyed state needs no locks: run one process per core behind the switch's load balancing to
scale out.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import socket
import threading
from dataclasses import dataclass, field
from typing import cast

from qorgan.core.errors import Unavailable
from qorgan.sipfront.config import SipSettings
from qorgan.sipfront.message import MAX_MESSAGE, MalformedSip, frame_length
from qorgan.sipfront.redirect import Clock, DecisionLog, Decisions, Redirector, utc_now
from qorgan.telecom.screening import CallScreener

LOG = logging.getLogger("qorgan.sipfront")
_RECEIVE_BUFFER = 4 << 20  # room for bursts of datagrams while the loop is busy
_PORT_TRIES = 20
_DRAIN = 256  # datagrams handled per wake-up before other work gets a turn


class _Udp:
    """A UDP socket read straight from the loop's selector, draining every waiting datagram
    per wake-up (asyncio's datagram transport takes one loop turn per datagram)."""

    def __init__(self, sock: socket.socket, redirector: Redirector) -> None:
        self.sock = sock
        self.redirector = redirector

    def ready(self) -> None:
        sock, handle = self.sock, self.redirector.handle
        for _ in range(_DRAIN):
            try:
                data, addr = sock.recvfrom(MAX_MESSAGE + 1)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # e.g. an ICMP port unreachable reported on the socket
                LOG.debug("sip front: udp error %s", exc)
                continue
            try:
                reply = handle(data, (addr[0], addr[1]))
            except Exception:  # never let one datagram stop the server
                LOG.exception("sip front failed on a datagram from %s", addr)
                continue
            if reply is not None:
                try:
                    sock.sendto(reply, addr)
                except OSError as exc:  # a full buffer: the client retransmits, the cache answers
                    LOG.debug("sip front: reply to %s dropped: %s", addr, exc)


class _Tcp(asyncio.Protocol):
    def __init__(self, redirector: Redirector, connections: set[_Tcp]) -> None:
        self.redirector = redirector
        self.connections = connections
        self.buffer = bytearray()
        self.peer: tuple[str, int] = ("", 0)
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        peer = transport.get_extra_info("peername") or ("", 0)
        self.peer = (str(peer[0]), int(peer[1]))
        self.connections.add(self)

    def connection_lost(self, _exc: Exception | None) -> None:
        self.connections.discard(self)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        while buffer and self.transport is not None:
            if buffer[0] in (13, 10):  # CR or LF
                if buffer.startswith(b"\r\n\r\n"):
                    self.transport.write(b"\r\n")  # keep-alive pong
                    del buffer[:4]
                elif len(buffer) >= 4:
                    del buffer[: len(buffer) - len(buffer.lstrip(b"\r\n"))]
                else:
                    return  # perhaps the start of a ping
                continue
            try:
                length = frame_length(buffer)
            except MalformedSip as exc:
                self.transport.write(
                    self.redirector.bad_request(bytes(buffer), str(exc), self.peer)
                )
                self.transport.close()
                buffer.clear()
                return
            if not length:
                return
            message = bytes(buffer[:length])
            del buffer[:length]
            try:
                reply = self.redirector.handle(message, self.peer, stream=True)
            except Exception:
                LOG.exception("sip front failed on a message from %s", self.peer)
                continue
            if reply is not None:
                self.transport.write(reply)


@dataclass
class SipServer:
    """A listening SIP front: its port (the same for UDP and TCP) and its redirector."""

    redirector: Redirector
    port: int
    udp: socket.socket | None = None
    tcp: asyncio.Server | None = None
    connections: set[_Tcp] = field(default_factory=set)
    flusher: asyncio.Task[None] | None = None

    async def close(self) -> None:
        """Stop listening, close every open connection, then write the decision lines waiting."""
        if self.udp is not None:
            asyncio.get_running_loop().remove_reader(self.udp)
            self.udp.close()
        if self.tcp is not None:
            self.tcp.close()
            for connection in list(self.connections):
                if connection.transport is not None:
                    connection.transport.close()
            await self.tcp.wait_closed()
        for _ in range(3):  # let the transports' close callbacks run
            await asyncio.sleep(0)
        if self.flusher is not None:
            self.flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.flusher
            self.flusher = None
        if isinstance(self.redirector.decisions, DecisionLog):
            self.redirector.decisions.flush()


async def start_server(
    settings: SipSettings,
    screener: CallScreener,
    *,
    clock: Clock = utc_now,
    decisions: Decisions | None = None,
) -> SipServer:
    """Listen on ``settings.host:settings.port`` (UDP and/or TCP) on the running loop.

    Args:
        settings: where to listen and how to read INVITEs.
        screener: the screener to answer with.
        clock: the time stamped on each call.
        decisions: where decision lines go (default: the ``qorgan.sipfront`` logger); a
            :class:`DecisionLog` is flushed by this loop every ``interval`` seconds.

    Raises:
        Unavailable: the address cannot be bound.
    """
    loop = asyncio.get_running_loop()
    redirector = Redirector(settings, screener, clock=clock, decisions=decisions)
    connections: set[_Tcp] = set()
    tries = _PORT_TRIES if settings.port == 0 else 1
    for attempt in range(tries):
        server = SipServer(redirector, settings.port, connections=connections)
        try:
            if settings.udp:
                server.udp = _udp_socket(settings.host, server.port)
                server.port = server.udp.getsockname()[1]
                loop.add_reader(server.udp, _Udp(server.udp, redirector).ready)
            if settings.tcp:
                server.tcp = await loop.create_server(
                    lambda: _Tcp(redirector, connections), settings.host, server.port
                )
                server.port = server.tcp.sockets[0].getsockname()[1]
        except OSError as exc:
            await server.close()
            if attempt == tries - 1:
                where = f"{settings.host}:{server.port or settings.port}"
                raise Unavailable(f"cannot listen for SIP on {where}: {exc}") from exc
            continue
        if isinstance(decisions, DecisionLog):
            server.flusher = loop.create_task(_flush_every(decisions))
        return server
    raise AssertionError("unreachable")  # pragma: no cover


def _udp_socket(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setblocking(False)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _RECEIVE_BUFFER)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


async def _flush_every(log: DecisionLog) -> None:
    while True:
        await asyncio.sleep(log.interval)
        log.flush()


def run(
    settings: SipSettings,
    screener: CallScreener,
    *,
    clock: Clock = utc_now,
    decisions: Decisions | None = None,
) -> None:
    """Serve until interrupted (the ``qorgan sip`` command); arguments as :func:`start_server`."""
    asyncio.run(_serve_forever(settings, screener, clock, decisions))


async def _serve_forever(
    settings: SipSettings, screener: CallScreener, clock: Clock, decisions: Decisions | None
) -> None:
    server = await start_server(settings, screener, clock=clock, decisions=decisions)
    gc.collect()
    gc.freeze()  # the start-up heap (numbering plan, indexes) leaves the collector's scans
    kinds = "+".join(k for k, on in (("udp", settings.udp), ("tcp", settings.tcp)) if on)
    LOG.info("sip front listening on %s:%d (%s)", settings.host, server.port, kinds)
    try:
        await asyncio.Event().wait()
    finally:
        await server.close()


class BackgroundServer:
    """The SIP front on its own thread and loop, for tests and benchmarks.

    Used as ``with BackgroundServer(SipSettings(port=0), screener) as front:``, then send to
    ``("127.0.0.1", front.port)`` over UDP or TCP; leaving the block stops it.

    Args:
        settings: as for :func:`run`; port 0 picks a free port, read from :attr:`port`.
        screener: the screener to answer with.
        clock: the time stamped on each call.
        decisions: where decision lines go, as for :func:`start_server`.
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
        self.decisions = decisions
        self.port = 0
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._main, name="sipfront", daemon=True)

    def start(self, timeout: float = 10.0) -> BackgroundServer:
        """Start listening; returns once the port is bound (or raises why it could not be)."""
        self._thread.start()
        if not self._ready.wait(timeout):
            raise Unavailable(f"the SIP front did not start within {timeout} s")
        if self._error is not None:
            raise self._error
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop listening, close every socket and join the thread."""
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(stop.set)
        if self._thread.is_alive():
            self._thread.join(timeout)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:
            self._error = exc
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            self._ready.set()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        server = await start_server(
            self.settings, self.screener, clock=self.clock, decisions=self.decisions
        )
        self.port = server.port
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await server.close()
