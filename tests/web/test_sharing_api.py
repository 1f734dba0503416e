"""The fair-sharing API and pages: a co-built project's settlement with numbers computed by hand, the method
switch, an empty core named by its objecting coalition, the cross-shareholding view with hand-derived
look-through shares, errors (422, 404), and the pages for the roles allowed (403 for the others).

The agreement, projects, entities, holdings and coalition values are made here (the demo's are not relied on):

- PJ-TEST-SHARE: wuhan-donghu (A) and xiangyang (B) invest 500 each; v(A) = 150, v(B) = 10, v(AB) = 200.
  Shapley: A = 150 + (200 − 160)/2 = 170, B = 10 + 20 = 30; the default split by investment is 100 / 100,
  so the transfers are +70 / −70 and A loses out (100 < 150). The agreement sets the provincial direct-support
  ratio to 0.1: 0.1 × 1000 = 100.
- PJ-TEST-CORE: the three-zone majority game v(i) = 0, v(ij) = v(N) = 100: the core is empty; Shapley gives
  33.3333 each, the odd 0.0001 to the smallest key (wuhan-donghu), so the pair xiangyang + yichang gets
  66.6666 and objects most (excess 33.3334).
- Ownership: the donghu committee holds 100% of its asset company, which holds 60% of the project company of
  PJ-TEST-SHARE; the xiangyang committee holds 100% of its asset company, which holds the other 40%. The
  look-through shares are 0.6 and 0.4, and the donghu committee controls the project company (votes 0.6).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from parknet.services import agreements
from parknet.services.accounts import Principal, principal_by_name
from parknet.store.cooperation import CoBuiltProject
from parknet.store.importers import import_rows
from parknet.web.app import create_app
from tests.web.conftest import ZONE, Site, bearer

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

PARTNER, THIRD = "xiangyang", "yichang"  # Hubei zones, like ZONE
PROJECT, CORE_PROJECT, BARE_PROJECT = "PJ-TEST-SHARE", "PJ-TEST-CORE", "PJ-TEST-NOVALUES"
ALLOWED, DENIED = ("admin", "zone_admin", "analyst"), ("expert", "viewer")


def make_sharing_data(engine: Engine) -> str:
    """The agreement, projects and fair-sharing rows of the module docstring (once per database); returns
    the agreement id."""
    with engine.connect() as conn:
        existing = conn.execute(select(CoBuiltProject.agreement_id)
                                .where(CoBuiltProject.id == PROJECT)).scalar()
    if existing:
        return existing
    admin = principal_by_name(engine, "admin")
    agreement_id = agreements.create(engine, agreements.AgreementDraft(
        title="东湖—襄阳—宜昌 利益共享测试协议", zones=[ZONE, PARTNER, THIRD], cooperation_type="chain_complement",
        form="co_built_platform", starts_on=date(2019, 1, 1),
        rules={"provincial_support": {"direct_support_ratio": "0.1"}}), admin)
    agreements.propose(engine, agreement_id, admin)
    for zone in (ZONE, PARTNER, THIRD):
        agreements.confirm(engine, agreement_id, zone, Principal(0, f"t-{zone}", "zone_admin", zone))
    share = agreements.PartnerShare
    for project_id, name, zones in ((PROJECT, "光电子共建项目", (ZONE, PARTNER)),
                                    (CORE_PROJECT, "三方共建平台", (ZONE, PARTNER, THIRD)),
                                    (BARE_PROJECT, "尚无联盟价值的项目", (ZONE, PARTNER))):
        agreements.add_project(engine, agreement_id, project_id=project_id, name=name, kind="project",
                               started_on=date(2019, 6, 1), principal=admin,
                               partners=[share(z, Decimal(1), Decimal(500)) for z in zones])
    values = [(PROJECT, ZONE, 150), (PROJECT, PARTNER, 10), (PROJECT, f"{ZONE}+{PARTNER}", 200)]
    values += [(CORE_PROJECT, z, 0) for z in (ZONE, PARTNER, THIRD)]
    values += [(CORE_PROJECT, "+".join(p), 100) for p in ((ZONE, PARTNER), (ZONE, THIRD), (PARTNER, THIRD))]
    values += [(CORE_PROJECT, f"{ZONE}+{PARTNER}+{THIRD}", 100)]
    import_rows(engine, "coalition-values", [
        {"project_id": p, "coalition": c, "value": v, "basis": "expected", "source": "可行性研究报告（测试）"}
        for p, c, v in values], source="test", user="test")
    import_rows(engine, "entities", [
        {"entity_id": "T-C-DONGHU", "name": "东湖管委会（测试）", "kind": "committee", "zone_id": ZONE},
        {"entity_id": "T-A-DONGHU", "name": "东湖资产公司（测试）", "kind": "asset_company", "zone_id": ZONE},
        {"entity_id": "T-C-XY", "name": "襄阳管委会（测试）", "kind": "committee", "zone_id": PARTNER},
        {"entity_id": "T-A-XY", "name": "襄阳资产公司（测试）", "kind": "asset_company", "zone_id": PARTNER},
        {"entity_id": "T-PC", "name": "光电子项目公司（测试）", "kind": "project_company", "project_id": PROJECT}],
        source="test", user="test")
    import_rows(engine, "holdings", [
        {"holder_id": "T-C-DONGHU", "company_id": "T-A-DONGHU", "share": "1"},
        {"holder_id": "T-A-DONGHU", "company_id": "T-PC", "share": "0.6"},
        {"holder_id": "T-C-XY", "company_id": "T-A-XY", "share": "100%"},
        {"holder_id": "T-A-XY", "company_id": "T-PC", "share": "0.4"}], source="test", user="test")
    return agreement_id


@pytest.fixture(scope="module")
def api(site: Site) -> Iterator[TestClient]:
    make_sharing_data(site.engine)
    with TestClient(create_app(site.engine)) as c:
        yield c


def _settlement(api: TestClient, site: Site, project: str, query: str = "",
                role: str = "analyst"):  # noqa: ANN202
    return api.get(f"/api/v1/projects/{project}/settlement{query}", headers=bearer(site, role))


def test_shapley_settlement_by_hand(api: TestClient, site: Site) -> None:
    r = _settlement(api, site, PROJECT, "?method=shapley")
    assert r.status_code == 200, r.text
    s = r.json()
    assert (s["project_id"], s["method"], s["grand_value"]) == (PROJECT, "shapley", "200.0000")
    assert s["method_source"] == "--method"
    a, b = s["partners"]  # sorted by zone id: wuhan-donghu < xiangyang
    assert (a["zone_id"], a["allocation"], a["transfer"], a["default_share"]) == (ZONE, "170.0000", "70.0000",
                                                                                  "100.0000")
    assert (b["zone_id"], b["allocation"], b["transfer"]) == (PARTNER, "30.0000", "-70.0000")
    assert a["loses_out"] and not b["loses_out"]  # default 100 < stand-alone 150 (吃亏的一方)
    assert (a["compensation"], b["compensation"]) == ("0.0000", "0.0000")
    assert [(c["coalition"], Decimal(c["value"])) for c in s["coalitions"]] == [
        ([ZONE], 150), ([PARTNER], 10), ([ZONE, PARTNER], 200)]
    checks = s["checks"]
    assert checks["superadditive"] and not checks["core_empty"] and checks["allocation_in_core"]
    assert {k: Decimal(v) for k, v in s["provincial"].items()} == {
        "direct_support_ratio": Decimal("0.1"), "direct_support": 100, "compensation": 0}
    assert s["provincial"]["direct_support"] == "100.0000"
    assert any("吃亏" in step and ZONE in step for step in s["steps"])


def test_method_switch_and_the_agreements_default(api: TestClient, site: Site) -> None:
    s = _settlement(api, site, PROJECT, "?method=proportional").json()
    a, b = s["partners"]
    # by investment A gets 100 < its stand-alone 150: the province compensates 50
    assert (a["allocation"], a["transfer"], a["compensation"]) == ("100.0000", "0.0000", "50.0000")
    assert Decimal(s["provincial"]["compensation"]) == 50 and not s["checks"]["allocation_in_core"]
    nucleolus = _settlement(api, site, PROJECT, "?method=nucleolus").json()
    # two players: the nucleolus is the Shapley value
    assert [p["allocation"] for p in nucleolus["partners"]] == ["170.0000", "30.0000"]
    default = _settlement(api, site, PROJECT).json()
    # the framework's revenue-sharing rule
    assert default["method_source"] == "agreement rules" and default["method"] == "shapley"


def test_empty_core_names_the_objecting_coalition(api: TestClient, site: Site) -> None:
    s = _settlement(api, site, CORE_PROJECT, "?method=shapley").json()
    assert s["checks"]["core_empty"] and s["checks"]["least_core_epsilon"] == pytest.approx(100 / 3, abs=1e-6)
    assert [p["allocation"] for p in s["partners"]] == ["33.3334", "33.3333", "33.3333"]
    assert any(f"{PARTNER}+{THIRD}" in w for w in s["warnings"])


def test_settlement_errors(api: TestClient, site: Site) -> None:
    r = _settlement(api, site, PROJECT, "?method=banzhaf")
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert "method" in r.json()["detail"]
    r = _settlement(api, site, BARE_PROJECT)
    assert r.status_code == 404 and "coalition values" in r.json()["detail"]
    assert _settlement(api, site, "PJ-NOWHERE").status_code == 404
    assert _settlement(api, site, "bad id!").status_code == 422
    for role in DENIED:
        assert _settlement(api, site, PROJECT, role=role).status_code == 403


def test_ownership_look_through_control_and_community(api: TestClient, site: Site) -> None:
    r = api.get(f"/api/v1/ownership?zone={PARTNER}", headers=bearer(site, "zone_admin"))
    assert r.status_code == 200, r.text
    o = r.json()
    look = {(row["owner"], row["company"]): row["share"] for row in o["look_through"]}
    assert look[("T-C-DONGHU", "T-PC")] == pytest.approx(0.6)
    assert look[("T-C-XY", "T-PC")] == pytest.approx(0.4)
    assert look[("T-C-XY", "T-A-XY")] == pytest.approx(1.0)
    assert {"holder": "T-A-XY", "company": "T-PC", "share": 0.4} in o["holdings"]
    kinds = {e["entity_id"]: e["kind"] for e in o["entities"]}
    assert kinds["T-C-XY"] == "committee" and kinds["T-PC"] == "project_company"
    control = {(c["owner"], c["company"]): c["votes"] for c in o["control"]}
    assert control[("T-C-DONGHU", "T-PC")] == pytest.approx(0.6) and ("T-C-XY", "T-PC") not in control
    community = {(c["zone_id"], c["project_id"]): c for c in o["community"]}
    donghu = community[(ZONE, PROJECT)]
    assert donghu["share"] == pytest.approx(0.6) and donghu["partner_zones"] == [PARTNER]
    assert donghu["in_partner_project"] and community[(PARTNER, PROJECT)]["share"] == pytest.approx(0.4)
    everything = api.get("/api/v1/ownership", headers=bearer(site, "admin")).json()
    assert {e["entity_id"] for e in o["entities"]} <= {e["entity_id"] for e in everything["entities"]}
    assert api.get("/api/v1/ownership?zone=no-such-zone", headers=bearer(site, "admin")).status_code == 404
    assert api.get("/api/v1/ownership?zone=Bad_Zone", headers=bearer(site, "admin")).status_code == 422
    for role in DENIED:
        assert api.get("/api/v1/ownership", headers=bearer(site, role)).status_code == 403


@pytest.mark.parametrize("role", ALLOWED)
def test_settlement_page_explains_the_settlement(api: TestClient, site: Site, role: str) -> None:
    r = api.get(f"/projects/{PROJECT}/settlement", headers=bearer(site, role))
    assert r.status_code == 200, r.text
    html = r.text
    for heading in ("共建项目利益结算", "第一步：各联盟的价值 v(S)", "第二步：合作博弈检验", "第三步：各方分配与转移支付",
                    "第四步：省级直接投资与补偿", "结算过程"):
        assert heading in html
    assert f'<tr data-zone="{ZONE}" class="loses-out">' in html and "吃亏的一方" in html
    assert "+70.0000" in html and "-70.0000" in html and "10% × 1,000.0000 = 100.0000" in html
    assert f'href="/projects/{PROJECT}/settlement?method=nucleolus"' in html  # the method switcher
    r = api.get(f"/projects/{PROJECT}/settlement?method=proportional", headers=bearer(site, role))
    assert 'class="current" aria-current="page">按投资比例' in r.text and "50.0000" in r.text


def test_settlement_page_marks_the_objecting_coalition(api: TestClient, site: Site) -> None:
    html = api.get(f"/projects/{CORE_PROJECT}/settlement?method=shapley", headers=bearer(site, "admin")).text
    assert f'<tr class=" objecting" data-coalition="{PARTNER}+{THIRD}">' in html
    assert "核心为空" in html and "离开可多得 33.3334 万元" in html


@pytest.mark.parametrize("role", ALLOWED)
def test_ownership_page_for_allowed_roles(api: TestClient, site: Site, role: str) -> None:
    r = api.get(f"/ownership?zone={ZONE}", headers=bearer(site, role))
    assert r.status_code == 200, r.text
    for heading in ("交叉持股与利益共同体", "穿透持股", "利益共同体", "持股关系图"):
        assert heading in r.text
    assert 'data-chart="ownership"' in r.text and f'data-src="/api/v1/ownership?zone={ZONE}"' in r.text
    assert f'<tr data-zone="{ZONE}" data-project="{PROJECT}">' in r.text
    assert '<a href="/ownership">交叉持股</a>' in r.text  # in the navigation
    assert api.get("/ownership?zone=", headers=bearer(site, role)).status_code == 200  # "all zones"


def test_pages_deny_other_roles_and_link_from_the_agreement(api: TestClient, site: Site) -> None:
    for role in DENIED:
        assert api.get(f"/projects/{PROJECT}/settlement", headers=bearer(site, role)).status_code == 403
        assert api.get("/ownership", headers=bearer(site, role)).status_code == 403
    agreement_id = make_sharing_data(site.engine)
    link = f'href="/projects/{PROJECT}/settlement">利益结算</a>'
    assert link in api.get(f"/agreements/{agreement_id}", headers=bearer(site, "analyst")).text
    expert_page = api.get(f"/agreements/{agreement_id}", headers=bearer(site, "expert")).text
    assert link not in expert_page and '<a href="/ownership">' not in expert_page
