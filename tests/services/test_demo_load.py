"""Loading the demo into a database (SQLite and PostgreSQL): calibration survives the store, zone totals
equal the sum of their enterprises in SQL, the cooperation and fair-sharing tables are filled, a reload
replaces the demo (cooperation and fair-sharing data included) and leaves imported data, others'
agreements and the demo entities others' holdings name alone, and reopens closed ledger years on the
record."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from parknet.services import agreements, ledger, sharing
from parknet.services.accounts import Principal
from parknet.services.demo import REOPEN_REASON, load_demo
from parknet.services.overview import overview
from parknet.store import models
from parknet.store.audit import AuditEntry, verify_chain
from parknet.store.cooperation import (
    Agreement,
    AgreementParty,
    CoBuiltProject,
    Framework,
    ProjectPartner,
    ProjectValue,
)
from parknet.store.importers import import_file
from parknet.store.enabling import (
    Demand,
    Expert,
    FundApplication,
    FundCommitment,
    FundDisbursement,
    FundRound,
    PlatformOrder,
    PlatformService,
    ScienceProject,
    ServiceTicket,
    Technology,
    TicketEvent,
)
from parknet.store.ledger import LedgerReopening, closed_years
from parknet.store.session import make_engine
from parknet.store.sharing import CoalitionValue, Entity, Holding
from tests.conftest import _pg_engine

SMALL = {"n_enterprises": 3_000, "n_provincial": 40}


@pytest.fixture
def demo_engine(empty_engine: Engine) -> Engine:
    """A freshly loaded demo, for tests that write (reloads, edits)."""
    load_demo(empty_engine, seed=11, **SMALL)
    return empty_engine


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def loaded_demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One loaded demo per backend shared by the tests that only read it (a load takes ~10 s on PostgreSQL)."""
    if request.param == "sqlite":
        engines: Iterator[Engine] = iter([make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")])
    else:
        engines = _pg_engine()
    engine = next(engines)
    load_demo(engine, seed=11, **SMALL)
    yield engine
    engine.dispose()
    next(engines, None)  # PostgreSQL: drops the schema


def test_overview_of_the_demo_meets_the_articles_2019_figures(loaded_demo: Engine) -> None:
    o = overview(loaded_demo, 2019)
    assert o.zones == 169
    assert o.gdp_share_of_nation == pytest.approx(0.123, abs=0.001)
    assert o.top10_gdp_share == pytest.approx(0.365, abs=0.003)
    assert o.top10_invention_patent_share == pytest.approx(0.648, abs=0.003)
    assert o.land_share_of_nation == pytest.approx(0.003, abs=0.0002)
    assert 2.7 <= o.rd_intensity_vs_nation <= 3.3 and 2.7 <= o.talent_density_vs_nation <= 3.3
    assert o.data_label == "synthetic demo data"


def test_zone_totals_equal_the_sum_of_their_enterprises_exactly(loaded_demo: Engine) -> None:
    v, e = models.ZoneIndicatorValue, models.EnterpriseValue
    codes = ["gdp", "revenue", "employees"]
    with loaded_demo.connect() as conn:
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
            "frameworks": sorted(conn.execute(select(Framework.province_code, Framework.version,
                                                     Framework.document, Framework.created_by)).all()),
            "agreements": sorted(conn.execute(select(Agreement.id, Agreement.status,
                                                     Agreement.framework_version, Agreement.created_by,
                                                     Agreement.is_synthetic)).all()),
            "parties": sorted(conn.execute(select(AgreementParty.agreement_id, AgreementParty.zone_id,
                                                  AgreementParty.role, AgreementParty.confirmed_by)).all()),
            "projects": sorted(conn.execute(select(CoBuiltProject.id, CoBuiltProject.agreement_id,
                                                   CoBuiltProject.name)).all()),
            "partners": sorted(conn.execute(select(ProjectPartner.project_id, ProjectPartner.zone_id,
                                                   ProjectPartner.weight, ProjectPartner.investment)).all()),
            "project_values": sorted(conn.execute(select(
                ProjectValue.project_id, ProjectValue.year, ProjectValue.indicator_code, ProjectValue.value)).all()),
            "entities": sorted(conn.execute(select(Entity.id, Entity.name, Entity.kind, Entity.zone_id,
                                                   Entity.project_id)).all()),
            "holdings": sorted(conn.execute(select(Holding.holder_id, Holding.company_id,
                                                   Holding.share)).all()),
            "coalition_values": sorted(conn.execute(select(
                CoalitionValue.project_id, CoalitionValue.coalition, CoalitionValue.value,
                CoalitionValue.basis)).all()),
        }


def _sharing_batches(engine: Engine) -> set[int | None]:
    with engine.connect() as conn:
        return {b for model in (Entity, Holding, CoalitionValue)
                for b in conn.execute(select(model.batch_id).distinct()).scalars()}


def test_the_demo_fills_the_cooperation_and_sharing_tables(loaded_demo: Engine) -> None:
    content = _content(loaded_demo)
    assert 15 <= len(content["frameworks"]) <= 20  # SMALL: provinces with ≥ 2 zones of the ⅔ that adopt
    assert len(content["agreements"]) >= 50 and len(content["project_values"]) > 500
    statuses = {status for _, status, *_ in content["agreements"]}
    assert statuses == {"draft", "proposed", "active", "terminated"}
    assert {(by, synthetic) for *_, by, synthetic in content["agreements"]} == {("demo", True)}
    assert {len(content[name]) > 0 for name in ("parties", "projects", "partners")} == {True}
    under_framework = [a for a, status, version, *_ in content["agreements"]
                       if status == "active" and version]
    detail = agreements.detail(loaded_demo, under_framework[0])
    assert detail["projects"] and detail["effective_rules"]["title_zh"].endswith("指导性意见（演示）")
    # fair sharing: every body, holdings, v(S) for every project, all stamped with the demo batch
    kinds = {kind for _, _, kind, *_ in content["entities"]}
    assert kinds == {"committee", "province", "asset_company", "project_company"}
    assert len(content["holdings"]) > len(content["entities"]) / 2
    assert {p for p, *_ in content["coalition_values"]} == {p for p, *_ in content["projects"]}
    with loaded_demo.connect() as conn:
        batch = conn.execute(select(models.ImportBatch.id)).scalar_one()  # the demo's: nothing was imported
    assert _sharing_batches(loaded_demo) == {batch}
    project = content["projects"][0][0]
    values = {c: v for p, c, v, _ in content["coalition_values"] if p == project}
    settled = sharing.settle_project(loaded_demo, project)
    assert Decimal(settled["grand_value"]) == values[max(values, key=lambda c: c.count("+"))]
    assert settled["bases"] == ["expected"]
    mine = sharing.ownership(loaded_demo, "wuhan-donghu")["community"]
    assert any(row["zone_id"] == "wuhan-donghu" and row["share"] > 0 for row in mine)


def test_reload_replaces_the_demo_and_keeps_imported_data(demo_engine: Engine, tmp_path: Path) -> None:
    f = tmp_path / "z.csv"
    f.write_text("zone_id,name,level,province_code\nmy-own-park,我的园区,other,420000\n")
    import_file(demo_engine, "zones", f)
    # someone's own company, half held by a demo committee: the reload keeps that committee
    f = tmp_path / "e.csv"
    f.write_text("entity_id,name,kind,zone_id\nmy-company,我的公司,asset_company,wuhan-donghu\n")
    import_file(demo_engine, "entities", f)
    f = tmp_path / "h.csv"
    f.write_text("holder_id,company_id,share\ncmte-wuhan-donghu,my-company,0.5\n")
    import_file(demo_engine, "holdings", f)
    # someone's own agreement with a synthetic zone: the reload keeps it, and so keeps that zone
    own = agreements.create(demo_engine, agreements.AgreementDraft(
        title="东湖—合成园区 合作", zones=["wuhan-donghu", "p-420000-01"], cooperation_type="tech_enabling",
        form="co_built_platform", starts_on=date(2022, 1, 1)), Principal(1, "tester", "admin"))
    before = _content(demo_engine)
    result = load_demo(demo_engine, seed=11, **SMALL)
    assert _content(demo_engine) == before
    assert result.kept == {"zones": 1, "entities": 1}
    assert result.rows["agreements"] == len(before["agreements"]) - 1
    assert result.rows["holdings"] == len(before["holdings"]) - 1
    with demo_engine.connect() as conn:
        kinds = conn.execute(select(models.ImportBatch.kind).order_by(models.ImportBatch.id)).scalars().all()
        batches = conn.execute(select(models.ImportBatch.id).order_by(models.ImportBatch.id)).scalars().all()
    assert kinds == ["zones", "entities", "holdings", "demo"]
    assert _sharing_batches(demo_engine) == {batches[1], batches[2], result.batch_id}
    assert ("my-own-park", "我的园区", None) in before["zones"]
    # made under Hubei's demo framework (seed 11 adopts one): that framework stays, with the same content
    assert (own, "draft", 1, "tester", False) in before["agreements"]


def test_reload_reopens_closed_years_on_the_record(demo_engine: Engine) -> None:
    ledger.close_year(demo_engine, 2021, actor="tester")
    result = load_demo(demo_engine, seed=11, **SMALL)
    assert result.reopened == (2021,)
    with demo_engine.connect() as conn:
        assert closed_years(conn) == set()
        reopenings = conn.execute(select(LedgerReopening.year, LedgerReopening.version,
                                         LedgerReopening.reopened_by, LedgerReopening.reason)).all()
        last = conn.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.entity_key)
                            .order_by(AuditEntry.id.desc()).limit(1)).one()
    assert reopenings == [(2021, 1, "demo", REOPEN_REASON)]
    assert tuple(last) == ("demo", "reopen", "2021/v1") and verify_chain(demo_engine).ok
    assert load_demo(demo_engine, seed=11, **SMALL).reopened == ()  # nothing closed any more


