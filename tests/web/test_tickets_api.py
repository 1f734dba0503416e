"""The service-ticket API and pages: opening (a zone admin for its own zone only, 403 otherwise), the lifecycle
through the provider's zone admin and the assigned expert, 409 for a step out of order naming the statuses,
422 for a close without an outcome, 404 for an unknown ticket, the overdue flag and filters, the statistics,
and the board, detail and new-ticket pages with their CSRF-protected forms.

The expert, the demand and the tickets are made here (the demo's are not relied on). The ``zone_admin`` user
administers wuhan-donghu, Hubei's leading zone — so the default provider of xiangyang's tickets; the
``expert`` user acts on tickets assigned to ``staff:expert``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from parknet.services import tickets
from parknet.services.accounts import principal_by_name
from parknet.store.importers import import_rows
from parknet.web.app import create_app
from tests.web.conftest import ZONE, Site, bearer, login

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

REQUESTER = "xiangyang"  # a Hubei zone; wuhan-donghu (ZONE) leads Hubei
DEMAND, EXPERT_ID = "TST-D-WEB-1", "TST-E-WEB-1"
READERS, DENIED = ("admin", "zone_admin", "analyst", "expert"), ("viewer",)
DUE = (date.today() + timedelta(days=60)).isoformat()


def make_ticket_data(engine: Engine) -> None:
    """An expert and a demand posted by xiangyang (idempotent: a second import changes nothing)."""
    import_rows(engine, "experts", [
        {"id": EXPERT_ID, "name": "赵研究员", "title": "研究员", "institution": "中科院武汉分院", "fields": "光电子",
         "profile": "光通信器件", "zone_id": ZONE, "availability": "available"}], source="test", user="test")
    import_rows(engine, "demands", [
        {"id": DEMAND, "zone_id": REQUESTER, "title": "光模块封装工艺专家", "description": "需要光模块封装工艺专家指导",
         "library": "expert", "posted_on": "2021-02-20"}], source="test", user="test")


def overdue_ticket(engine: Engine) -> str:
    """A ticket of xiangyang opened 2021-03-01, due 2021-03-31 and never delivered: overdue."""
    return tickets.open_ticket(engine, principal_by_name(engine, "admin"), kind="intelligence",
                               requester_zone=REQUESTER, title="光电子产业情报（逾期测试）", due_on=date(2021, 3, 31),
                               opened_on=date(2021, 3, 1))


@pytest.fixture(scope="module")
def api(site: Site) -> Iterator[TestClient]:
    make_ticket_data(site.engine)
    with TestClient(create_app(site.engine)) as c:
        yield c


def _open(api: TestClient, site: Site, role: str = "admin", **fields):  # noqa: ANN003, ANN202
    body = {"kind": "talent", "requester_zone": REQUESTER, "title": "光模块封装工艺专家对接", "due_on": DUE, **fields}
    return api.post("/api/v1/tickets", json=body, headers=bearer(site, role))


def _step(api: TestClient, site: Site, ticket_id: str, action: str, role: str, **body):  # noqa: ANN003, ANN202
    return api.post(f"/api/v1/tickets/{ticket_id}/{action}", json=body, headers=bearer(site, role))


def test_open_and_the_lifecycle_through_the_api(api: TestClient, site: Site) -> None:
    r = _open(api, site, demand_id=DEMAND, match_ref=f"expert:{EXPERT_ID}")
    assert r.status_code == 201, r.text
    ticket_id = r.json()["id"]
    assert ticket_id.startswith(f"TK-{date.today().year}-")
    t = api.get(f"/api/v1/tickets/{ticket_id}", headers=bearer(site, "analyst")).json()
    assert (t["status"], t["provider_zone"], t["demand_title"], t["next_status"]) == (
        "open", ZONE, "光模块封装工艺专家", "assigned")
    r = _step(api, site, ticket_id, "advance", "zone_admin", to="in_service")
    assert r.status_code == 409 and "is open; the next step is assigned, not in_service" in r.json()["detail"]
    r = _step(api, site, ticket_id, "assign", "zone_admin", assignee="TST-E-NOBODY")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "assignee"
    r = _step(api, site, ticket_id, "assign", "zone_admin", assignee="staff:expert")
    assert r.status_code == 200 and r.json()["status"] == "assigned", r.text
    assert _step(api, site, ticket_id, "advance", "expert", to="in_service").json()["status"] == "in_service"
    assert _step(api, site, ticket_id, "advance", "expert", to="delivered").json()["status"] == "delivered"
    r = _step(api, site, ticket_id, "advance", "expert", to="in_service")
    assert r.status_code == 409 and "is delivered; it cannot move back to in_service" in r.json()["detail"]
    r = _step(api, site, ticket_id, "close", "zone_admin", rating=5)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert "outcome" in r.json()["detail"]
    r = _step(api, site, ticket_id, "close", "expert", outcome="resolved", rating=5)
    assert r.status_code == 403  # the expert who served does not rate itself
    r = _step(api, site, ticket_id, "close", "zone_admin", outcome="resolved", rating=5, note="按期交付")
    assert r.status_code == 200 and (r.json()["status"], r.json()["rating"]) == ("closed", 5)
    history = api.get(f"/api/v1/tickets/{ticket_id}", headers=bearer(site, "expert")).json()["history"]
    assert [(h["status"], h["actor"]) for h in history] == [
        ("open", "admin"), ("assigned", "zone_admin"), ("in_service", "expert"), ("delivered", "expert"),
        ("closed", "zone_admin")]
    stats = api.get(f"/api/v1/tickets/statistics?year={date.today().year}", headers=bearer(site, "analyst")).json()
    mine = next(s for s in stats["providers"] if s["provider_zone"] == ZONE)
    assert mine["delivered"] >= 1 and mine["delivered_to_other_zones"] >= 1


def test_who_may_open_and_act(api: TestClient, site: Site) -> None:
    r = _open(api, site, "zone_admin")  # wuhan-donghu's admin, for xiangyang
    assert r.status_code == 403 and f"opens tickets for {ZONE} only" in r.json()["detail"]
    assert _open(api, site, "expert").status_code == 403
    for role in ("analyst", "viewer"):
        assert _open(api, site, role).status_code == 403
    own = _open(api, site, "zone_admin", requester_zone=ZONE)
    assert own.status_code == 201, own.text
    r = _step(api, site, own.json()["id"], "advance", "expert", to="in_service")
    assert r.status_code == 403  # not assigned to the expert (and not assigned at all)
    for role in DENIED:
        assert api.get("/api/v1/tickets", headers=bearer(site, role)).status_code == 403
        assert api.get(f"/api/v1/tickets/{own.json()['id']}", headers=bearer(site, role)).status_code == 403


def test_bad_requests(api: TestClient, site: Site) -> None:
    assert _open(api, site, kind="consulting").status_code == 422
    assert _open(api, site, due_on="2020-01-01").status_code == 422  # before today, the opening day
    r = _open(api, site, demand_id="TST-D-NOPE")
    assert r.status_code == 422 and "no demand 'TST-D-NOPE'" in r.json()["detail"]
    assert _open(api, site, match_ref="patent:X").status_code == 422
    assert _open(api, site, requester_zone="no-such-zone").status_code == 422
    assert api.get("/api/v1/tickets/TK-1999-99999", headers=bearer(site, "admin")).status_code == 404
    assert _step(api, site, "TK-1999-99999", "assign", "admin", assignee="staff:x").status_code == 404
    assert api.get("/api/v1/tickets/bad id!", headers=bearer(site, "admin")).status_code == 422
    assert api.get("/api/v1/tickets?status=finished", headers=bearer(site, "admin")).status_code == 422
    assert api.get("/api/v1/tickets?zone=no-such-zone", headers=bearer(site, "admin")).status_code == 404
    assert api.get("/api/v1/tickets/statistics", headers=bearer(site, "admin")).status_code == 422


def test_list_filters_overdue_and_pages(api: TestClient, site: Site) -> None:
    late = overdue_ticket(site.engine)
    r = api.get(f"/api/v1/tickets?zone={REQUESTER}&kind=intelligence&overdue=true&per_page=500",
                headers=bearer(site, "analyst"))
    assert r.status_code == 200, r.text
    page = r.json()
    assert late in [t["id"] for t in page["items"]] and all(t["overdue"] for t in page["items"])
    assert {t["kind"] for t in page["items"]} == {"intelligence"}
    everything = api.get("/api/v1/tickets?per_page=1", headers=bearer(site, "analyst")).json()
    assert everything["per_page"] == 1 and len(everything["items"]) == 1 and everything["total"] >= 2
    not_late = api.get("/api/v1/tickets?overdue=false&per_page=500", headers=bearer(site, "analyst")).json()
    assert late not in [t["id"] for t in not_late["items"]]


@pytest.mark.parametrize("role", READERS)
def test_board_page(api: TestClient, site: Site, role: str) -> None:
    late = overdue_ticket(site.engine)
    r = api.get(f"/tickets?zone={REQUESTER}", headers=bearer(site, role))
    assert r.status_code == 200, r.text
    for column in ("待受理", "已分派", "服务中", "已交付", "已办结"):
        assert column in r.text
    assert f'<a class="tk-card overdue" href="/tickets/{late}" data-ticket="{late}">' in r.text
    assert ('id="new-ticket"' in r.text) == (role in ("admin", "zone_admin"))
    assert api.get("/tickets?zone=&kind=", headers=bearer(site, role)).status_code == 200
    assert '<a href="/tickets">服务工单</a>' in r.text  # in the navigation


def test_pages_deny_viewers(api: TestClient, site: Site) -> None:
    assert api.get("/tickets", headers=bearer(site, "viewer")).status_code == 403
    assert api.get("/tickets/new", headers=bearer(site, "analyst")).status_code == 403


def test_detail_page_and_its_step_forms(api: TestClient, site: Site) -> None:
    ticket_id = _open(api, site).json()["id"]
    page = api.get(f"/tickets/{ticket_id}", headers=bearer(site, "expert")).text
    assert "下一步：已分派" in page and 'id="no-action"' in page and 'id="step-form"' not in page
    csrf = login(api, "zone_admin")
    page = api.get(f"/tickets/{ticket_id}").text
    assert f'action="/tickets/{ticket_id}/assign"' in page and 'data-step="assign"' in page
    r = api.post(f"/tickets/{ticket_id}/assign", data={"assignee": "staff:expert"}, follow_redirects=False)
    assert r.status_code == 403  # no CSRF token
    r = api.post(f"/tickets/{ticket_id}/assign", data={"assignee": "staff:expert", "csrf_token": csrf},
                 follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/tickets/{ticket_id}"
    page = api.get(f"/tickets/{ticket_id}").text
    assert 'id="ticket-status">已分派' in page and "下一步：服务中" in page and 'value="in_service"' in page
    r = api.post(f"/tickets/{ticket_id}/advance", data={"to": "delivered", "csrf_token": csrf})
    assert r.status_code == 409 and "the next step is in_service, not delivered" in r.text
    r = api.post(f"/tickets/{ticket_id}/advance", data={"to": "in_service", "on": "2100-01-01", "csrf_token": csrf})
    assert r.status_code == 422 and "2100-01-01 is in the future" in r.text
    api.cookies.clear()


def test_new_ticket_form_prefilled_from_a_demand(api: TestClient, site: Site) -> None:
    page = api.get(f"/tickets/new?demand={DEMAND}", headers=bearer(site, "admin")).text
    assert 'value="光模块封装工艺专家"' in page and f'value="{DEMAND}"' in page
    assert f'<option value="{REQUESTER}" selected>' in page and '<option value="talent" selected>' in page
    assert api.get("/tickets/new?demand=TST-D-NOPE", headers=bearer(site, "admin")).status_code == 404
    expert = api.get("/tickets/new", headers=bearer(site, "expert")).text
    assert 'id="open-forbidden"' in expert
    csrf = login(api, "admin")
    r = api.post("/tickets/new", data={"kind": "talent", "requester_zone": REQUESTER, "title": "", "due_on": DUE,
                                       "csrf_token": csrf})
    assert r.status_code == 422 and 'id="errors"' in r.text
    r = api.post("/tickets/new", data={"kind": "project", "requester_zone": REQUESTER, "title": "中试基地对接",
                                       "due_on": DUE, "demand_id": DEMAND, "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/tickets/TK-")
    assert "中试基地对接" in api.get(r.headers["location"]).text
    api.cookies.clear()
