"""Year close of the statistics-attribution ledger (年度结账): inputs from the store, the attribution, and
immutable versioned snapshots with a diff between versions.

Which rule applies: the relocation rule of the guiding framework (指导性意见) of the province both zones are
in (its latest version at close); a relocation between provinces, or in a province that has adopted no
framework, is not shared. Co-built projects count for agreements that are active, or were terminated after
the year ended. Each province is attributed separately and the results are concatenated, so every figure
names its rule.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import polars as pl
from sqlalchemy import BigInteger, Connection, Engine, func, select, type_coerce

from parknet.attribution import Ledger, attribute
from parknet.errors import Conflict, InvalidArgument, NotFound, ParkNetError
from parknet.services import frameworks
from parknet.services.zones import require_zone
from parknet.store import audit, models
from parknet.store.cooperation import Agreement, CoBuiltProject, ProjectPartner, ProjectValue
from parknet.store.ledger import LedgerEntry, LedgerReopening, LedgerSnapshot, LedgerTotal, closed_years
from parknet.store.types import SCALE

__all__ = ["Inputs", "load_inputs", "compute", "close_year", "reopen_year", "CloseResult", "snapshot_totals",
           "zone_figures", "diff", "status", "latest_version", "LedgerView", "ledger_view"]

_UNITS = pl.Decimal(38, 4)


def _units_to_amount(column: str) -> pl.Expr:
    return pl.col(column).cast(_UNITS) / pl.lit(SCALE).cast(_UNITS)


@dataclass
class Inputs:
    """Everything a year's attribution reads, as polars frames, with the rule of each province."""

    year: int
    enterprise_years: pl.DataFrame
    relocations: pl.DataFrame
    incubation: pl.DataFrame
    projects: pl.DataFrame
    zone_province: dict[str, str]
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)  # province → {version, rule, document}

    def fingerprints(self) -> dict[str, dict[str, Any]]:
        """Rows and SHA-256 of each input (sorted, canonical CSV), and of the rules."""
        frames = {"enterprise_years": (self.enterprise_years, ["enterprise_id", "indicator"]),
                  "relocations": (self.relocations, ["enterprise_id", "date"]),
                  "incubation": (self.incubation, ["enterprise_id"]),
                  "projects": (self.projects, ["project_id", "indicator", "zone_id"])}
        out = {name: {"rows": frame.height, "sha256": hashlib.sha256(
            frame.sort(keys).write_csv().encode()).hexdigest()} for name, (frame, keys) in frames.items()}
        rules = frameworks.canonical_json({p: {"version": r["version"], "rule": r["rule"]}
                                           for p, r in sorted(self.rules.items())})
        out["rules"] = {"rows": len(self.rules), "sha256": hashlib.sha256(rules.encode()).hexdigest()}
        return out


def _frame(conn: Connection, stmt: Any, schema: dict[str, Any]) -> pl.DataFrame:
    rows = conn.execute(stmt).all()
    return pl.DataFrame(rows, schema=schema, orient="row")


def load_inputs(conn: Connection, year: int) -> Inputs:
    """Read the year's enterprise values, relocations, incubation, co-built project values and rules."""
    ev, rel, ent = models.EnterpriseValue, models.Relocation, models.Enterprise
    enterprise_years = _frame(conn, select(ev.credit_code, ev.zone_id, ev.year, ev.indicator_code,
                                           type_coerce(ev.value, BigInteger)).where(ev.year == year),
                              {"enterprise_id": pl.String, "zone_id": pl.String, "year": pl.Int32,
                               "indicator": pl.String, "units": pl.Int64})
    enterprise_years = enterprise_years.with_columns(_units_to_amount("units").alias("value")).drop("units")
    relocations = _frame(conn, select(rel.credit_code, rel.from_zone, rel.to_zone, rel.moved_on)
                         .where(rel.moved_on <= date(year, 12, 31)),
                         {"enterprise_id": pl.String, "from_zone": pl.String, "to_zone": pl.String, "date": pl.Date})
    incubation = _frame(conn, select(ent.credit_code, ent.incubated_in, ent.founded_year)
                        .where(ent.credit_code.in_(select(rel.credit_code).where(rel.moved_on <= date(year, 12, 31)))),
                        {"enterprise_id": pl.String, "incubated_in": pl.String, "founded_year": pl.Int32})
    zone_province = dict(conn.execute(select(models.Zone.id, models.Zone.province_code)).all())
    projects = _project_frame(conn, year)
    rules = {}
    for province in sorted(set(zone_province.values())):
        document = frameworks.current(conn, province)
        if document is not None:
            rule = frameworks.relocation_rule(document)
            rules[province] = {"version": document["version"], "rule": {
                "rule_id": rule.rule_id, "origin_share": str(rule.origin_share), "window_months": rule.window_months,
                "indicators": list(rule.indicators),
                "min_years_registered": getattr(rule, "min_years_registered", None)}, "object": rule}
    return Inputs(year, enterprise_years, relocations, incubation, projects, zone_province, rules)


