"""/api/v1/tickets: the sci-tech platform's service tickets (服务工单) — 人才对接 talent matching, 项目对接
project matching, 情报服务 intelligence service — through their lifecycle open → assigned → in_service →
delivered → closed, and the delivery statistics behind spillover performance (辐射带动绩效).

Readers see every ticket; admins, zone admins and experts write, and the service decides who may take which
step (:mod:`parknet.services.tickets`): a zone admin opens for its own zone only, the provider's zone admin
assigns and advances, the assigned expert advances, the requester's or provider's zone admin closes (403
otherwise). A step out of order is 409, naming the current status and the next one.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field, StringConstraints

from parknet.enabling.services import OUTCOMES
from parknet.services import tickets
from parknet.services.accounts import Principal
from parknet.web.api.agreements import RECORD_ID
from parknet.web.api.common import Page, PageParams, page_params, paginate
from parknet.web.api.zones import ZONE_ID
from parknet.web.security import Allow, engine_of

__all__ = ["router", "TicketIn", "MATCH_REF", "ASSIGNEE"]

router = APIRouter(prefix="/api/v1", tags=["tickets"])

#: ``library:id`` of a record of the technology, expert or project library
MATCH_REF = r"^(technology|expert|project):[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"
#: an expert-library id, or ``staff:NAME`` for a member of the provider's staff
ASSIGNEE = r"^(staff:[^\x00-\x1f]{1,58}|[A-Za-z0-9][A-Za-z0-9_.-]{0,31})$"
ZoneId = Annotated[str, StringConstraints(pattern=ZONE_ID)]
Day = Annotated[date, Field(ge=date(1985, 1, 1), le=date(2100, 12, 31))]
Kind = Literal["talent", "project", "intelligence"]
Status = Literal["open", "assigned", "in_service", "delivered", "closed"]
Note = Annotated[str, Field(max_length=2000)]
Outcome = Literal[OUTCOMES]  # type: ignore[valid-type]


class TicketIn(BaseModel):
    """A new ticket for ``requester_zone`` (default provider: the province's leading zone)."""

    kind: Kind = Field(description="talent 人才对接 · project 项目对接 · intelligence 情报服务")
    requester_zone: ZoneId
    title: str = Field(min_length=1, max_length=200)
    due_on: Day
    opened_on: Day | None = Field(None, description="default today; never in the future")
    provider_zone: ZoneId | None = None
    demand_id: str | None = Field(None, pattern=RECORD_ID, description="a demand the requester posted")
    match_ref: str | None = Field(None, pattern=MATCH_REF, description="library:id, e.g. technology:T-0001")


class AssignIn(BaseModel):
    assignee: str = Field(pattern=ASSIGNEE, description="an expert id of the expert library, or staff:NAME")
    on: Day | None = None
    note: Note | None = None


class AdvanceIn(BaseModel):
    to: Literal["in_service", "delivered"]
    on: Day | None = None
    note: Note | None = None


class CloseIn(BaseModel):
    outcome: Outcome = Field(description="resolved · partly_resolved · not_resolved · withdrawn")
    rating: int = Field(ge=1, le=5, description="the requester's satisfaction, 1–5")
    on: Day | None = None
    note: Note | None = None


def _ticket_id() -> Any:
    return Path(..., pattern=RECORD_ID, description="ticket id, e.g. TK-2021-00001")


def _written(request: Request) -> None:
    request.app.state.cache.invalidate()


@router.get("/tickets", response_model=Page)
def get_tickets(request: Request, status: Status | None = Query(None), zone: str | None = Query(None, pattern=ZONE_ID),
                kind: Kind | None = Query(None), overdue: bool | None = Query(None),
                paging: PageParams = Depends(page_params), _: Any = Depends(Allow("tickets:read"))) -> Page:
    """Tickets newest first, filtered by status, zone (requester or provider), kind and the overdue flag
    (逾期: not delivered by its due date, as of today); each with ``overdue`` and ``next_status``."""
    return paginate(tickets.list_tickets(engine_of(request), status=status, zone=zone, kind=kind, overdue=overdue),
                    paging)


@router.post("/tickets", status_code=201, response_model=dict[str, str])
def post_ticket(request: Request, body: TicketIn,
                principal: Principal = Depends(Allow("tickets:write"))) -> dict[str, str]:
    """Open a ticket (id ``TK-YYYY-NNNNN``); a zone admin only for its own zone (403), experts not at all."""
    new_id = tickets.open_ticket(engine_of(request), principal, kind=body.kind, requester_zone=body.requester_zone,
                                 title=body.title, due_on=body.due_on, opened_on=body.opened_on,
                                 provider_zone=body.provider_zone, demand_id=body.demand_id, match_ref=body.match_ref)
    _written(request)
    return {"id": new_id}


@router.get("/tickets/statistics", response_model=dict[str, Any])
def get_statistics(request: Request, year: int = Query(..., ge=1985, le=2100),
                   _: Any = Depends(Allow("tickets:read"))) -> dict[str, Any]:
    """Tickets delivered in ``year`` per provider zone: delivered, to other zones (spillover 辐射带动), on time,
    mean rating of the closed ones."""
    return tickets.ticket_statistics(engine_of(request), year)


@router.get("/tickets/{ticket_id}", response_model=dict[str, Any])
def get_ticket(request: Request, ticket_id: str = _ticket_id(),
               _: Any = Depends(Allow("tickets:read"))) -> dict[str, Any]:
    """One ticket with its history (流转记录), the overdue flag and the next step."""
    return tickets.ticket(engine_of(request), ticket_id)


@router.post("/tickets/{ticket_id}/assign", response_model=dict[str, Any])
def post_assign(request: Request, body: AssignIn, ticket_id: str = _ticket_id(),
                principal: Principal = Depends(Allow("tickets:write"))) -> dict[str, Any]:
    """open → assigned (已分派) to an expert (422 for an unknown or unavailable one) or ``staff:NAME``."""
    state = tickets.assign(engine_of(request), principal, ticket_id, body.assignee, on=body.on, note=body.note)
    _written(request)
    return state


@router.post("/tickets/{ticket_id}/advance", response_model=dict[str, Any])
def post_advance(request: Request, body: AdvanceIn, ticket_id: str = _ticket_id(),
                 principal: Principal = Depends(Allow("tickets:write"))) -> dict[str, Any]:
    """assigned → in_service (服务中) → delivered (已交付); 409 backwards or skipping a step."""
    state = tickets.advance(engine_of(request), principal, ticket_id, body.to, on=body.on, note=body.note)
    _written(request)
    return state


@router.post("/tickets/{ticket_id}/close", response_model=dict[str, Any])
def post_close(request: Request, body: CloseIn, ticket_id: str = _ticket_id(),
               principal: Principal = Depends(Allow("tickets:write"))) -> dict[str, Any]:
    """delivered → closed (已办结) with the outcome and the requester's rating 1–5 (422 without them)."""
    state = tickets.close(engine_of(request), principal, ticket_id, body.outcome, body.rating, on=body.on,
                          note=body.note)
    _written(request)
    return state
