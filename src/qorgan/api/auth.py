"""Who is calling: API keys to :class:`~qorgan.core.roles.Principal`, and role checks.

A key comes as ``Authorization: Bearer <key>`` or ``X-Api-Key: <key>``. It is checked against
the database once, then kept in a small in-process cache for ``TTL_S`` seconds, keyed by the
key's SHA-256 (the plain key is not kept), so a busy client costs one dictionary lookup per
request. A revoked key therefore stops working within ``TTL_S`` seconds.

``principal`` is the dependency that authenticates (401 without a key or with a bad one);
``require(*roles)`` builds one that also refuses other roles (403).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from qorgan.core.errors import PermissionDenied
from qorgan.core.roles import Principal, Role
from qorgan.store.sql.agencies import authenticate
from qorgan.store.sql.db import Database

TTL_S = 60.0
MAX_KEYS = 4096
CHALLENGE = {"WWW-Authenticate": "Bearer"}


class KeyCache:
    """Authenticated keys, by SHA-256, for ``ttl_s`` seconds (at most ``size`` of them)."""

    def __init__(self, ttl_s: float = TTL_S, size: int = MAX_KEYS) -> None:
        self.ttl_s = ttl_s
        self.size = size
        self._entries: dict[str, tuple[Principal, float]] = {}
        self._lock = threading.Lock()

    def principal(self, database: Database, key: str) -> Principal:
        """The caller of ``key``, from the cache or the database.

        Raises:
            PermissionDenied: unknown, revoked or disabled key.
        """
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        now = time.monotonic()
        with self._lock:
            cached = self._entries.get(digest)
        if cached is not None and cached[1] > now:
            return cached[0]
        with database.session() as session:
            found = authenticate(session, key)
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries = {d: e for d, e in self._entries.items() if e[1] > now}
                if len(self._entries) >= self.size:
                    self._entries.clear()
            self._entries[digest] = (found, now + self.ttl_s)
        return found


_setup = threading.Lock()


def database_of(request: Request) -> Database:
    """The app's database, migrated to the newest schema on first use."""
    database: Database = request.app.state.database
    return database.migrated()


def _cache(request: Request) -> KeyCache:
    state = request.app.state
    with _setup:
        if getattr(state, "keys", None) is None:
            state.keys = KeyCache()
        cache: KeyCache = state.keys
    return cache


def _presented(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    key = request.headers.get("x-api-key", "").strip()
    return key or None


def principal(request: Request) -> Principal:
    """The authenticated caller (401 without a valid key)."""
    key = _presented(request)
    if key is None:
        raise HTTPException(401, "an API key is required (Authorization: Bearer ...)", CHALLENGE)
    try:
        return _cache(request).principal(database_of(request), key)
    except PermissionDenied as error:
        raise HTTPException(401, str(error), CHALLENGE) from None


Caller = Annotated[Principal, Depends(principal)]


def require(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency: the authenticated caller, refused with 403 unless of one of ``roles``."""
    allowed = frozenset(roles)

    def check(caller: Caller) -> Principal:
        if caller.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise HTTPException(403, f"a {caller.role.value} may not do this (only {names})")
        return caller

    return check
