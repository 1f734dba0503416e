"""Authentication (session cookie or bearer token), authorisation (``Allow(permission)``), CSRF, and the
security headers every response carries."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy import Engine
from starlette.datastructures import MutableHeaders

from parknet.services.accounts import Principal, session_principal, token_principal
from parknet.web.policy import PUBLIC, ZONE_SCOPED, roles_for

__all__ = ["SESSION_COOKIE", "CSRF_HEADER", "CSRF_FIELD", "Allow", "principal_of", "engine_of", "CredentialCache",
           "SecurityHeaders", "CSP"]

SESSION_COOKIE = "parknet_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")


def engine_of(request: Request) -> Engine:
    return request.app.state.engine


class CredentialCache:
    """Recently resolved credentials (token or session id → principal) for ``ttl`` seconds.

    Spares a database query on every request; a revoked token or closed session elsewhere stops working
    within ``ttl`` seconds, one closed in this process at once (:meth:`forget`).
    """

    def __init__(self, ttl: float = 5.0, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._items: dict[str, tuple[float, Principal | None]] = {}

    def get(self, key: str, resolve: Callable[[], Principal | None]) -> Principal | None:
        now = time.monotonic()
        hit = self._items.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        principal = resolve()
        if len(self._items) >= self.size:
            self._items.clear()
        self._items[key] = (now, principal)
        return principal

    def forget(self, key: str) -> None:
        self._items.pop(key, None)


def principal_of(request: Request) -> Principal | None:
    """The signed-in principal (bearer token first, then session cookie), cached on the request."""
    if hasattr(request.state, "principal"):
        return request.state.principal
    principal = None
    request.state.via_cookie = False
    engine, cache = engine_of(request), request.app.state.credentials
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        token = auth[7:].strip()
        principal = cache.get("t:" + token, lambda: token_principal(engine, token))
    elif cookie := request.cookies.get(SESSION_COOKIE):
        principal = cache.get("s:" + cookie, lambda: session_principal(engine, cookie))
        request.state.via_cookie = principal is not None
    request.state.principal = principal
    return principal


class Allow:
    """Route dependency: the request needs ``permission`` (see :mod:`parknet.web.policy`).

    401 without credentials, 403 for a role without the permission or a zone admin acting on another zone,
    403 for a cookie-authenticated unsafe request without the session's CSRF token (header or form field).
    """

    def __init__(self, permission: str) -> None:
        roles_for(permission)  # unknown permissions fail at import time
        self.permission = permission

    async def __call__(self, request: Request) -> Principal | None:
        if self.permission == PUBLIC:
            return None  # no credential lookup for public routes (pages look the user up when rendering)
        principal = principal_of(request)
        if principal is None:
            raise HTTPException(401, "sign in first (session cookie or 'Authorization: Bearer TOKEN')",
                                headers={"WWW-Authenticate": 'Bearer realm="parknet"'})
        if principal.role not in roles_for(self.permission):
            raise HTTPException(403, f"role {principal.role} may not {self.permission}")
        if self.permission in ZONE_SCOPED and principal.role == "zone_admin":
            zone = request.path_params.get("zone_id")
            if zone != principal.zone_id:
                raise HTTPException(403, f"zone admin of {principal.zone_id} may not write zone {zone}")
        if request.method not in _SAFE and request.state.via_cookie:
            await _check_csrf(request, principal)
        return principal


async def _check_csrf(request: Request, principal: Principal) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get(CSRF_FIELD)
    if not sent or not principal.csrf_token or not secrets.compare_digest(str(sent), principal.csrf_token):
        raise HTTPException(403, "missing or wrong CSRF token")


class SecurityHeaders:
    """ASGI middleware: Content-Security-Policy (no inline script), nosniff, no framing, strict referrer,
    and HSTS over HTTPS, on every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                if https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)
