"""Year close of the attribution ledger from the store, with numbers computed by hand: versions, the lock on
closed years, reopening, the diff naming what moved, append-only snapshots. SQLite and PostgreSQL.

Scenario (湖北, framework preset split_50_50, 24-month window):
- E1, incubated in wuhan-donghu, relocated donghu → xiangyang on 2020-07-15; window Jul 2020 – Jun 2022, so
  all 12 months of 2021 are inside: donghu gets 1 × 0.5 of what xiangyang reports for E1 in 2021.
  E1's 2021 GDP 1000.0001 万元 = 10,000,001 units; half is 5,000,000.5 → the tie goes to the smaller zone
  key, "wuhan-donghu" < "xiangyang": donghu 500.0001, xiangyang keeps 500.0000.
- E2 stays in donghu: GDP 2000, not shared.
- Co-built project P1 (agreement active): GDP 100 with weights donghu 0.6, xiangyang 0.7 → 60 and 70;
  Σw = 1.3, so 30 is declared inflation.
GDP 2021: donghu raw 2000, attributed 2000 + 500.0001 + 60 = 2560.0001;
          xiangyang raw 1000.0001, attributed 500 + 70 = 570.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text

from parknet.codes import make_uscc
from parknet.errors import Conflict, InvalidArgument, NotFound
from parknet.services import agreements, frameworks
from parknet.services.accounts import Principal
from parknet.services.ledger import close_year, diff, reopen_year, status, zone_figures
from parknet.store.importers import import_rows
from parknet.store.ledger import YearClosed
from tests.conftest import snapshot

ADMIN = Principal(1, "prov-admin", "admin")
E1, E2 = make_uscc("420100", 1), make_uscc("420100", 2)


@pytest.fixture
def scenario(engine: Engine) -> Engine:
    frameworks.adopt(engine, "420000", frameworks.template(), adopted_on=date(2019, 6, 30), actor="t")
    import_rows(engine, "enterprises", [
        {"credit_code": E1, "name": "光谷某光电企业", "zone_id": "xiangyang", "incubated_in": "wuhan-donghu",
         "founded_year": 2015},
        {"credit_code": E2, "name": "光谷某软件企业", "zone_id": "wuhan-donghu", "incubated_in": "wuhan-donghu",
         "founded_year": 2012}], source="test", user="t")
    import_rows(engine, "relocations", [{"credit_code": E1, "from_zone": "wuhan-donghu", "to_zone": "xiangyang",
                                         "date": "2020-07-15"}], source="test", user="t")
    import_rows(engine, "enterprise-years", [
        {"credit_code": E1, "year": 2021, "zone_id": "xiangyang", "indicator": "gdp", "value": "1000.0001"},
        {"credit_code": E2, "year": 2021, "zone_id": "wuhan-donghu", "indicator": "gdp", "value": "2000"}],
        source="test", user="t")
    draft = agreements.AgreementDraft(title="光谷—襄阳合作", zones=["wuhan-donghu", "xiangyang"],
                                      cooperation_type="chain_complement", form="co_built_platform",
                                      starts_on=date(2020, 1, 1))
    agreement_id = agreements.create(engine, draft, ADMIN)
    agreements.propose(engine, agreement_id, ADMIN)
    agreements.confirm(engine, agreement_id, "wuhan-donghu", Principal(2, "d", "zone_admin", "wuhan-donghu"))
    agreements.confirm(engine, agreement_id, "xiangyang", Principal(3, "x", "zone_admin", "xiangyang"))
    share = agreements.PartnerShare
    agreements.add_project(engine, agreement_id, project_id="P1", name="共建光电子平台", kind="platform",
                           started_on=date(2020, 3, 1), principal=ADMIN,
                           partners=[share("wuhan-donghu", Decimal("0.6")), share("xiangyang", Decimal("0.7"))])
    agreements.set_project_values(engine, "P1", 2021, {"gdp": 100}, ADMIN)
    return engine


def _gdp(engine: Engine, zone: str) -> dict:
    return next(f for f in zone_figures(engine, zone, 2021)["figures"] if f["indicator"] == "gdp")


def test_close_gives_the_hand_computed_figures_and_explains_them(scenario: Engine) -> None:
    preview = zone_figures(scenario, "wuhan-donghu", 2021)
    assert preview["closed"] is False
    result = close_year(scenario, 2021, actor="t")
    assert (result.version, result.created) == (1, True)
    gdp = next(r for r in result.conservation if r["indicator"] == "gdp")
    assert (gdp["raw"], gdp["project_value"], gdp["inflation"], gdp["attributed"], gdp["balanced"]) == (
        "3000.0001", "100.0000", "30.0000", "3130.0001", True)
    assert _gdp(scenario, "wuhan-donghu") == {"indicator": "gdp", "raw": Decimal("2000"),
                                              "attributed": Decimal("2560.0001"), "difference": Decimal("560.0001")}
    assert _gdp(scenario, "xiangyang")["attributed"] == Decimal("570")
    shown = zone_figures(scenario, "wuhan-donghu", 2021, indicator="gdp", explain=True)
    assert shown["closed"] and shown["version"] == 1 and shown["locked"]
    by_kind = {e["source_kind"]: e for e in shown["entries"]}
    assert by_kind["zone_reported"]["amount"] == Decimal("2000") and by_kind["zone_reported"]["records"] == 1
    assert by_kind["enterprise_year"]["amount"] == Decimal("500.0001")
    assert by_kind["enterprise_year"]["rule_id"] == "split_50_50:origin"
    assert "2020-07-15 wuhan-donghu→xiangyang" in by_kind["enterprise_year"]["reason"]
    assert by_kind["project"]["amount"] == Decimal("60") and by_kind["project"]["agreement_id"] == "AG-42-0001"


def test_closing_again_with_the_same_inputs_writes_nothing(scenario: Engine) -> None:
    close_year(scenario, 2021, actor="t")
    before = snapshot(scenario)
    again = close_year(scenario, 2021, actor="t")
    assert (again.version, again.created) == (1, False)
    assert snapshot(scenario) == before


def test_a_closed_year_refuses_edits_to_its_inputs(scenario: Engine) -> None:
    close_year(scenario, 2021, actor="t")
    before = snapshot(scenario)
    with pytest.raises(YearClosed, match="closed year 2021"):
        import_rows(scenario, "enterprise-years", [{"credit_code": E2, "year": 2021, "zone_id": "wuhan-donghu",
                                                    "indicator": "gdp", "value": "2100"}], source="fix", user="t")
    with pytest.raises(YearClosed, match="2021"):  # its window (Jan 2021 – Dec 2022) covers 2021
        import_rows(scenario, "relocations", [{"credit_code": E2, "from_zone": "wuhan-donghu",
                                               "to_zone": "xiangyang", "date": "2021-01-10"}], source="fix", user="t")
    with pytest.raises(YearClosed, match="2021"):  # E1's incubator decides the 2021 split
        import_rows(scenario, "enterprises", [{"credit_code": E1, "name": "光谷某光电企业", "incubated_in": "xiangyang"}],
                    source="fix", user="t")
    with pytest.raises(YearClosed, match="project P1"):
        agreements.set_project_values(scenario, "P1", 2021, {"gdp": 120}, ADMIN)
    assert snapshot(scenario) == before
    # other years stay open
    import_rows(scenario, "enterprise-years", [{"credit_code": E2, "year": 2022, "zone_id": "wuhan-donghu",
                                                "indicator": "gdp", "value": "2100"}], source="fix", user="t")


def test_reopen_correct_close_gives_a_new_version_and_a_diff_that_says_why(scenario: Engine) -> None:
    close_year(scenario, 2021, actor="t")
    with pytest.raises(InvalidArgument, match="reason"):
        reopen_year(scenario, 2021, reason=" ", actor="t")
    assert reopen_year(scenario, 2021, reason="E1 的增加值更正", actor="t") == 1
    assert [s["locked"] for s in status(scenario)] == [False]
    import_rows(scenario, "enterprise-years", [{"credit_code": E1, "year": 2021, "zone_id": "xiangyang",
                                                "indicator": "gdp", "value": "1200"}], source="fix", user="t")
    second = close_year(scenario, 2021, actor="t")
    assert (second.version, second.created, second.previous_version) == (2, True, 1)
    d = diff(scenario, 2021, 1, 2)
    assert not d["identical"]
    assert [c["input"] for c in d["inputs_changed"]] == ["enterprise_years"]
    moved = {(t["zone_id"], t["indicator"]): t["change"] for t in d["totals"]}
    assert moved == {("wuhan-donghu", "gdp"): Decimal("99.9999"), ("xiangyang", "gdp"): Decimal("100")}
    entries = {(e["zone_id"], e["rule_id"]): (e["from"], e["to"], e["change"]) for e in d["entries"]}
    assert entries[("wuhan-donghu", "split_50_50:origin")] == (Decimal("500.0001"), Decimal("600"), "changed")
    assert entries[("xiangyang", "split_50_50:reporting")] == (Decimal("500"), Decimal("600"), "changed")
    # closing twice with the same inputs gives identical snapshots
    reopen_year(scenario, 2021, reason="复核", actor="t")
    third = close_year(scenario, 2021, actor="t")
    assert third.version == 3 and diff(scenario, 2021, 2, 3)["identical"]


def test_snapshots_are_append_only_in_the_database(scenario: Engine) -> None:
    close_year(scenario, 2021, actor="t")
    for statement in ("update ledger_entries set amount = 0", "delete from ledger_totals",
                      "update ledger_snapshots set version = 9"):
        with pytest.raises(Exception, match="append-only"), scenario.begin() as conn:
            conn.execute(text(statement))
    with pytest.raises(NotFound, match="no closed ledger version 7"):
        diff(scenario, 2021, 1, 7)
    with pytest.raises(Conflict, match="not closed"):
        reopen_year(scenario, 2020, reason="x", actor="t")
