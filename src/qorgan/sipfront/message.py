"""SIP requests in, responses out (RFC 3261): a strict parser and a small response builder.

The parser reads the request line and the header fields (compact forms such as ``f``, ``t``,
``i``, ``v``, ``m``, ``l`` are expanded to their full names; folded lines are joined), checks
what a redirect server relies on (a ``SIP/2.0`` request line, exactly one From, To, Call-ID
and CSeq whose method matches, at least one Via, a numeric Content-Length that the body
honours) and raises :class:`MalformedSip`, naming what is wrong, for anything else.

The builder answers a request statelessly: it copies every Via (the top one stamped with
``received`` and ``rport`` per RFC 3581), From, To (with a tag on final responses), Call-ID
and CSeq, adds the given header fields and ends with ``Content-Length: 0``. Header names are
kept lower-case inside (``call-id``) and written in their usual spelling (``Call-ID``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qorgan.core.errors import InvalidInput

Headers = Mapping[str, Sequence[str]]
"""Header fields by lower-case full name, values in the order they came."""

MAX_MESSAGE = 65_535
"""Largest message accepted (headers and body), in bytes: a UDP datagram's limit."""

COMPACT = {
    "a": "accept-contact", "b": "referred-by", "c": "content-type", "d": "request-disposition",
    "e": "content-encoding", "f": "from", "i": "call-id", "j": "reject-contact",
    "k": "supported", "l": "content-length", "m": "contact", "o": "event", "r": "refer-to",
    "s": "subject", "t": "to", "u": "allow-events", "v": "via", "x": "session-expires",
    "y": "identity",
}  # fmt: skip
"""Compact header names (RFC 3261 section 7.3.3 and later extensions) to full ones."""

SINGLE = ("from", "to", "call-id", "cseq")
"""Header fields a request must carry exactly once."""

_TOKEN = re.compile(r"[A-Za-z0-9.!%*_+`'~\-]+")
_BRANCH = re.compile(r";\s*branch\s*=\s*([^;,\s]+)", re.IGNORECASE)
_RPORT = re.compile(r";\s*rport(?=\s*(?:;|$))", re.IGNORECASE)
_CONTENT_LENGTH = re.compile(rb"\r\n(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*\r\n", re.I)
_NAMES: dict[str, str] = {}  # field names as sent, already checked, to lower-case full names
_NAMES_MAX = 4096
_SPELLING = {"call-id": "Call-ID", "cseq": "CSeq", "www-authenticate": "WWW-Authenticate"}


class MalformedSip(InvalidInput):
    """A SIP message that cannot be used; the text says what is wrong with it."""


@dataclass(frozen=True, slots=True)
class SipRequest:
    """One parsed SIP request.

    Attributes:
        method: e.g. ``INVITE`` (case kept; SIP methods are case-sensitive).
        uri: the Request-URI, as sent.
        call_id: the Call-ID.
        cseq: the CSeq value, e.g. ``1 INVITE``.
        branch: the top Via's ``branch`` parameter (empty when it has none).
        headers: every header field by lower-case full name, in order.
        body: the message body (``Content-Length`` bytes of it).
    """

    method: str
    uri: str
    call_id: str
    cseq: str
    branch: str
    headers: dict[str, list[str]]
    body: bytes

    def first(self, name: str) -> str | None:
        """The first value of a header field (lower-case full name), or ``None``."""
        values = self.headers.get(name)
        return values[0] if values else None


