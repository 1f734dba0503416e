"""Loading the demo into a database (SQLite and PostgreSQL): calibration survives the store, zone totals
equal the sum of their enterprises in SQL, a reload replaces the demo and leaves imported data alone."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from parknet.services.demo import load_demo
from parknet.services.overview import overview
from parknet.store import models
from parknet.store.importers import import_file

SMALL = {"n_enterprises": 3_000, "n_provincial": 40}


@pytest.fixture
def demo_engine(empty_engine: Engine) -> Engine:
    load_demo(empty_engine, seed=11, **SMALL)
    return empty_engine


def test_overview_of_the_demo_meets_the_articles_2019_figures(demo_engine: Engine) -> None:
    o = overview(demo_engine, 2019)
    assert o.zones == 169
    assert o.gdp_share_of_nation == pytest.approx(0.123, abs=0.001)
    assert o.top10_gdp_share == pytest.approx(0.365, abs=0.003)
    assert o.top10_invention_patent_share == pytest.approx(0.648, abs=0.003)
    assert o.land_share_of_nation == pytest.approx(0.003, abs=0.0002)
    assert 2.7 <= o.rd_intensity_vs_nation <= 3.3 and 2.7 <= o.talent_density_vs_nation <= 3.3
    assert o.data_label == "synthetic demo data"


def test_zone_totals_equal_the_sum_of_their_enterprises_exactly(demo_engine: Engine) -> None:
    v, e = models.ZoneIndicatorValue, models.EnterpriseValue
    codes = ["gdp", "revenue", "employees"]
    with demo_engine.connect() as conn:
        zone = {(z, y, c): x for z, y, c, x in conn.execute(
            select(v.zone_id, v.year, v.indicator_code, v.value).where(v.indicator_code.in_(codes)))}
        ent = {(z, y, c): x for z, y, c, x in conn.execute(
            select(e.zone_id, e.year, e.indicator_code, func.sum(e.value)).where(e.indicator_code.in_(codes))
            .group_by(e.zone_id, e.year, e.indicator_code))}
    assert len(ent) > 1000 and set(ent) <= set(zone)
    assert [k for k in ent if Decimal(ent[k]) != zone[k]] == []


def _content(engine: Engine) -> dict[str, list[tuple]]:
    """Demo-relevant table contents without batch ids (a reload gets a new batch id)."""
    v, e, r = models.ZoneIndicatorValue, models.Enterprise, models.Relocation
    with engine.connect() as conn:
        return {
            "values": sorted(conn.execute(select(v.zone_id, v.year, v.indicator_code, v.value)).all()),
            "enterprises": sorted(conn.execute(select(e.credit_code, e.zone_id, e.incubated_in)).all()),
            "relocations": sorted(conn.execute(select(r.credit_code, r.from_zone, r.to_zone, r.moved_on)).all()),
            "zones": sorted(conn.execute(select(models.Zone.id, models.Zone.name, models.Zone.area_km2)).all()),
        }


def test_reload_replaces_the_demo_and_keeps_imported_data(demo_engine: Engine, tmp_path: Path) -> None:
    f = tmp_path / "z.csv"
    f.write_text("zone_id,name,level,province_code\nmy-own-park,我的园区,other,420000\n")
    import_file(demo_engine, "zones", f)
    before = _content(demo_engine)
    load_demo(demo_engine, seed=11, **SMALL)
    assert _content(demo_engine) == before
    with demo_engine.connect() as conn:
        kinds = conn.execute(select(models.ImportBatch.kind).order_by(models.ImportBatch.id)).scalars().all()
    assert kinds == ["zones", "demo"]
    assert ("my-own-park", "我的园区", None) in before["zones"]


def test_progress_reports_every_step_in_order(tmp_path: Path) -> None:
    from parknet.services.demo import STEPS
    from parknet.store.session import make_engine

    seen: list[str] = []
    load_demo(make_engine(f"sqlite:///{tmp_path / 'p.db'}"), seed=2, progress=seen.append, **SMALL)
    assert tuple(seen) == STEPS


def test_reload_keeps_values_edited_after_the_demo(demo_engine: Engine) -> None:
    from parknet.store.importers import import_rows

    import_rows(demo_engine, "indicators", [{"zone_id": "wuhan-donghu", "year": 2019, "indicator": "gdp",
                                             "value": "123.5"}], source="test edit", user="tester")
    result = load_demo(demo_engine, seed=11, **SMALL)
    assert result.kept == {"zone_indicator_values": 1}
    v = models.ZoneIndicatorValue
    with demo_engine.connect() as conn:
        value = conn.execute(select(v.value).where(v.zone_id == "wuhan-donghu", v.year == 2019,
                                                   v.indicator_code == "gdp")).scalar()
    assert value == Decimal("123.5")
