"""Console sign-in: an agency's API key for a session cookie, and the reader of each page.

Signing in checks the key exactly as the API does (:class:`~qorgan.api.auth.KeyCache`, so a
revoked key stops working within its TTL) and opens a session: a random token (32 bytes)
in an ``HttpOnly``, ``SameSite=Strict`` cookie (``Secure`` over HTTPS). The server keeps,
per token's SHA-256, the key and the session's expiry (``MAX_AGE_S``), in this process's
memory: a restart signs everyone out, and a deployment of several workers needs sticky
sessions. Each page re-checks the key through the cache, so the reader is always the key's
current agency.

State-changing requests are POST forms only. ``SameSite=Strict`` keeps other sites' forms
from carrying the cookie; :func:`same_origin` also refuses a POST whose ``Origin`` header
names another site.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from urllib.parse import urlsplit

from fastapi import Request, Response

from qorgan.api.auth import _cache, database_of
from qorgan.core.errors import PermissionDenied
from qorgan.core.roles import Principal

COOKIE = "qorgan_session"
MAX_AGE_S = 8 * 3600
MAX_SESSIONS = 10_000


def check_key(request: Request, key: str) -> Principal:
    """The agency of ``key``, checked like the API checks it.

    Raises:
        PermissionDenied: unknown, revoked or disabled key.
    """
    key = key.strip()
    if not key:
        raise PermissionDenied("unknown, revoked or disabled API key")
    return _cache(request).principal(database_of(request), key)


class Sessions:
    """Open console sessions of this process.

    Args:
        max_age_s: how long a session lasts after sign-in.
    """

    def __init__(self, max_age_s: float = MAX_AGE_S) -> None:
        self.max_age_s = max_age_s
        self._open: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def open(self, key: str) -> str:
        """A new session for ``key`` (already checked); returns the cookie's token."""
        token = secrets.token_urlsafe(32)
        now = time.monotonic()
        with self._lock:
            if len(self._open) >= MAX_SESSIONS:
                self._open = {d: s for d, s in self._open.items() if s[1] > now}
            self._open[_digest(token)] = (key, now + self.max_age_s)
        return token

    def key(self, token: str | None) -> str | None:
        """The API key of a live session, else ``None``."""
        if not token:
            return None
        with self._lock:
            found = self._open.get(_digest(token))
        if found is None or found[1] <= time.monotonic():
            return None
        return found[0]

    def close(self, token: str | None) -> None:
        """End a session (signing out twice is harmless)."""
        if token:
            with self._lock:
                self._open.pop(_digest(token), None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sessions_of(request: Request) -> Sessions:
    """The app's sessions (made by :func:`qorgan.web.mount`)."""
    sessions: Sessions = request.app.state.console_sessions
    return sessions


def reader(request: Request) -> Principal | None:
    """The signed-in agency of this request, or ``None`` (no cookie, an ended session, or a
    key revoked since)."""
    key = sessions_of(request).key(request.cookies.get(COOKIE))
    if key is None:
        return None
    try:
        return check_key(request, key)
    except PermissionDenied:
        return None


def set_cookie(request: Request, response: Response, token: str) -> None:
    """Put the session token in the response's cookie."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=MAX_AGE_S,
        path="/console",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_cookie(response: Response) -> None:
    """Remove the session cookie."""
    response.delete_cookie(COOKIE, path="/console", httponly=True, samesite="strict")


def same_origin(request: Request) -> bool:
    """Whether a POST comes from the console's own pages: no ``Origin`` header (older
    browsers, tests) or one naming this host."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host
