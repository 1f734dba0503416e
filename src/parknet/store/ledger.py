"""The stored statistics-attribution ledger (统计归属台账): immutable, versioned year-close snapshots.

A year close writes a :class:`LedgerSnapshot` (year, version, input fingerprints, rules) with its entries
(the condensed ledger: rule-touched records one by one, untouched records summed per zone) and its
totals. Triggers (migration 0003) refuse UPDATE and DELETE on all three tables. A closed year is locked:
edits to its inputs are refused until it is reopened (:class:`LedgerReopening`, also append-only); the
next close writes version + 1.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from parknet.errors import Conflict
from parknet.store import models
from parknet.store.cooperation import Framework
from parknet.store.models import Base
from parknet.store.types import ExactDecimal

__all__ = ["LedgerSnapshot", "LedgerEntry", "LedgerTotal", "LedgerReopening", "YearClosed", "closed_years",
           "refuse_closed", "import_touches", "APPEND_ONLY_TABLES"]

APPEND_ONLY_TABLES = ("ledger_snapshots", "ledger_entries", "ledger_totals", "ledger_reopenings")


class LedgerSnapshot(Base):
    """One closing of one year (年度结账); version 1, 2, … per year."""

    __tablename__ = "ledger_snapshots"
    __table_args__ = (UniqueConstraint("year", "version", name="year_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str] = mapped_column(String(100))
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[str] = mapped_column(Text)  # JSON: per input its rows and SHA-256
    rules: Mapped[str] = mapped_column(Text)  # JSON: the rules applied
    content_sha256: Mapped[str] = mapped_column(String(64))  # of the entries, to compare versions cheaply


class LedgerEntry(Base):
    """One credit in a snapshot: source record, kind, zone, indicator, amount, rule and agreement."""

    __tablename__ = "ledger_entries"

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("ledger_snapshots.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64))
    source_kind: Mapped[str] = mapped_column(String(32))
    zone_id: Mapped[str] = mapped_column(String(64))
    indicator: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(ExactDecimal)
    rule_id: Mapped[str] = mapped_column(String(64))
    agreement_id: Mapped[str | None] = mapped_column(String(32))
    records: Mapped[int] = mapped_column(Integer)


class LedgerTotal(Base):
    """Raw (reported) and attributed figure of one zone and indicator in a snapshot."""

    __tablename__ = "ledger_totals"

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("ledger_snapshots.id"), primary_key=True)
    zone_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(64), primary_key=True)
    raw: Mapped[Decimal] = mapped_column(ExactDecimal)
    attributed: Mapped[Decimal] = mapped_column(ExactDecimal)


class LedgerReopening(Base):
    """Reopening a closed year (so its inputs may be corrected); the next close makes a new version."""

    __tablename__ = "ledger_reopenings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)  # the snapshot version that was reopened
    reopened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reopened_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)


class YearClosed(Conflict):
    """An edit to the inputs of a closed year (已结账年度)."""

    def __init__(self, years: list[int], what: str) -> None:
        self.years = sorted(years)
        listed = ", ".join(str(y) for y in self.years)
        super().__init__(f"{what} would change closed year {listed}; nothing was changed. "
                         f"Reopen it first: parknet ledger reopen --year {self.years[0]} --reason …")


def closed_years(conn: Connection) -> set[int]:
    """Years whose latest snapshot version has not been reopened."""
    snaps = LedgerSnapshot.__table__
    reopen = LedgerReopening.__table__
    latest = dict(conn.execute(select(snaps.c.year, func.max(snaps.c.version)).group_by(snaps.c.year)).all())
    reopened = dict(conn.execute(select(reopen.c.year, func.max(reopen.c.version)).group_by(reopen.c.year)).all())
    return {year for year, version in latest.items() if reopened.get(year, 0) < version}


def refuse_closed(conn: Connection, years: set[int] | list[int], what: str) -> None:
    """Raise :class:`YearClosed` when any of ``years`` is closed (call inside the write's transaction)."""
    hit = set(years) & closed_years(conn)
    if hit:
        raise YearClosed(sorted(hit), what)


def _window_years(moved_on: date, window_months: int) -> range:
    start = moved_on.year * 12 + moved_on.month - 1
    return range(moved_on.year, (start + window_months - 1) // 12 + 1)


def longest_window(conn: Connection) -> int:
    """The longest relocation window (months) of any framework version; 24 (the article's 2 years) if none."""
    longest = 24
    for (document,) in conn.execute(select(Framework.document)):
        spec = (json.loads(document).get("statistics") or {}).get("relocation") or {}
        longest = max(longest, int(spec.get("window_months", 24)))
    return longest


def import_touches(conn: Connection, kind_name: str, records: list[dict[str, Any]],
                   window_months: int | None = None) -> set[int]:
    """The closed years an import of ``records`` (database column names) would change.

    Year-keyed kinds touch their rows' years; a relocation touches the years of its sharing window
    (``window_months``: the longest window any rule may use); an enterprise touches the closed years of its
    relocations' windows when its incubating zone or founding year changes.
    """
    locked = closed_years(conn)
    if not locked or not records:
        return set()
    window_months = window_months or longest_window(conn)
    if kind_name == "relocations":
        return {y for r in records for y in _window_years(r["moved_on"], window_months)} & locked
    if kind_name == "enterprises":
        return _enterprise_changes(conn, records, locked, window_months)
    if "year" in records[0]:
        return {r["year"] for r in records} & locked
    return set()


def _enterprise_changes(conn: Connection, records: list[dict[str, Any]], locked: set[int],
                        window_months: int) -> set[int]:
    ent, rel = models.Enterprise.__table__, models.Relocation.__table__
    incoming = {r["credit_code"]: r for r in records}
    codes = list(incoming)
    hit: set[int] = set()
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        current = {r.credit_code: r for r in conn.execute(
            select(ent.c.credit_code, ent.c.incubated_in, ent.c.founded_year).where(ent.c.credit_code.in_(chunk)))}
        changed = [c for c in chunk if c in current and any(
            k in incoming[c] and incoming[c][k] != getattr(current[c], k) for k in ("incubated_in", "founded_year"))]
        if changed:
            for (moved_on,) in conn.execute(select(rel.c.moved_on).where(rel.c.credit_code.in_(changed))):
                hit |= set(_window_years(moved_on, window_months)) & locked
    return hit
