"""Service tickets in the store: the lifecycle with its history rows and audit entries, refusals that write
nothing (backwards, skipping, closing without an outcome), who may act, id numbering, the overdue flag, the
delivery statistics by hand, and the append-only history. SQLite and PostgreSQL.

Hubei (420000): wuhan-donghu leads the province's network, so it is every Hubei ticket's default provider.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select, text

from parknet.errors import Conflict, Forbidden, InvalidArgument, NotFound
from parknet.services import tickets
from parknet.services.accounts import Principal
from parknet.store.audit import AuditEntry, verify_chain
from parknet.store.enabling import ServiceTicket, TicketEvent
from parknet.store.importers import import_rows
from tests.conftest import snapshot

ADMIN = Principal(1, "prov-admin", "admin")
DONGHU = Principal(2, "donghu-admin", "zone_admin", "wuhan-donghu")
XIANGYANG = Principal(3, "xy-admin", "zone_admin", "xiangyang")
YICHANG = Principal(4, "yc-admin", "zone_admin", "yichang")
EXPERT = Principal(5, "TST-E-1", "expert")  # the expert account whose user name is its expert-library id
OTHER_EXPERT = Principal(6, "someone", "expert")


@pytest.fixture
def store(engine: Engine) -> Engine:
    """Two experts (one unavailable), a technology and two demands (xiangyang's, yichang's)."""
    import_rows(engine, "experts", [
        {"id": "TST-E-1", "name": "李工", "title": "高级工程师", "institution": "武汉理工大学", "fields": "动力电池",
         "profile": "电池工艺", "zone_id": "wuhan-donghu", "availability": "available"},
        {"id": "TST-E-2", "name": "王教授", "institution": "华中科技大学", "fields": "激光", "profile": "激光加工",
         "availability": "unavailable"}], source="test", user="test")
    import_rows(engine, "technologies", [
        {"id": "TST-T-1", "title": "固态电解质制备", "description": "固态电池电解质", "field": "新能源", "trl": 5,
         "owner_institution": "武汉理工大学", "licensing": "license"}], source="test", user="test")
    import_rows(engine, "demands", [
        {"id": "TST-D-1", "zone_id": "xiangyang", "title": "动力电池工艺工程师", "description": "需要电池工艺专家",
         "library": "expert", "posted_on": "2021-02-20"},
        {"id": "TST-D-2", "zone_id": "yichang", "title": "磷化工情报", "description": "磷化工技术路线",
         "library": "technology", "posted_on": "2021-02-20"}], source="test", user="test")
    return engine


def _open(engine: Engine, principal: Principal = XIANGYANG, zone: str = "xiangyang", opened: date = date(2021, 3, 1),
          due: date = date(2021, 4, 30), **kwargs) -> str:  # noqa: ANN003
    return tickets.open_ticket(engine, principal, kind="talent", requester_zone=zone, title="动力电池工艺工程师对接",
                               due_on=due, opened_on=opened, **kwargs)


def _deliver(engine: Engine, ticket_id: str, on: date = date(2021, 4, 20)) -> None:
    tickets.assign(engine, DONGHU, ticket_id, "TST-E-1", on=date(2021, 3, 2))
    tickets.advance(engine, EXPERT, ticket_id, "in_service", on=date(2021, 3, 5))
    tickets.advance(engine, EXPERT, ticket_id, "delivered", on=on)


def test_a_ticket_goes_through_its_lifecycle_with_history_and_audit(store: Engine) -> None:
    ticket_id = _open(store, demand_id="TST-D-1", match_ref="expert:TST-E-1")
    assert ticket_id == "TK-2021-00001"
    opened = tickets.ticket(store, ticket_id)
    assert (opened["status"], opened["provider_zone"], opened["next_status"]) == ("open", "wuhan-donghu", "assigned")
    assert opened["demand_title"] == "动力电池工艺工程师"
    _deliver(store, ticket_id)
    closed = tickets.close(store, XIANGYANG, ticket_id, "resolved", 5, on=date(2021, 4, 25), note="很满意")
    assert (closed["status"], closed["outcome"], closed["rating"], closed["delivered_on"]) == (
        "closed", "resolved", 5, "2021-04-20")
    detail = tickets.ticket(store, ticket_id)
    assert [(h["status"], h["on"], h["actor"]) for h in detail["history"]] == [
        ("open", "2021-03-01", "xy-admin"), ("assigned", "2021-03-02", "donghu-admin"),
        ("in_service", "2021-03-05", "TST-E-1"), ("delivered", "2021-04-20", "TST-E-1"),
        ("closed", "2021-04-25", "xy-admin")]
    assert detail["history"][-1]["note"] == "很满意" and detail["assignee_name"] == "李工（武汉理工大学）"
    assert detail["next_status"] is None and not detail["overdue"]
    with store.connect() as conn:
        entries = conn.execute(select(AuditEntry.action).where(AuditEntry.entity == "service_ticket",
                                                               AuditEntry.entity_key == ticket_id)
                               .order_by(AuditEntry.id)).scalars().all()
    assert entries == ["open", "assigned", "in_service", "delivered", "closed"]
    assert verify_chain(store).ok


def test_backwards_and_skipping_are_conflicts_that_write_nothing(store: Engine) -> None:
    ticket_id = _open(store)
    before = snapshot(store)
    with pytest.raises(Conflict, match="is open; the next step is assigned, not in_service"):
        tickets.advance(store, DONGHU, ticket_id, "in_service", on=date(2021, 3, 3))
    tickets.assign(store, DONGHU, ticket_id, "staff:张三", on=date(2021, 3, 2))
    tickets.advance(store, DONGHU, ticket_id, "in_service", on=date(2021, 3, 3))
    tickets.advance(store, DONGHU, ticket_id, "delivered", on=date(2021, 3, 9))
    before = snapshot(store)
    with pytest.raises(Conflict, match="is delivered; it cannot move back to in_service"):
        tickets.advance(store, DONGHU, ticket_id, "in_service", on=date(2021, 3, 10))
    with pytest.raises(Conflict, match="cannot move back to assigned"):
        tickets.assign(store, DONGHU, ticket_id, "TST-E-1", on=date(2021, 3, 10))
    assert snapshot(store) == before
    assert tickets.ticket(store, ticket_id)["status"] == "delivered"


def test_closing_needs_an_outcome_and_a_rating(store: Engine) -> None:
    ticket_id = _open(store)
    _deliver(store, ticket_id)
    before = snapshot(store)
    with pytest.raises(InvalidArgument, match="outcome"):
        tickets.close(store, XIANGYANG, ticket_id, "", 4, on=date(2021, 4, 25))
    with pytest.raises(InvalidArgument, match="rating"):
        tickets.close(store, XIANGYANG, ticket_id, "resolved", 0, on=date(2021, 4, 25))
    with pytest.raises(InvalidArgument, match="before the ticket's last step"):
        tickets.close(store, XIANGYANG, ticket_id, "resolved", 4, on=date(2021, 4, 1))
    with pytest.raises(InvalidArgument, match="in the future"):
        tickets.close(store, XIANGYANG, ticket_id, "resolved", 4, on=date(2100, 1, 1))
    with pytest.raises(InvalidArgument, match="in_service or delivered"):
        tickets.advance(store, DONGHU, ticket_id, "closed")
    assert snapshot(store) == before
    other = _open(store)
    with pytest.raises(Conflict, match="the next step is assigned, not closed"):
        tickets.close(store, ADMIN, other, "resolved", 4, on=date(2021, 3, 2))


def test_who_may_act(store: Engine) -> None:
    with pytest.raises(Forbidden, match="opens tickets for xiangyang only, not for yichang"):
        _open(store, XIANGYANG, "yichang")
    with pytest.raises(Forbidden, match="may not open"):
        _open(store, EXPERT)
    ticket_id = _open(store, YICHANG, "yichang")
    with pytest.raises(Forbidden, match="only the province admin or the provider zone's admin may"):
        tickets.assign(store, YICHANG, ticket_id, "TST-E-1", on=date(2021, 3, 2))
    tickets.assign(store, DONGHU, ticket_id, "TST-E-1", on=date(2021, 3, 2))
    with pytest.raises(Forbidden, match="or the assigned expert"):
        tickets.advance(store, OTHER_EXPERT, ticket_id, "in_service", on=date(2021, 3, 3))
    tickets.advance(store, EXPERT, ticket_id, "in_service", on=date(2021, 3, 3))
    tickets.advance(store, ADMIN, ticket_id, "delivered", on=date(2021, 3, 9))
    with pytest.raises(Forbidden, match="close"):
        tickets.close(store, EXPERT, ticket_id, "resolved", 5, on=date(2021, 3, 10))
    with pytest.raises(Forbidden):
        tickets.close(store, XIANGYANG, ticket_id, "resolved", 5, on=date(2021, 3, 10))
    assert tickets.close(store, YICHANG, ticket_id, "partly_resolved", 3, on=date(2021, 3, 10))["status"] == "closed"


def test_references_are_checked(store: Engine) -> None:
    before = snapshot(store)
    with pytest.raises(InvalidArgument, match="no demand 'TST-D-9'"):
        _open(store, demand_id="TST-D-9")
    with pytest.raises(InvalidArgument, match="posted by yichang, not by xiangyang"):
        _open(store, demand_id="TST-D-2")
    with pytest.raises(InvalidArgument, match="no record 'TST-T-9' in the technology library"):
        _open(store, match_ref="technology:TST-T-9")
    with pytest.raises(InvalidArgument, match="library:id"):
        _open(store, match_ref="patent:TST-T-1")
    with pytest.raises(InvalidArgument, match="not in the requester's province"):
        _open(store, provider_zone="zhongguancun")
    with pytest.raises(InvalidArgument, match="unknown zone"):
        _open(store, ADMIN, "atlantis")
    with pytest.raises(InvalidArgument, match="due_on"):
        _open(store, due=date(2021, 2, 1))
    assert snapshot(store) == before
    ticket_id = _open(store, match_ref="technology:TST-T-1")
    with pytest.raises(InvalidArgument, match="no expert 'TST-E-9'"):
        tickets.assign(store, DONGHU, ticket_id, "TST-E-9", on=date(2021, 3, 2))
    with pytest.raises(InvalidArgument, match="unavailable"):
        tickets.assign(store, DONGHU, ticket_id, "TST-E-2", on=date(2021, 3, 2))
    with pytest.raises(NotFound):
        tickets.assign(store, DONGHU, "TK-2021-09999", "TST-E-1")


def test_ids_are_numbered_per_year(store: Engine) -> None:
    ids = [_open(store), _open(store), _open(store, opened=date(2020, 12, 31)), _open(store)]
    assert ids == ["TK-2021-00001", "TK-2021-00002", "TK-2020-00001", "TK-2021-00003"]


def test_overdue_flag_and_filters(store: Engine) -> None:
    late = _open(store, due=date(2021, 3, 31))
    on_time = _open(store, due=date(2021, 6, 30))
    delivered_late = _open(store, due=date(2021, 4, 1))
    _deliver(store, delivered_late, on=date(2021, 4, 20))
    flags = {t["id"]: t["overdue"] for t in tickets.list_tickets(store, today=date(2021, 4, 30))}
    assert flags == {late: True, on_time: False, delivered_late: True}
    late_and_open = tickets.list_tickets(store, overdue=True, status="open", today=date(2021, 4, 30))
    assert [t["id"] for t in late_and_open] == [late]
    assert {t["id"] for t in tickets.list_tickets(store, zone="wuhan-donghu", kind="talent")} == set(flags)
    assert tickets.list_tickets(store, kind="intelligence") == []
    with pytest.raises(InvalidArgument, match="status"):
        tickets.list_tickets(store, status="finished")
    with pytest.raises(NotFound):
        tickets.list_tickets(store, zone="atlantis")


def test_statistics_by_hand(store: Engine) -> None:
    # wuhan-donghu delivers in 2021: to xiangyang on time (rated 4), to yichang late (rated 2), to itself on
    # time (not closed) → delivered 3, to other zones 2, on time 2, mean rating (4 + 2) / 2 = 3.0
    a = _open(store)
    _deliver(store, a, on=date(2021, 4, 1))
    tickets.close(store, XIANGYANG, a, "resolved", 4, on=date(2021, 4, 2))
    b = _open(store, YICHANG, "yichang", due=date(2021, 3, 31))
    _deliver(store, b, on=date(2021, 4, 20))
    tickets.close(store, YICHANG, b, "not_resolved", 2, on=date(2021, 4, 21))
    _deliver(store, _open(store, DONGHU, "wuhan-donghu"), on=date(2021, 4, 10))
    _open(store)  # not delivered: not counted
    stats = tickets.ticket_statistics(store, 2021)
    (row,) = stats["providers"]
    assert row == {"provider_zone": "wuhan-donghu", "delivered": 3, "delivered_to_other_zones": 2, "on_time": 2,
                   "on_time_share": pytest.approx(2 / 3), "mean_rating": 3.0}
    assert tickets.ticket_statistics(store, 2020)["providers"] == []


def test_ticket_history_is_append_only(store: Engine) -> None:
    ticket_id = _open(store)
    with pytest.raises(Exception, match="append-only"), store.begin() as conn:
        conn.execute(TicketEvent.__table__.update().where(TicketEvent.ticket_id == ticket_id).values(note="edited"))
    with pytest.raises(Exception, match="append-only"), store.begin() as conn:
        conn.execute(TicketEvent.__table__.delete().where(TicketEvent.ticket_id == ticket_id))
    with store.connect() as conn:
        assert conn.execute(select(TicketEvent.note).where(TicketEvent.ticket_id == ticket_id)).scalar() == \
            "动力电池工艺工程师对接"
        assert conn.execute(select(ServiceTicket.status).where(ServiceTicket.id == ticket_id)).scalar() == "open"
        assert conn.execute(text("select count(*) from ticket_events")).scalar() == 1


def test_a_step_on_a_demo_ticket_is_not_synthetic(store: Engine) -> None:
    # the demo reload keeps a demo ticket someone moved on: it looks for steps that are not synthetic
    ticket_id = _open(store, ADMIN, is_synthetic=True)
    tickets.assign(store, DONGHU, ticket_id, "staff:张三", on=date(2021, 3, 2))
    with store.connect() as conn:
        flags = conn.execute(select(TicketEvent.status, TicketEvent.is_synthetic)
                             .where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)).all()
    assert [tuple(f) for f in flags] == [("open", True), ("assigned", False)]
