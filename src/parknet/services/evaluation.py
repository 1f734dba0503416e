"""Zone evaluation from the store (考评): the figures a scheme needs — raw statistics, attributed statistics
from the year's ledger, cooperation and spillover performance from the ledger, the agreements and the service
tickets — and the ranking under one scheme or two side by side.

Attributed figure of a zone = its reported zone total + (ledger attributed − ledger raw) for the indicators
the ledger covers, so zone totals that include enterprises without enterprise-level rows stay whole.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, select

from parknet.errors import InvalidArgument
from parknet.evaluation import Evaluation, compare, evaluate, load_scheme
from parknet.evaluation.schemes import Basis, Scheme
from parknet.services.ledger import ledger_view
from parknet.services.tickets import delivered_statistics
from parknet.store import models
from parknet.store.cooperation import Agreement, AgreementParty

__all__ = ["evaluation_inputs", "run", "run_compare", "cooperation_metrics"]


def _raw(conn: Connection, years: list[int], zones: list[str]) -> pl.DataFrame:
    v = models.ZoneIndicatorValue
    rows = conn.execute(select(v.zone_id, v.year, v.indicator_code, v.value)
                        .where(v.year.in_(years), v.zone_id.in_(zones))).all()
    return pl.DataFrame([(z, y, c, float(x)) for z, y, c, x in rows],
                        schema={"zone_id": pl.String, "year": pl.Int32, "indicator": pl.String, "value": pl.Float64},
                        orient="row")


def _attributed(raw: pl.DataFrame, totals: pl.DataFrame, year: int) -> pl.DataFrame:
    shift = totals.select("zone_id", "indicator", (pl.col("attributed") - pl.col("raw")).cast(pl.Float64).alias("shift"))
    return (raw.filter(pl.col("year") == year).join(shift, on=["zone_id", "indicator"], how="left")
            .with_columns((pl.col("value") + pl.col("shift").fill_null(0.0)).alias("value")).drop("shift"))


def _active_agreements(conn: Connection, year: int) -> pl.DataFrame:
    a, p = Agreement, AgreementParty
    counted = (a.status == "active") | ((a.status == "terminated") & (a.changed_at > datetime(year + 1, 1, 1, tzinfo=UTC)))
    rows = conn.execute(select(a.id, p.zone_id).join(p, p.agreement_id == a.id).where(
        counted, a.starts_on <= date(year, 12, 31), a.ends_on.is_(None) | (a.ends_on >= date(year, 1, 1)))).all()
    return pl.DataFrame(rows, schema={"agreement_id": pl.String, "zone_id": pl.String}, orient="row")


def cooperation_metrics(conn: Connection, year: int, entries: pl.DataFrame, totals: pl.DataFrame) -> pl.DataFrame:
    """协同绩效 and 辐射带动绩效 per zone: ``zone_id, indicator, value`` for the six cooperation codes.

    coop_active_agreements (agreements counted in the year), coop_partner_zones (distinct partners),
    coop_project_credit (GDP credited from co-built projects), spill_relocated_out (enterprises whose GDP is
    shared back under the relocation rule), spill_origin_credit (that GDP), spill_attributed_gain
    (attributed − raw GDP), spill_services_delivered (service tickets — 人才对接, 项目对接, 情报服务 — the zone
    delivered in the year to other zones as provider; :mod:`parknet.enabling.services`).
    """
    parties = _active_agreements(conn, year)
    agreements_count = parties.group_by("zone_id").agg(pl.col("agreement_id").n_unique().alias("coop_active_agreements"))
    partners = (parties.join(parties.rename({"zone_id": "other"}), on="agreement_id")
                .filter(pl.col("zone_id") != pl.col("other"))
                .group_by("zone_id").agg(pl.col("other").n_unique().alias("coop_partner_zones")))
    gdp = entries.filter(pl.col("indicator") == "gdp")
    project = (gdp.filter(pl.col("source_kind") == "project").group_by("zone_id")
               .agg(pl.col("amount").sum().cast(pl.Float64).alias("coop_project_credit")))
    origin = gdp.filter(pl.col("rule_id").str.ends_with(":origin")).group_by("zone_id").agg(
        pl.col("source_id").n_unique().alias("spill_relocated_out"),
        pl.col("amount").sum().cast(pl.Float64).alias("spill_origin_credit"))
    gain = (totals.filter(pl.col("indicator") == "gdp")
            .select("zone_id", (pl.col("attributed") - pl.col("raw")).cast(pl.Float64).alias("spill_attributed_gain")))
    services = _services_delivered(conn, year)
    wide = pl.DataFrame({"zone_id": totals["zone_id"].unique()}, schema={"zone_id": pl.String})
    for part in (agreements_count, partners, project, origin, gain, services):
        wide = wide.join(part, on="zone_id", how="full", coalesce=True)
    return (wide.unpivot(index="zone_id", variable_name="indicator", value_name="value")
            .with_columns(pl.col("value").cast(pl.Float64).fill_null(0.0)))


def _services_delivered(conn: Connection, year: int) -> pl.DataFrame:
    """Service tickets delivered in ``year`` per provider zone to zones other than itself (辐射带动), as the
    ticket statistics count them (:func:`parknet.services.tickets.delivered_statistics`)."""
    rows = [(s.provider_zone, s.delivered_to_other_zones) for s in delivered_statistics(conn, year)]
    return pl.DataFrame(rows, schema={"zone_id": pl.String, "spill_services_delivered": pl.Int64}, orient="row")


def _zones(conn: Connection, year: int, level: str | None, province: str | None) -> list[str]:
    z, v = models.Zone, models.ZoneIndicatorValue
    stmt = select(z.id).join(v, (v.zone_id == z.id) & (v.year == year) & (v.indicator_code == "gdp"))
    if level:
        stmt = stmt.where(z.level == level)
    if province:
        stmt = stmt.where(z.province_code == province)
    return sorted(conn.execute(stmt).scalars())


def evaluation_inputs(conn: Connection, scheme: Scheme, year: int, *, level: str | None = "national",
                      province: str | None = None) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The long ``zone_id, year, indicator, value, basis`` frame ``scheme`` needs, and where it came from."""
    needs = scheme.required_inputs()
    bases = {b for b, _ in needs.current | needs.previous_year}
    years = [year - 1, year] if needs.needs_previous_year else [year]
    zones = _zones(conn, year, level, province)
    if len(zones) < 2:
        raise InvalidArgument("--year", f"fewer than two zones have {year} figures at this level/province")
    raw = _raw(conn, years, zones)
    frames = [raw.with_columns(pl.lit(Basis.RAW.value).alias("basis"))]
    source: dict[str, Any] = {}
    if bases & {Basis.ATTRIBUTED, Basis.COOPERATION}:
        attributed_years = sorted({y for y in years if any(b == Basis.ATTRIBUTED for b, _ in
                                                            (needs.current if y == year else needs.previous_year))}
                                  | ({year} if Basis.COOPERATION in bases else set()))
        for y in attributed_years:
            view = ledger_view(conn, y)
            source[str(y)] = view.basis
            frames.append(_attributed(raw, view.totals, y).with_columns(pl.lit(Basis.ATTRIBUTED.value).alias("basis")))
            if y == year and Basis.COOPERATION in bases:
                coop = cooperation_metrics(conn, y, view.entries, view.totals).filter(pl.col("zone_id").is_in(zones))
                full = pl.DataFrame({"zone_id": zones}).join(coop, on="zone_id", how="left")
                codes = sorted({c for b, c in needs.current if b == Basis.COOPERATION})
                grid = pl.DataFrame({"zone_id": zones}).join(pl.DataFrame({"indicator": codes}), how="cross")
                coop = grid.join(full.drop_nulls("indicator"), on=["zone_id", "indicator"], how="left").with_columns(
                    pl.col("value").fill_null(0.0))
                frames.append(coop.with_columns(pl.lit(y).cast(pl.Int32).alias("year"),
                                                pl.lit(Basis.COOPERATION.value).alias("basis"))
                              .select("zone_id", "year", "indicator", "value", "basis"))
    return pl.concat(frames, how="vertical_relaxed"), {"ledger": source, "zones": len(zones)}