def test_progress_reports_every_step_in_order(tmp_path: Path) -> None:
    from parknet.services.demo import STEPS

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


_ENABLING = (FundRound, FundApplication, FundCommitment, FundDisbursement, Technology, Expert, ScienceProject,
             Demand, ServiceTicket, TicketEvent, PlatformService, PlatformOrder)


def _enabling_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {m.__tablename__: conn.execute(select(func.count()).select_from(m)).scalar_one() for m in _ENABLING}


def test_the_demo_fills_the_enabling_tables(loaded_demo: Engine) -> None:
    from parknet.services.network import leading_zones

    counts = _enabling_counts(loaded_demo)
    assert counts["technologies"] >= 2_000 and counts["experts"] >= 500 and counts["science_projects"] >= 500
    assert counts["demands"] >= 200 and counts["fund_rounds"] == 2 and counts["fund_commitments"] > 0
    assert counts["ticket_events"] > counts["service_tickets"] == 300
    with loaded_demo.connect() as conn:
        batch = conn.execute(select(models.ImportBatch.id)).scalar_one()
        for model in (FundRound, FundApplication, Technology, Expert, ScienceProject, Demand, PlatformService,
                      PlatformOrder):
            assert set(conn.execute(select(model.batch_id).distinct()).scalars()) == {batch}, model
        providers = set(conn.execute(select(ServiceTicket.provider_zone).distinct()).scalars())
        statuses = dict(conn.execute(select(FundRound.id, FundRound.status)).all())
    leaders = {z for network in leading_zones(loaded_demo).values() for z in network["leaders"]}
    assert providers <= leaders  # the services' leaders: a requester is lagging in their sense too
    assert sorted(statuses.values()) == ["committed", "open"]
    from parknet.services import fund

    committed = next(r for r, status in statuses.items() if status == "committed")
    assert fund.allocate_round(loaded_demo, committed)["commitments_match"]  # a fresh solve, same hash


