"""Service tickets of the sci-tech platform (科技服务工单): the three targeted, temporary services the article
asks for instead of new buildings — 人才对接 talent matching, 项目对接 project matching, 情报服务 intelligence
service (MECHANISMS.md §5.2) — and their lifecycle.

Lifecycle: open 待受理 → assigned 已分派 → in_service 服务中 → delivered 已交付 → closed 已办结. A ticket
only moves forward one step at a time (``assigned`` needs an assignee; ``closed`` needs an outcome and a
rating 1–5); it is overdue when it is not yet delivered after its due date. The statistics feed the
evaluation's spillover performance (辐射带动绩效): tickets a leading zone delivers to partner zones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from parknet.errors import Conflict, InvalidArgument

__all__ = ["ServiceKind", "TicketStatus", "Ticket", "TicketStatistics", "open_ticket", "advance", "next_status",
           "check_closing", "is_overdue", "statistics", "OUTCOMES"]


class ServiceKind(StrEnum):
    """The three service kinds (服务类型)."""

    TALENT = "talent"  # 人才对接
    PROJECT = "project"  # 项目对接
    INTELLIGENCE = "intelligence"  # 情报服务


class TicketStatus(StrEnum):
    """Where a ticket is in its lifecycle, in order."""

    OPEN = "open"  # 待受理
    ASSIGNED = "assigned"  # 已分派
    IN_SERVICE = "in_service"  # 服务中
    DELIVERED = "delivered"  # 已交付
    CLOSED = "closed"  # 已办结


_ORDER = list(TicketStatus)
#: how a closed ticket ended (办结结果)
OUTCOMES = ("resolved", "partly_resolved", "not_resolved", "withdrawn")


@dataclass(frozen=True)
class Ticket:
    """A service ticket: who asked (zone), what kind, which demand/match/expert it links, its dates and state."""

    ticket_id: str
    kind: ServiceKind
    requester_zone: str
    title: str
    opened_on: date
    due_on: date
    status: TicketStatus = TicketStatus.OPEN
    provider_zone: str | None = None  # the zone (usually the leader) that serves
    assignee: str | None = None  # expert or staff id
    demand_id: str | None = None
    match_id: str | None = None
    delivered_on: date | None = None
    closed_on: date | None = None
    outcome: str | None = None
    rating: int | None = None


def open_ticket(ticket_id: str, kind: str, requester_zone: str, title: str, opened_on: date, due_on: date, *,
                provider_zone: str | None = None, demand_id: str | None = None,
                match_id: str | None = None) -> Ticket:
    """A new ticket in ``open``; refuses an unknown kind, an empty title and a due date before the opening."""
    try:
        service = ServiceKind(kind)
    except ValueError:
        raise InvalidArgument("kind", "talent (人才对接), project (项目对接) or intelligence (情报服务), "
                                      f"got {kind!r}") from None
    if not title.strip():
        raise InvalidArgument("title", "say what the service is for")
    if due_on < opened_on:
        raise InvalidArgument("due_on", f"{due_on} is before the ticket is opened ({opened_on})")
    return Ticket(ticket_id, service, requester_zone, title.strip(), opened_on, due_on, provider_zone=provider_zone,
                  demand_id=demand_id, match_id=match_id)


def next_status(status: str) -> TicketStatus | None:
    """The one step that may follow ``status`` (``None`` once closed)."""
    here = _ORDER.index(TicketStatus(status))
    return _ORDER[here + 1] if here + 1 < len(_ORDER) else None


def check_closing(outcome: str | None, rating: int | None) -> None:
    """A ticket closes with an outcome (办结结果, one of :data:`OUTCOMES`) and the requester's rating 1–5."""
    if outcome not in OUTCOMES:
        raise InvalidArgument("outcome", f"a ticket closes with an outcome: {', '.join(OUTCOMES)}"
                                         + (f", got {outcome!r}" if outcome else ""))
    if rating is None or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise InvalidArgument("rating", "a rating from 1 to 5 (the requester's satisfaction)"
                                        + (f", got {rating!r}" if rating is not None else ""))


def advance(ticket: Ticket, to: str, on: date, *, assignee: str | None = None, outcome: str | None = None,
            rating: int | None = None) -> Ticket:
    """Move ``ticket`` one step forward to ``to`` on date ``on`` (never backwards, never skipping a step)."""
    try:
        target = TicketStatus(to)
    except ValueError:
        raise InvalidArgument("to", f"one of {', '.join(s.value for s in TicketStatus)}, got {to!r}") from None
    here, there = _ORDER.index(ticket.status), _ORDER.index(target)
    if there <= here:
        raise Conflict(f"ticket {ticket.ticket_id} is {ticket.status.value}; it cannot move back to {target.value}")
    if there != here + 1:
        raise Conflict(f"ticket {ticket.ticket_id} is {ticket.status.value}; the next step is "
                       f"{_ORDER[here + 1].value}, not {target.value}")
    if on < ticket.opened_on:
        raise InvalidArgument("on", f"{on} is before the ticket was opened ({ticket.opened_on})")
    if target is TicketStatus.ASSIGNED:
        if not assignee:
            raise InvalidArgument("assignee", "assign the ticket to an expert or a member of staff")
        return replace(ticket, status=target, assignee=assignee)
    if target is TicketStatus.DELIVERED:
        return replace(ticket, status=target, delivered_on=on)
    if target is TicketStatus.CLOSED:
        check_closing(outcome, rating)
        return replace(ticket, status=target, closed_on=on, outcome=outcome, rating=rating)
    return replace(ticket, status=target)


def is_overdue(ticket: Ticket, today: date) -> bool:
    """Not yet delivered after the due date (逾期)."""
    done = ticket.delivered_on
    return (done is None and today > ticket.due_on) or (done is not None and done > ticket.due_on)


@dataclass(frozen=True)
class TicketStatistics:
    """Per provider zone: tickets delivered to other zones, on time, and the mean rating of closed ones."""

    provider_zone: str
    delivered: int
    delivered_to_other_zones: int
    on_time: int
    mean_rating: float | None


def statistics(tickets: Iterable[Ticket], year: int) -> list[TicketStatistics]:
    """Delivered tickets of ``year`` per provider zone (for 辐射带动绩效: services to partner zones)."""
    by_zone: dict[str, list[Ticket]] = {}
    for t in tickets:
        if t.provider_zone and t.delivered_on and t.delivered_on.year == year:
            by_zone.setdefault(t.provider_zone, []).append(t)
    out = []
    for zone, items in sorted(by_zone.items()):
        ratings = [t.rating for t in items if t.rating is not None]
        out.append(TicketStatistics(zone, len(items), sum(t.requester_zone != zone for t in items),
                                    sum(not is_overdue(t, t.delivered_on or t.due_on) for t in items),
                                    sum(ratings) / len(ratings) if ratings else None))
    return out
