"""``parknet import KIND FILE``: validate a whole file, then upsert it in one transaction.

Nothing is written unless every row is valid; a file that changes nothing (a re-import) writes nothing,
not even a batch record. Every written row carries the id of its :class:`~parknet.store.models.ImportBatch`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from datetime import UTC, datetime
from pathlib import Path
import uuid
from typing import Any

from sqlalchemy import Column as SAColumn
from sqlalchemy import BigInteger, Connection, Engine, MetaData, and_, bindparam, func, select, type_coerce
from sqlalchemy import Table as SATable

from parknet.config import get_settings
from parknet.errors import ImportRejected, Problem
from parknet.store import audit, enabling_checks, models
from parknet.store.kinds import CellError, Column, Kind, kind_by_name
from parknet.store.cooperation import CoBuiltProject, ProjectPartner
from parknet.store.ledger import YearClosed, import_touches
from parknet.store.sharing import Entity, Holding
from parknet.store.types import SCALE
from parknet.store.tabular import Table, read_table

__all__ = ["ImportSummary", "import_file", "import_rows", "upsert_records", "upsert_rows", "file_sha256"]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did. ``batch_id`` is ``None`` when nothing changed."""

    kind: str
    file: str
    encoding: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    batch_id: int | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_file(engine: Engine, kind_name: str, path: Path | str, *, user: str | None = None) -> ImportSummary:
    """Validate ``path`` as kind ``kind_name`` and upsert its rows on their natural keys.

    The batch is recorded in ``import_batches`` and summarised in the audit log (actor ``user``).

    Raises
    ------
    ImportRejected
        With one :class:`~parknet.errors.Problem` per invalid cell/row (``FILE:ROW:COLUMN: reason``);
        the database is unchanged.
    """
    kind = kind_by_name(kind_name)
    path = Path(path)
    table = read_table(path, max_bytes=get_settings().import_max_bytes)
    return _import(engine, kind, table, file_name=path.name, sha256=file_sha256(path), user=user,
                   audit_rows=False)


def import_rows(engine: Engine, kind_name: str, rows: list[dict[str, Any]], *, source: str,
                user: str) -> ImportSummary:
    """Validate and upsert ``rows`` (dicts keyed by the kind's English column names) as one batch.

    Used by the API: the same parsers and checks as a file import; problems name ``source`` as the file,
    the 1-based position in ``rows`` as the row. Every changed row is audited with its before and after.
    """
    kind = kind_by_name(kind_name)
    header = [c.name for c in kind.columns if any(c.name in r for r in rows)] or [c.name for c in kind.columns]
    table = Table(source, header, encoding="json")
    for i, row in enumerate(rows, start=1):
        table.rows.append((i, ["" if row.get(h) is None else str(row.get(h)).strip() for h in header]))
    payload = json.dumps(rows, sort_keys=True, ensure_ascii=False, default=str).encode()
    return _import(engine, kind, table, file_name=source, sha256=hashlib.sha256(payload).hexdigest(), user=user,
                   audit_rows=True)


def _import(engine: Engine, kind: Kind, table: Table, *, file_name: str, sha256: str, user: str | None,
            audit_rows: bool) -> ImportSummary:
    collector = _Problems(get_settings().import_max_problems)
    for problem in table.problems:
        collector.add(problem)
    columns = _map_header(kind, table, collector)
    collector.raise_if_any()
    with engine.connect() as conn:
        refs = _References.load(conn, kind)
    records = _parse_rows(kind, table, columns, refs, collector)
    collector.raise_if_any()
    present = list(columns.values())
    actor = user or "cli"
    changes: list[tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any]]] | None = [] if audit_rows else None
    with engine.begin() as conn:
        touched = import_touches(conn, kind.name, records)
        if touched:
            raise YearClosed(sorted(touched), f"importing {file_name} ({kind.name})")
        batch_id = _new_batch(conn, kind, file_name, sha256, user, len(records))
        inserted, updated, unchanged = upsert_records(conn, kind, records, present, batch_id, changes=changes)
        if kind.name == "holdings":
            _over_held(conn, file_name)
        if inserted == updated == 0:
            conn.rollback()
            batch_id = None
        else:
            conn.execute(models.ImportBatch.__table__.update()
                         .where(models.ImportBatch.id == batch_id)
                         .values(rows_inserted=inserted, rows_updated=updated, rows_unchanged=unchanged))
            for key, before, after in changes or []:
                audit.append(conn, actor=actor, action="update" if before else "insert", entity=kind.name,
                             entity_key="/".join(str(v) for v in key.values()), before=before, after=after)
            audit.append(conn, actor=actor, action="import", entity=kind.name, entity_key=f"batch {batch_id}",
                         after={"file": file_name, "sha256": sha256, "rows": len(records), "inserted": inserted,
                                "updated": updated, "unchanged": unchanged})
    return ImportSummary(kind.name, file_name, table.encoding, len(records), inserted, updated, unchanged, batch_id)