def _project_frame(conn: Connection, year: int) -> pl.DataFrame:
    """One row per partner of each project value of ``year``, for agreements counted in that year."""
    pv, pp, cp, ag = ProjectValue, ProjectPartner, CoBuiltProject, Agreement
    counted = ((ag.status == "active") |
               ((ag.status == "terminated") & (func.coalesce(ag.changed_at, ag.created_at) > datetime(year + 1, 1, 1,
                                                                                                        tzinfo=UTC))))
    stmt = (select(pv.project_id, cp.agreement_id, pv.year, pv.indicator_code, type_coerce(pv.value, BigInteger),
                   pp.zone_id, type_coerce(pp.weight, BigInteger))
            .join(cp, cp.id == pv.project_id).join(ag, ag.id == cp.agreement_id)
            .join(pp, pp.project_id == pv.project_id)
            .where(pv.year == year, counted, ag.starts_on <= date(year, 12, 31),
                   (ag.ends_on.is_(None)) | (ag.ends_on >= date(year, 1, 1))))
    frame = _frame(conn, stmt, {"project_id": pl.String, "agreement_id": pl.String, "year": pl.Int32,
                                "indicator": pl.String, "value_units": pl.Int64, "zone_id": pl.String,
                                "weight_units": pl.Int64})
    return frame.with_columns(_units_to_amount("value_units").alias("value"),
                              _units_to_amount("weight_units").alias("weight")).select(
        "project_id", "agreement_id", "year", "indicator", "value", "zone_id", "weight")


def compute(inputs: Inputs) -> Ledger:
    """Attribute the year province by province (each under its own framework rule) and join the results."""
    province_of = pl.DataFrame({"zone_id": list(inputs.zone_province), "province": list(inputs.zone_province.values())})
    ey = inputs.enterprise_years.join(province_of, on="zone_id", how="left")
    rel = (inputs.relocations.join(province_of.rename({"zone_id": "from_zone", "province": "p_from"}), on="from_zone",
                                   how="left")
           .join(province_of.rename({"zone_id": "to_zone", "province": "p_to"}), on="to_zone", how="left"))
    projects = inputs.projects.join(province_of, on="zone_id", how="left")
    parts: list[Ledger] = []
    default_rule = frameworks.relocation_rule(frameworks.template())
    for province in sorted(set(inputs.zone_province.values())):
        spec = inputs.rules.get(province)
        rows = ey.filter(pl.col("province") == province).drop("province")
        proj = projects.filter(pl.col("province") == province).drop("province")
        if rows.is_empty() and proj.is_empty():
            continue
        moves = (rel.filter((pl.col("p_from") == province) & (pl.col("p_to") == province)).drop("p_from", "p_to")
                 if spec else rel.clear().drop("p_from", "p_to"))
        parts.append(attribute(rows, moves, inputs.incubation, proj, spec["object"] if spec else default_rule,
                               inputs.year))
    if not parts:
        return attribute(inputs.enterprise_years, inputs.relocations.clear(), inputs.incubation, inputs.projects,
                         default_rule, inputs.year)
    return Ledger(inputs.year, pl.concat([p.entries for p in parts]), pl.concat([p.raw for p in parts]),
                  pl.concat([p.projects for p in parts]))


def _content_sha(condensed: pl.DataFrame) -> str:
    ordered = condensed.sort("zone_id", "indicator", "source_kind", "source_id", "rule_id", "amount")
    return hashlib.sha256(ordered.write_csv().encode()).hexdigest()


