"""Listing zones (``parknet zones``) and resolving a province given by code or name."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from sqlalchemy import Connection, Engine, or_, select

from parknet.errors import InvalidArgument, NotFound
from parknet.domain import ZoneLevel
from parknet.store import models

__all__ = ["ZoneRow", "list_zones", "resolve_province", "get_zone", "require_zone", "zone_indicators",
           "zone_industry_output"]


@dataclass(frozen=True)
class ZoneRow:
    zone_id: str
    name: str
    level: str
    province_code: str
    province: str
    city: str | None
    approved_year: int | None
    is_synthetic: bool
    gdp: Decimal | None = None

    def to_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["gdp"] = None if self.gdp is None else float(self.gdp)
        return out


def resolve_province(engine: Engine, code_or_name: str) -> str:
    """The GB/T 2260 code of a province given as code (420000), full name (湖北省), short name (湖北) or
    English name (Hubei)."""
    needle = code_or_name.strip()
    p = models.Province
    with engine.connect() as conn:
        code = conn.execute(select(p.code).where(or_(
            p.code == needle, p.name == needle, p.short_name == needle, p.name_en.ilike(needle)))).scalar()
    if code is None:
        raise InvalidArgument("--province", f"unknown province {code_or_name!r}: give a GB/T 2260 code "
                                            "(e.g. 420000) or a name (湖北 / 湖北省 / Hubei)")
    return code


def list_zones(engine: Engine, *, level: str | None = None, province: str | None = None,
               year: int | None = None) -> list[ZoneRow]:
    """Zones filtered by level, province and (``year``) existence in that year, with that year's GDP.

    Ordered by GDP descending when ``year`` is given, else by province code and approval year.
    """
    if level is not None and level not in {lv.value for lv in ZoneLevel}:
        raise InvalidArgument("--level", f"choose national, provincial or other, got {level!r}")
    z, p, v = models.Zone, models.Province, models.ZoneIndicatorValue
    stmt = select(z.id, z.name, z.level, z.province_code, p.name, z.city, z.approved_year, z.is_synthetic).join(
        p, p.code == z.province_code)
    if level:
        stmt = stmt.where(z.level == level)
    if province:
        stmt = stmt.where(z.province_code == resolve_province(engine, province))
    if year is not None:
        stmt = stmt.where(or_(z.approved_year.is_(None), z.approved_year <= year))
        stmt = stmt.add_columns(v.value).outerjoin(
            v, (v.zone_id == z.id) & (v.year == year) & (v.indicator_code == "gdp"))
    stmt = stmt.order_by(z.province_code, z.approved_year, z.id)
    with engine.connect() as conn:
        rows = [ZoneRow(*r) for r in conn.execute(stmt)]
    if year is not None:
        rows.sort(key=lambda r: (r.gdp is None, -(r.gdp or 0)))
    return rows


def get_zone(engine: Engine, zone_id: str) -> dict[str, object]:
    """One zone's reference record with its province name; NotFound when unknown."""
    z, p = models.Zone, models.Province
    with engine.connect() as conn:
        row = conn.execute(select(z.id.label("zone_id"), z.name, z.level, z.province_code, p.name.label("province"),
                                  p.region, z.city, z.city_code, z.approved_year, z.area_km2, z.lat, z.lon,
                                  z.is_synthetic).join(p, p.code == z.province_code).where(z.id == zone_id)).first()
    if row is None:
        raise NotFound(f"unknown zone {zone_id!r}")
    return dict(row._mapping)


def require_zone(conn: Connection, zone_id: str) -> None:
    """NotFound ("no zone …") unless ``zone_id`` is a stored zone (for filters and arguments naming a zone)."""
    if conn.execute(select(models.Zone.id).where(models.Zone.id == zone_id)).scalar() is None:
        raise NotFound(f"no zone {zone_id!r}")


def zone_indicators(engine: Engine, zone_id: str, *, indicator: str | None = None) -> list[dict[str, object]]:
    """A zone's indicator values over the years: ``year, indicator, value, unit, source`` (source = the import
    batch's kind and file, so every figure says where it came from)."""
    get_zone(engine, zone_id)
    v, d, b = models.ZoneIndicatorValue, models.IndicatorDefinition, models.ImportBatch
    stmt = (select(v.year, v.indicator_code, v.value, d.unit, b.kind, b.file_name)
            .join(d, d.code == v.indicator_code).outerjoin(b, b.id == v.batch_id)
            .where(v.zone_id == zone_id).order_by(v.indicator_code, v.year))
    if indicator:
        stmt = stmt.where(v.indicator_code == indicator)
    with engine.connect() as conn:
        return [{"year": y, "indicator": c, "value": float(x), "unit": u,
                 "source": None if kind is None else f"{kind}: {name}"}
                for y, c, x, u, kind, name in conn.execute(stmt)]


def zone_industry_output(engine: Engine, zone_id: str, year: int) -> list[dict[str, object]]:
    """A zone's revenue by GB/T 4754 division in ``year``, largest first."""
    get_zone(engine, zone_id)
    o, i = models.ZoneIndustryOutput, models.Industry
    stmt = (select(o.industry_code, i.name, i.name_en, o.value).join(i, i.code == o.industry_code)
            .where(o.zone_id == zone_id, o.year == year, o.indicator_code == "revenue").order_by(o.value.desc()))
    with engine.connect() as conn:
        return [{"industry_code": c, "name": n, "name_en": ne, "value": float(x)} for c, n, ne, x in conn.execute(stmt)]
