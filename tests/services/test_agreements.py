"""Guiding framework versions and the agreement lifecycle (draft → proposed → active → terminated): only each
party's own zone admin confirms, activation needs every confirmation, every change is audited, and bad
requests change nothing. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from parknet.errors import Conflict, Forbidden, InvalidArgument, NotFound
from parknet.services import agreements, frameworks
from parknet.services.accounts import Principal
from parknet.store.audit import AuditEntry, verify_chain
from tests.conftest import snapshot

ADMIN = Principal(1, "prov-admin", "admin")
DONGHU = Principal(2, "donghu-admin", "zone_admin", "wuhan-donghu")
XIANGYANG = Principal(3, "xiangyang-admin", "zone_admin", "xiangyang")
YICHANG = Principal(4, "yichang-admin", "zone_admin", "yichang")
SHENZHEN = Principal(5, "shenzhen-admin", "zone_admin", "shenzhen")


def _draft(**changes: object) -> agreements.AgreementDraft:
    base = dict(title="光谷—襄阳—宜昌 光电子产业链合作", zones=["wuhan-donghu", "xiangyang", "yichang"],
                cooperation_type="chain_complement", form="special_cooperation_zone", starts_on=date(2020, 1, 1),
                fields=["39"])
    base.update(changes)
    return agreements.AgreementDraft(**base)  # type: ignore[arg-type]


def _audit_actions(engine: Engine, key_prefix: str) -> list[str]:
    with engine.connect() as conn:
        return [a for a, k in conn.execute(select(AuditEntry.action, AuditEntry.entity_key).order_by(AuditEntry.id))
                if k.startswith(key_prefix)]


def test_framework_versions_are_added_never_changed(engine: Engine) -> None:
    doc = frameworks.template()
    doc["title_zh"] = "湖北省高新区协同发展指导性意见"
    assert frameworks.adopt(engine, "420000", doc, adopted_on=date(2019, 6, 30), actor="t") == 1
    doc["statistics"]["relocation"]["preset"] = "split_30_70"
    assert frameworks.adopt(engine, "420000", doc, adopted_on=date(2021, 1, 1), actor="t") == 2
    assert frameworks.get(engine, "420000", 1)["statistics"]["relocation"]["preset"] == "split_50_50"
    latest = frameworks.get(engine, "420000")
    assert latest["version"] == 2 and frameworks.relocation_rule(latest).origin_share == Decimal("0.3")
    with pytest.raises(NotFound, match="440000 has not adopted"):
        frameworks.get(engine, "440000")


@pytest.mark.parametrize(("change", "message"), [
    ({"statistics": {"relocation": {"preset": "split_90_10"}}}, "preset"),
    ({"provincial_support": {"direct_support_ratio": "1.5"}}, "direct_support_ratio"),
    ({"modes": ["joint_venture"]}, "modes"),
    ({"colour": "red"}, "unknown keys"),
])
def test_bad_framework_documents_are_refused(engine: Engine, change: dict, message: str) -> None:
    before = snapshot(engine)
    with pytest.raises(InvalidArgument, match=message):
        frameworks.adopt(engine, "420000", frameworks.merge(frameworks.template(), change),
                         adopted_on=date(2020, 1, 1), actor="t")
    assert snapshot(engine) == before


def test_lifecycle_confirmations_activate_and_every_step_is_audited(engine: Engine) -> None:
    frameworks.adopt(engine, "420000", frameworks.template(), adopted_on=date(2019, 6, 30), actor="t")
    agreement_id = agreements.create(engine, _draft(), ADMIN)
    assert agreement_id == "AG-42-0001"
    state = agreements.detail(engine, agreement_id)
    assert state["status"] == "draft" and state["framework_version"] == 1
    assert [p["role"] for p in state["parties"]] == ["lead", "partner", "partner"]
    assert state["effective_rules"]["statistics"]["relocation"]["preset"] == "split_50_50"

    with pytest.raises(Conflict, match="confirm a proposed agreement"):
        agreements.confirm(engine, agreement_id, "xiangyang", XIANGYANG)
    agreements.propose(engine, agreement_id, DONGHU)
    assert agreements.confirm(engine, agreement_id, "wuhan-donghu", DONGHU) == "proposed"
    assert agreements.confirm(engine, agreement_id, "xiangyang", XIANGYANG) == "proposed"
    before = snapshot(engine)
    with pytest.raises(Conflict, match="not confirmed by yichang"):
        agreements.activate(engine, agreement_id, ADMIN)
    with pytest.raises(Forbidden, match="only yichang's zone admin"):
        agreements.confirm(engine, agreement_id, "yichang", ADMIN)
    with pytest.raises(Forbidden, match="only yichang's zone admin"):
        agreements.confirm(engine, agreement_id, "yichang", XIANGYANG)
    with pytest.raises(Conflict, match="confirmed AG-42-0001 already"):
        agreements.confirm(engine, agreement_id, "xiangyang", XIANGYANG)
    assert snapshot(engine) == before
    assert agreements.confirm(engine, agreement_id, "yichang", YICHANG) == "active"
    assert agreements.detail(engine, agreement_id)["status"] == "active"

    with pytest.raises(Forbidden, match="neither the province admin nor an admin of a party"):
        agreements.terminate(engine, agreement_id, "no longer needed", SHENZHEN)
    with pytest.raises(InvalidArgument, match="reason"):
        agreements.terminate(engine, agreement_id, "  ", ADMIN)
    agreements.terminate(engine, agreement_id, "合作项目已完成", ADMIN)
    with pytest.raises(Conflict, match="is terminated"):
        agreements.propose(engine, agreement_id, ADMIN)
    assert _audit_actions(engine, agreement_id) == ["create", "propose", "confirm", "confirm", "confirm",
                                                    "activate", "terminate"]
    assert verify_chain(engine).ok


@pytest.mark.parametrize(("change", "argument", "message"), [
    ({"zones": ["wuhan-donghu"]}, "zones", "at least two"),
    ({"zones": ["wuhan-donghu", "wuhan-donghu", "xiangyang"]}, "zones", "twice"),
    ({"zones": ["wuhan-donghu", "shenzhen"]}, "zones", "different provinces"),
    ({"zones": ["wuhan-donghu", "atlantis"]}, "zones", "unknown zones"),
    ({"cooperation_type": "friendship"}, "cooperation_type", "chain_complement"),
    ({"form": "joint_venture"}, "form", "branch_park"),
    ({"fields": ["39", "ZZ"]}, "fields", "unknown GB/T 4754"),
    ({"ends_on": date(2019, 1, 1)}, "ends_on", "before the start"),
    ({"lead": "shenzhen"}, "lead", "not one of the parties"),
    ({"rules": {"statistics": {"relocation": {"origin_share": "1.2"}}}}, "origin_share", "between 0 and 1"),
])
def test_bad_agreements_are_refused_and_change_nothing(engine: Engine, change: dict, argument: str,
                                                       message: str) -> None:
    before = snapshot(engine)
    with pytest.raises(InvalidArgument, match=message) as info:
        agreements.create(engine, _draft(**change), ADMIN)
    assert info.value.argument == argument
    assert snapshot(engine) == before


def test_projects_weights_partners_and_values(engine: Engine) -> None:
    agreement_id = agreements.create(engine, _draft(), ADMIN)
    share = agreements.PartnerShare
    agreements.add_project(engine, agreement_id, project_id="P1", name="光谷襄阳共建光电子产业园", kind="project",
                           started_on=date(2020, 3, 1), principal=ADMIN,
                           partners=[share("wuhan-donghu", Decimal("0.6"), Decimal(5000)),
                                     share("xiangyang", Decimal("0.7"), Decimal(3000))])
    project = agreements.detail(engine, agreement_id)["projects"][0]
    assert project["weight_total"] == Decimal("1.3") and project["inflation"] == Decimal("0.3")
    before = snapshot(engine)
    for partners, message in (([share("wuhan-donghu", Decimal(0))], "must be > 0"),
                              ([share("wuhan-donghu", Decimal("-0.1"))], "must be > 0"),
                              ([share("shenzhen", Decimal("0.5"))], "not a party"),
                              ([share("xiangyang", Decimal("0.5"))] * 2, "listed twice"),
                              ([], "at least one partner")):
        with pytest.raises(InvalidArgument, match=message):
            agreements.add_project(engine, agreement_id, project_id="P2", name="x", kind="project",
                                   started_on=date(2020, 3, 1), partners=partners, principal=ADMIN)
    with pytest.raises(Conflict, match="exists already"):
        agreements.add_project(engine, agreement_id, project_id="P1", name="x", kind="platform",
                               started_on=date(2020, 3, 1), partners=[share("xiangyang", Decimal(1))], principal=ADMIN)
    with pytest.raises(InvalidArgument, match="unknown indicator"):
        agreements.set_project_values(engine, "P1", 2021, {"happiness": 1}, ADMIN)
    with pytest.raises(InvalidArgument, match="≥ 0"):
        agreements.set_project_values(engine, "P1", 2021, {"gdp": -5}, ADMIN)
    with pytest.raises(Forbidden):
        agreements.set_project_values(engine, "P1", 2021, {"gdp": 5}, SHENZHEN)
    assert snapshot(engine) == before
    agreements.set_project_values(engine, "P1", 2021, {"gdp": "1000.5", "tax": 80}, XIANGYANG)
    agreements.set_project_values(engine, "P1", 2021, {"gdp": "1200"}, XIANGYANG)
    values = agreements.detail(engine, agreement_id)["projects"][0]["values"]
    assert values == [{"year": 2021, "indicator": "gdp", "value": Decimal("1200")},
                      {"year": 2021, "indicator": "tax", "value": Decimal("80")}]
    assert agreements.list_agreements(engine, zone="yichang")[0]["id"] == agreement_id
    assert agreements.list_agreements(engine, zone="shenzhen") == []


@pytest.mark.parametrize(("rules", "argument"), [
    ({"statistics": "x"}, "statistics"),
    ({"statistics": {"relocation": {"window_months": "abc"}}}, "statistics.relocation.window_months"),
    ({"statistics": {"relocation": {"indicators": "gdp"}}}, "statistics.relocation.indicators"),
    ({"provincial_support": ["0.1"]}, "provincial_support"),
])
def test_malformed_rule_overrides_are_refused_by_name(engine: Engine, rules: dict, argument: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        agreements.create(engine, _draft(rules=rules), ADMIN)
    assert info.value.argument == argument


def test_who_may_draft(engine: Engine) -> None:
    before = snapshot(engine)
    with pytest.raises(Forbidden, match="not among the parties"):
        agreements.create(engine, _draft(), SHENZHEN)
    with pytest.raises(Forbidden, match="may not draft"):
        agreements.create(engine, _draft(), Principal(9, "ana", "analyst"))
    assert snapshot(engine) == before
    assert agreements.create(engine, _draft(), XIANGYANG) == "AG-42-0001"