def test_reload_replaces_the_enabling_demo_and_keeps_what_others_name(demo_engine: Engine) -> None:
    from datetime import UTC, datetime

    with demo_engine.begin() as conn:
        demand, zone = conn.execute(select(Demand.id, Demand.zone_id).order_by(Demand.id).limit(1)).one()
        content = [c for c in Demand.__table__.columns if c.name != "batch_id"]
        before = conn.execute(select(*content).where(Demand.id == demand)).one()
        expert = conn.execute(select(Expert.id).order_by(Expert.id.desc()).limit(1)).scalar_one()
        service = conn.execute(select(PlatformService.code, PlatformService.provider_zone, PlatformService.price)
                               .order_by(PlatformService.code).limit(1)).one()
        moved = conn.execute(select(ServiceTicket.id).where(  # names no demand or record of its own
            ServiceTicket.status == "open", ServiceTicket.demand_id.is_(None), ServiceTicket.match_ref.is_(None))
            .order_by(ServiceTicket.id).limit(1)).scalar_one()
        provider = conn.execute(select(ServiceTicket.provider_zone).where(ServiceTicket.requester_zone == zone)
                                .limit(1)).scalar()
        now = datetime.now(UTC)
        # a user's ticket that names a demo demand and a demo expert, with its first step
        conn.execute(ServiceTicket.__table__.insert().values(
            id="TST-0001", kind="talent", requester_zone=zone, provider_zone=provider, title="我的人才对接",
            opened_on=date(2025, 1, 2), due_on=date(2025, 2, 2), status="open", demand_id=demand,
            match_ref=f"expert:{expert}", created_by="tester", is_synthetic=False))
        conn.execute(TicketEvent.__table__.insert().values(ticket_id="TST-0001", status="open", on=date(2025, 1, 2),
                                                           actor="tester", recorded_at=now, is_synthetic=False))
        # a user's step on a demo ticket, and a user's order of a demo service
        conn.execute(TicketEvent.__table__.insert().values(ticket_id=moved, status="assigned", on=date(2025, 1, 3),
                                                           actor="tester", recorded_at=now, is_synthetic=False))
        conn.execute(PlatformOrder.__table__.insert().values(
            id="TST-OD-1", buyer_zone=zone if zone != service.provider_zone else "xiaogan", code=service.code,
            quantity=Decimal(1), unit_price=service.price, ordered_on=date(2025, 1, 5), is_synthetic=False))
    first = _enabling_counts(demo_engine)
    result = load_demo(demo_engine, seed=12, **SMALL)  # another seed: other demo rows, same ids
    assert {k: result.kept.get(k) for k in ("demands", "experts", "platform_services", "service_tickets")} == \
        {"demands": 1, "experts": 1, "platform_services": 1, "service_tickets": 1}
    with demo_engine.connect() as conn:
        assert conn.execute(select(*content).where(Demand.id == demand)).one() == before
        assert conn.execute(select(ServiceTicket.demand_id).where(ServiceTicket.id == "TST-0001")).scalar() == demand
        assert conn.execute(select(func.count()).select_from(TicketEvent).where(TicketEvent.ticket_id == moved)
                            ).scalar_one() == 2  # the demo's step and the user's
        assert conn.execute(select(Expert.id).where(Expert.id == expert)).scalar() == expert
        batch = result.batch_id
        assert conn.execute(select(Demand.batch_id).where(Demand.id == demand)).scalar() == batch  # reconsidered
        others = conn.execute(select(Demand.id, Demand.title).where(Demand.id != demand)).all()
    counts = _enabling_counts(demo_engine)
    assert counts["service_tickets"] == first["service_tickets"]  # 300 demo (one kept) + the user's
    assert counts["platform_orders"] >= 301 and counts["demands"] == first["demands"]
    assert len(others) == first["demands"] - 1
    # the same seed again: the same content, the user's rows untouched
    again = load_demo(demo_engine, seed=12, **SMALL)
    assert _enabling_counts(demo_engine) == counts and again.kept == result.kept