@dataclass(frozen=True)
class CloseResult:
    """What a close did: the version (new or existing), whether it was new, sizes and the conservation."""

    year: int
    version: int
    created: bool
    entries: int
    inputs: dict[str, dict[str, Any]]
    conservation: list[dict[str, Any]]
    previous_version: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "version": self.version, "created": self.created, "entries": self.entries,
                "inputs": self.inputs, "conservation": self.conservation, "previous_version": self.previous_version}


def latest_version(conn: Connection, year: int) -> int | None:
    return conn.execute(select(func.max(LedgerSnapshot.version)).where(LedgerSnapshot.year == year)).scalar()


def _snapshot(conn: Connection, year: int, version: int | None) -> Any:
    version = version or latest_version(conn, year)
    row = conn.execute(select(LedgerSnapshot.__table__).where(LedgerSnapshot.year == year,
                                                              LedgerSnapshot.version == version)).first() if version else None
    if row is None:
        raise NotFound(f"year {year} has no closed ledger" + (f" version {version}" if version else "") +
                       f" (parknet ledger close --year {year})")
    return row


def _jsonable(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [{k: (format(v, "f") if isinstance(v, Decimal) else v) for k, v in row.items()} for row in frame.to_dicts()]


def close_year(engine: Engine, year: int, *, actor: str) -> CloseResult:
    """Close ``year``: compute the ledger from the current inputs and store it as a new immutable version.

    Closing a closed year whose inputs are unchanged writes nothing and returns that version; a closed year
    whose inputs differ must be reopened first. Refuses (writes nothing) when conservation does not hold.
    """
    if not 1990 <= year <= 2100:
        raise InvalidArgument("--year", f"not a plausible year: {year}")
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("select pg_advisory_xact_lock(7240312)")
        inputs = load_inputs(conn, year)
        prints = inputs.fingerprints()
        inputs_sha = hashlib.sha256(frameworks.canonical_json(prints).encode()).hexdigest()
        previous = latest_version(conn, year)
        if previous and year in closed_years(conn):
            snap = _snapshot(conn, year, previous)
            if snap.inputs_sha256 != inputs_sha:
                raise Conflict(f"year {year} is closed (version {previous}) but its inputs differ from that close; "
                               f"reopen it (parknet ledger reopen --year {year}) and close again")
            return CloseResult(year, previous, False, _count_entries(conn, snap.id), prints,
                               _stored_conservation(conn, snap.id), previous)
        ledger = compute(inputs)
        conservation = ledger.conservation()
        if not conservation["balanced"].all():
            raise ParkNetError(f"year {year}: the ledger does not balance — nothing was stored:\n{conservation}")
        condensed = ledger.condensed()
        totals = ledger.totals()
        version = (previous or 0) + 1
        rules = {p: {"framework_version": r["version"], **r["rule"]} for p, r in inputs.rules.items()}
        snapshot_id = conn.execute(LedgerSnapshot.__table__.insert().values(
            year=year, version=version, closed_at=datetime.now(UTC), closed_by=actor, inputs_sha256=inputs_sha,
            inputs=frameworks.canonical_json(prints), rules=frameworks.canonical_json(rules),
            content_sha256=_content_sha(condensed))).inserted_primary_key[0]
        _write_rows(conn, snapshot_id, condensed, totals)
        audit.append(conn, actor=actor, action="close", entity="ledger", entity_key=f"{year}/v{version}",
                     after={"inputs": prints, "entries": condensed.height, "rules": rules})
        return CloseResult(year, version, True, condensed.height, prints, _jsonable(conservation), previous)


def _write_rows(conn: Connection, snapshot_id: int, condensed: pl.DataFrame, totals: pl.DataFrame) -> None:
    ordered = condensed.sort("zone_id", "indicator", "source_kind", "source_id", "rule_id")
    entries = [{"snapshot_id": snapshot_id, "seq": i, "source_id": r["source_id"], "source_kind": r["source_kind"],
                "zone_id": r["zone_id"], "indicator": r["indicator"], "year": r["year"], "amount": r["amount"],
                "rule_id": r["rule_id"], "agreement_id": r["agreement_id"], "records": r["records"]}
               for i, r in enumerate(ordered.iter_rows(named=True), start=1)]
    for start in range(0, len(entries), 5000):
        conn.execute(LedgerEntry.__table__.insert(), entries[start:start + 5000])
    rows = [{"snapshot_id": snapshot_id, "zone_id": r["zone_id"], "indicator": r["indicator"], "raw": r["raw"],
             "attributed": r["attributed"]} for r in totals.iter_rows(named=True)]
    for start in range(0, len(rows), 5000):
        conn.execute(LedgerTotal.__table__.insert(), rows[start:start + 5000])


def _count_entries(conn: Connection, snapshot_id: int) -> int:
    return conn.execute(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.snapshot_id == snapshot_id)
                        ).scalar() or 0


