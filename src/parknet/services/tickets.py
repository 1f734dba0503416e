"""Service tickets of the provincial sci-tech platform (服务工单) in the store: opening, assigning, serving,
delivering and closing a ticket, with its history (:class:`TicketEvent`, append-only) and an audit entry per
step, in one transaction; the rules are those of :mod:`parknet.enabling.services`.

Who may act (kept simple on purpose):

- **open** — the province admin for any zone; a zone admin only for its own zone (the requester);
- **assign** — the province admin, or the zone admin of the provider zone (the zone that serves);
- **advance** to ``in_service`` / ``delivered`` — the province admin, the provider's zone admin, or the expert
  the ticket is assigned to: an ``expert`` account whose user name is the assignee (an expert-library id
  equal to the user name, or ``staff:USERNAME``);
- **close** with an outcome and a rating — the province admin, or the zone admin of the provider or of the
  requester (the rating is the requester's satisfaction, so the expert who served does not rate itself).

The default provider is the leading zone (领头园区) of the requester's province, as
:func:`parknet.services.network.leading_zones` chooses it. Ids are ``TK-YYYY-NNNNN`` (year opened, then the
next number in that year, drawn inside the writing transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, text

from parknet.enabling import services as core
from parknet.errors import Forbidden, InvalidArgument, NotFound
from parknet.services.accounts import Principal
from parknet.services.zones import require_zone
from parknet.store import audit, models
from parknet.store.enabling import LIBRARIES, Demand, Expert, ScienceProject, ServiceTicket, Technology, TicketEvent

__all__ = ["open_ticket", "assign", "advance", "close", "list_tickets", "ticket", "ticket_statistics",
           "delivered_statistics",
           "may_act", "draft_from_demand", "serial_id", "STAFF_PREFIX", "KIND_OF_LIBRARY", "STEP_TO"]

#: an assignee that is a member of the provider's staff rather than an expert of the expert library
STAFF_PREFIX = "staff:"
_LIBRARY_TABLES = {"technology": Technology, "expert": Expert, "project": ScienceProject}
_T = ServiceTicket.__table__
#: the step (as :func:`may_act` names it) that leads to each status
STEP_TO = {"assigned": "assign", "in_service": "in_service", "delivered": "delivered", "closed": "close"}
#: the service kind a demand of each library asks for (a technology demand is matched as a project: 技术转移)
KIND_OF_LIBRARY = {"expert": "talent", "project": "project", "technology": "project"}


def serial_id(conn: Connection, column: Any, prefix: str, width: int = 5) -> str:
    """The next id ``prefix + NNNNN`` of ``column`` (the largest number taken + 1), drawn inside ``conn``'s
    transaction; on PostgreSQL a transaction-scoped advisory lock per prefix keeps two writers from drawing the
    same number (SQLite serialises writers by itself)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("select pg_advisory_xact_lock(hashtext(:prefix))"), {"prefix": prefix})
    taken = conn.execute(select(column).where(column.like(prefix + "%"))).scalars()
    numbers = [int(t[len(prefix):]) for t in taken if t[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:0{width}d}"


def _today() -> date:
    return date.today()


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _row(conn: Connection, ticket_id: str) -> Any:
    row = conn.execute(select(_T).where(_T.c.id == ticket_id)).first()
    if row is None:
        raise NotFound(f"no service ticket {ticket_id!r}")
    return row


def _core(row: Any) -> core.Ticket:
    return core.Ticket(row.id, core.ServiceKind(row.kind), row.requester_zone, row.title, row.opened_on, row.due_on,
                       status=core.TicketStatus(row.status), provider_zone=row.provider_zone, assignee=row.assignee,
                       demand_id=row.demand_id, match_id=row.match_ref, delivered_on=row.delivered_on,
                       closed_on=row.closed_on, outcome=row.outcome, rating=row.rating)


def _view(row: Any, today: date) -> dict[str, Any]:
    """A ticket as a dict: its columns (dates ISO), whether it is overdue today, and its next step."""
    following = core.next_status(row.status)
    return {"id": row.id, "kind": row.kind, "status": row.status, "title": row.title,
            "requester_zone": row.requester_zone, "provider_zone": row.provider_zone,
            "opened_on": _iso(row.opened_on), "due_on": _iso(row.due_on), "assignee": row.assignee,
            "demand_id": row.demand_id, "match_ref": row.match_ref, "delivered_on": _iso(row.delivered_on),
            "closed_on": _iso(row.closed_on), "outcome": row.outcome, "rating": row.rating,
            "created_by": row.created_by, "is_synthetic": row.is_synthetic,
            "overdue": core.is_overdue(_core(row), today),
            "next_status": following.value if following else None}


def _zone_province(conn: Connection, zone_id: str, argument: str) -> str:
    province = conn.execute(select(models.Zone.province_code).where(models.Zone.id == zone_id)).scalar()
    if province is None:
        raise InvalidArgument(argument, f"unknown zone {zone_id!r}")
    return province


def _check_day(value: date, argument: str) -> date:
    if value > _today():
        raise InvalidArgument(argument, f"{value} is in the future; record a step when it has happened")
    return value


def _check_demand(conn: Connection, demand_id: str, requester_zone: str) -> None:
    zone = conn.execute(select(Demand.zone_id).where(Demand.id == demand_id)).scalar()
    if zone is None:
        raise InvalidArgument("demand_id", f"no demand {demand_id!r} (post it on the sci-tech platform first)")
    if zone != requester_zone:
        raise InvalidArgument("demand_id", f"demand {demand_id} was posted by {zone}, not by {requester_zone}")


def _check_match(conn: Connection, match_ref: str) -> None:
    library, _, record = match_ref.partition(":")
    table = _LIBRARY_TABLES.get(library)
    if table is None or not record:
        raise InvalidArgument("match_ref", f"library:id with library one of {', '.join(LIBRARIES)} "
                                           f"(e.g. technology:T-0001), got {match_ref!r}")
    if conn.execute(select(table.id).where(table.id == record)).scalar() is None:
        raise InvalidArgument("match_ref", f"no record {record!r} in the {library} library")


def _check_assignee(conn: Connection, assignee: str) -> str:
    assignee = assignee.strip()
    if assignee.startswith(STAFF_PREFIX):
        name = assignee[len(STAFF_PREFIX):].strip()
        if not name or len(name) > 58:
            raise InvalidArgument("assignee", "staff:NAME with a name of 1–58 characters")
        return STAFF_PREFIX + name
    availability = conn.execute(select(Expert.availability).where(Expert.id == assignee)).scalar()
    if availability is None:
        raise InvalidArgument("assignee", f"no expert {assignee!r} in the expert library; give an expert id or "
                                          "staff:NAME for a member of the provider's staff")
    if availability == "unavailable":
        raise InvalidArgument("assignee", f"expert {assignee} is marked unavailable (暂不可对接)")
    return assignee


def _default_provider(engine: Engine, requester_zone: str) -> str | None:
    from parknet.services.network import leading_zones

    with engine.connect() as conn:
        province = _zone_province(conn, requester_zone, "requester_zone")
    leaders = leading_zones(engine).get(province, {}).get("leaders", [])
    return leaders[0] if leaders else None


def open_ticket(engine: Engine, principal: Principal, *, kind: str, requester_zone: str, title: str,
                due_on: date, opened_on: date | None = None, provider_zone: str | None = None,
                demand_id: str | None = None, match_ref: str | None = None, is_synthetic: bool = False) -> str:
    """Open a ticket (受理申请) for ``requester_zone``; returns its id ``TK-YYYY-NNNNN``.

    ``kind`` is talent 人才对接, project 项目对接 or intelligence 情报服务. The provider defaults to the leading
    zone of the requester's province and must be a zone of that province (the provincial platform serves its
    own 1+N network). ``demand_id`` must name a demand the requester posted; ``match_ref`` (``library:id``)
    a record of the technology, expert or project library. Writes the ticket, its ``open`` event and an audit
    entry in one transaction.
    """
    if principal.role not in ("admin", "zone_admin"):
        raise Forbidden(f"{principal.username} ({principal.role}) may not open tickets: the requester zone's "
                        "admin or the province admin opens them")
    if principal.role == "zone_admin" and principal.zone_id != requester_zone:
        raise Forbidden(f"{principal.username} is the zone admin of {principal.zone_id}; it opens tickets for "
                        f"{principal.zone_id} only, not for {requester_zone}")
    opened = _check_day(opened_on or _today(), "opened_on")
    provider = provider_zone or _default_provider(engine, requester_zone)
    draft = core.open_ticket("new", kind, requester_zone, title, opened, due_on, provider_zone=provider,
                             demand_id=demand_id, match_id=match_ref)
    with engine.begin() as conn:
        province = _zone_province(conn, requester_zone, "requester_zone")
        if provider is not None and _zone_province(conn, provider, "provider_zone") != province:
            raise InvalidArgument("provider_zone", f"{provider} is not in the requester's province ({province}); "
                                                   "the provincial platform serves its own network")
        if demand_id:
            _check_demand(conn, demand_id, requester_zone)
        if match_ref:
            _check_match(conn, match_ref)
        ticket_id = serial_id(conn, _T.c.id, f"TK-{opened.year}-")
        conn.execute(_T.insert().values(
            id=ticket_id, kind=draft.kind.value, requester_zone=requester_zone, provider_zone=provider,
            title=draft.title, opened_on=opened, due_on=due_on, status=draft.status.value, demand_id=demand_id,
            match_ref=match_ref, created_by=principal.username, is_synthetic=is_synthetic))
        _record(conn, ticket_id, "open", opened, principal.username, draft.title, is_synthetic, before=None)
    return ticket_id


def _record(conn: Connection, ticket_id: str, status: str, on: date, actor: str, note: str | None,
            is_synthetic: bool, before: dict[str, Any] | None) -> None:
    """The history row of a step and its audit entry (before → after), in ``conn``'s transaction."""
    conn.execute(TicketEvent.__table__.insert().values(ticket_id=ticket_id, status=status, on=on, actor=actor,
                                                       note=note, recorded_at=datetime.now(UTC),
                                                       is_synthetic=is_synthetic))
    after = _view(_row(conn, ticket_id), on)
    audit.append(conn, actor=actor, action=status if before else "open", entity="service_ticket",
                 entity_key=ticket_id, before=before, after=after)


def may_act(principal: Principal, ticket: Mapping[str, Any], step: str) -> bool:
    """Whether ``principal`` may take ``step`` (assign, in_service, delivered, close) on ``ticket`` (a
    :func:`ticket` dict or a row mapping): the rule of the module docstring."""
    if principal.role == "admin":
        return True
    zones = {ticket["provider_zone"]} | ({ticket["requester_zone"]} if step == "close" else set())
    if principal.role == "zone_admin" and principal.zone_id in zones:
        return True
    return (principal.role == "expert" and step in ("in_service", "delivered")
            and ticket["assignee"] in (principal.username, STAFF_PREFIX + principal.username))


def _require(principal: Principal, row: Any, step: str) -> None:
    if not may_act(principal, row._mapping, step):
        who = "the province admin or the provider zone's admin"
        who += {"close": " or the requester zone's admin", "assign": ""}.get(step, " or the assigned expert")
        raise Forbidden(f"{principal.username} ({principal.role}) may not {step} ticket {row.id}: only {who} may")


def _step(engine: Engine, principal: Principal, ticket_id: str, to: str, on: date | None, note: str | None,
          **kwargs: Any) -> dict[str, Any]:
    """Move the ticket one step with the core's rules; refusals (Forbidden, Conflict, InvalidArgument) write
    nothing."""
    day = _check_day(on or _today(), "on")
    with engine.begin() as conn:
        row = _row(conn, ticket_id)
        _require(principal, row, STEP_TO[to])
        if to == "assigned":
            kwargs["assignee"] = _check_assignee(conn, kwargs["assignee"])
        moved = core.advance(_core(row), to, day, **kwargs)
        last = conn.execute(select(TicketEvent.on).where(TicketEvent.ticket_id == ticket_id)
                            .order_by(TicketEvent.on.desc()).limit(1)).scalar()
        if last and day < last:
            raise InvalidArgument("on", f"{day} is before the ticket's last step ({last})")
        before = _view(row, day)
        conn.execute(_T.update().where(_T.c.id == ticket_id).values(
            status=moved.status.value, assignee=moved.assignee, delivered_on=moved.delivered_on,
            closed_on=moved.closed_on, outcome=moved.outcome, rating=moved.rating))
        # a step someone takes is never synthetic, even on a demo ticket: a demo reload keeps such a ticket
        _record(conn, ticket_id, moved.status.value, day, principal.username, note, False, before)
        return _view(_row(conn, ticket_id), day)


def assign(engine: Engine, principal: Principal, ticket_id: str, assignee: str, on: date | None = None,
           note: str | None = None) -> dict[str, Any]:
    """open → assigned (已分派) to an expert of the expert library (its id) or ``staff:NAME``."""
    return _step(engine, principal, ticket_id, "assigned", on, note or assignee.strip(), assignee=assignee)


def advance(engine: Engine, principal: Principal, ticket_id: str, to: str, on: date | None = None,
            note: str | None = None) -> dict[str, Any]:
    """assigned → in_service (服务中) → delivered (已交付), one step at a time (409 backwards or skipping)."""
    if to not in ("in_service", "delivered"):
        raise InvalidArgument("to", f"in_service or delivered, got {to!r} (assign and close have their own "
                                    "commands, as they need an assignee / an outcome and a rating)")
    return _step(engine, principal, ticket_id, to, on, note)


def close(engine: Engine, principal: Principal, ticket_id: str, outcome: str, rating: int, on: date | None = None,
          note: str | None = None) -> dict[str, Any]:
    """delivered → closed (已办结) with the outcome (办结结果) and the requester's rating 1–5."""
    core.check_closing(outcome, rating)
    return _step(engine, principal, ticket_id, "closed", on, note, outcome=outcome, rating=rating)


def _choice(value: str | None, allowed: Iterable[str], argument: str) -> None:
    allowed = list(allowed)
    if value is not None and value not in allowed:
        raise InvalidArgument(argument, f"one of {', '.join(allowed)}, got {value!r}")


def list_tickets(engine: Engine, *, status: str | None = None, zone: str | None = None, kind: str | None = None,
                 overdue: bool | None = None, today: date | None = None) -> list[dict[str, Any]]:
    """Tickets newest first, filtered by status, zone (requester or provider), kind and the overdue flag
    (逾期: not delivered by the due date, as of ``today``)."""
    _choice(status, (s.value for s in core.TicketStatus), "status")
    _choice(kind, (k.value for k in core.ServiceKind), "kind")
    day = today or _today()
    stmt = select(_T).order_by(_T.c.opened_on.desc(), _T.c.id.desc())
    if status:
        stmt = stmt.where(_T.c.status == status)
    if kind:
        stmt = stmt.where(_T.c.kind == kind)
    if zone:
        stmt = stmt.where((_T.c.requester_zone == zone) | (_T.c.provider_zone == zone))
    with engine.connect() as conn:
        if zone:
            require_zone(conn, zone)
        rows = [_view(r, day) for r in conn.execute(stmt)]
    return [r for r in rows if overdue is None or r["overdue"] == overdue]


def ticket(engine: Engine, ticket_id: str, today: date | None = None) -> dict[str, Any]:
    """One ticket with its history (工单流转记录, oldest first), its demand's title and its expert's name."""
    with engine.connect() as conn:
        state = _view(_row(conn, ticket_id), today or _today())
        events = TicketEvent.__table__
        state["history"] = [
            {"status": e.status, "on": _iso(e.on), "actor": e.actor, "note": e.note,
             "recorded_at": e.recorded_at.isoformat()}
            for e in conn.execute(select(events).where(events.c.ticket_id == ticket_id).order_by(events.c.id))]
        state["demand_title"] = (conn.execute(select(Demand.title).where(Demand.id == state["demand_id"])).scalar()
                                 if state["demand_id"] else None)
        expert = (conn.execute(select(Expert.name, Expert.institution).where(Expert.id == state["assignee"])).first()
                  if state["assignee"] else None)
        state["assignee_name"] = f"{expert.name}（{expert.institution}）" if expert else None
    return state


def delivered_statistics(conn: Connection, year: int) -> list[core.TicketStatistics]:
    """The core :func:`~parknet.enabling.services.statistics` of the tickets delivered in ``year`` (one
    definition for the ticket report and the evaluation's spillover performance)."""
    rows = conn.execute(select(_T).where(_T.c.delivered_on >= date(year, 1, 1),
                                         _T.c.delivered_on <= date(year, 12, 31))).all()
    return core.statistics([_core(r) for r in rows], year)


def ticket_statistics(engine: Engine, year: int) -> dict[str, Any]:
    """Tickets delivered in ``year`` per provider zone (core :func:`~parknet.enabling.services.statistics`):
    delivered, delivered to other zones (the spillover 辐射带动 of a leading zone), on time, mean rating."""
    with engine.connect() as conn:
        stats = delivered_statistics(conn, year)
    out = []
    for s in stats:
        out.append({"provider_zone": s.provider_zone, "delivered": s.delivered,
                    "delivered_to_other_zones": s.delivered_to_other_zones, "on_time": s.on_time,
                    "on_time_share": s.on_time / s.delivered if s.delivered else None,
                    "mean_rating": s.mean_rating})
    return {"year": year, "providers": out,
            "definition": "tickets whose delivery (已交付) falls in the year, by provider zone; to other zones: "
                          "the requester is another zone; on time: delivered by the due date; mean rating: "
                          "over the closed ones (1–5)"}


def draft_from_demand(engine: Engine, demand_id: str) -> dict[str, Any]:
    """What a ticket opened for demand ``demand_id`` starts from: the posting zone, the demand's title and the
    service kind its library asks for (:data:`KIND_OF_LIBRARY`). NotFound for an unknown demand."""
    with engine.connect() as conn:
        row = conn.execute(select(Demand.zone_id, Demand.title, Demand.library).where(Demand.id == demand_id)).first()
    if row is None:
        raise NotFound(f"no demand {demand_id!r}")
    return {"demand_id": demand_id, "requester_zone": row.zone_id, "title": row.title,
            "kind": KIND_OF_LIBRARY[row.library]}