def parse_request(data: bytes, *, stream: bool = False) -> SipRequest:
    """Parse one SIP request.

    Args:
        data: the whole message: one UDP datagram, or one frame cut from a stream.
        stream: the message came over TCP, where ``Content-Length`` is mandatory.

    Returns:
        The request.

    Raises:
        MalformedSip: anything that makes it unusable, named.
    """
    if len(data) > MAX_MESSAGE:
        raise MalformedSip(f"message of {len(data)} bytes exceeds {MAX_MESSAGE}")
    end = data.find(b"\r\n\r\n")
    if end < 0:
        raise MalformedSip("no empty line (CRLF CRLF) ends the header fields")
    try:
        head = data[:end].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedSip(f"header fields are not UTF-8 (byte {exc.start})") from None
    crlf = head.count("\r\n")
    if head.count("\n") != crlf or head.count("\r") != crlf:
        raise MalformedSip("a line ends in a bare CR or LF, not CRLF")
    lines = head.split("\r\n")
    method, uri = _request_line(lines[0])
    headers = _header_fields(lines)
    for name in SINGLE:
        values = headers.get(name)
        if not values:
            raise MalformedSip(f"missing {_spell(name)} header field")
        if len(values) > 1:
            raise MalformedSip(f"{_spell(name)} header field appears {len(values)} times")
    if not headers["call-id"][0]:
        raise MalformedSip("empty Call-ID")
    vias = headers.get("via")
    if not vias:
        raise MalformedSip("missing Via header field")
    if vias[0][:8].upper() != "SIP/2.0/":
        raise MalformedSip(f"top Via is not SIP/2.0/<transport>: {vias[0][:40]!r}")
    cseq = headers["cseq"][0]
    number, _, cseq_method = cseq.partition(" ")
    if not (number.isascii() and number.isdigit() and len(number) <= 10 and int(number) < 2**31):
        raise MalformedSip(f"CSeq number is not a 31-bit integer: {cseq!r}")
    if cseq_method.strip() != method:
        raise MalformedSip(f"CSeq method {cseq_method.strip()!r} is not the request's {method!r}")
    body = data[end + 4 :]
    body = _checked_body(headers, body, stream)
    branch = _BRANCH.search(vias[0])
    return SipRequest(
        method,
        uri,
        headers["call-id"][0],
        cseq,
        branch.group(1) if branch else "",
        headers,
        body,
    )


def frame_length(buffer: bytes | bytearray) -> int:
    """The length of the first whole message at the start of a stream buffer.

    Args:
        buffer: bytes received on a TCP connection, starting at a message.

    Returns:
        The message's length in bytes, or 0 while it is still incomplete.

    Raises:
        MalformedSip: the message cannot be framed (no Content-Length, or too large), so the
            connection is unusable.
    """
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        if len(buffer) > MAX_MESSAGE:
            raise MalformedSip(f"no end of header fields within {MAX_MESSAGE} bytes")
        return 0
    match = _CONTENT_LENGTH.search(buffer, 0, end + 2)
    if match is None:
        raise MalformedSip("no Content-Length on a stream transport (RFC 3261 section 18.3)")
    length = end + 4 + int(match.group(1))
    if length > MAX_MESSAGE:
        raise MalformedSip(f"message of {length} bytes exceeds {MAX_MESSAGE}")
    return length if len(buffer) >= length else 0


def build_response(
    headers: Headers,
    status: int,
    reason: str,
    *,
    extra: Sequence[tuple[str, str]] = (),
    source: tuple[str, int] | None = None,
) -> bytes:
    """A response to a request, stateless but deterministic (the same request, the same bytes).

    Args:
        headers: the request's header fields (:attr:`SipRequest.headers`, or what
            :func:`salvage_headers` found in a broken request).
        status: the status code.
        reason: the reason phrase.
        extra: header fields to add, in order, as (name, value).
        source: the address the request came from, to stamp the top Via (RFC 3581).

    Returns:
        The encoded response.
    """
    lines = [f"SIP/2.0 {status} {reason}"]
    vias = headers.get("via") or ()
    for i, via in enumerate(vias):
        lines.append("Via: " + (_stamp_via(via, source) if i == 0 and source else via))
    lines.extend("From: " + value for value in headers.get("from") or ())
    for value in headers.get("to") or ():
        if status >= 200 and not _has_tag(value):
            value = f"{value};tag={_tag(headers)}"
        lines.append("To: " + value)
    lines.extend("Call-ID: " + value for value in headers.get("call-id") or ())
    lines.extend("CSeq: " + value for value in headers.get("cseq") or ())
    lines.extend(f"{name}: {value}" for name, value in extra)
    lines.append("Content-Length: 0\r\n\r\n")
    return "\r\n".join(lines).encode("utf-8")


def salvage_headers(data: bytes) -> dict[str, list[str]]:
    """What can be read of a broken request's Via, From, To, Call-ID and CSeq, to answer it.

    Args:
        data: the message as received.

    Returns:
        The header fields found (possibly none), by lower-case full name.
    """
    text = data[:MAX_MESSAGE].decode("utf-8", errors="replace")
    found: dict[str, list[str]] = {}
    for line in text.split("\n")[1:]:
        line = line.rstrip("\r")
        if not line:
            break
        name, colon, value = line.partition(":")
        name = name.strip().lower()
        name = COMPACT.get(name, name)
        wanted = name in ("via", "from", "to", "call-id", "cseq") and value.strip()
        if colon and wanted and (name == "via" or name not in found):
            found.setdefault(name, []).append(value.strip())
    return found