# --- problems ----------------------------------------------------------------------------------------

class _Problems:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: list[Problem] = []
        self.more = 0

    @property
    def full(self) -> bool:
        return len(self.items) >= self.limit

    def add(self, problem: Problem) -> None:
        if len(self.items) < self.limit:
            self.items.append(problem)
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportRejected(sorted(self.items, key=lambda p: (p.row, p.column)), self.more)


# --- header ------------------------------------------------------------------------------------------

def _map_header(kind: Kind, table: Table, problems: _Problems) -> dict[int, Column]:
    """Map header positions to columns (English or Chinese headers, case-insensitive)."""
    by_header: dict[str, Column] = {}
    for col in kind.columns:
        by_header[col.name.lower()] = col
        by_header[col.zh] = col
    mapped: dict[int, Column] = {}
    seen: dict[str, int] = {}
    for i, header in enumerate(table.header):
        if not header:
            problems.add(Problem(table.file, 1, f"#{i + 1}", "empty column header"))
            continue
        col = by_header.get(header.lower()) or by_header.get(header)
        if col is None:
            expected = ", ".join(f"{c.name}/{c.zh}" for c in kind.columns)
            problems.add(Problem(table.file, 1, header, f"unknown column for {kind.name}; expected: {expected}"))
            continue
        if col.name in seen:
            problems.add(Problem(table.file, 1, header, f"column {col.name} appears twice (also column {seen[col.name]})"))
            continue
        seen[col.name] = i + 1
        mapped[i] = col
    for col in kind.columns:
        if col.required and col.name not in seen:
            problems.add(Problem(table.file, 1, col.name, f"required column missing ({col.name} / {col.zh})"))
    return mapped


# --- references --------------------------------------------------------------------------------------

@dataclass
class _References:
    zones: set[str]
    zone_names: dict[str, str]
    provinces: set[str]
    indicators: dict[str, tuple[bool, bool]]
    industries: set[str]
    enterprises: set[str]
    entities: set[str] = field(default_factory=set)
    partners: dict[str, set[str]] = field(default_factory=dict)  # co-built project → its partner zones
    enabling: enabling_checks.EnablingReferences = field(default_factory=enabling_checks.EnablingReferences)

    @classmethod
    def load(cls, conn: Connection, kind: Kind) -> _References:
        needs_enterprises = kind.name in ("enterprise-years", "relocations", "demands")
        partners: dict[str, set[str]] = {}
        if kind.name in ("entities", "coalition-values"):
            for project, zone in conn.execute(select(ProjectPartner.project_id, ProjectPartner.zone_id)):
                partners.setdefault(project, set()).add(zone)
            for (project,) in conn.execute(select(CoBuiltProject.id)):
                partners.setdefault(project, set())
        return cls(
            zones=set(conn.execute(select(models.Zone.id)).scalars()),
            zone_names={name: zid for name, zid in conn.execute(select(models.Zone.name, models.Zone.id))},
            provinces=set(conn.execute(select(models.Province.code)).scalars()),
            indicators={code: (money, integer) for code, money, integer in conn.execute(
                select(models.IndicatorDefinition.code, models.IndicatorDefinition.is_money,
                       models.IndicatorDefinition.is_integer))},
            industries=set(conn.execute(select(models.Industry.code)).scalars()),
            enterprises=set(conn.execute(select(models.Enterprise.credit_code)).scalars())
            if needs_enterprises else set(),
            entities=set(conn.execute(select(Entity.id)).scalars()) if kind.name == "holdings" else set(),
            partners=partners,
            enabling=enabling_checks.load(conn, kind.name),
        )