def _stored_conservation(conn: Connection, snapshot_id: int) -> list[dict[str, Any]]:
    t = LedgerTotal
    rows = conn.execute(select(t.indicator, func.sum(type_coerce(t.raw, BigInteger)),
                               func.sum(type_coerce(t.attributed, BigInteger)))
                        .where(t.snapshot_id == snapshot_id).group_by(t.indicator).order_by(t.indicator)).all()
    return [{"indicator": code, "raw": format(Decimal(int(raw)) / SCALE, "f"),
             "attributed": format(Decimal(int(att)) / SCALE, "f"),
             "inflation": format(Decimal(int(att) - int(raw)) / SCALE, "f")} for code, raw, att in rows]


def reopen_year(engine: Engine, year: int, *, reason: str, actor: str) -> int:
    """Reopen a closed year so that its inputs may be corrected; returns the reopened version."""
    if not reason.strip():
        raise InvalidArgument("--reason", "say why the closed year is reopened")
    with engine.begin() as conn:
        version = latest_version(conn, year)
        if not version or year not in closed_years(conn):
            raise Conflict(f"year {year} is not closed" + (f" (version {version} was reopened)" if version else ""))
        conn.execute(LedgerReopening.__table__.insert().values(year=year, version=version, reopened_at=datetime.now(UTC),
                                                               reopened_by=actor, reason=reason.strip()))
        audit.append(conn, actor=actor, action="reopen", entity="ledger", entity_key=f"{year}/v{version}",
                     after={"reason": reason.strip()})
    return version


def status(engine: Engine) -> list[dict[str, Any]]:
    """Every closed or reopened year: latest version, when and by whom, and whether it is locked."""
    with engine.connect() as conn:
        locked = closed_years(conn)
        rows = conn.execute(select(LedgerSnapshot.__table__).order_by(LedgerSnapshot.year, LedgerSnapshot.version)).all()
    latest: dict[int, Any] = {}
    for row in rows:
        latest[row.year] = row
    return [{"year": y, "version": r.version, "closed_at": r.closed_at.isoformat(), "closed_by": r.closed_by,
             "locked": y in locked} for y, r in sorted(latest.items())]


def snapshot_totals(conn: Connection, year: int, version: int | None = None) -> tuple[int, pl.DataFrame]:
    """(version, totals frame ``zone_id, indicator, raw, attributed``) of a stored snapshot."""
    snap = _snapshot(conn, year, version)
    t = LedgerTotal
    frame = _frame(conn, select(t.zone_id, t.indicator, type_coerce(t.raw, BigInteger),
                                type_coerce(t.attributed, BigInteger)).where(t.snapshot_id == snap.id),
                   {"zone_id": pl.String, "indicator": pl.String, "raw_u": pl.Int64, "att_u": pl.Int64})
    return snap.version, frame.select("zone_id", "indicator", _units_to_amount("raw_u").alias("raw"),
                                      _units_to_amount("att_u").alias("attributed"))


