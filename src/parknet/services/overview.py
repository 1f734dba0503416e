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

__all__ = ["Overview", "overview", "latest_year"]


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


def _values(engine: Engine, year: int, code: str) -> dict[str, float]:
    z, v = models.Zone, models.ZoneIndicatorValue
    stmt = (select(v.zone_id, v.value).join(z, z.id == v.zone_id)
            .where(v.year == year, v.indicator_code == code, z.level == ZoneLevel.NATIONAL.value))
    with engine.connect() as conn:
        return {zone: float(value) for zone, value in conn.execute(stmt)}


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
    gdp, patents = _values(engine, year, "gdp"), _values(engine, year, "invention_patents_granted")
    rd, rd_people, employees = (_values(engine, year, c) for c in ("rd_expenditure", "rd_personnel", "employees"))
    totals = national_totals().filter(year=year)
    nation = totals.row(0, named=True) if totals.height else None
    gdp_sum = sum(gdp.values())
    return Overview(
        year=year,
        zones=counts.get(ZoneLevel.NATIONAL.value, 0),
        provincial_zones=counts.get(ZoneLevel.PROVINCIAL.value, 0),
        gdp_share_of_nation=_ratio(gdp_sum, nation["gdp_100m_yuan"] * 1e4) if nation and gdp else None,
        land_share_of_nation=_ratio(area, CHINA_LAND_AREA_KM2) if area else None,
        top10_gdp_share=top_share(list(gdp.values()), 10) if gdp else None,
        top10_invention_patent_share=top_share(list(patents.values()), 10) if patents else None,
        rd_intensity_vs_nation=_ratio(_ratio(sum(rd.values()), gdp_sum) or 0,
                                      nation["rd_expenditure_100m_yuan"] / nation["gdp_100m_yuan"])
        if nation and rd and gdp_sum else None,
        talent_density_vs_nation=_ratio(_ratio(sum(rd_people.values()), sum(employees.values())) or 0,
                                        nation["rd_personnel_fte_10k"] / nation["employed_10k"])
        if nation and rd_people and employees else None,
        data_label=DEMO_LABEL if demo else None,
    )