_ZONE_REFS = {"zone_id", "from_zone", "to_zone", "incubated_in"}


def _check_row(kind: Kind, row: dict[str, Any], refs: _References) -> list[tuple[str, str]]:
    """Cross-field and reference checks of one parsed row: (column, reason) pairs."""
    out: list[tuple[str, str]] = []
    if kind.name in _SHARING_CHECKS:
        return _SHARING_CHECKS[kind.name](row, refs)
    if kind.name in enabling_checks.CHECKS:
        return enabling_checks.CHECKS[kind.name](row, refs)
    if kind.name == "zones":
        if row["province_code"] not in refs.provinces:
            out.append(("province_code", f"unknown province code {row['province_code']} (GB/T 2260)"))
        owner = refs.zone_names.get(row["name"])
        if owner is not None and owner != row["zone_id"]:
            out.append(("name", f"name {row['name']!r} is already used by zone {owner}"))
        return out
    for name in _ZONE_REFS & row.keys():
        zone = row[name]
        if zone is not None and zone not in refs.zones:
            out.append((name, f"unknown zone {zone!r}: import it with 'parknet import zones' first"))
    if "industry_code" in row and row["industry_code"] is not None and row["industry_code"] not in refs.industries:
        out.append(("industry_code", f"unknown GB/T 4754-2017 industry code {row['industry_code']!r}"))
    if kind.name in ("enterprise-years", "relocations") and row["credit_code"] not in refs.enterprises:
        out.append(("credit_code", f"unknown enterprise {row['credit_code']}: import it with 'parknet import enterprises' first"))
    if "indicator" in row:
        definition = refs.indicators.get(row["indicator"])
        if definition is None:
            out.append(("indicator", f"unknown indicator {row['indicator']!r}; see 'parknet indicators'"))
        else:
            money, integer = definition
            value = row["value"]
            if (money or integer) and value < 0:
                out.append(("value", f"negative {'money' if money else 'count'} {value} for {row['indicator']}"))
            if integer and value != value.to_integral_value():
                out.append(("value", f"{row['indicator']} counts whole units, got {value}"))
    if kind.name == "relocations" and row["from_zone"] == row["to_zone"]:
        out.append(("to_zone", "an enterprise cannot relocate to the zone it leaves"))
    return out


_ENTITY_NEEDS = {"committee": "zone_id", "asset_company": "zone_id", "province": "province_code",
                 "project_company": "project_id"}


def _check_entity(row: dict[str, Any], refs: _References) -> list[tuple[str, str]]:
    out = []
    if row.get("zone_id") is not None and row["zone_id"] not in refs.zones:
        out.append(("zone_id", f"unknown zone {row['zone_id']!r}"))
    if row.get("province_code") is not None and row["province_code"] not in refs.provinces:
        out.append(("province_code", f"unknown province code {row['province_code']} (GB/T 2260)"))
    if row.get("project_id") is not None and row["project_id"] not in refs.partners:
        out.append(("project_id", f"unknown co-built project {row['project_id']!r}"))
    needed = _ENTITY_NEEDS[row["kind"]]
    if row.get(needed) is None:
        out.append((needed, f"a {row['kind']} needs its {needed}"))
    return out


def _check_holding(row: dict[str, Any], refs: _References) -> list[tuple[str, str]]:
    out = [(column, f"unknown entity {row[column]!r}: import it with 'parknet import entities' first")
           for column in ("holder_id", "company_id") if row[column] not in refs.entities]
    if row["holder_id"] == row["company_id"]:
        out.append(("company_id", "an entity cannot hold itself"))
    return out


def _check_coalition(row: dict[str, Any], refs: _References) -> list[tuple[str, str]]:
    partners = refs.partners.get(row["project_id"])
    if partners is None:
        return [("project_id", f"unknown co-built project {row['project_id']!r}")]
    strangers = sorted(set(row["coalition"].split("+")) - partners)
    if strangers:
        return [("coalition", f"{', '.join(strangers)} {'is' if len(strangers) == 1 else 'are'} not a partner of "
                              f"{row['project_id']} (partners: {', '.join(sorted(partners))})")]
    return []


