"""Service tickets: the lifecycle moves forward one step at a time, closing needs an outcome and a rating,
overdue flags, and the delivery statistics that feed spillover performance."""

from __future__ import annotations

from datetime import date

import pytest

from parknet.enabling.services import (TicketStatus, advance, check_closing, is_overdue, next_status, open_ticket,
                                       statistics)
from parknet.errors import Conflict, InvalidArgument


def _ticket(ticket_id: str = "T1", requester: str = "xiangyang", provider: str = "wuhan-donghu"):  # noqa: ANN202
    return open_ticket(ticket_id, "talent", requester, "动力电池工艺工程师对接", date(2021, 3, 1), date(2021, 4, 30),
                       provider_zone=provider, demand_id="D-1")


def test_a_ticket_goes_through_its_lifecycle() -> None:
    t = _ticket()
    assert t.status is TicketStatus.OPEN
    t = advance(t, "assigned", date(2021, 3, 2), assignee="expert-17")
    t = advance(t, "in_service", date(2021, 3, 5))
    t = advance(t, "delivered", date(2021, 4, 20))
    t = advance(t, "closed", date(2021, 4, 25), outcome="resolved", rating=5)
    assert (t.status, t.assignee, t.delivered_on, t.outcome, t.rating) == (
        TicketStatus.CLOSED, "expert-17", date(2021, 4, 20), "resolved", 5)
    assert not is_overdue(t, date(2021, 12, 31))


@pytest.mark.parametrize(("steps", "error", "message"), [
    ([("assigned", {})], InvalidArgument, "assignee"),
    ([("in_service", {})], Conflict, "the next step is assigned"),
    ([("assigned", {"assignee": "e"}), ("open", {})], Conflict, "cannot move back to open"),
    ([("assigned", {"assignee": "e"}), ("assigned", {"assignee": "f"})], Conflict, "cannot move back"),
    ([("assigned", {"assignee": "e"}), ("in_service", {}), ("delivered", {}), ("closed", {})], InvalidArgument,
     "outcome"),
    ([("assigned", {"assignee": "e"}), ("in_service", {}), ("delivered", {}),
      ("closed", {"outcome": "resolved", "rating": 9})], InvalidArgument, "rating"),
    ([("finished", {})], InvalidArgument, "one of open"),
])
def test_moves_backwards_skips_and_closing_without_outcome_are_refused(steps, error, message) -> None:  # noqa: ANN001
    t = _ticket()
    with pytest.raises(error, match=message):
        for to, kwargs in steps:
            t = advance(t, to, date(2021, 3, 10), **kwargs)


def test_bad_tickets_and_overdue() -> None:
    with pytest.raises(InvalidArgument, match="talent"):
        open_ticket("T", "consulting", "a", "x", date(2021, 1, 1), date(2021, 2, 1))
    with pytest.raises(InvalidArgument, match="due_on"):
        open_ticket("T", "project", "a", "x", date(2021, 3, 1), date(2021, 2, 1))
    t = _ticket()
    assert not is_overdue(t, date(2021, 4, 30)) and is_overdue(t, date(2021, 5, 1))
    late = advance(advance(advance(t, "assigned", date(2021, 3, 2), assignee="e"), "in_service", date(2021, 3, 3)),
                   "delivered", date(2021, 5, 10))
    assert is_overdue(late, date(2021, 5, 10))


def test_statistics_count_deliveries_to_other_zones() -> None:
    def delivered(ticket_id: str, requester: str, on: date, rating: int | None):  # noqa: ANN202
        t = advance(advance(advance(_ticket(ticket_id, requester), "assigned", date(2021, 3, 2), assignee="e"),
                            "in_service", date(2021, 3, 3)), "delivered", on)
        return advance(t, "closed", on, outcome="resolved", rating=rating) if rating else t

    tickets = [delivered("T1", "xiangyang", date(2021, 4, 1), 4), delivered("T2", "yichang", date(2021, 6, 1), 2),
               delivered("T3", "wuhan-donghu", date(2021, 4, 1), None), _ticket("T4")]
    (s,) = statistics(tickets, 2021)
    assert (s.provider_zone, s.delivered, s.delivered_to_other_zones, s.on_time, s.mean_rating) == (
        "wuhan-donghu", 3, 2, 2, 3.0)
    assert statistics(tickets, 2020) == []


def test_next_status_and_the_closing_check() -> None:
    assert [next_status(s) for s in TicketStatus] == [TicketStatus.ASSIGNED, TicketStatus.IN_SERVICE,
                                                      TicketStatus.DELIVERED, TicketStatus.CLOSED, None]
    check_closing("partly_resolved", 1)
    with pytest.raises(InvalidArgument, match="outcome: .*got 'fixed'"):
        check_closing("fixed", 3)
    with pytest.raises(InvalidArgument, match="rating"):
        check_closing("resolved", None)
    with pytest.raises(InvalidArgument, match="got 0"):
        check_closing("resolved", 0)
