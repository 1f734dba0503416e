"""Accounts: users with roles, password login with a rate limit, browser sessions, API tokens.

Passwords are hashed with argon2id (argon2-cffi defaults, RFC 9106); session ids and API tokens are random
(``secrets.token_urlsafe(32)``) and only their SHA-256 is stored, so a database leak reveals no credential.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func, or_, select

from parknet.errors import InvalidArgument, NotFound, ParkNetError
from parknet.store import audit, models
from parknet.store.accounts import ROLES, ApiToken, LoginAttempt, User, WebSession

__all__ = [
    "Principal", "LoginFailed", "TooManyAttempts", "add_user", "issue_token", "authenticate",
    "open_session", "session_principal", "close_session", "token_principal", "user_exists", "set_password", "principal_by_name",
    "MAX_FAILURES", "FAILURE_WINDOW", "SESSION_LIFETIME", "MIN_PASSWORD_LENGTH",
]

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()
_USER_COLUMNS = (User.id, User.username, User.role, User.zone_id)
# Verifying against this keeps the time of a login for an unknown account like that of a known one.
_DUMMY_HASH = _hasher.hash("parknet-timing-equaliser")


@dataclass(frozen=True)
class Principal:
    """Who is making a request: user id, name, role and (zone admins) zone."""

    user_id: int
    username: str
    role: str
    zone_id: str | None = None
    csrf_token: str | None = None  # set for browser sessions; token-authenticated requests need none


class LoginFailed(ParkNetError):
    """Wrong user name or password (deliberately not saying which)."""


class TooManyAttempts(ParkNetError):
    """Too many failed logins for this account or address in the last 15 minutes."""


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def add_user(engine: Engine, username: str, role: str, password: str, *, zone_id: str | None = None,
             actor: str = "cli") -> int:
    """Create a user; audited. Raises InvalidArgument naming the bad argument."""
    if not username or len(username) > 64 or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise InvalidArgument("NAME", "1–64 letters, digits, '.', '-' or '_'")
    if role not in ROLES:
        raise InvalidArgument("--role", f"choose one of {', '.join(ROLES)}")
    if role == "zone_admin" and not zone_id:
        raise InvalidArgument("--zone", "a zone_admin needs the zone it administers")
    if role != "zone_admin" and zone_id:
        raise InvalidArgument("--zone", "only a zone_admin is tied to a zone")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidArgument("password", f"at least {MIN_PASSWORD_LENGTH} characters")
    with engine.begin() as conn:
        if conn.execute(select(User.id).where(User.username == username)).first():
            raise InvalidArgument("NAME", f"user {username!r} already exists")
        if zone_id and not conn.execute(select(models.Zone.id).where(models.Zone.id == zone_id)).first():
            raise InvalidArgument("--zone", f"unknown zone {zone_id!r}")
        user_id = conn.execute(User.__table__.insert().values(
            username=username, password_hash=_hasher.hash(password), role=role, zone_id=zone_id,
            is_active=True, created_at=_now())).inserted_primary_key[0]
        audit.append(conn, actor=actor, action="insert", entity="user", entity_key=username,
                     after={"role": role, "zone_id": zone_id})
    return int(user_id)


def user_exists(engine: Engine, username: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(User.id).where(User.username == username)).first() is not None


def set_password(engine: Engine, username: str, password: str, *, actor: str = "cli") -> None:
    """Replace a user's password; audited (without the hash). Ends the user's browser sessions."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidArgument("password", f"at least {MIN_PASSWORD_LENGTH} characters")
    with engine.begin() as conn:
        user_id = conn.execute(select(User.id).where(User.username == username)).scalar()
        if user_id is None:
            raise NotFound(f"no user {username!r}")
        conn.execute(User.__table__.update().where(User.id == user_id).values(password_hash=_hasher.hash(password)))
        conn.execute(delete(WebSession).where(WebSession.user_id == user_id))
        audit.append(conn, actor=actor, action="set_password", entity="user", entity_key=username)


