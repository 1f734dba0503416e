"""The incentive-mechanism API and pages: the agreement lifecycle by role, the ledger's year close (lock,
reopen, a second version and the diff between them), the evaluation's JSON contract, and the pages for every
role allowed. The agreements and projects are made here (the demo's own cooperation data is not relied on);
the ledger year 2016 is one no other web test writes."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from parknet.services import agreements
from parknet.services.accounts import add_user, issue_token, principal_by_name, user_exists
from parknet.web.app import create_app
from tests.web.conftest import PASSWORD, ZONE, Site, bearer, login

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

PARTNER = "xiaogan"  # a Hubei zone, like ZONE: one province's agreement
THIRD = "yichang"
YEAR = 2016
PARTNER_ADMIN = "za-xiaogan"


@pytest.fixture(scope="module")
def api(site: Site) -> Iterator[TestClient]:
    with TestClient(create_app(site.engine)) as c:
        yield c


@pytest.fixture(scope="module")
def partner_admin(site: Site) -> dict[str, str]:
    """Headers of the zone admin of PARTNER (the site's zone admin administers ZONE)."""
    if not user_exists(site.engine, PARTNER_ADMIN):
        add_user(site.engine, PARTNER_ADMIN, "zone_admin", PASSWORD, zone_id=PARTNER)
    return {"Authorization": f"Bearer {issue_token(site.engine, PARTNER_ADMIN)}"}


def _body(**changes: Any) -> dict[str, Any]:
    body = {"title": "东湖—孝感 科技赋能合作协议（测试）", "zones": [ZONE, PARTNER], "cooperation_type": "tech_enabling",
            "form": "co_built_platform", "fields": ["39"], "starts_on": "2015-01-01"}
    return {**body, **changes}


@pytest.fixture(scope="module")
def active_project(site: Site, partner_admin: dict[str, str]) -> tuple[str, str]:
    """An active agreement (made through the services) with a project of two partners, weights 0.6 + 0.6."""
    engine = site.engine
    zone_admin, other = principal_by_name(engine, "zone_admin"), principal_by_name(engine, PARTNER_ADMIN)
    agreement_id = agreements.create(engine, agreements.AgreementDraft(
        title="东湖—孝感 共建平台（台账测试）", zones=[ZONE, PARTNER], cooperation_type="tech_enabling",
        form="co_built_platform", starts_on=date(2015, 1, 1)), principal_by_name(engine, "admin"))
    agreements.propose(engine, agreement_id, zone_admin)
    agreements.confirm(engine, agreement_id, ZONE, zone_admin)
    assert agreements.confirm(engine, agreement_id, PARTNER, other) == "active"
    agreements.add_project(engine, agreement_id, project_id="PJ-TEST-LEDGER", name="光电子共建平台", kind="platform",
                           started_on=date(2015, 3, 1), principal=zone_admin,
                           partners=[agreements.PartnerShare(ZONE, Decimal("0.6"), Decimal(1000)),
                                     agreements.PartnerShare(PARTNER, Decimal("0.6"), Decimal(500))])
    return agreement_id, "PJ-TEST-LEDGER"


def test_agreement_lifecycle_by_role(api: TestClient, site: Site, partner_admin: dict[str, str]) -> None:
    admin, zone_admin = bearer(site, "admin"), bearer(site, "zone_admin")
    assert api.post("/api/v1/agreements", json=_body(), headers=bearer(site, "analyst")).status_code == 403
    # a zone admin drafts only agreements its zone is party to
    r = api.post("/api/v1/agreements", json=_body(zones=[PARTNER, THIRD]), headers=zone_admin)
    assert r.status_code == 403
    r = api.post("/api/v1/agreements", json=_body(), headers=admin)
    assert r.status_code == 201, r.text
    agreement_id = r.json()["id"]
    assert agreement_id.startswith("AG-42-")
    detail = api.get(f"/api/v1/agreements/{agreement_id}", headers=bearer(site, "expert")).json()
    assert detail["status"] == "draft" and [p["zone_id"] for p in detail["parties"]] == [ZONE, PARTNER]
    assert api.get(f"/api/v1/agreements/{agreement_id}", headers=bearer(site, "viewer")).status_code == 403

    propose = f"/api/v1/agreements/{agreement_id}/propose"
    assert api.post(propose, headers=bearer(site, "analyst")).status_code == 403
    r = api.post(propose, headers=zone_admin)
    assert r.status_code == 200 and r.json()["status"] == "proposed"
    # only a party's own zone admin confirms for it: not the other party's admin, not the province admin
    confirm = f"/api/v1/agreements/{agreement_id}/confirm"
    assert api.post(confirm, json={"zone_id": ZONE}, headers=partner_admin).status_code == 403
    assert api.post(confirm, json={"zone_id": ZONE}, headers=admin).status_code == 403
    r = api.post(confirm, json={"zone_id": ZONE}, headers=zone_admin)
    assert r.status_code == 200 and r.json()["status"] == "proposed"
    assert api.post(confirm, json={"zone_id": ZONE}, headers=zone_admin).status_code == 409  # done already
    r = api.post(f"/api/v1/agreements/{agreement_id}/activate", headers=admin)
    assert r.status_code == 409 and PARTNER in r.json()["detail"]  # names the party still to confirm
    r = api.post(confirm, json={"zone_id": PARTNER}, headers=partner_admin)
    assert r.status_code == 200 and r.json()["status"] == "active"  # the last confirmation activates

    project = {"project_id": "PJ-TEST-API", "name": "联合实验室", "kind": "project", "started_on": "2016-01-01",
               "partners": [{"zone_id": ZONE, "weight": "0.7", "investment": "1500.25"},
                            {"zone_id": PARTNER, "weight": "0.5"}]}
    r = api.post(f"/api/v1/agreements/{agreement_id}/projects", json=project, headers=zone_admin)
    assert r.status_code == 201, r.text
    bad = {**project, "project_id": "PJ-TEST-API-2", "partners": [{"zone_id": THIRD, "weight": "1"}]}
    assert api.post(f"/api/v1/agreements/{agreement_id}/projects", json=bad, headers=admin).status_code == 422
    unknown_industry = {**project, "project_id": "PJ-TEST-API-3", "industry_code": "99"}  # no GB/T 4754 division 99
    r = api.post(f"/api/v1/agreements/{agreement_id}/projects", json=unknown_industry, headers=admin)
    assert r.status_code == 422 and "industry_code" in r.json()["detail"]
    (built,) = api.get(f"/api/v1/agreements/{agreement_id}", headers=admin).json()["projects"]
    # exact decimals as strings: Σw = 1.2 and the incentive inflation Σw − 1 = 0.2
    assert isinstance(built["weight_total"], str) and Decimal(built["weight_total"]) == Decimal("1.2")
    assert Decimal(built["inflation"]) == Decimal("0.2")
    assert [Decimal(p["investment"]) for p in built["partners"]] == [Decimal("1500.25"), Decimal(0)]

    listed = api.get("/api/v1/agreements?province=湖北&status=active", headers=bearer(site, "analyst")).json()
    assert agreement_id in [a["id"] for a in listed]
    assert {(a["province_code"], a["status"]) for a in listed} == {("420000", "active")}
    assert api.get("/api/v1/agreements?status=signed", headers=admin).status_code == 422
    assert api.get("/api/v1/agreements", headers=bearer(site, "viewer")).status_code == 403


def test_terminate_needs_a_reason(api: TestClient, site: Site) -> None:
    admin = bearer(site, "admin")
    agreement_id = api.post("/api/v1/agreements", json=_body(title="待终止协议"), headers=admin).json()["id"]
    terminate = f"/api/v1/agreements/{agreement_id}/terminate"
    assert api.post(terminate, json={}, headers=admin).status_code == 422
    assert api.post(terminate, json={"reason": "  "}, headers=admin).status_code == 422
    r = api.post(terminate, json={"reason": "合作方调整发展方向"}, headers=bearer(site, "zone_admin"))
    assert r.status_code == 200 and r.json()["status"] == "terminated"
    detail = api.get(f"/api/v1/agreements/{agreement_id}", headers=admin).json()
    assert detail["termination_reason"] == "合作方调整发展方向"
    assert api.post(terminate, json={"reason": "again"}, headers=admin).status_code == 409


def test_framework_by_province_code_or_name(api: TestClient, site: Site) -> None:
    analyst = bearer(site, "analyst")
    r = api.get("/api/v1/frameworks/湖北", headers=analyst)
    if r.status_code == 200:  # the demo may or may not have adopted one for Hubei
        assert r.json()["province_code"] == "420000" and r.json()["version"] >= 1
    else:
        assert r.status_code == 404
    assert api.get("/api/v1/frameworks/nowhere", headers=analyst).status_code == 404
    assert api.get("/api/v1/frameworks/420000", headers=bearer(site, "viewer")).status_code == 403


def test_ledger_close_lock_reopen_and_diff(api: TestClient, site: Site,
                                           active_project: tuple[str, str]) -> None:
    agreement_id, project_id = active_project
    admin, zone_admin = bearer(site, "admin"), bearer(site, "zone_admin")
    values = f"/api/v1/projects/{project_id}/values/{YEAR}"
    assert api.put(values, json={"gdp": "1000.5"}, headers=zone_admin).status_code == 200
    assert api.post(f"/api/v1/ledger/{YEAR}/close", headers=bearer(site, "analyst")).status_code == 403
    assert api.post(f"/api/v1/ledger/{YEAR}/close", headers=zone_admin).status_code == 403

    r = api.post(f"/api/v1/ledger/{YEAR}/close", headers=admin)
    assert r.status_code == 201 and r.json()["version"] == 1 and r.json()["created"] is True
    r = api.post(f"/api/v1/ledger/{YEAR}/close", headers=admin)  # unchanged inputs: nothing new
    assert r.status_code == 200 and r.json()["version"] == 1 and r.json()["created"] is False
    (row,) = [y for y in api.get("/api/v1/ledger", headers=zone_admin).json() if y["year"] == YEAR]
    assert row["locked"] is True and row["closed_by"] == "admin"

    # a closed year is locked: zone figures and project values are refused
    edit = [{"year": YEAR, "indicator": "exports", "value": 1}]
    assert api.put(f"/api/v1/zones/{ZONE}/indicators", json=edit, headers=admin).status_code == 409
    assert api.put(values, json={"gdp": "2000"}, headers=zone_admin).status_code == 409

    figures = api.get(f"/api/v1/ledger/{YEAR}/zones/{ZONE}?explain=true&indicator=gdp",
                      headers=bearer(site, "analyst")).json()
    assert figures["closed"] is True and figures["version"] == 1
    (gdp,) = figures["figures"]
    assert all(isinstance(gdp[k], str) for k in ("raw", "attributed", "difference"))
    assert Decimal(gdp["attributed"]) - Decimal(gdp["raw"]) == Decimal(gdp["difference"])
    (credit,) = [e for e in figures["entries"] if e["source_id"] == project_id]
    assert Decimal(credit["amount"]) == Decimal("600.3")  # 1000.5 × 0.6, exact
    assert credit["agreement_id"] == agreement_id and "共建项目" in credit["reason"]
    assert api.get(f"/api/v1/ledger/{YEAR}/zones/{ZONE}?indicator=nonsense", headers=admin).status_code == 422
    assert api.get(f"/api/v1/ledger/{YEAR}/zones/{ZONE}", headers=bearer(site, "expert")).status_code == 403

    reopen = f"/api/v1/ledger/{YEAR}/reopen"
    assert api.post(reopen, json={"reason": "x"}, headers=zone_admin).status_code == 403
    assert api.post(reopen, json={"reason": " "}, headers=admin).status_code == 422
    r = api.post(reopen, json={"reason": "项目数值更正"}, headers=admin)
    assert r.status_code == 200 and r.json()["reopened_version"] == 1
    assert api.put(values, json={"gdp": "2000"}, headers=zone_admin).status_code == 200
    r = api.post(f"/api/v1/ledger/{YEAR}/close", headers=admin)
    assert r.status_code == 201 and r.json()["version"] == 2

    diff = api.get(f"/api/v1/ledger/{YEAR}/diff?from=1&to=2", headers=admin).json()
    assert diff["identical"] is False and "projects" in [i["input"] for i in diff["inputs_changed"]]
    (moved,) = [e for e in diff["entries"] if e["source_id"] == project_id and e["zone_id"] == ZONE]
    assert (Decimal(moved["from"]), Decimal(moved["to"])) == (Decimal("600.3"), Decimal(1200))
    assert moved["change"] == "changed"
    assert moved["agreement_id"] == agreement_id
    assert api.get(f"/api/v1/ledger/{YEAR}/diff?from=1&to=9", headers=admin).status_code == 404

    page = api.get(f"/ledger/{YEAR}/diff?from=1&to=2", headers=admin)
    assert page.status_code == 200 and "台账版本比较" in page.text and project_id in page.text
    page = api.get(f"/ledger/{YEAR}/zones/{ZONE}?indicator=gdp", headers=zone_admin)
    assert page.status_code == 200 and "台账明细与理由" in page.text and "共建项目" in page.text
    assert api.post(reopen, json={"reason": "测试结束"}, headers=admin).status_code == 200


def test_evaluation_json_contract_and_compare(api: TestClient, site: Site) -> None:
    expert = bearer(site, "expert")
    body = api.get("/api/v1/evaluation?scheme=reformed&year=2019", headers=expert).json()
    assert {"scheme", "year", "ranking", "weights", "warnings", "basis"} <= set(body)
    assert body["scheme"] == "reformed" and body["year"] == 2019
    assert set(body["ranking"][0]) == {"zone_id", "rank", "score", "dimensions"}
    assert [r["rank"] for r in body["ranking"]][:3] == [1, 2, 3]
    assert "cooperation" in body["ranking"][0]["dimensions"]  # the reformed scheme counts cooperation
    for scheme in ("../../etc/passwd", "custom.json", "BASELINE"):  # only built-in names, never a path
        assert api.get("/api/v1/evaluation", params={"scheme": scheme}, headers=expert).status_code == 422
    assert api.get("/api/v1/evaluation", headers=bearer(site, "viewer")).status_code == 403

    cmp = api.get("/api/v1/evaluation/compare?first=baseline&second=reformed&year=2019",
                  headers=expert).json()
    assert cmp["schemes"] == ["baseline", "reformed"] and cmp["year"] == 2019
    change = cmp["changes"][0]
    assert {"zone_id", "rank_a", "rank_b", "rank_change", "score_a", "score_b", "reason"} <= set(change)
    assert all(c["rank_change"] == c["rank_a"] - c["rank_b"] for c in cmp["changes"])
    assert {c["zone_id"] for c in cmp["changes"]} == {r["zone_id"] for r in cmp["first"]["ranking"]}
    assert api.get("/api/v1/evaluation/compare?second=/tmp/x", headers=expert).status_code == 422


@pytest.mark.parametrize("role", ["admin", "zone_admin", "analyst", "expert"])
def test_pages_render_for_each_role_allowed(api: TestClient, site: Site, role: str,
                                            active_project: tuple[str, str]) -> None:
    agreement_id, project_id = active_project
    h = bearer(site, role)
    checks = {"/agreements": "合作协议", f"/agreements/{agreement_id}": "参与园区", "/evaluation?year=2019": "园区考评"}
    if role != "expert":
        checks |= {"/ledger": "统计归属台账", f"/ledger/2019/zones/{ZONE}": "归属值"}
    for path, heading in checks.items():
        r = api.get(path, headers=h)
        assert r.status_code == 200 and heading in r.text, (role, path, r.status_code)
    detail = api.get(f"/agreements/{agreement_id}", headers=h).text
    assert project_id in detail and "激励性放大" in detail and "1.2" in detail  # Σw and the inflation, explicit
    assert ('id="terminate-form"' in detail) == (role in ("admin", "zone_admin"))  # parties' admins
    writer = role in ("admin", "zone_admin")
    assert api.get("/agreements/new", headers=h).status_code == (200 if writer else 403)
    if role == "expert":
        assert api.get("/ledger", headers=h).status_code == 403
        # no links it may not follow
        assert 'href="/ledger' not in api.get("/evaluation?year=2019", headers=h).text


def test_viewer_sees_no_incentive_pages(api: TestClient, site: Site) -> None:
    h = bearer(site, "viewer")
    for path in ("/agreements", "/ledger", "/evaluation"):
        assert api.get(path, headers=h).status_code == 403
    assert 'href="/agreements"' not in api.get("/", headers=h).text


def test_page_forms_need_the_csrf_token_and_show_confirm_only_to_that_party(site: Site) -> None:
    engine = site.engine
    agreement_id = agreements.create(engine, agreements.AgreementDraft(
        title="页面确认测试", zones=[PARTNER, ZONE], cooperation_type="chain_complement", form="branch_park",
        starts_on=date(2020, 1, 1)), principal_by_name(engine, "admin"))
    agreements.propose(engine, agreement_id, principal_by_name(engine, "admin"))
    with TestClient(create_app(engine)) as c:
        csrf = login(c, "zone_admin")
        page = c.get(f"/agreements/{agreement_id}").text
        assert f"以 {ZONE} 园区管理员身份确认" in page and f"以 {PARTNER} 园区管理员身份确认" not in page
        url = f"/agreements/{agreement_id}/confirm"
        assert c.post(url, data={"zone_id": ZONE}, follow_redirects=False).status_code == 403  # no token
        r = c.post(url, data={"zone_id": ZONE, "csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/agreements/{agreement_id}"
        assert "✓" in c.get(f"/agreements/{agreement_id}").text

        form = {"lead": ZONE, "csrf_token": csrf, "cooperation_type": "tech_enabling", "form": "branch_park",
                "starts_on": "2021-01-01"}
        r = c.post("/agreements/new", data={**form, "title": "", "partners": [PARTNER]})
        assert r.status_code == 422 and 'id="errors"' in r.text
        r = c.post("/agreements/new", data={**form, "title": "表单新建", "partners": [PARTNER, THIRD],
                                            "fields": "39, 27"}, follow_redirects=False)
        assert r.status_code == 303
        created = agreements.detail(engine, r.headers["location"].rsplit("/", 1)[1])
        assert created["fields"] == ["39", "27"]
        assert [p["zone_id"] for p in created["parties"]] == [ZONE, PARTNER, THIRD]