def _entries(conn: Connection, snapshot_id: int, zone_id: str | None = None,
             indicator: str | None = None) -> pl.DataFrame:
    e = LedgerEntry
    stmt = select(e.seq, e.source_id, e.source_kind, e.zone_id, e.indicator, e.year,
                  type_coerce(e.amount, BigInteger), e.rule_id, e.agreement_id, e.records).where(e.snapshot_id == snapshot_id)
    if zone_id:
        stmt = stmt.where(e.zone_id == zone_id)
    if indicator:
        stmt = stmt.where(e.indicator == indicator)
    frame = _frame(conn, stmt.order_by(e.seq), {
        "seq": pl.Int64, "source_id": pl.String, "source_kind": pl.String, "zone_id": pl.String, "indicator": pl.String,
        "year": pl.Int32, "units": pl.Int64, "rule_id": pl.String, "agreement_id": pl.String, "records": pl.Int64})
    return frame.with_columns(_units_to_amount("units").alias("amount")).drop("units")


@dataclass(frozen=True)
class LedgerView:
    """A year's ledger as evaluation reads it: totals ``zone_id, indicator, raw, attributed``, the condensed
    entries, and its ``basis`` (stored version, or a preview when the year was never closed)."""

    totals: pl.DataFrame
    entries: pl.DataFrame
    basis: dict[str, Any]


def ledger_view(conn: Connection, year: int) -> LedgerView:
    """The latest stored close of ``year``, or a preview computed from the current inputs."""
    if latest_version(conn, year) is not None:
        snap = _snapshot(conn, year, None)
        _, totals = snapshot_totals(conn, year, snap.version)
        return LedgerView(totals, _entries(conn, snap.id), {"closed": True, "version": snap.version,
                                                            "locked": year in closed_years(conn)})
    ledger = compute(load_inputs(conn, year))
    return LedgerView(ledger.totals().drop("year"), ledger.condensed(), {"closed": False, "version": None})


def zone_figures(engine: Engine, zone_id: str, year: int, *, indicator: str | None = None,
                 explain: bool = False, version: int | None = None) -> dict[str, Any]:
    """A zone's raw vs attributed figures in a year, from the stored close (or, if the year was never
    closed, a preview computed now), and with ``explain`` every entry behind them with its reason."""
    with engine.connect() as conn:
        require_zone(conn, zone_id)
        stored = latest_version(conn, year) is not None
        if stored:
            snap = _snapshot(conn, year, version)
            version_no, totals = snapshot_totals(conn, year, snap.version)
            entries = _entries(conn, snap.id, zone_id, indicator) if explain else None
            basis = {"closed": True, "version": snap.version, "closed_at": snap.closed_at.isoformat(),
                     "locked": year in closed_years(conn)}
        else:
            ledger = compute(load_inputs(conn, year))
            totals = ledger.totals().drop("year")
            condensed = ledger.condensed()
            entries = (condensed.filter(pl.col("zone_id") == zone_id) if explain else None)
            if entries is not None and indicator:
                entries = entries.filter(pl.col("indicator") == indicator)
            basis = {"closed": False, "version": None, "note": "preview: the year is not closed"}
        rows = totals.filter(pl.col("zone_id") == zone_id)
        if indicator:
            rows = rows.filter(pl.col("indicator") == indicator)
        out: dict[str, Any] = {"zone_id": zone_id, "year": year, **basis, "figures": [
            {"indicator": r["indicator"], "raw": r["raw"], "attributed": r["attributed"],
             "difference": r["attributed"] - r["raw"]} for r in rows.sort("indicator").iter_rows(named=True)]}
        if entries is not None:
            out["entries"] = _explained(conn, entries, year)
    return out


def _explained(conn: Connection, entries: pl.DataFrame, year: int) -> list[dict[str, Any]]:
    """Each entry with a sentence saying why it is credited here (Chinese first)."""
    rel = models.Relocation
    ids = entries.filter(pl.col("source_kind") == "enterprise_year")["source_id"].unique().to_list()
    moves: dict[str, list[Any]] = {}
    for chunk in range(0, len(ids), 500):
        for r in conn.execute(select(rel.credit_code, rel.from_zone, rel.to_zone, rel.moved_on)
                              .where(rel.credit_code.in_(ids[chunk:chunk + 500])).order_by(rel.moved_on)):
            moves.setdefault(r.credit_code, []).append(r)
    out = []
    for r in entries.sort("indicator", "source_kind", "source_id").iter_rows(named=True):
        rule, kind = r["rule_id"], r["source_kind"]
        if kind == "zone_reported":
            why = f"本园区填报的 {r['records']} 条企业年度数据之和（未涉及分成规则） / sum of {r['records']} reported records"
        elif kind == "project":
            why = f"共建项目 {r['source_id']}（协议 {r['agreement_id']}）按约定权重计入 / co-built project credit by agreed weight"
        else:
            hist = "; ".join(f"{m.moved_on} {m.from_zone}→{m.to_zone}" for m in moves.get(r["source_id"], []))
            side = "迁出地（孵化地）分成 / origin share" if rule.endswith(":origin") else "迁入地保留部分 / reporting zone keeps the rest"
            why = f"企业 {r['source_id']} 迁移（{hist}），规则 {rule.split(':')[0]}：{side}"
        out.append({"source_id": r["source_id"], "source_kind": kind, "indicator": r["indicator"],
                    "amount": r["amount"], "rule_id": rule, "agreement_id": r["agreement_id"],
                    "records": r["records"], "reason": why})
    return out