def _complete(values: pl.DataFrame, scheme: Scheme, year: int) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """Drop zones that lack a figure the scheme needs (e.g. no previous year for growth), saying why."""
    needs = scheme.required_inputs()
    required = [(year, b.value, c) for b, c in needs.current] + [(year - 1, b.value, c) for b, c in needs.previous_year]
    have = values.select("zone_id", "year", "basis", "indicator").unique()
    excluded = []
    keep = []
    for zone, group in have.group_by("zone_id"):
        present = set(group.select("year", "basis", "indicator").iter_rows())
        missing = [f"{c} ({b}, {y})" for y, b, c in required if (y, b, c) not in present]
        if missing:
            excluded.append({"zone_id": zone[0], "reason": "缺少 / missing " + ", ".join(sorted(missing)[:4])
                             + (" …" if len(missing) > 4 else "")})
        else:
            keep.append(zone[0])
    return values.filter(pl.col("zone_id").is_in(keep)), sorted(excluded, key=lambda e: e["zone_id"])


def run(engine: Engine, scheme_name: str, year: int, *, level: str | None = "national",
        province: str | None = None, zones: set[str] | None = None) -> tuple[Evaluation, dict[str, Any]]:
    """Evaluate ``year`` under a scheme (built-in name or JSON file), optionally only ``zones``; returns the
    evaluation and its basis (which ledger versions fed it, which zones were left out and why)."""
    scheme = load_scheme(scheme_name)
    with engine.connect() as conn:
        values, source = evaluation_inputs(conn, scheme, year, level=level, province=province)
    if zones is not None:
        values = values.filter(pl.col("zone_id").is_in(sorted(zones)))
    values, excluded = _complete(values, scheme, year)
    return evaluate(scheme, values, year), {**source, "excluded": excluded, "level": level, "province": province}


def run_compare(engine: Engine, first: str, second: str, year: int, *, level: str | None = "national",
                province: str | None = None) -> dict[str, Any]:
    """Rankings under two schemes over the same zones, and each zone's rank change with its reason."""
    a, meta_a = run(engine, first, year, level=level, province=province)
    b, meta_b = run(engine, second, year, level=level, province=province)
    common = set(a.ranking["zone_id"]) & set(b.ranking["zone_id"])
    if common != set(a.ranking["zone_id"]) or common != set(b.ranking["zone_id"]):
        a, _ = run(engine, first, year, level=level, province=province, zones=common)
        b, _ = run(engine, second, year, level=level, province=province, zones=common)
    excluded = {e["zone_id"]: e for e in meta_a["excluded"] + meta_b["excluded"]}
    return {"year": year, "schemes": [a.scheme.id, b.scheme.id], "changes": compare(a, b).to_dicts(),
            "first": a.to_json(), "second": b.to_json(),
            "basis": {"ledger": {**meta_a["ledger"], **meta_b["ledger"]},
                      "excluded": [excluded[z] for z in sorted(excluded)]}}
