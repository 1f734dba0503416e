"""The 1+N network of a province (``parknet network``, /api/v1/network, the province page).

Loads the zones of a year from the store, chooses each province's leader(s)
(:mod:`parknet.network.leaders`), scores every leader × partner pair by cooperation type
(:mod:`parknet.analysis.complementarity`), assigns partners optimally under each leader's capacity
(:mod:`parknet.network.design`) and connects the provinces' leaders into the national backbone
(:mod:`parknet.network.backbone`). Every link carries its scores, form and reasons; every zone left out
says why.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import Engine, select

from parknet.analysis.complementarity import PairScorer
from parknet.errors import InvalidArgument, NotFound
from parknet.network.backbone import national_backbone
from parknet.network.design import design_network
from parknet.network.leaders import choose_leaders
from parknet.services.zones import resolve_province
from parknet.store import models

__all__ = ["zone_frame", "province_network", "all_networks", "leading_zones", "DEFAULT_CAPACITY"]

DEFAULT_CAPACITY: int | None = None  # N of "1+N": unset = room for every partner; --n-max constrains it
_INDICATORS = ("gdp", "revenue", "rd_expenditure", "rd_personnel", "employees", "invention_patents_granted",
               "high_tech_enterprises")


def zone_frame(engine: Engine, year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(zones, structure) of ``year``: one row per zone existing then, with its indicators, level, province,
    city, coordinates and whether it is in the provincial capital; and output by industry."""
    z, p, v, o = models.Zone, models.Province, models.ZoneIndicatorValue, models.ZoneIndustryOutput
    with engine.connect() as conn:
        zones = conn.execute(select(z.id, z.name, z.level, z.province_code, z.city_code, z.lat, z.lon,
                                    p.capital_code).join(p, p.code == z.province_code)
                             .where((z.approved_year.is_(None)) | (z.approved_year <= year))).all()
        values = conn.execute(select(v.zone_id, v.indicator_code, v.value)
                              .where(v.year == year, v.indicator_code.in_(_INDICATORS))).all()
        output = conn.execute(select(o.zone_id, o.industry_code, o.value)
                              .where(o.year == year, o.indicator_code == "revenue")).all()
    if not zones:
        raise NotFound(f"no zones exist in {year}")
    frame = pl.DataFrame([{"zone_id": r[0], "name": r[1], "level": r[2], "province_code": r[3], "city_code": r[4],
                           "lat": r[5], "lon": r[6], "is_capital": r[4] is not None and r[4] == r[7]} for r in zones])
    if values:
        wide = (pl.DataFrame([(a, b, float(c)) for a, b, c in values], schema=["zone_id", "indicator", "value"],
                             orient="row").pivot(on="indicator", index="zone_id", values="value"))
        frame = frame.join(wide, on="zone_id", how="left")
    for code in _INDICATORS:
        if code not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(code))
    frame = frame.with_columns(
        (pl.col("rd_expenditure") / pl.col("gdp")).alias("rd_intensity"),
        (pl.col("rd_personnel") / pl.col("employees")).alias("talent_density"),
        pl.col("revenue").alias("output"))
    structure = pl.DataFrame([(a, b, float(c)) for a, b, c in output], schema=["zone_id", "industry", "value"],
                             orient="row") if output else pl.DataFrame(schema={"zone_id": pl.String, "industry": pl.String,
                                                                               "value": pl.Float64})
    return frame, structure


def _leaders(zones: pl.DataFrame, per_province: dict[str, int] | None) -> pl.DataFrame:
    ranked = zones.with_columns([pl.col(c).fill_null(0.0) for c in _INDICATORS])
    return choose_leaders(ranked, per_province=per_province or 1)


def _scored(zones: pl.DataFrame, structure: pl.DataFrame) -> PairScorer:
    profiles = zones.select("zone_id", *(pl.col(c).fill_null(0.0).fill_nan(0.0) for c in (
        "rd_intensity", "invention_patents_granted", "talent_density", "output")))
    return PairScorer(profiles, structure)


def _distance(zones: pl.DataFrame, leader: str, partners: list[str]) -> dict[str, float | None]:
    from parknet.network.backbone import haversine_km

    rows = {r["zone_id"]: r for r in zones.select("zone_id", "lat", "lon").iter_rows(named=True)}
    lead = rows[leader]
    out: dict[str, float | None] = {}
    for p in partners:
        q = rows[p]
        ok = None not in (lead["lat"], lead["lon"], q["lat"], q["lon"])
        out[p] = float(haversine_km(lead["lat"], lead["lon"], q["lat"], q["lon"])) if ok else None
    return out