def _request_line(line: str) -> tuple[str, str]:
    if line.startswith("SIP/"):
        raise MalformedSip("a response, not a request")
    parts = line.split(" ")
    if len(parts) != 3:
        raise MalformedSip(f"request line is not 'METHOD URI SIP/2.0': {line[:80]!r}")
    method, uri, version = parts
    if not _TOKEN.fullmatch(method):
        raise MalformedSip(f"method is not a token: {method[:20]!r}")
    if ":" not in uri:
        raise MalformedSip(f"Request-URI has no scheme: {uri[:80]!r}")
    if version.upper() != "SIP/2.0":
        raise MalformedSip(f"version is not SIP/2.0: {version[:20]!r}")
    return method, uri


def _header_fields(lines: list[str]) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    last: list[str] | None = None
    for line in lines[1:]:
        colon = line.find(":")
        name = _NAMES.get(line[:colon]) if colon > 0 else None
        if name is None:
            if line[:1] in (" ", "\t"):
                if last is None:
                    raise MalformedSip("a continuation line before any header field")
                last[-1] = f"{last[-1]} {line.strip()}"
                continue
            name = _field_name(line, colon)
        last = headers.get(name)
        if last is None:
            last = headers[name] = []
        last.append(line[colon + 1 :].strip())
    return headers


def _field_name(line: str, colon: int) -> str:
    """The lower-case full name of a header field, checked once per spelling and remembered."""
    raw = line[:colon] if colon > 0 else ""
    stripped = raw.strip()
    if not _TOKEN.fullmatch(stripped):
        raise MalformedSip(f"not a header field ('Name: value'): {line[:60]!r}")
    name = stripped.lower()
    name = COMPACT.get(name, name)
    if len(_NAMES) < _NAMES_MAX:
        _NAMES[raw] = name  # never starts with white space: those are continuation lines
    return name


def _checked_body(headers: dict[str, list[str]], body: bytes, stream: bool) -> bytes:
    lengths = headers.get("content-length")
    if not lengths:
        if stream:
            raise MalformedSip("no Content-Length on a stream transport")
        return body
    if len(lengths) > 1:
        raise MalformedSip("Content-Length appears more than once")
    if not (lengths[0].isascii() and lengths[0].isdigit()):
        raise MalformedSip(f"Content-Length is not a number: {lengths[0][:20]!r}")
    length = int(lengths[0])
    if len(body) < length:
        raise MalformedSip(f"body of {len(body)} bytes is shorter than Content-Length {length}")
    return body[:length]  # extra bytes of a datagram are discarded (RFC 3261 section 18.3)


def _stamp_via(via: str, source: tuple[str, int]) -> str:
    first, rest = _first_value(via)
    host = first[8:].lstrip().partition(" ")[2].lstrip()  # after "SIP/2.0/UDP"
    host = host.partition(";")[0].strip()
    host = host[1 : host.find("]")] if host.startswith("[") else host.partition(":")[0]
    ip, port = source[0], source[1]
    if host != ip and ";received=" not in first.lower().replace(" ", ""):
        first = f"{first};received={ip}"
    first = _RPORT.sub(f";rport={port}", first, count=1)
    return first + rest


def _first_value(via: str) -> tuple[str, str]:
    if "," not in via:
        return via, ""
    quoted = False
    for i, char in enumerate(via):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            return via[:i].rstrip(), via[i:]
    return via, ""


def _has_tag(value: str) -> bool:
    params = value[value.rfind(">") + 1 :] if ">" in value else value
    return ";tag=" in params.lower().replace(" ", "")


def _tag(headers: Headers) -> str:
    """A To tag derived from the request, so a retransmission is answered with the same one."""
    call_id = headers.get("call-id") or ("",)
    via = headers.get("via") or ("",)
    seed = f"{call_id[0]}|{via[0]}".encode()
    return hashlib.blake2b(seed, digest_size=6).hexdigest()


def _spell(name: str) -> str:
    return _SPELLING.get(name) or "-".join(part.capitalize() for part in name.split("-"))
