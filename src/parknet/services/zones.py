"""Listing zones (``parknet zones``) and resolving a province given by code or name."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from sqlalchemy import Engine, or_, select

from parknet.errors import InvalidArgument
from parknet.domain import ZoneLevel
from parknet.store import models

__all__ = ["ZoneRow", "list_zones", "resolve_province"]


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