def _province(zones: pl.DataFrame, structure: pl.DataFrame, leaders: pl.DataFrame, code: str, year: int,
              n_max: int | None) -> dict[str, Any]:
    members = zones.filter(pl.col("province_code") == code)
    chosen = leaders.filter((pl.col("province_code") == code) & pl.col("zone_id").is_not_null())
    leader_ids = chosen["zone_id"].to_list()
    result: dict[str, Any] = {"province": code, "year": year, "capacity": n_max,
                              "leaders": [dict(r) for r in chosen.iter_rows(named=True)],
                              "links": [], "unassigned": [], "objective": 0.0, "optimal": True, "gap": 0.0}
    no_data = members.filter(pl.col("gdp").is_null())["zone_id"].to_list()
    partners = [z for z in members["zone_id"].to_list() if z not in leader_ids and z not in no_data]
    result["unassigned"] += [{"partner": z, "reason": f"{year}年无该园区数据 / no data for this zone in {year}",
                              "cause": "no_data"} for z in no_data if z not in leader_ids]
    if not leader_ids:
        reason = leaders.filter(pl.col("province_code") == code)["reason"].to_list()
        result["unassigned"] += [{"partner": z, "reason": (reason[0] if reason else "no leader"),
                                  "cause": "no_leader"} for z in partners]
        return result
    if not partners:
        return result
    scorer = _scored(zones.filter(pl.col("zone_id").is_in(leader_ids + partners)), structure)
    pairs = scorer.scores(leader_ids, partners)
    level = dict(members.select("zone_id", "level").iter_rows())
    distances = {leader: _distance(zones, leader, partners) for leader in leader_ids}
    pairs = pairs.with_columns(
        pl.col("partner").replace_strict(level, return_dtype=pl.String).alias("partner_level"),
        pl.struct("leader", "partner").map_elements(lambda r: distances[r["leader"]][r["partner"]],
                                                    return_dtype=pl.Float64).alias("distance_km"))
    capacity = len(partners) if n_max is None else n_max
    result["capacity"] = capacity
    plan = design_network(pairs, leader_ids, partners, capacity).to_dict()
    for link in plan["links"]:
        link["reasons"] = link["reasons"] + scorer.explain(link["leader"], link["partner"])[link["type"]]
    result.update({"links": plan["links"], "unassigned": result["unassigned"] + plan["unassigned"],
                   "objective": plan["objective"], "optimal": plan["optimal"], "gap": plan["gap"],
                   "greedy_objective": plan["greedy_objective"], "status": plan["status"]})
    return result


def _backbone(zones: pl.DataFrame, leaders: pl.DataFrame) -> dict[str, Any]:
    nodes = leaders.filter(pl.col("zone_id").is_not_null()).select("zone_id", "province_code", "index").join(
        zones.select("zone_id", "lat", "lon"), on="zone_id").filter(pl.col("lat").is_not_null())
    if nodes.height < 2:
        return {"nodes": [], "edges": [], "metrics": {"nodes": nodes.height}}
    return national_backbone(nodes).to_dict()


def province_network(engine: Engine, province: str, year: int, *, n_max: int | None = DEFAULT_CAPACITY,
                     per_province: dict[str, int] | None = None) -> dict[str, Any]:
    """The 1+N network of one province (code or name) in ``year``, with the national backbone.

    ``n_max`` is N, the partners each leader can take (None: room for every partner)."""
    if n_max is not None and n_max < 0:
        raise InvalidArgument("--n-max", f"must be ≥ 0, got {n_max}")
    code = resolve_province(engine, province)
    zones, structure = zone_frame(engine, year)
    leaders = _leaders(zones, per_province)
    result = _province(zones, structure, leaders, code, year, n_max)
    result["backbone"] = _backbone(zones, leaders)
    return result


def all_networks(engine: Engine, year: int, *, n_max: int | None = DEFAULT_CAPACITY,
                 per_province: dict[str, int] | None = None) -> dict[str, Any]:
    """Every province's network and the national backbone."""
    zones, structure = zone_frame(engine, year)
    leaders = _leaders(zones, per_province)
    provinces = sorted(zones["province_code"].unique().to_list())
    networks = [_province(zones, structure, leaders, code, year, n_max) for code in provinces]
    return {"year": year, "provinces": networks, "backbone": _backbone(zones, leaders),
            "objective": sum(n["objective"] for n in networks)}


def leading_zones(engine: Engine, year: int | None = None) -> dict[str, dict[str, Any]]:
    """Each province's leading zone (领头园区, the "1" of its 1+N network) and the other zones of its
    network, for ``year`` (default: the article's year, or the latest year with data).

    Returns ``{province_code: {"leaders": [zone_id, ...], "members": [zone_id, ...]}}`` where members are
    every zone of the province existing that year (leaders first). The leader is chosen as
    :func:`province_network` chooses it (:func:`parknet.network.leaders.choose_leaders`, one per province);
    a zone that is not a leader of its province is a lagging zone (后发园区) in the fund's sense.
    """
    from parknet.services.overview import default_year, latest_year

    chosen = default_year(latest_year(engine)) if year is None else year
    zones, _ = zone_frame(engine, chosen)
    leaders = _leaders(zones, None).filter(pl.col("zone_id").is_not_null())
    out: dict[str, dict[str, Any]] = {}
    for code, members in zones.group_by("province_code", maintain_order=True).agg(pl.col("zone_id").sort()).iter_rows():
        heads = sorted(leaders.filter(pl.col("province_code") == code)["zone_id"].to_list())
        out[code] = {"leaders": heads, "members": heads + [m for m in members if m not in heads]}
    return out