_SHARING_CHECKS = {"entities": _check_entity, "holdings": _check_holding, "coalition-values": _check_coalition}


def _over_held(conn: Connection, file_name: str) -> None:
    """After writing holdings: no company may be held more than 100% in total (rolls the import back)."""
    h = Holding.__table__
    over = conn.execute(select(h.c.company_id, func.sum(type_coerce(h.c.share, BigInteger)))
                        .group_by(h.c.company_id).having(func.sum(type_coerce(h.c.share, BigInteger)) > SCALE)).all()
    if over:
        raise ImportRejected([Problem(file_name, 0, "share", f"{company} would be held {Decimal(total) / SCALE:.2%} "
                                                             "in total (more than 100%)") for company, total in over])


# --- rows --------------------------------------------------------------------------------------------

class _CachedParser:
    """Parse each distinct text of a repetitive column once (codes, years repeat on most rows)."""

    def __init__(self, column: Column) -> None:
        self.parse = column.parse
        self.cache: dict[str, Any] = {}

    def __call__(self, raw: str) -> Any:
        try:
            result = self.cache[raw]
        except KeyError:
            try:
                result = self.parse(raw)
            except CellError as exc:
                result = exc
            self.cache[raw] = result
        if isinstance(result, CellError):
            raise result
        return result


def _parse_rows(kind: Kind, table: Table, columns: dict[int, Column], refs: _References,
                problems: _Problems) -> list[dict[str, Any]]:
    """Parse and check every row; return records keyed by database column names."""
    headers = {col.name: table.header[i] for i, col in columns.items()}
    parsers = [(i, col, _CachedParser(col) if col.repetitive else col.parse) for i, col in columns.items()]
    db_names = {col.name: col.db_name for col in columns.values()}
    width = len(table.header)
    seen_keys: dict[tuple[Any, ...], int] = {}
    seen_names: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    file = table.file
    for row_no, cells in table.rows:
        if len(cells) > width and any(cells[width:]):
            problems.add(Problem(file, row_no, "-", f"row has {len(cells)} cells but the header has {width}"))
            continue
        row: dict[str, Any] = {}
        ok = True
        for i, col, parse in parsers:
            raw = cells[i] if i < len(cells) else ""
            if raw == "":
                if not col.nullable and col.required:
                    problems.add(Problem(file, row_no, headers[col.name], "value missing"))
                    ok = False
                row[col.name] = col.default
                continue
            try:
                row[col.name] = parse(raw)
            except CellError as exc:
                problems.add(Problem(file, row_no, headers[col.name], str(exc)))
                ok = False
        if not ok:
            continue
        key = tuple(row[k] for k in kind.key)
        first = seen_keys.setdefault(key, row_no)
        if first != row_no:
            if problems.full:
                problems.more += 1
            else:
                problems.add(Problem(file, row_no, headers[kind.key[0]],
                                     f"duplicate key {'/'.join(map(str, key))}: already in row {first}"))
            continue
        if kind.name == "zones":
            first = seen_names.setdefault(row["name"], row_no)
            if first != row_no:
                problems.add(Problem(file, row_no, headers["name"], f"duplicate zone name: already in row {first}"))
                continue
        for column, reason in _check_row(kind, row, refs):
            problems.add(Problem(file, row_no, headers.get(column, column), reason))
            ok = False
        if ok:
            records.append({db_names[name]: value for name, value in row.items()})
    if not records and not problems.items:
        problems.add(Problem(file, 0, "-", "no data rows: the file has only a header"))
    return records


# --- writing -----------------------------------------------------------------------------------------

def _new_batch(conn: Connection, kind: Kind, file_name: str, sha256: str, user: str | None, rows: int) -> int:
    result = conn.execute(models.ImportBatch.__table__.insert().values(
        kind=kind.name, file_name=file_name, file_sha256=sha256,
        imported_at=datetime.now(UTC), imported_by=user, rows_read=rows,
        rows_inserted=0, rows_updated=0, rows_unchanged=0))
    return int(result.inserted_primary_key[0])


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def upsert_records(conn: Connection, kind: Kind, records: list[dict[str, Any]], present: list[Column],
                   batch_id: int | None, *, changes: list[Any] | None = None) -> tuple[int, int, int]:
    """Upsert ``records`` of ``kind`` on its natural key, comparing only the ``present`` columns."""
    key_cols = [kind.column(k).db_name for k in kind.key]
    value_cols = [c.db_name for c in present if c.db_name not in key_cols]
    return upsert_rows(conn, kind.table, key_cols, value_cols, records, stamp={"batch_id": batch_id},
                       changes=changes)


