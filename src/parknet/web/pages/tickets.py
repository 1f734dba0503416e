"""The service-ticket pages (服务工单): a board with one column per status (overdue cards in red), a ticket's
details with its history and the form for its next step, and the form that opens a ticket (prefilled from a
demand with ``/tickets/new?demand=ID``).

Forms post to page routes with the session's CSRF token and are redirected back (303); a refused step is
shown on the ticket's page with its reason (409 out of order, 422 bad input). Each route calls the same
service as its API twin (:mod:`parknet.web.api.tickets`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from parknet.enabling.services import OUTCOMES, ServiceKind, TicketStatus
from parknet.errors import Conflict, InvalidArgument
from parknet.services import tickets
from parknet.services.accounts import Principal
from parknet.web.api.agreements import RECORD_ID
from parknet.web.api.tickets import AdvanceIn, AssignIn, CloseIn, TicketIn
from parknet.web.api.zones import ZONE_ID, all_zones, zone_names
from parknet.web.pages.render import render
from parknet.web.security import Allow, engine_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_ZONE_OR_ALL = "^(" + ZONE_ID.strip("^$") + ")?$"  # the filter form sends zone= for all zones
_KIND_OR_ALL = "^(talent|project|intelligence)?$"
_CARDS_PER_COLUMN = 60  # the board shows the newest cards of each column; the list API has them all


def _errors(exc: ValidationError) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]


@router.get("/tickets", response_class=HTMLResponse)
def board_page(request: Request, zone: str | None = Query(None, pattern=_ZONE_OR_ALL),
               kind: str | None = Query(None, pattern=_KIND_OR_ALL),
               _: Any = Depends(Allow("tickets:read"))) -> Response:
    rows = tickets.list_tickets(engine_of(request), zone=zone or None, kind=kind or None)
    columns = []
    for status in TicketStatus:
        cards = [t for t in rows if t["status"] == status.value]
        columns.append({"status": status.value, "cards": cards[:_CARDS_PER_COLUMN], "total": len(cards),
                        "overdue": sum(t["overdue"] for t in cards)})
    return render(request, "tickets.html", columns=columns, zone=zone or "", kind=kind or "",
                  kinds=[k.value for k in ServiceKind], zones=all_zones(request), names=zone_names(request))


def _new_form(request: Request, user: Principal, status_code: int = 200, errors: list[str] | None = None,
              last: dict[str, Any] | None = None) -> Response:
    default = {"kind": ServiceKind.TALENT.value, "requester_zone": user.zone_id or "", "provider_zone": "",
               "due_on": (date.today() + timedelta(days=30)).isoformat()}
    return render(request, "ticket_new.html", status_code=status_code, zones=all_zones(request),
                  kinds=[k.value for k in ServiceKind], errors=errors or [], last={**default, **(last or {})},
                  may_open=user.role in ("admin", "zone_admin"))


@router.get("/tickets/new", response_class=HTMLResponse)
def new_ticket_form(request: Request, demand: str | None = Query(None, pattern=RECORD_ID),
                    match: str | None = Query(None, max_length=64),
                    principal: Principal = Depends(Allow("tickets:write"))) -> Response:
    last = tickets.draft_from_demand(engine_of(request), demand) if demand else {}
    return _new_form(request, principal, last={**last, "match_ref": match or ""})


@router.post("/tickets/new", response_class=HTMLResponse)
def new_ticket_submit(request: Request, kind: str = Form("", max_length=16),
                      requester_zone: str = Form("", max_length=64), title: str = Form("", max_length=200),
                      due_on: str = Form("", max_length=10), provider_zone: str = Form("", max_length=64),
                      demand_id: str = Form("", max_length=32), match_ref: str = Form("", max_length=64),
                      principal: Principal = Depends(Allow("tickets:write"))) -> Response:
    last = {"kind": kind, "requester_zone": requester_zone, "title": title, "due_on": due_on,
            "provider_zone": provider_zone, "demand_id": demand_id, "match_ref": match_ref}
    try:
        body = TicketIn(kind=kind, requester_zone=requester_zone, title=title, due_on=due_on,
                        provider_zone=provider_zone or None, demand_id=demand_id or None, match_ref=match_ref or None)
        new_id = tickets.open_ticket(engine_of(request), principal, kind=body.kind, requester_zone=body.requester_zone,
                                     title=body.title, due_on=body.due_on, provider_zone=body.provider_zone,
                                     demand_id=body.demand_id, match_ref=body.match_ref)
    except ValidationError as exc:
        return _new_form(request, principal, 422, _errors(exc), last)
    except InvalidArgument as exc:
        return _new_form(request, principal, 422, [str(exc)], last)
    request.app.state.cache.invalidate()
    return RedirectResponse(f"/tickets/{new_id}", status_code=303)


def _detail(request: Request, ticket_id: str, user: Principal, status_code: int = 200,
            errors: list[str] | None = None) -> Response:
    t = tickets.ticket(engine_of(request), ticket_id)
    step = tickets.STEP_TO.get(t["next_status"] or "")
    return render(request, "ticket.html", status_code=status_code, tk=t, names=zone_names(request), step=step,
                  acts=bool(step) and tickets.may_act(user, t, step), outcomes=OUTCOMES, errors=errors or [],
                  today=date.today().isoformat())


@router.get("/tickets/{ticket_id}", response_class=HTMLResponse)
def ticket_page(request: Request, ticket_id: str = Path(..., pattern=RECORD_ID),
                principal: Principal = Depends(Allow("tickets:read"))) -> Response:
    return _detail(request, ticket_id, principal)


def _act(request: Request, ticket_id: str, user: Principal, step: Any) -> Response:
    """Run ``step`` (a callable doing the service call); back to the ticket, or its page with the reason."""
    try:
        step()
    except ValidationError as exc:
        return _detail(request, ticket_id, user, 422, _errors(exc))
    except InvalidArgument as exc:
        return _detail(request, ticket_id, user, 422, [str(exc)])
    except Conflict as exc:
        return _detail(request, ticket_id, user, 409, [str(exc)])
    request.app.state.cache.invalidate()
    return RedirectResponse(f"/tickets/{ticket_id}", status_code=303)


@router.post("/tickets/{ticket_id}/assign")
def ticket_assign(request: Request, ticket_id: str = Path(..., pattern=RECORD_ID),
                  assignee: str = Form(..., max_length=64), on: str = Form("", max_length=10),
                  note: str = Form("", max_length=2000),
                  principal: Principal = Depends(Allow("tickets:write"))) -> Response:
    def step() -> None:
        body = AssignIn(assignee=assignee.strip(), on=on or None, note=note or None)
        tickets.assign(engine_of(request), principal, ticket_id, body.assignee, on=body.on, note=body.note)

    return _act(request, ticket_id, principal, step)


@router.post("/tickets/{ticket_id}/advance")
def ticket_advance(request: Request, ticket_id: str = Path(..., pattern=RECORD_ID),
                   to: str = Form(..., max_length=16), on: str = Form("", max_length=10),
                   note: str = Form("", max_length=2000),
                   principal: Principal = Depends(Allow("tickets:write"))) -> Response:
    def step() -> None:
        body = AdvanceIn(to=to, on=on or None, note=note or None)
        tickets.advance(engine_of(request), principal, ticket_id, body.to, on=body.on, note=body.note)

    return _act(request, ticket_id, principal, step)


@router.post("/tickets/{ticket_id}/close")
def ticket_close(request: Request, ticket_id: str = Path(..., pattern=RECORD_ID),
                 outcome: str = Form("", max_length=24), rating: str = Form("", max_length=2),
                 on: str = Form("", max_length=10), note: str = Form("", max_length=2000),
                 principal: Principal = Depends(Allow("tickets:write"))) -> Response:
    def step() -> None:
        if not outcome or not rating:
            raise InvalidArgument("outcome" if not outcome else "rating",
                                  "a ticket closes with an outcome and the requester's rating 1–5")
        body = CloseIn(outcome=outcome, rating=rating, on=on or None, note=note or None)
        tickets.close(engine_of(request), principal, ticket_id, body.outcome, body.rating, on=body.on,
                      note=body.note)

    return _act(request, ticket_id, principal, step)
