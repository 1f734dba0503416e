"""National key figures for one year (the overview page and ``parknet summary``).

Shares follow the article's definitions: national zones' GDP over national GDP; the top-10 zones' share
of all national zones' GDP and of their granted invention patents; R&D intensity and talent density
against the national level.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import Engine, func, select

from parknet.analysis.polarization import top_share
from parknet.data.demo import DEMO_LABEL
from parknet.data.reference import CHINA_LAND_AREA_KM2, national_totals
from parknet.domain import ZoneLevel
from parknet.errors import InvalidArgument
from parknet.store import models

__all__ = ["Overview", "overview", "latest_year", "default_year", "top_share_trend", "province_aggregates",
           "data_version", "ARTICLE_YEAR"]

#: The year of the article's figures; the default year wherever the data reaches it.
ARTICLE_YEAR = 2019


@dataclass(frozen=True)
class Overview:
    year: int
    zones: int
    provincial_zones: int
    gdp_share_of_nation: float | None
    land_share_of_nation: float | None
    top10_gdp_share: float | None
    top10_invention_patent_share: float | None
    rd_intensity_vs_nation: float | None
    talent_density_vs_nation: float | None
    data_label: str | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def latest_year(engine: Engine) -> int | None:
    """The latest year with any zone GDP value."""
    v = models.ZoneIndicatorValue
    with engine.connect() as conn:
        return conn.execute(select(func.max(v.year)).where(v.indicator_code == "gdp")).scalar()


def default_year(latest: int | None) -> int:
    """The article's year when the data reaches it, else the latest year with data (the article's when none)."""
    return ARTICLE_YEAR if latest is None or latest >= ARTICLE_YEAR else latest


def _values(engine: Engine, year: int, codes: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """National zones' values of ``codes`` in ``year``, in one query: indicator → zone → value."""
    z, v = models.Zone, models.ZoneIndicatorValue
    stmt = (select(v.indicator_code, v.zone_id, v.value).join(z, z.id == v.zone_id)
            .where(v.year == year, v.indicator_code.in_(codes), z.level == ZoneLevel.NATIONAL.value))
    out: dict[str, dict[str, float]] = {code: {} for code in codes}
    with engine.connect() as conn:
        for code, zone, value in conn.execute(stmt):
            out[code][zone] = float(value)
    return out


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def overview(engine: Engine, year: int) -> Overview:
    """Key figures of the national zones in ``year`` (zones approved by then)."""
    z = models.Zone
    with engine.connect() as conn:
        counts: dict[str, int] = {lv: n for lv, n in conn.execute(
            select(z.level, func.count()).where((z.approved_year.is_(None)) | (z.approved_year <= year))
            .group_by(z.level))}
        area = conn.execute(select(func.sum(z.area_km2)).where(
            z.level == ZoneLevel.NATIONAL.value, z.approved_year <= year)).scalar()
        demo = conn.execute(select(func.count()).select_from(models.ImportBatch)
                            .where(models.ImportBatch.kind == "demo")).scalar()
    if not counts:
        raise InvalidArgument("year", f"no zones exist in {year}")
    values = _values(engine, year, ("gdp", "invention_patents_granted", "rd_expenditure", "rd_personnel", "employees"))
    gdp, patents = values["gdp"], values["invention_patents_granted"]
    rd, rd_people, employees = values["rd_expenditure"], values["rd_personnel"], values["employees"]
    totals = national_totals().filter(year=year)
    nation = totals.row(0, named=True) if totals.height else None
    gdp_sum = sum(gdp.values())
    return Overview(
        year=year,
        zones=counts.get(ZoneLevel.NATIONAL.value, 0),
        provincial_zones=counts.get(ZoneLevel.PROVINCIAL.value, 0),
        gdp_share_of_nation=_ratio(gdp_sum, nation["gdp_100m_yuan"] * 1e4) if nation and gdp else None,
        land_share_of_nation=_ratio(area, CHINA_LAND_AREA_KM2) if area else None,
        top10_gdp_share=top_share(list(gdp.values()), 10) if gdp_sum else None,
        top10_invention_patent_share=top_share(list(patents.values()), 10) if sum(patents.values()) else None,
        rd_intensity_vs_nation=_ratio(_ratio(sum(rd.values()), gdp_sum) or 0,
                                      nation["rd_expenditure_100m_yuan"] / nation["gdp_100m_yuan"])
        if nation and rd and gdp_sum else None,
        talent_density_vs_nation=_ratio(_ratio(sum(rd_people.values()), sum(employees.values())) or 0,
                                        nation["rd_personnel_fte_10k"] / nation["employed_10k"])
        if nation and rd_people and employees else None,
        data_label=DEMO_LABEL if demo else None,
    )


def top_share_trend(engine: Engine, indicator: str = "gdp", k: int = 10) -> list[dict[str, object]]:
    """Top-k share of national zones' ``indicator`` for every year with data (the polarization trend)."""
    z, v = models.Zone, models.ZoneIndicatorValue
    stmt = (select(v.year, v.value).join(z, z.id == v.zone_id)
            .where(v.indicator_code == indicator, z.level == ZoneLevel.NATIONAL.value).order_by(v.year))
    by_year: dict[int, list[float]] = {}
    with engine.connect() as conn:
        for year, value in conn.execute(stmt):
            by_year.setdefault(year, []).append(float(value))
    return [{"year": year, "zones": len(values), "share": top_share(values, k)}
            for year, values in by_year.items() if sum(values) > 0]


def province_aggregates(engine: Engine, year: int) -> list[dict[str, object]]:
    """Per province: number of national and provincial zones in ``year`` and their summed GDP (万元)."""
    z, v, p = models.Zone, models.ZoneIndicatorValue, models.Province
    zone_counts = (select(z.province_code, z.level, func.count().label("n"))
                   .where((z.approved_year.is_(None)) | (z.approved_year <= year)).group_by(z.province_code, z.level))
    gdp = (select(z.province_code, z.level, func.sum(v.value).label("gdp")).join(v, v.zone_id == z.id)
           .where(v.year == year, v.indicator_code == "gdp").group_by(z.province_code, z.level))
    with engine.connect() as conn:
        provinces = conn.execute(select(p.code, p.name, p.short_name, p.name_en, p.region).order_by(p.code)).all()
        counts = {(c, lv): n for c, lv, n in conn.execute(zone_counts)}
        sums = {(c, lv): g for c, lv, g in conn.execute(gdp)}
    out = []
    for code, name, short, name_en, region in provinces:
        national_gdp = sums.get((code, ZoneLevel.NATIONAL.value))
        out.append({"province_code": code, "name": name, "short_name": short, "name_en": name_en, "region": region,
                    "national_zones": counts.get((code, ZoneLevel.NATIONAL.value), 0),
                    "provincial_zones": counts.get((code, ZoneLevel.PROVINCIAL.value), 0),
                    "national_zone_gdp": None if national_gdp is None else float(national_gdp)})
    return out


def data_version(engine: Engine) -> tuple[int, int]:
    """Changes whenever data changes (a new import batch or audit entry): the key for cached aggregates."""
    from parknet.store.audit import AuditEntry

    with engine.connect() as conn:
        batch = conn.execute(select(func.max(models.ImportBatch.id))).scalar() or 0
        entry = conn.execute(select(func.max(AuditEntry.id))).scalar() or 0
    return int(batch), int(entry)
