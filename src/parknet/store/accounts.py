"""Accounts, API tokens, browser sessions and login attempts (the web platform's access data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from parknet.store.models import Base

__all__ = ["User", "ApiToken", "WebSession", "LoginAttempt", "ROLES"]

#: admin 省级管理员 (province-wide) · zone_admin 园区管理员 (writes its own zone) · analyst 分析人员 (reads
#: everything) · expert 专家 (sci-tech platform) · viewer 访客 (published aggregates only)
ROLES = ("admin", "zone_admin", "analyst", "expert", "viewer")


class User(Base):
    """A person who signs in (用户). ``zone_id`` is set for zone admins: the zone they may write."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role in ('admin', 'zone_admin', 'analyst', 'expert', 'viewer')", name="role"),
        CheckConstraint("role <> 'zone_admin' or zone_id is not null", name="zone_admin_has_zone"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    zone_id: Mapped[str | None] = mapped_column(ForeignKey("zones.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """A bearer token for scripts; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class WebSession(Base):
    """A signed-in browser session; the cookie holds a random id whose SHA-256 is the key."""

    __tablename__ = "web_sessions"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginAttempt(Base):
    """A failed or successful login, for the rate limit (5 failures / 15 minutes per account or address)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    success: Mapped[bool] = mapped_column(Boolean)
