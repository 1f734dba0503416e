"""Fair sharing from the store: importing entities, holdings and coalition values (bad rows refused with
FILE:ROW:COLUMN, over-held companies refused, nothing written), a project's settlement under its agreement's
rules, and the ownership view with the issue's worked example. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from parknet.cli import app
from parknet.errors import ImportRejected, InvalidArgument, NotFound
from parknet.services import agreements
from parknet.services.accounts import Principal
from parknet.services.reference import init_database
from parknet.services.sharing import ownership, settle_project
from parknet.store.importers import import_file, import_rows
from tests.conftest import snapshot

ADMIN = Principal(1, "prov-admin", "admin")
ZONES = ("wuhan-donghu", "xiangyang")


@pytest.fixture
def project(engine: Engine) -> Engine:
    """An active agreement (湖北, template framework: revenue sharing by Shapley, support ratio 0.10) with
    project P1: donghu invests 500, xiangyang 500."""
    return _with_project(engine)


def _with_project(engine: Engine) -> Engine:
    draft = agreements.AgreementDraft(title="光谷—襄阳合作", zones=list(ZONES), cooperation_type="chain_complement",
                                      form="co_built_platform", starts_on=date(2020, 1, 1))
    agreement_id = agreements.create(engine, draft, ADMIN)
    agreements.propose(engine, agreement_id, ADMIN)
    for zone in ZONES:
        agreements.confirm(engine, agreement_id, zone, Principal(2, zone, "zone_admin", zone))
    agreements.add_project(engine, agreement_id, project_id="P1", name="共建光电子平台", kind="platform",
                           started_on=date(2020, 3, 1), principal=ADMIN,
                           partners=[agreements.PartnerShare(z, Decimal("0.5"), Decimal(500)) for z in ZONES])
    return engine


def _values(engine: Engine, **values: str) -> None:
    import_rows(engine, "coalition-values", [
        {"project_id": "P1", "coalition": c.replace("__", "+").replace("_", "-"), "value": v, "basis": "expected",
         "source": "可行性研究"} for c, v in values.items()], source="test", user="t")


def test_settlement_under_the_agreement_rules(project: Engine) -> None:
    with pytest.raises(NotFound, match="no coalition values"):
        settle_project(project, "P1")
    # donghu alone 150, xiangyang alone 10, together 200 → Shapley 170 / 30; default split 100 / 100
    _values(project, wuhan_donghu="150", xiangyang="10", wuhan_donghu__xiangyang="200")
    result = settle_project(project, "P1")
    assert result["method"] == "shapley" and result["method_source"] == "agreement rules"
    by_zone = {p["zone_id"]: p for p in result["partners"]}
    assert by_zone["wuhan-donghu"]["allocation"] == "170.0000" and by_zone["xiangyang"]["transfer"] == "-70.0000"
    assert by_zone["wuhan-donghu"]["loses_out"] is True
    assert result["provincial"] == {"direct_support_ratio": "0.10", "direct_support": "100.0000",
                                    "compensation": "0.0000"}
    proportional = settle_project(project, "P1", "proportional")
    assert proportional["provincial"]["compensation"] == "50.0000"
    with pytest.raises(InvalidArgument, match="--method"):
        settle_project(project, "P1", "lottery")
    with pytest.raises(NotFound):
        settle_project(project, "P9")


def test_coalition_value_rows_are_checked(project: Engine, tmp_path: Path) -> None:
    f = tmp_path / "v.csv"
    f.write_text("project_id,coalition,value,basis\n"
                 "P1,xiangyang+wuhan-donghu,200,expected\n"
                 "P1,wuhan-donghu+shenzhen,50,expected\n"
                 "P9,xiangyang,10,expected\n"
                 "P1,xiangyang,10,guessed\n", encoding="utf-8")
    before = snapshot(project)
    with pytest.raises(ImportRejected) as info:
        import_file(project, "coalition-values", f)
    problems = {(p.row, p.column): p.reason for p in info.value.problems}
    assert "shenzhen is not a partner of P1" in problems[(3, "coalition")]
    assert "unknown co-built project 'P9'" in problems[(4, "project_id")]
    assert "basis must be one of expected/realised" in problems[(5, "basis")]
    assert snapshot(project) == before


def test_holdings_over_100_percent_and_unknown_entities_are_refused(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, "entities", [
        {"entity_id": "cmte-a", "name": "A管委会", "kind": "committee", "zone_id": "wuhan-donghu"},
        {"entity_id": "cmte-b", "name": "B管委会", "kind": "管委会", "zone_id": "xiangyang"},
        {"entity_id": "pc-1", "name": "项目公司", "kind": "asset_company", "zone_id": "xiangyang"}],
        source="t", user="t")
    with pytest.raises(ImportRejected, match="a province needs its province_code"):
        import_rows(engine, "entities", [{"entity_id": "prov", "name": "省平台", "kind": "province"}],
                    source="t", user="t")
    before = snapshot(engine)
    f = tmp_path / "h.csv"
    f.write_text("holder_id,company_id,share\ncmte-a,pc-1,60%\ncmte-b,pc-1,0.5\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="pc-1 would be held 110.00% in total"):
        import_file(engine, "holdings", f)
    f.write_text("holder_id,company_id,share\ncmte-x,pc-1,0.2\ncmte-a,cmte-a,0.1\ncmte-b,pc-1,1.5\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        import_file(engine, "holdings", f)
    reasons = " | ".join(str(p) for p in info.value.problems)
    assert "h.csv:2:holder_id: unknown entity 'cmte-x'" in reasons
    assert "h.csv:3:company_id: an entity cannot hold itself" in reasons
    assert "h.csv:4:share: a share must be above 0 and at most 1" in reasons
    assert snapshot(engine) == before


def test_ownership_look_through_the_issue_example(engine: Engine) -> None:
    # G1 holds 70% of F1, G2 80% of F2, F1 20% of F2, F2 30% of F1 → G1 (0.7447, 0.1489), G2 (0.2553, 0.8511)
    import_rows(engine, "entities", [
        {"entity_id": "G1", "name": "东湖管委会", "kind": "committee", "zone_id": "wuhan-donghu"},
        {"entity_id": "G2", "name": "襄阳管委会", "kind": "committee", "zone_id": "xiangyang"},
        {"entity_id": "F1", "name": "东湖发展集团", "kind": "asset_company", "zone_id": "wuhan-donghu"},
        {"entity_id": "F2", "name": "襄阳发展集团", "kind": "asset_company", "zone_id": "xiangyang"}],
        source="t", user="t")
    import_rows(engine, "holdings", [{"holder_id": h, "company_id": c, "share": s} for h, c, s in (
        ("G1", "F1", "0.7"), ("G2", "F2", "0.8"), ("F1", "F2", "0.2"), ("F2", "F1", "0.3"))], source="t", user="t")
    view = ownership(engine)
    shares = {(r["owner"], r["company"]): r["share"] for r in view["look_through"]}
    assert shares[("G1", "F1")] == pytest.approx(0.7447, abs=5e-5)
    assert shares[("G1", "F2")] == pytest.approx(0.1489, abs=5e-5)
    assert shares[("G2", "F1")] == pytest.approx(0.2553, abs=5e-5)
    assert shares[("G2", "F2")] == pytest.approx(0.8511, abs=5e-5)
    assert {(r["owner"], r["company"]) for r in view["control"] if r["owner"] in ("G1", "G2")} >= {("G1", "F1"),
                                                                                                  ("G2", "F2")}
    only = ownership(engine, "xiangyang")
    assert {h["holder"] for h in only["holdings"]} == {"G2", "F1", "F2"}
    with pytest.raises(NotFound, match="atlantis"):
        ownership(engine, "atlantis")


def test_cli_settle_and_ownership(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    init_database(sqlite_engine)
    project = _with_project(sqlite_engine)
    _values(project, wuhan_donghu="150", xiangyang="10", wuhan_donghu__xiangyang="200")
    monkeypatch.setenv("PARKNET_DATABASE_URL", project.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(app, ["sharing", "settle", "--project", "P1", "--method", "nucleolus"])
    assert result.exit_code == 0, result.stderr
    assert "170.0000" in result.stdout and "吃亏" in result.stdout
    result = CliRunner().invoke(app, ["sharing", "settle", "--project", "P1", "--method", "lottery"])
    assert result.exit_code == 2 and "--method" in result.stderr
    result = CliRunner().invoke(app, ["sharing", "ownership", "--json"])
    assert result.exit_code == 0 and '"look_through": []' in result.stdout
