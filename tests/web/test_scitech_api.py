"""The sci-tech platform API and pages: search with reasons and the 1+N partner preference, a record's detail,
demands posted, listed, matched and moved forward; who may do what (403), bad parameters (422, never 500),
unknown demands and records (404).

The records are imported here with ids TST-API-… and a rare subject (月壤, lunar regolith) that the demo's
libraries do not use, so the expected matches hold whatever else the database holds. TST-API-T2 and
TST-API-T3 are the same technology offered in Beijing (zhongguancun) and Wuhan (wuhan-donghu): equal BM25,
so library order puts T2 first, and a Hubei asking zone lifts T3 above it by the partner boost (× 1.15).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from parknet.store.importers import import_rows
from parknet.web.app import create_app
from tests.web.conftest import OTHER_ZONE, ZONE, Site, bearer

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

PARTNER = "xiangyang"  # a Hubei zone, partner of wuhan-donghu in the 1+N network
TECHNOLOGIES = [
    ("TST-API-T1", "月壤原位3D打印建造技术", "利用月壤原位烧结与3D打印建造月面基地结构。", "空天技术",
     "武汉空间建造研究院", PARTNER, "3749"),
    ("TST-API-T2", "月壤烧结砖制备", "模拟月壤微波烧结制备高强度砖块。", "空天技术", "北京月壤材料研究院",
     OTHER_ZONE, "3039"),
    ("TST-API-T3", "月壤烧结砖制备", "模拟月壤微波烧结制备高强度砖块。", "空天技术", "武汉月壤材料研究院",
     ZONE, "3039"),
]
EXPERT = {"id": "TST-API-E1", "name": "王月", "title": "研究员", "institution": "武汉空间建造研究院",
          "fields": "月壤力学；月面建造", "profile": "从事月壤力学与月面基地建造研究。", "zone_id": PARTNER,
          "industry_codes": "3749", "availability": "available"}


def make_scitech_data(engine: Engine) -> None:
    """The records of the module docstring (an unchanged re-import writes nothing)."""
    import_rows(engine, "technologies", [
        {"id": i, "title": t, "description": d, "field": f, "trl": "5", "owner_institution": o, "zone_id": z,
         "industry_codes": c, "licensing": "joint_development"} for i, t, d, f, o, z, c in TECHNOLOGIES],
        source="test-scitech", user="test")
    import_rows(engine, "experts", [EXPERT], source="test-scitech", user="test")


@pytest.fixture(scope="module")
def data(site: Site) -> Site:
    make_scitech_data(site.engine)
    return site


@pytest.fixture
def api(data: Site) -> Iterator[TestClient]:
    with TestClient(create_app(data.engine)) as c:
        yield c


def _search(api: TestClient, site: Site, role: str = "analyst", **params: object):  # noqa: ANN202
    return api.get("/api/v1/scitech/search", params=params, headers=bearer(site, role))


def test_search_returns_matches_with_reasons(api: TestClient, data: Site) -> None:
    r = _search(api, data, q="月壤3D打印", library="technology", k=5)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["library"] == "technology" and body["k"] == 5 and body["partner_zones"] == []
    top = body["matches"][0]
    assert top["id"] == "TST-API-T1" and top["rank"] == 1 and top["zone_name"] == "襄阳高新技术产业开发区"
    assert top["record"] == {"field": "空天技术", "trl": 5, "licensing": "joint_development",
                             "owner_institution": "武汉空间建造研究院"}
    assert top["reasons"][0]["kind"] == "terms" and {"月", "壤", "打印"} <= set(top["reasons"][0]["values"])
    expert = _search(api, data, "expert", q="月壤力学专家", library="expert").json()["matches"][0]
    assert expert["id"] == "TST-API-E1" and expert["record"]["availability"] == "available"


def test_partner_zone_of_the_asking_zone_ranks_first(api: TestClient, data: Site) -> None:
    plain = _search(api, data, q="月壤烧结砖", library="technology", k=2).json()["matches"]
    assert [m["id"] for m in plain] == ["TST-API-T2", "TST-API-T3"]
    boosted = _search(api, data, q="月壤烧结砖", library="technology", k=2, zone=PARTNER).json()
    assert ZONE in boosted["partner_zones"]
    assert [m["id"] for m in boosted["matches"]] == ["TST-API-T3", "TST-API-T2"]
    assert {"kind": "network", "values": [ZONE], "text": f"同一1+N网络的合作园区 / partner zone in the same 1+N "
                                                          f"network: {ZONE}"} in boosted["matches"][0]["reasons"]
    filtered = _search(api, data, q="月壤", library="technology", industry=["37"]).json()["matches"]
    assert [m["id"] for m in filtered] == ["TST-API-T1"]


@pytest.mark.parametrize("params", [
    {"q": "月壤", "library": "technology", "k": 0},
    {"q": "月壤", "library": "technology", "k": 51},
    {"q": "月" * 501, "library": "technology"},
    {"q": "月壤", "library": "patents"},
    {"q": "", "library": "technology"},
    {"q": "   ", "library": "technology"},
    {"q": "quantum flux capacitor", "library": "technology"},
    {"q": "的", "library": "technology"},
    {"q": "月壤", "library": "technology", "industry": "abc"},
    {"q": "月壤", "library": "technology", "zone": "Not A Zone"},
    {"q": "月壤", "library": "technology", "zone": "atlantis"},
    {"library": "technology"},
])
def test_bad_search_parameters_are_422(api: TestClient, data: Site, params: dict) -> None:
    r = _search(api, data, **params)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_record_detail_and_404(api: TestClient, data: Site) -> None:
    r = api.get("/api/v1/scitech/expert/TST-API-E1", headers=bearer(data, "expert"))
    assert r.status_code == 200 and r.json()["name"] == "王月" and r.json()["industry_codes"] == ["3749"]
    assert api.get("/api/v1/scitech/expert/TST-NOPE", headers=bearer(data, "expert")).status_code == 404
    assert api.get("/api/v1/scitech/patents/TST-API-E1", headers=bearer(data, "expert")).status_code == 422


def test_demands_post_match_and_move(api: TestClient, data: Site) -> None:
    body = {"zone_id": ZONE, "library": "technology", "title": "月面基地建造材料", "description": "需要月壤烧结砖制备技术",
            "industry_codes": ["3039"]}
    for role in ("analyst", "expert", "viewer"):
        assert api.post("/api/v1/demands", json=body, headers=bearer(data, role)).status_code == 403
    other = api.post("/api/v1/demands", json={**body, "zone_id": PARTNER}, headers=bearer(data, "zone_admin"))
    assert other.status_code == 403 and "may not post" in other.json()["detail"]
    bad = api.post("/api/v1/demands", json={**body, "zone_id": "atlantis"}, headers=bearer(data, "admin"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "zone_id"
    r = api.post("/api/v1/demands", json=body, headers=bearer(data, "zone_admin"))
    assert r.status_code == 201, r.text
    demand_id = r.json()["id"]
    got = api.get(f"/api/v1/demands/{demand_id}", headers=bearer(data, "expert")).json()
    assert got["status"] == "open" and got["zone_id"] == ZONE and got["industry_codes"] == ["3039"]
    matches = api.get(f"/api/v1/demands/{demand_id}/matches", params={"k": 3}, headers=bearer(data, "analyst")).json()
    assert matches["demand"]["id"] == demand_id and matches["boost_industries"] == ["3039"]
    found = {m["id"]: m for m in matches["matches"]}
    assert set(found) == {"TST-API-T1", "TST-API-T2", "TST-API-T3"}
    # T1 sits in a partner zone of the demand's zone; T2 and T3 share its industry (T3 is in the same zone)
    assert [r["kind"] for r in found["TST-API-T1"]["reasons"]] == ["terms", "network"]
    for rid in ("TST-API-T2", "TST-API-T3"):
        assert [r["kind"] for r in found[rid]["reasons"]] == ["terms", "industry"]
        assert found[rid]["score"] == pytest.approx(found[rid]["bm25"] * 1.25, rel=1e-5)
    assert found["TST-API-T1"]["score"] == pytest.approx(found["TST-API-T1"]["bm25"] * 1.15, rel=1e-5)
    listed = api.get("/api/v1/demands", params={"zone": ZONE, "status": "open", "per_page": 500},
                     headers=bearer(data, "analyst")).json()
    assert demand_id in [d["id"] for d in listed["items"]] and listed["per_page"] == 500
    move = api.post(f"/api/v1/demands/{demand_id}/status", json={"status": "matched"},
                    headers=bearer(data, "zone_admin"))
    assert move.status_code == 200 and move.json()["status"] == "matched"
    back = api.post(f"/api/v1/demands/{demand_id}/status", json={"status": "matched"},
                    headers=bearer(data, "admin"))
    assert back.status_code == 409
    assert api.post(f"/api/v1/demands/{demand_id}/status", json={"status": "open"},
                    headers=bearer(data, "admin")).status_code == 422
    assert api.post(f"/api/v1/demands/{demand_id}/status", json={"status": "closed"},
                    headers=bearer(data, "expert")).status_code == 403


def test_unknown_demand_is_404(api: TestClient, data: Site) -> None:
    for path in ("/api/v1/demands/DM-NOPE", "/api/v1/demands/DM-NOPE/matches"):
        r = api.get(path, headers=bearer(data, "analyst"))
        assert r.status_code == 404 and "no demand 'DM-NOPE'" in r.json()["detail"]
    assert api.post("/api/v1/demands/DM-NOPE/status", json={"status": "closed"},
                    headers=bearer(data, "admin")).status_code == 404
    assert api.get("/api/v1/demands", params={"status": "done"}, headers=bearer(data, "analyst")).status_code == 422


def test_search_needs_scitech_read(api: TestClient, data: Site) -> None:
    assert _search(api, data, "viewer", q="月壤", library="technology").status_code == 403
    assert api.get("/api/v1/scitech/search", params={"q": "月壤", "library": "technology"}).status_code == 401
    for role in ("admin", "zone_admin", "analyst", "expert"):
        assert _search(api, data, role, q="月壤", library="technology").status_code == 200


def test_pages(api: TestClient, data: Site) -> None:
    page = api.get("/scitech", params={"q": "月壤烧结砖", "library": "technology", "zone": PARTNER},
                   headers=bearer(data, "analyst"))
    assert page.status_code == 200
    assert 'data-id="TST-API-T3"' in page.text and "同一1+N网络伙伴园区" in page.text and "<mark>月壤</mark>" in page.text
    bad = api.get("/scitech", params={"q": "hello", "library": "technology"}, headers=bearer(data, "analyst"))
    assert bad.status_code == 422 and "查询不含中文" in bad.text
    mine = api.get("/scitech", headers=bearer(data, "zone_admin"))
    assert f'<option value="{ZONE}" selected>' in mine.text  # a zone admin asks for its own zone by default
    assert api.get("/scitech", headers=bearer(data, "viewer")).status_code == 403
    demands = api.get("/scitech/demands", headers=bearer(data, "admin"))
    assert demands.status_code == 200 and 'id="st-post"' in demands.text
    assert 'id="st-post"' not in api.get("/scitech/demands", headers=bearer(data, "expert")).text
    demand_id = api.post("/api/v1/demands", headers=bearer(data, "admin"), json={
        "zone_id": PARTNER, "library": "expert", "title": "月壤力学咨询", "description": "需要月壤力学专家"}).json()["id"]
    detail = api.get(f"/scitech/demands/{demand_id}", headers=bearer(data, "analyst"))
    assert detail.status_code == 200 and 'data-id="TST-API-E1"' in detail.text
    assert f'href="/tickets/new?demand={demand_id}"' not in detail.text  # analysts do not open tickets
    detail = api.get(f"/scitech/demands/{demand_id}", headers=bearer(data, "admin"))
    assert f'href="/tickets/new?demand={demand_id}"' in detail.text and "发起服务工单" in detail.text
    assert api.get("/scitech/demands/DM-NOPE", headers=bearer(data, "analyst")).status_code == 404