def _existing_rows(conn: Connection, table: Any, key_cols: list[str], value_cols: list[str],
                   keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """The stored values of the rows with these keys, looked up through the primary-key index.

    One key column: ``IN`` lists. Composite keys: the keys go into a temporary table joined on the key
    columns — SQLite does not use the index for a row-value ``IN (VALUES …)`` and scanned the whole table
    once per chunk (a 500,000-row re-import took minutes; benchmarks/bench_import.py).
    """
    found: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    columns = [*(table.c[k] for k in key_cols), *(table.c[v] for v in value_cols)]
    if len(key_cols) == 1:
        for chunk in _chunks([k[0] for k in keys], 500):
            for row in conn.execute(select(*columns).where(table.c[key_cols[0]].in_(chunk))):
                found[tuple(row[:1])] = tuple(row[1:])
        return found
    temp = SATable(f"parknet_keys_{uuid.uuid4().hex[:12]}", MetaData(),
                 *(SAColumn(k, table.c[k].type, nullable=False) for k in key_cols), prefixes=["TEMPORARY"])
    temp.create(conn)
    try:
        for chunk in _chunks(keys, 5000):
            conn.execute(temp.insert(), [dict(zip(key_cols, k)) for k in chunk])
        joined = table.join(temp, and_(*(table.c[k] == temp.c[k] for k in key_cols)))
        n = len(key_cols)
        for row in conn.execute(select(*columns).select_from(joined)):
            found[tuple(row[:n])] = tuple(row[n:])
    finally:
        temp.drop(conn)
    return found


def upsert_rows(conn: Connection, table: Any, key_cols: list[str], value_cols: list[str],
                records: list[dict[str, Any]], *, stamp: dict[str, Any] | None = None,
                changes: list[Any] | None = None) -> tuple[int, int, int]:
    """Insert new and update changed ``records`` (database column names) on the key ``key_cols``.

    Only ``value_cols`` are compared and updated; a row whose values are all equal is left alone. The
    ``stamp`` columns (e.g. ``batch_id``) are written on inserted and updated rows only. When ``changes``
    is a list, (key, before, after) dicts of every inserted or updated row are appended to it.
    Returns (inserted, updated, unchanged).
    """
    stamp = stamp or {}
    existing: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    if records and conn.execute(select(func.count()).select_from(table)).scalar():
        keys = [tuple(r[k] for k in key_cols) for r in records]
        existing = _existing_rows(conn, table, key_cols, value_cols, keys)
    inserts, updates, unchanged = [], [], 0
    for record in records:
        key = tuple(record[k] for k in key_cols)
        values = tuple(record[v] for v in value_cols)
        if changes is not None and existing.get(key) != values:
            old = existing.get(key)
            changes.append((dict(zip(key_cols, key)), None if old is None else dict(zip(value_cols, old)),
                            dict(zip(value_cols, values))))
        if key not in existing:
            inserts.append({**record, **stamp})
        elif existing[key] != values:
            updates.append({**{f"k_{k}": record[k] for k in key_cols},
                            **{f"v_{v}": record[v] for v in value_cols},
                            **{f"v_{s}": value for s, value in stamp.items()}})
        else:
            unchanged += 1
    for chunk in _chunks(inserts, 5000):
        conn.execute(table.insert(), chunk)
    if updates:
        set_cols = [*value_cols, *stamp]
        stmt = (table.update()
                .where(and_(*[table.c[k] == bindparam(f"k_{k}", type_=table.c[k].type) for k in key_cols]))
                .values({v: bindparam(f"v_{v}", type_=table.c[v].type) for v in set_cols}))
        for chunk in _chunks(updates, 5000):
            conn.execute(stmt, chunk)
    return len(inserts), len(updates), unchanged