def diff(engine: Engine, year: int, from_version: int, to_version: int) -> dict[str, Any]:
    """What moved between two versions of a year's close and why: changed inputs and rules, changed totals,
    and the entries added, removed or changed behind them."""
    with engine.connect() as conn:
        a, b = _snapshot(conn, year, from_version), _snapshot(conn, year, to_version)
        _, ta = snapshot_totals(conn, year, a.version)
        _, tb = snapshot_totals(conn, year, b.version)
        ea, eb = _entries(conn, a.id), _entries(conn, b.id)
    inputs_a, inputs_b = json.loads(a.inputs), json.loads(b.inputs)
    changed_inputs = [{"input": k, "rows_from": inputs_a.get(k, {}).get("rows"), "rows_to": inputs_b.get(k, {}).get("rows")}
                      for k in sorted(set(inputs_a) | set(inputs_b))
                      if inputs_a.get(k, {}).get("sha256") != inputs_b.get(k, {}).get("sha256")]
    rules_a, rules_b = json.loads(a.rules), json.loads(b.rules)
    changed_rules = [{"province": p, "from": rules_a.get(p), "to": rules_b.get(p)}
                     for p in sorted(set(rules_a) | set(rules_b)) if rules_a.get(p) != rules_b.get(p)]
    key = ["zone_id", "indicator"]
    totals = (ta.join(tb, on=key, how="full", coalesce=True, suffix="_to")
              .rename({"raw": "raw_from", "attributed": "attributed_from"})
              .with_columns(pl.col("raw_from", "attributed_from", "raw_to", "attributed_to").fill_null(Decimal(0)))
              .filter((pl.col("raw_from") != pl.col("raw_to")) | (pl.col("attributed_from") != pl.col("attributed_to")))
              .with_columns((pl.col("attributed_to") - pl.col("attributed_from")).alias("change"))
              .sort("zone_id", "indicator"))
    ekey = ["source_kind", "source_id", "zone_id", "indicator", "rule_id"]
    sa = ea.group_by(ekey).agg(pl.col("amount").sum().alias("from"), pl.col("agreement_id").first())
    sb = eb.group_by(ekey).agg(pl.col("amount").sum().alias("to"), pl.col("agreement_id").first().alias("agr_to"))
    moved = (sa.join(sb, on=ekey, how="full", coalesce=True)
             .with_columns(pl.col("from", "to").fill_null(Decimal(0)))
             .filter(pl.col("from") != pl.col("to"))
             .with_columns(pl.when(pl.col("from") == 0).then(pl.lit("added"))
                           .when(pl.col("to") == 0).then(pl.lit("removed")).otherwise(pl.lit("changed")).alias("change"))
             .sort("zone_id", "indicator", "source_kind", "source_id"))
    return {"year": year, "from": a.version, "to": b.version, "identical": a.content_sha256 == b.content_sha256,
            "inputs_changed": changed_inputs, "rules_changed": changed_rules,
            "totals": [{**r, "raw_from": r["raw_from"], "raw_to": r["raw_to"]} for r in totals.to_dicts()],
            "entries": [{k: r[k] for k in ("zone_id", "indicator", "source_kind", "source_id", "rule_id", "from", "to",
                                           "change")} | {"agreement_id": r["agreement_id"] or r["agr_to"]}
                        for r in moved.to_dicts()]}
