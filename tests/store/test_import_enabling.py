"""Importing the enabling mechanism's kinds (fund rounds, budgets, applications; the three libraries;
demands; platform services): reference checks, duplicate library records, the committed-round lock, and
the append-only fund ledger — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import DBAPIError

from parknet.errors import ImportRejected
from parknet.store.cooperation import Agreement, AgreementParty
from parknet.store.enabling import FundApplication, FundBudget, FundCommitment, FundRound, Technology
from parknet.store.importers import import_rows

ROUND = {"round_id": "HB-T1", "province_code": "420000", "name": "测试批次", "year": "2024",
         "zone_cap": "50000", "lagging_min_share": "30%", "partial_allowed": "是"}


def _import(engine: Engine, kind: str, rows: list[dict[str, Any]]) -> Any:
    return import_rows(engine, kind, rows, source=f"{kind}.json", user="test")


def _problems(engine: Engine, kind: str, rows: list[dict[str, Any]]) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        _import(engine, kind, rows)
    return [f"{p.row}:{p.column}: {p.reason}" for p in caught.value.problems]


def _agreement(engine: Engine, agreement_id: str, zones: list[str]) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(insert(Agreement).values(
            id=agreement_id, province_code="420000", framework_version=None, title="测试协议",
            cooperation_type="chain_complement", form="project_cooperation", fields="[]",
            starts_on=date(2023, 1, 1), rules="{}", status="active", created_at=now, created_by="test",
            changed_at=now))
        conn.execute(insert(AgreementParty), [{"agreement_id": agreement_id, "zone_id": z, "role": "partner"}
                                              for z in zones])


def _application(**changes: str) -> dict[str, str]:
    row = {"application_id": "A1", "round_id": "HB-T1", "zone_id": "xiangyang", "title": "襄阳新能源汽车配套",
           "eligible": "产业基金、创投基金", "amount": "12000.5", "impact": "30000", "impact_basis": "可研报告"}
    return {**row, **changes}


def test_round_budgets_and_applications(engine: Engine) -> None:
    _import(engine, "fund-rounds", [ROUND])
    _import(engine, "fund-budgets", [{"round_id": "HB-T1", "subfund": "开发基金", "budget": "100000"},
                                     {"round_id": "HB-T1", "subfund": "venture", "budget": "40000.0001"}])
    _agreement(engine, "AG-T1", ["wuhan-donghu", "xiangyang"])
    _import(engine, "fund-applications", [_application(agreement_id="AG-T1", partners="wuhan-donghu",
                                                       min_amount="5000")])
    with engine.connect() as conn:
        r = conn.execute(select(FundRound)).one()
        budgets = dict(conn.execute(select(FundBudget.subfund, FundBudget.budget)).all())
        a = conn.execute(select(FundApplication)).one()
    assert (r.lagging_min_share, r.zone_cap, r.partial_allowed, r.status) == (Decimal("0.3"), Decimal(50000), True,
                                                                              "open")
    assert budgets == {"development": Decimal(100000), "venture": Decimal("40000.0001")}
    assert (a.eligible, a.amount, a.partners, a.min_amount) == ("industry,venture", Decimal("12000.5"),
                                                               "wuhan-donghu", Decimal(5000))


def test_application_references_are_checked(engine: Engine) -> None:
    _import(engine, "fund-rounds", [ROUND])
    _agreement(engine, "AG-T1", ["wuhan-donghu", "xiangyang"])
    problems = _problems(engine, "fund-applications", [
        _application(application_id="A1", round_id="NOPE"),
        _application(application_id="A2", zone_id="zhongguancun"),  # Beijing zone, Hubei fund
        _application(application_id="A3", agreement_id="AG-T1", partners="yichang"),
        _application(application_id="A4", min_amount="20000"),
        _application(application_id="A5", eligible="人才基金"),
        _application(application_id="A6", partners="xiangyang"),
    ])
    text = "\n".join(problems)
    assert "1:round_id: unknown fund round 'NOPE'" in text
    assert "2:zone_id: zhongguancun is in province 110000; round HB-T1 is the fund of province 420000" in text
    assert "3:partners: yichang not a party to agreement AG-T1" in text
    assert "4:min_amount: the smallest useful award 20000 is more than the amount asked 12000.5" in text
    assert "5:eligible: unknown sub-fund '人才基金'" in text
    assert "6:partners: xiangyang is the applicant" in text
    with engine.connect() as conn:
        assert conn.execute(select(FundApplication)).all() == []


def test_a_committed_round_refuses_new_budgets_and_applications(engine: Engine) -> None:
    _import(engine, "fund-rounds", [ROUND])
    with engine.begin() as conn:
        conn.execute(update(FundRound).values(status="committed"))
    problems = _problems(engine, "fund-budgets", [{"round_id": "HB-T1", "subfund": "industry", "budget": "1"}])
    assert problems == ["1:round_id: round HB-T1 is committed: its allocation is committed, so its budgets and "
                        "applications can no longer change"]
    problems = _problems(engine, "fund-rounds", [{**ROUND, "lagging_min_share": "0.5"}])
    assert problems == ["1:round_id: round HB-T1 is committed: its allocation is committed, so its rules can no "
                        "longer change"]


TECH = {"id": "T1", "title": "高功率光纤激光器", "description": "单模光纤激光器核心器件与工艺", "field": "光电子",
        "trl": "7", "owner_institution": "示例光电研究院", "zone_id": "wuhan-donghu",
        "industry_codes": "3976、4014", "licensing": "许可"}


def test_technologies_and_duplicate_records(engine: Engine) -> None:
    _import(engine, "technologies", [TECH])
    with engine.connect() as conn:
        row = conn.execute(select(Technology)).one()
    assert (row.industry_codes, row.licensing, row.trl) == ("3976,4014", "license", 7)
    # the same technology under a new id: in the file, and against the store (case, width and spaces ignored)
    twice = _problems(engine, "technologies", [{**TECH, "id": "T2", "title": "高功率 光纤激光器"},
                                               {**TECH, "id": "T3", "title": "ＸＹ焊接机器人"},
                                               {**TECH, "id": "T4", "title": "xy焊接机器人"}])
    assert twice == [
        "1:title: duplicate record: T1 (already stored) has the same title and owner_institution; update that "
        "record instead of adding T2",
        "3:title: duplicate record: T3 (earlier in this file) has the same title and owner_institution; update "
        "that record instead of adding T4"]
    # re-importing the stored record itself (same id) is an update, not a duplicate
    assert _import(engine, "technologies", [{**TECH, "trl": "8"}]).updated == 1


def test_library_cells_are_validated(engine: Engine) -> None:
    problems = _problems(engine, "technologies", [
        {**TECH, "id": "B1", "trl": "10"},
        {**TECH, "id": "B2", "title": "其他技术", "industry_codes": "39x"},
        {**TECH, "id": "B3", "title": "另一技术", "industry_codes": "99"},
        {**TECH, "id": "B4", "title": "第四技术", "licensing": "赠送"},
        {**TECH, "id": "B5", "title": "第五技术", "zone_id": "atlantis"},
    ])
    text = "\n".join(problems)
    assert "1:trl: trl 10 is out of range 1–9" in text
    assert "2:industry_codes: '39x' is not a GB/T 4754-2017 code" in text
    assert "3:industry_codes: unknown GB/T 4754-2017 division in 99" in text
    assert "4:licensing: licensing must be one of" in text
    assert "5:zone_id: unknown zone 'atlantis'" in text


def test_experts_projects_demands_and_services(engine: Engine) -> None:
    _import(engine, "experts", [{"id": "E1", "name": "张示例", "title": "研究员", "institution": "示例材料研究所",
                                 "fields": "锂电池正极材料", "profile": "长期从事高镍三元正极材料研究",
                                 "industry_codes": "3841", "availability": "可对接"}])
    _import(engine, "science-projects", [{"id": "P1", "title": "固态电池中试线", "description": "硫化物电解质",
                                          "institution": "示例能源研究院", "stage": "中试", "funding": "800"}])
    _import(engine, "platform-services", [{"code": "S1", "provider_zone": "wuhan-donghu", "name": "技术转移服务",
                                           "category": "创新服务", "unit": "次", "price": "3.5"}])
    problems = _problems(engine, "demands", [
        {"id": "D1", "zone_id": "xiangyang", "title": "需要电池热管理技术", "description": "新能源汽车电池包",
         "library": "技术需求", "posted_on": "2024-03-01", "credit_code": "91420100MA4KXXXX0X"}])
    assert any(p.startswith("1:credit_code:") for p in problems)
    _import(engine, "demands", [{"id": "D1", "zone_id": "xiangyang", "title": "需要电池热管理技术",
                                 "description": "新能源汽车电池包", "library": "技术需求", "posted_on": "2024-03-01",
                                 "industry_codes": "36"}])


def _commitment(synthetic: bool) -> dict[str, Any]:
    return {"round_id": "HB-T1", "application_id": "A1", "subfund": "industry", "kind": "commit",
            "amount": Decimal(100), "reason": "test", "recorded_at": datetime.now(UTC), "recorded_by": "test",
            "is_synthetic": synthetic}


def test_the_fund_ledger_is_append_only_except_demo_rows(engine: Engine) -> None:
    _import(engine, "fund-rounds", [ROUND])
    _import(engine, "fund-applications", [_application()])
    with engine.begin() as conn:
        conn.execute(insert(FundCommitment), [_commitment(False), _commitment(True)])
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(update(FundCommitment).values(amount=Decimal(1)))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(delete(FundCommitment).where(FundCommitment.is_synthetic.is_(False)))
    with engine.begin() as conn:  # the demo's rows may go (a demo reload replaces them)
        conn.execute(delete(FundCommitment).where(FundCommitment.is_synthetic.is_(True)))
        assert conn.execute(select(FundCommitment.amount)).scalars().all() == [Decimal(100)]