def issue_token(engine: Engine, username: str, *, actor: str = "cli") -> str:
    """Create an API token for ``username`` and return it (shown once; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        user_id = conn.execute(select(User.id).where(User.username == username, User.is_active)).scalar()
        if user_id is None:
            raise NotFound(f"no active user {username!r}")
        conn.execute(ApiToken.__table__.insert().values(user_id=user_id, token_sha256=_sha256(token),
                                                        created_at=_now(), revoked=False))
        audit.append(conn, actor=actor, action="insert", entity="api_token", entity_key=username)
    return token


def authenticate(engine: Engine, username: str, password: str, address: str) -> Principal:
    """Check a password login; every attempt is recorded.

    Raises TooManyAttempts when the account or the address has had ``MAX_FAILURES`` failures within
    ``FAILURE_WINDOW`` (checked before the password, so a locked-out guesser learns nothing), else
    LoginFailed for a wrong name or password.
    """
    now = _now()
    with engine.begin() as conn:
        failures = conn.execute(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.success.is_(False), LoginAttempt.at >= now - FAILURE_WINDOW,
            or_(LoginAttempt.username == username, LoginAttempt.address == address))).scalar()
        if failures >= MAX_FAILURES:
            raise TooManyAttempts("too many failed logins; try again in 15 minutes")
        user = conn.execute(select(*_USER_COLUMNS, User.password_hash)
                            .where(User.username == username, User.is_active)).first()
        stored = user.password_hash if user else _DUMMY_HASH
        try:
            ok = _hasher.verify(stored, password) and user is not None
        except (VerificationError, InvalidHashError):
            ok = False
        conn.execute(LoginAttempt.__table__.insert().values(username=username[:64], address=address[:64],
                                                            at=now, success=ok))
    if not ok:
        raise LoginFailed("wrong user name or password")
    return Principal(user.id, user.username, user.role, user.zone_id)


def open_session(engine: Engine, principal: Principal) -> tuple[str, str]:
    """Start a browser session; returns (cookie value, CSRF token)."""
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now()
    with engine.begin() as conn:
        conn.execute(delete(WebSession).where(WebSession.expires_at < now))
        conn.execute(WebSession.__table__.insert().values(
            id_sha256=_sha256(session_id), user_id=principal.user_id, csrf_token=csrf, created_at=now,
            expires_at=now + SESSION_LIFETIME))
    return session_id, csrf


def session_principal(engine: Engine, session_id: str) -> Principal | None:
    """The principal of a live session cookie, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(*_USER_COLUMNS, WebSession.csrf_token, WebSession.expires_at)
                           .join(WebSession, WebSession.user_id == User.id)
                           .where(WebSession.id_sha256 == _sha256(session_id), User.is_active)).first()
    if row is None or _aware(row.expires_at) < _now():
        return None
    return Principal(row.id, row.username, row.role, row.zone_id, csrf_token=row.csrf_token)


def close_session(engine: Engine, session_id: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(WebSession).where(WebSession.id_sha256 == _sha256(session_id)))


def token_principal(engine: Engine, token: str) -> Principal | None:
    """The principal of a bearer token, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(*_USER_COLUMNS).join(ApiToken, ApiToken.user_id == User.id).where(
            ApiToken.token_sha256 == _sha256(token), ApiToken.revoked.is_(False), User.is_active)).first()
    if row is None:
        return None
    return Principal(row.id, row.username, row.role, row.zone_id)


def principal_by_name(engine: Engine, username: str) -> Principal:
    """The principal of an active account (the CLI's ``--as USER``); NotFound otherwise."""
    with engine.connect() as conn:
        row = conn.execute(select(*_USER_COLUMNS).where(User.username == username, User.is_active)).first()
    if row is None:
        raise NotFound(f"no active user {username!r} (parknet users add)")
    return Principal(row.id, row.username, row.role, row.zone_id)


def _aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
