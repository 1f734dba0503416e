"""The platform-company API and pages: the catalogue, orders (a zone admin for its own zone only, 403; the
provider buying from itself and a zone outside the province network refused, 422), the price of the day kept
through a price change, a statement with exact totals computed by hand, and the catalogue and statement
pages with the order form.

The catalogue is made here: wuhan-donghu (Hubei's leader) sells TST-PF-DH-1 at 1.3333 万元 per 次; xiangyang
sells TST-PF-XY-1 at 8.5 万元 per 场, so the ``zone_admin`` (wuhan-donghu's) has something it may buy.
Statement, by hand, for wuhan-donghu, 2019-01-01 – 2019-03-31: xiangyang orders 3 (3 × 1.3333 = 3.9999) and
yichang 0.5 (0.66665 → 0.6666, half-even): grand total 4.6665.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from parknet.store.importers import import_rows
from parknet.web.app import create_app
from tests.web.conftest import ZONE, Site, bearer, login

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

DH, XY = "TST-PF-DH-1", "TST-PF-XY-1"
READERS, DENIED = ("admin", "zone_admin", "analyst", "expert"), ("viewer",)


def make_catalogue(engine: Engine) -> None:
    """The two catalogue rows of the module docstring (idempotent)."""
    import_rows(engine, "platform-services", [
        {"code": DH, "provider_zone": ZONE, "name": "检验检测服务（测试）", "category": "innovation", "unit": "次",
         "price": "1.3333"},
        {"code": XY, "provider_zone": "xiangyang", "name": "供应链对接会（测试）", "category": "industry", "unit": "场",
         "price": "8.5"}], source="test", user="test")


@pytest.fixture(scope="module")
def api(site: Site) -> Iterator[TestClient]:
    make_catalogue(site.engine)
    with TestClient(create_app(site.engine)) as c:
        yield c


def _order(api: TestClient, site: Site, role: str, **body):  # noqa: ANN003, ANN202
    return api.post("/api/v1/platform/orders", json=body, headers=bearer(site, role))


def test_catalogue(api: TestClient, site: Site) -> None:
    r = api.get(f"/api/v1/platform/services?provider={ZONE}", headers=bearer(site, "expert"))
    assert r.status_code == 200, r.text
    mine = next(i for i in r.json() if i["code"] == DH)
    assert (mine["price"], mine["category"], mine["unit"]) == ("1.3333", "innovation", "次")
    assert api.get("/api/v1/platform/services?provider=no-such-zone", headers=bearer(site, "admin")).status_code == 404
    for role in DENIED:
        assert api.get("/api/v1/platform/services", headers=bearer(site, role)).status_code == 403


def test_orders_and_the_statement_by_hand(api: TestClient, site: Site) -> None:
    r = _order(api, site, "admin", buyer_zone="xiangyang", code=DH, quantity="3", ordered_on="2019-01-10")
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["id"].startswith("OD-2019-") and (first["unit_price"], first["amount"]) == ("1.3333", "3.9999")
    assert _order(api, site, "admin", buyer_zone="yichang", code=DH, quantity="0.5",
                  ordered_on="2019-03-31").status_code == 201
    assert _order(api, site, "admin", buyer_zone="yichang", code=DH, quantity="1",
                  ordered_on="2019-04-01").status_code == 201  # next quarter
    r = api.get(f"/api/v1/platform/statement?provider={ZONE}&start=2019-01-01&end=2019-03-31",
                headers=bearer(site, "analyst"))
    assert r.status_code == 200, r.text
    s = r.json()
    assert [(b["buyer_zone"], b["total"]) for b in s["buyers"]] == [("xiangyang", "3.9999"), ("yichang", "0.6666")]
    assert s["grand_total"] == "4.6665" and s["buyers"][0]["lines"][0]["order_id"] == first["id"]
    # a later price change leaves the order's price alone
    import_rows(site.engine, "platform-services", [
        {"code": DH, "provider_zone": ZONE, "name": "检验检测服务（测试）", "category": "innovation", "unit": "次",
         "price": "2"}], source="price change", user="test")
    try:
        again = api.get(f"/api/v1/platform/statement?provider={ZONE}&start=2019-01-01&end=2019-03-31",
                        headers=bearer(site, "analyst")).json()
        assert again["grand_total"] == "4.6665"
        listed = api.get("/api/v1/platform/orders?buyer=xiangyang&per_page=500", headers=bearer(site, "expert")).json()
        assert next(o for o in listed["items"] if o["id"] == first["id"])["unit_price"] == "1.3333"
    finally:
        make_catalogue(site.engine)


def test_who_may_order_and_bad_orders(api: TestClient, site: Site) -> None:
    r = _order(api, site, "zone_admin", buyer_zone="xiangyang", code=DH, quantity="1")
    assert r.status_code == 403 and f"orders for {ZONE} only" in r.json()["detail"]
    r = _order(api, site, "zone_admin", buyer_zone=ZONE, code=DH, quantity="1")
    assert r.status_code == 422 and f"provides {DH} itself" in r.json()["detail"]
    r = _order(api, site, "zone_admin", buyer_zone=ZONE, code=XY, quantity="2")
    assert r.status_code == 201 and r.json()["amount"] == "17.0000", r.text
    r = _order(api, site, "admin", buyer_zone="zhongguancun", code=DH, quantity="1")
    assert r.status_code == 422 and "not a partner in the 1+N network" in r.json()["detail"]
    for role in ("analyst", "expert", "viewer"):
        assert _order(api, site, role, buyer_zone="xiangyang", code=DH, quantity="1").status_code == 403
    assert _order(api, site, "admin", buyer_zone="xiangyang", code="TST-NOPE", quantity="1").status_code == 422
    assert _order(api, site, "admin", buyer_zone="xiangyang", code=DH, quantity="0").status_code == 422
    assert _order(api, site, "admin", buyer_zone="xiangyang", code=DH, quantity="1.00001").status_code == 422
    assert _order(api, site, "admin", buyer_zone="xiangyang", code=DH, quantity="1",
                  ordered_on="2100-01-01").status_code == 422
    r = api.get(f"/api/v1/platform/statement?provider={ZONE}&start=2019-03-31&end=2019-01-01",
                headers=bearer(site, "admin"))
    assert r.status_code == 422 and "end" in r.json()["detail"]
    r = api.get("/api/v1/platform/statement?provider=no-such-zone&start=2019-01-01&end=2019-03-31",
                headers=bearer(site, "admin"))
    assert r.status_code == 404


@pytest.mark.parametrize("role", READERS)
def test_catalogue_page(api: TestClient, site: Site, role: str) -> None:
    r = api.get("/platform", headers=bearer(site, role))
    assert r.status_code == 200, r.text
    assert f'<details class="pf-provider" data-provider="{ZONE}"' in r.text and "创新服务" in r.text
    assert f'<tr data-code="{DH}">' in r.text and "最近订单" in r.text
    assert ('id="order-form"' in r.text) == (role in ("admin", "zone_admin"))
    assert '<a href="/platform">平台公司服务</a>' in r.text  # in the navigation


def test_catalogue_page_filtered_and_the_zone_admins_choice(api: TestClient, site: Site) -> None:
    page = api.get("/platform?provider=xiangyang", headers=bearer(site, "analyst")).text
    assert 'data-provider="xiangyang" open>' in page and f'data-provider="{ZONE}"' not in page
    page = api.get("/platform", headers=bearer(site, "zone_admin")).text
    form = page[page.index('id="order-form"'):]
    # wuhan-donghu's admin may buy xiangyang's service, not its own zone's
    assert f'<option value="{XY}"' in form and f'<option value="{DH}"' not in form


def test_pages_deny_viewers(api: TestClient, site: Site) -> None:
    for path in ("/platform", "/platform/statement"):
        assert api.get(path, headers=bearer(site, "viewer")).status_code == 403


def test_order_form_and_statement_page(api: TestClient, site: Site) -> None:
    csrf = login(api, "zone_admin")
    r = api.post("/platform/order", data={"buyer_zone": ZONE, "code": DH, "quantity": "1", "csrf_token": csrf})
    assert r.status_code == 422 and f"provides {DH} itself" in r.text and 'id="errors"' in r.text
    r = api.post("/platform/order", data={"buyer_zone": ZONE, "code": XY, "quantity": "1", "ordered_on": "2019-02-01",
                                          "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/platform?ordered=OD-2019-")
    order_id = r.headers["location"].split("=")[1]
    assert f'<p class="ok" id="ordered">订单 {order_id} 已登记</p>' in api.get(r.headers["location"]).text
    listed = api.get(f"/api/v1/platform/orders?buyer={ZONE}&per_page=500").json()["items"]
    assert next(o for o in listed if o["id"] == order_id)["amount"] == "8.5000"
    api.cookies.clear()
    page = api.get(f"/platform/statement?provider={ZONE}&start=2019-01-01&end=2019-03-31",
                   headers=bearer(site, "analyst")).text
    assert '<span id="grand-total">4.6665</span>' in page and 'data-buyer="yichang"' in page
    assert api.get("/platform/statement", headers=bearer(site, "analyst")).status_code == 200
