"""The append-only, tamper-evident audit log (审计日志).

Each entry stores who, when, what, the state before and after, and ``hash = SHA-256(prev_hash ‖ canonical
JSON of the entry)``, so changing or deleting any row breaks the chain from there on. Database triggers
refuse UPDATE and DELETE on the table (migration 0002); :func:`verify_chain` recomputes every hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, Integer, String, Text, select, text
from sqlalchemy.orm import Mapped, mapped_column

from parknet.store.models import Base

__all__ = ["AuditEntry", "append", "verify_chain", "ChainCheck", "GENESIS"]

GENESIS = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC, kept as text so the hash input is exact
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_key: Mapped[str] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


def _json(value: Any) -> str | None:
    if value is None:
        return None

    def default(o: Any) -> Any:
        if isinstance(o, Decimal):
            return format(o, "f")
        if isinstance(o, datetime):
            return o.isoformat()
        return str(o)

    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=default)


def _digest(prev: str, at: str, actor: str, action: str, entity: str, key: str, before: str | None,
            after: str | None) -> str:
    payload = json.dumps([at, actor, action, entity, key, before, after], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + payload).encode("utf-8")).hexdigest()


def append(conn: Connection, *, actor: str, action: str, entity: str, entity_key: str,
           before: Any = None, after: Any = None, at: datetime | None = None) -> str:
    """Append one entry inside ``conn``'s transaction (the write it records commits or rolls back with it).

    On PostgreSQL a transaction-scoped advisory lock serialises appenders, so the chain never forks;
    SQLite serialises writers by itself.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("select pg_advisory_xact_lock(7240311)"))
    table = AuditEntry.__table__
    prev = conn.execute(select(table.c.hash).order_by(table.c.id.desc()).limit(1)).scalar() or GENESIS
    stamp = (at or datetime.now(UTC)).isoformat(timespec="microseconds")
    before_json, after_json = _json(before), _json(after)
    digest = _digest(prev, stamp, actor, action, entity, entity_key, before_json, after_json)
    conn.execute(table.insert().values(at=stamp, actor=actor, action=action, entity=entity, entity_key=entity_key,
                                       before=before_json, after=after_json, prev_hash=prev, hash=digest))
    return digest


@dataclass(frozen=True)
class ChainCheck:
    """Result of :func:`verify_chain`: ``ok``, how many entries were checked, and the first broken id."""

    ok: bool
    entries: int
    first_bad_id: int | None = None
    reason: str | None = None


def verify_chain(engine: Engine) -> ChainCheck:
    """Recompute every entry's hash and its link to the previous one."""
    table = AuditEntry.__table__
    prev = GENESIS
    n = 0
    with engine.connect() as conn:
        for row in conn.execute(select(table).order_by(table.c.id)):
            n += 1
            if row.prev_hash != prev:
                return ChainCheck(False, n, row.id, "prev_hash does not match the previous entry (deleted or reordered)")
            expected = _digest(prev, row.at, row.actor, row.action, row.entity, row.entity_key, row.before, row.after)
            if row.hash != expected:
                return ChainCheck(False, n, row.id, "hash does not match the entry's content (altered)")
            prev = row.hash
    return ChainCheck(True, n)
