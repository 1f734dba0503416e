"""The /api/v1 contract: login and session cookie, roles and zone scope, CSRF, problem+json, pagination,
security headers, the login rate limit, and the audit trail of writes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from parknet.store.audit import AuditEntry
from tests.web.conftest import OTHER_ZONE, PASSWORD, ZONE, Site, bearer, login


def test_healthz(client) -> None:  # noqa: ANN001
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_openapi_is_served(client) -> None:  # noqa: ANN001
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/zones", "/api/v1/zones/{zone_id}/indicators", "/api/v1/overview", "/api/v1/audit",
            "/api/v1/auth/login"} <= set(spec["paths"])


def test_login_sets_a_safe_session_cookie(client) -> None:  # noqa: ANN001
    r = client.post("/api/v1/auth/login", json={"username": "analyst", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["role"] == "analyst"
    cookie = r.headers["set-cookie"].lower()
    assert "parknet_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # plain HTTP here; behind HTTPS the cookie is Secure
    assert client.get("/api/v1/me").json()["username"] == "analyst"


def test_wrong_password_is_401_problem_json(client) -> None:  # noqa: ANN001
    r = client.post("/api/v1/auth/login", json={"username": "viewer", "password": "nope"})
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["title"] == "Unauthorized" and r.json()["status"] == 401


def test_overview_contract(client, site: Site) -> None:  # noqa: ANN001
    body = client.get("/api/v1/overview?year=2019", headers=bearer(site, "viewer")).json()
    assert body["zones"] == 169
    assert body["top10_gdp_share"] == pytest.approx(0.365, abs=0.003)
    assert body["top10_invention_patent_share"] == pytest.approx(0.648, abs=0.003)
    assert body["gdp_share_of_nation"] == pytest.approx(0.123, abs=0.001)
    assert body["data_label"] == "synthetic demo data"


def test_zone_list_paginates_filters_and_sorts(client, site: Site) -> None:  # noqa: ANN001
    h = bearer(site, "viewer")
    first = client.get("/api/v1/zones?per_page=10&level=national&year=2019", headers=h).json()
    assert first["total"] == 169 and first["pages"] == 17 and len(first["items"]) == 10
    gdp = [z["gdp"] for z in first["items"]]
    assert gdp == sorted(gdp, reverse=True)
    second = client.get("/api/v1/zones?per_page=10&page=2&level=national&year=2019", headers=h).json()
    assert not {z["zone_id"] for z in first["items"]} & {z["zone_id"] for z in second["items"]}
    hubei = client.get("/api/v1/zones?province=湖北&level=national", headers=h).json()
    assert hubei["total"] > 5 and all(z["province_code"] == "420000" for z in hubei["items"])
    assert client.get("/api/v1/zones?q=东湖", headers=h).json()["items"][0]["zone_id"] == ZONE


def test_anonymous_gets_401_on_reads_and_writes(client) -> None:  # noqa: ANN001
    assert client.get("/api/v1/overview").status_code == 401
    assert client.get(f"/api/v1/zones/{ZONE}/indicators").status_code == 401
    r = client.put(f"/api/v1/zones/{ZONE}/indicators", json=[{"year": 2019, "indicator": "gdp", "value": 1}])
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")


def test_viewer_sees_aggregates_but_not_zone_figures(client, site: Site) -> None:  # noqa: ANN001
    h = bearer(site, "viewer")
    assert client.get("/api/v1/provinces", headers=h).status_code == 200
    assert client.get(f"/api/v1/zones/{ZONE}/indicators", headers=h).status_code == 403
    assert client.get("/api/v1/audit", headers=h).status_code == 403


def test_zone_admin_writes_its_own_zone_only(client, site: Site) -> None:  # noqa: ANN001
    h = bearer(site, "zone_admin")
    item = [{"year": 2020, "indicator": "high_tech_enterprises", "value": 4321}]
    ok = client.put(f"/api/v1/zones/{ZONE}/indicators", json=item, headers=h)
    assert ok.status_code == 200 and ok.json()["updated"] + ok.json()["inserted"] == 1
    values = client.get(f"/api/v1/zones/{ZONE}/indicators?indicator=high_tech_enterprises", headers=h).json()
    written = next(v for v in values if v["year"] == 2020)
    assert written["value"] == 4321 and written["source"] == f"indicators: PUT /api/v1/zones/{ZONE}/indicators"
    assert client.put(f"/api/v1/zones/{OTHER_ZONE}/indicators", json=item, headers=h).status_code == 403
    for role in ("analyst", "expert", "viewer"):
        assert client.put(f"/api/v1/zones/{ZONE}/indicators", json=item, headers=bearer(site, role)).status_code == 403


def test_write_is_all_or_nothing_with_row_and_field(client, site: Site) -> None:  # noqa: ANN001
    h = bearer(site, "admin")
    before = client.get(f"/api/v1/zones/{ZONE}/indicators?indicator=tax", headers=h).json()
    body = [{"year": 2018, "indicator": "tax", "value": 1}, {"year": 2019, "indicator": "tax", "value": -5}]
    r = client.put(f"/api/v1/zones/{ZONE}/indicators", json=body, headers=h)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"] == [{"row": 2, "field": "value", "reason": "negative money -5 for tax"}]
    assert client.get(f"/api/v1/zones/{ZONE}/indicators?indicator=tax", headers=h).json() == before


def test_cookie_writes_need_the_csrf_token(client) -> None:  # noqa: ANN001
    csrf = login(client, "admin")
    item = [{"year": 2021, "indicator": "exports", "value": "10.5"}]
    assert client.put(f"/api/v1/zones/{ZONE}/indicators", json=item).status_code == 403
    assert client.put(f"/api/v1/zones/{ZONE}/indicators", json=item, headers={"X-CSRF-Token": "x"}).status_code == 403
    assert client.put(f"/api/v1/zones/{ZONE}/indicators", json=item, headers={"X-CSRF-Token": csrf}).status_code == 200


def test_writes_are_audited_with_before_and_after(client, site: Site) -> None:  # noqa: ANN001
    h = bearer(site, "admin")
    client.put(f"/api/v1/zones/{ZONE}/indicators", json=[{"year": 2017, "indicator": "exports", "value": 111}], headers=h)
    client.put(f"/api/v1/zones/{ZONE}/indicators", json=[{"year": 2017, "indicator": "exports", "value": 222}], headers=h)
    entries = client.get("/api/v1/audit?per_page=5", headers=h).json()["items"]
    update = next(e for e in entries if e["action"] == "update" and e["entity_key"] == f"{ZONE}/2017/exports")
    assert update["actor"] == "admin" and update["before"] == {"value": "111"} and update["after"] == {"value": "222"}
    assert client.get("/api/v1/audit/verify", headers=h).json()["ok"] is True


def test_audit_log_is_append_only(site: Site) -> None:
    from sqlalchemy.exc import DatabaseError

    with pytest.raises(DatabaseError, match="append-only"), site.engine.begin() as conn:
        conn.execute(AuditEntry.__table__.update().values(actor="mallory"))
    with pytest.raises(DatabaseError, match="append-only"), site.engine.begin() as conn:
        conn.execute(AuditEntry.__table__.delete())
    with site.engine.connect() as conn:
        assert conn.execute(select(AuditEntry.actor).where(AuditEntry.actor == "mallory")).first() is None


@pytest.mark.parametrize("path", ["/healthz", "/login", "/api/v1/overview", "/static/app.js", "/no/such/page"])
def test_security_headers_on_every_response(client, path: str) -> None:  # noqa: ANN001
    r = client.get(path, follow_redirects=False)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script(client) -> None:  # noqa: ANN001
    login(client, "admin")
    for path in ("/", "/zones", f"/zones/{ZONE}", f"/zones/{ZONE}/edit", "/provinces/420000", "/audit", "/login"):
        html = client.get(path).text
        assert "<script>" not in html and " on" + "change=" not in html and "javascript:" not in html, path
        assert all("src=" in tag for tag in html.split("<script")[1:]), path


def test_diagnosis_contract(client, site: Site) -> None:  # noqa: ANN001
    h = bearer(site, "viewer")
    d = client.get("/api/v1/diagnosis?year=2019&indicator=gdp&by=province", headers=h).json()
    assert d["top10_share"] == pytest.approx(0.365, abs=0.003) and d["n"] == 169
    assert d["dagum"]["within"] + d["dagum"]["between_net"] + d["dagum"]["transvariation"] == pytest.approx(d["gini"])
    trend = client.get("/api/v1/diagnosis/trend?indicator=invention_patents_granted&by=region", headers=h).json()
    assert trend["series"][7]["top10_share"] == pytest.approx(0.648, abs=0.003)
    missing = client.get("/api/v1/diagnosis?year=1990&indicator=gdp", headers=h)
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/diagnosis?indicator=nope", headers=h).status_code == 422
