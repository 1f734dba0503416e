"""The fund API and pages on the demo site: the hand-solved round of ``tests/services/test_fund_store.py``
(ids TST-W…, so they never meet the demo's rounds) through /api/v1/fund — permissions (viewer and expert
403, analysts read, only admins write), 404 for an unknown round, the commit (409 the second time), money
writes refused with 409 and 422, the ledger and reports — and the /fund pages with the commit form (CSRF)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import select

from parknet.store.enabling import FundRound
from parknet.web.app import create_app
from tests.services.test_fund_store import make_round
from tests.web.conftest import Site, bearer, login

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

API_ROUND, PAGE_ROUND = "TST-W1", "TST-W2"
READERS, DENIED = ("admin", "zone_admin", "analyst"), ("expert", "viewer")


def make_fund_rounds(site: Site, *round_ids: str) -> None:
    """The hand-solved round under each id (once per database)."""
    with site.engine.connect() as conn:
        existing = set(conn.execute(select(FundRound.id)).scalars())
    for round_id in round_ids:
        if round_id not in existing:
            make_round(site.engine, round_id)


@pytest.fixture(scope="module")
def api(site: Site) -> Iterator[TestClient]:
    make_fund_rounds(site, API_ROUND, PAGE_ROUND)
    with TestClient(create_app(site.engine)) as c:
        yield c


def _get(api: TestClient, site: Site, path: str, role: str = "analyst"):  # noqa: ANN202
    return api.get(f"/api/v1/fund{path}", headers=bearer(site, role))


def _post(api: TestClient, site: Site, path: str, body: dict | None = None, role: str = "admin"):  # noqa: ANN202
    return api.post(f"/api/v1/fund{path}", json=body, headers=bearer(site, role))


def test_reading_needs_fund_read(api: TestClient, site: Site) -> None:
    for role in READERS:
        r = _get(api, site, "/rounds", role)
        assert r.status_code == 200 and API_ROUND in {x["round_id"] for x in r.json()}
    for role in DENIED:
        for path in ("/rounds", f"/rounds/{API_ROUND}", f"/rounds/{API_ROUND}/allocation", "/report",
                     f"/applications/{API_ROUND}-A1/ledger"):
            assert _get(api, site, path, role).status_code == 403, (role, path)


def test_round_detail_paginates_the_applications(api: TestClient, site: Site) -> None:
    r = _get(api, site, f"/rounds/{API_ROUND}?per_page=4&page=2")
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["round"]["lagging_min_share"] == "0.5" and [b["budget"] for b in d["budgets"]] == ["100", "60", "40"]
    page = d["applications"]
    assert (page["total"], page["pages"], [a["application_id"] for a in page["items"]]) == (
        6, 2, [f"{API_ROUND}-A5", f"{API_ROUND}-A6"])
    assert page["items"][0]["lagging"] is True and page["items"][0]["impact_basis"] == "可行性研究报告（测试）"
    assert _get(api, site, "/rounds/TST-NOWHERE").status_code == 404
    assert _get(api, site, "/rounds/bad id!").status_code == 422


def test_the_allocation_explained(api: TestClient, site: Site) -> None:
    r = _get(api, site, f"/rounds/{API_ROUND}/allocation")
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["optimal"] and a["objective"] == pytest.approx(665.0) and a["greedy_objective"] < 665
    assert sorted((w["application_id"][-2:], w["subfund"], w["amount"]) for w in a["awards"]) == [
        ("A1", "development", "80.0000"), ("A2", "industry", "20.0000"), ("A3", "development", "20.0000"),
        ("A3", "industry", "30.0000"), ("A4", "venture", "40.0000"), ("A6", "industry", "10.0000")]
    lagging = next(c for c in a["binding"] if c["kind"] == "lagging_share")
    assert Decimal(lagging["slack"]) == 0 and lagging["shadow_price"] == pytest.approx(3.0)
    assert a["marginal"]["application_id"] == f"{API_ROUND}-A2" and a["committed"] is False
    assert _get(api, site, "/rounds/TST-NOWHERE/allocation").status_code == 404


def test_commit_is_for_admins_and_happens_once(api: TestClient, site: Site) -> None:
    for role in ("zone_admin", "analyst", "viewer"):
        assert _post(api, site, f"/rounds/{API_ROUND}/commit", role=role).status_code == 403
    assert _post(api, site, "/rounds/TST-NOWHERE/commit").status_code == 404
    r = _post(api, site, f"/rounds/{API_ROUND}/commit")
    assert r.status_code == 200, r.text
    assert r.json()["commitments"] == 6 and Decimal(r.json()["total"]) == 200
    r = _post(api, site, f"/rounds/{API_ROUND}/commit")
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    assert "committed already" in r.json()["detail"]
    a = _get(api, site, f"/rounds/{API_ROUND}/allocation").json()  # the cache was invalidated by the commit
    assert a["committed"] and a["commitments_match"] and len(a["commitments"]) == 6


def test_disbursements_and_releases(api: TestClient, site: Site) -> None:
    if not _get(api, site, f"/rounds/{API_ROUND}/allocation").json()["committed"]:
        _post(api, site, f"/rounds/{API_ROUND}/commit")
    app = f"{API_ROUND}-A4"
    pay = {"application_id": app, "subfund": "venture", "kind": "payment", "amount": "25", "paid_on": "2024-03-01",
           "reference": "PAY-W-1"}
    assert _post(api, site, "/disbursements", pay, role="analyst").status_code == 403
    r = _post(api, site, "/disbursements", pay)
    assert r.status_code == 201 and r.json()["undisbursed"] == "15"
    r = _post(api, site, "/disbursements", {**pay, "amount": "15.0001"})
    assert r.status_code == 409 and "more than is committed" in r.json()["detail"]
    r = _post(api, site, "/releases", {"application_id": app, "subfund": "venture", "amount": "16", "reason": "x"})
    assert r.status_code == 409 and "below what is disbursed" in r.json()["detail"]
    for bad in ({**pay, "amount": "0"}, {**pay, "amount": "1.00001"}, {**pay, "kind": "refund"},
                {**pay, "subfund": "lottery"}, {**pay, "reference": ""}):
        assert _post(api, site, "/disbursements", bad).status_code == 422, bad
    assert _post(api, site, "/disbursements", {**pay, "application_id": "TST-NOPE"}).status_code == 404
    r = _post(api, site, "/disbursements", {**pay, "kind": "reversal", "amount": "5", "reference": "REV-W-1"})
    assert r.status_code == 201 and r.json()["net_disbursed"] == "20"
    r = _post(api, site, "/releases", {"application_id": app, "subfund": "venture", "amount": "10", "reason": "缩减"})
    assert r.status_code == 201 and r.json()["net_committed"] == "30"
    ledger = _get(api, site, f"/applications/{app}/ledger").json()
    assert [(e["kind"], e["signed"]) for e in ledger["entries"]] == [
        ("commit", "40"), ("payment", "25"), ("reversal", "-5"), ("release", "-10")]
    assert (ledger["net_committed"], ledger["net_disbursed"], ledger["undisbursed"]) == ("30", "20", "10")
    assert _get(api, site, "/applications/TST-NOPE/ledger").status_code == 404
    report = _get(api, site, f"/report?round={API_ROUND}&by=type").json()
    assert report["by"] == "cooperation_type" and report["totals"]["committed"] == "190"
    assert report["totals"]["disbursed"] == "20"
    assert _get(api, site, "/report?by=colour").status_code == 422
    assert _get(api, site, "/report?round=TST-NOWHERE").status_code == 404


@pytest.mark.parametrize("role", READERS)
def test_round_page_explains_the_allocation(api: TestClient, site: Site, role: str) -> None:
    r = api.get(f"/fund/{PAGE_ROUND}", headers=bearer(site, role))
    assert r.status_code == 200, r.text
    html = r.text
    for text in ("基金分配方案", "已证明最优", "约束、紧约束与影子价格", "边际申请", "各申请的资助结果与原因",
                 f'data-chart="fund-budgets" data-src="/api/v1/fund/rounds/{PAGE_ROUND}/allocation"',
                 '<tr data-constraint="lagging_share" class="binding">', "最低占比每降低1个百分点，预期成效可增加 3"):
        assert text in html, text
    assert f'<div id="marginal" data-application="{PAGE_ROUND}-A2">' in html
    assert ('id="commit-form"' in html) == (role == "admin")
    only = api.get(f"/fund/{PAGE_ROUND}?outcome=partly_funded", headers=bearer(site, role)).text
    assert only.count('data-outcome="partly_funded"') == 3  # the filter link and two rows
    assert only.count("<tr data-application=") == 2


def test_fund_page_lists_rounds_and_switches_the_report(api: TestClient, site: Site) -> None:
    for by, text in (("zone", "武汉东湖新技术开发区"), ("subfund", "创投基金"), ("cooperation_type", "产业链延补型")):
        r = api.get(f"/fund?by={by}", headers=bearer(site, "analyst"))
        assert r.status_code == 200 and f'<tr data-round="{PAGE_ROUND}">' in r.text
        assert f'<table class="data" id="fund-report" data-by="{by}">' in r.text and text in r.text
    for role in DENIED:
        assert api.get("/fund", headers=bearer(site, role)).status_code == 403
    assert api.get("/fund?by=colour", headers=bearer(site, "admin")).status_code == 422


def test_page_commit_needs_the_csrf_token(site: Site) -> None:
    make_fund_rounds(site, PAGE_ROUND)
    with TestClient(create_app(site.engine)) as client:
        token = login(client, "admin")
        r = client.post(f"/fund/{PAGE_ROUND}/commit", follow_redirects=False)
        assert r.status_code == 403
        r = client.post(f"/fund/{PAGE_ROUND}/commit", data={"csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/fund/{PAGE_ROUND}"
        html = client.get(f"/fund/{PAGE_ROUND}").text
        assert 'id="commitments"' in html and 'id="commit-form"' not in html and "已承诺" in html
        r = client.post(f"/fund/{PAGE_ROUND}/commit", data={"csrf_token": token}, follow_redirects=False)
        assert r.status_code == 409
