"""/api/v1/fund: the coordination fund (协同发展基金) — rounds with their budgets and applications, a round's
allocation explained (cached per round until the data change), committing it, releases, disbursements and
reversals, an application's ledger, and reports.

Readers with fund:read see everything; fund:write (the province admin) commits and records money. Money
travels as exact decimal strings; a write that would break net committed ≥ net disbursed ≥ 0 is refused
(409) with the figures, and nothing is written.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from parknet.services import fund, fund_ledger
from parknet.services.accounts import Principal
from parknet.store.enabling import SUBFUNDS
from parknet.web.api.agreements import RECORD_ID
from parknet.web.api.common import PageParams, page_params, paginate
from parknet.web.api.ledger import exact
from parknet.web.security import Allow, engine_of

__all__ = ["router", "allocation", "REPORT_BY"]

router = APIRouter(prefix="/api/v1/fund", tags=["fund"])
#: report groupings (``type`` is short for cooperation_type)
REPORT_BY = "^(zone|subfund|cooperation_type|type|round)$"
SubFund = Literal[SUBFUNDS]  # type: ignore[valid-type]
Money = Annotated[Decimal, Field(gt=0, le=Decimal("900000000000000"), decimal_places=4,
                                 description="万元, > 0, at most 4 decimals")]


class DisbursementIn(BaseModel):
    """A payment (拨付) on a commitment, or the reversal (冲回) of one."""

    application_id: str = Field(pattern=RECORD_ID)
    subfund: SubFund
    kind: Literal["payment", "reversal"]
    amount: Money
    paid_on: date = Field(ge=date(1985, 1, 1), le=date(2100, 12, 31))
    reference: str = Field(min_length=1, max_length=100, description="voucher / payment order number")


class ReleaseIn(BaseModel):
    """The release (释放) of part of a commitment."""

    application_id: str = Field(pattern=RECORD_ID)
    subfund: SubFund
    amount: Money
    reason: str = Field(min_length=1, max_length=2000, description="why (audited)")


def _round_id() -> Any:
    return Path(..., pattern=RECORD_ID, description="fund round id")


def allocation(request: Request, round_id: str) -> dict[str, Any]:
    """The cached :func:`parknet.services.fund.allocate_round` (shared by the API and the page)."""
    return request.app.state.cache.get(("fund-allocation", round_id),
                                       lambda: fund.allocate_round(engine_of(request), round_id))


def _written(request: Request) -> None:
    """After a write: cached allocations, rounds and reports are stale."""
    request.app.state.cache.invalidate()


@router.get("/rounds", response_model=list[dict[str, Any]])
def get_rounds(request: Request, _: Any = Depends(Allow("fund:read"))) -> list[dict[str, Any]]:
    """Every round (newest year first): rules (zone cap, lagging minimum share, partial funding), status
    (open 申报中 / committed 已承诺), budgets per sub-fund, applications, amount asked, net committed and
    disbursed."""
    return exact(fund.list_rounds(engine_of(request)))


@router.get("/rounds/{round_id}", response_model=dict[str, Any])
def get_round(request: Request, round_id: str = _round_id(), paging: PageParams = Depends(page_params),
              _: Any = Depends(Allow("fund:read"))) -> dict[str, Any]:
    """A round, its budgets and its applications (paginated, id order), each with its lagging flag (the zone
    does not lead its province's 1+N network) and the cooperation type of its agreement. 404 if unknown."""
    detail = fund.round_detail(engine_of(request), round_id)
    return exact({"round": detail["round"], "budgets": detail["budgets"],
                  "applications": paginate(detail["applications"], paging).model_dump()})


@router.get("/rounds/{round_id}/allocation", response_model=dict[str, Any])
def get_allocation(request: Request, round_id: str = _round_id(),
                   _: Any = Depends(Allow("fund:read"))) -> Any:
    """The round's optimal allocation (MILP, HiGHS) explained, beside the greedy baseline; nothing is
    written: ``optimal, objective, bound, status, awards: [{application_id, subfund, amount}], binding`` and
    ``constraints: [{kind, name, limit, used, slack, binding, shadow_price}]`` (impact per 万元 more budget or
    cap, per percentage point less lagging share), ``marginal`` (the best application left out, with its
    reasons), ``decisions`` (every application's outcome, awards by sub-fund and reasons), ``totals``,
    ``greedy_objective``, ``allocation_sha256``; when committed also ``commitments`` and
    ``commitments_match``. 422 when the round cannot be allocated (an application asking more than its
    sub-funds hold, an unreachable lagging minimum), 409 when it has no budgets."""
    return request.app.state.cache.json(("fund-allocation", round_id), lambda: exact(allocation(request, round_id)))


@router.post("/rounds/{round_id}/commit", response_model=dict[str, Any])
def post_commit(request: Request, round_id: str = _round_id(),
                principal: Principal = Depends(Allow("fund:write"))) -> dict[str, Any]:
    """Commit the round's optimal allocation (承诺出资): one commitment per award naming the allocation's
    SHA-256, the round locked, audited — one transaction. 409 when committed already or not proven optimal."""
    done = fund.commit_round(engine_of(request), round_id, principal.username)
    _written(request)
    return exact(done)


@router.post("/disbursements", status_code=201, response_model=dict[str, Any])
def post_disbursement(request: Request, body: DisbursementIn,
                      principal: Principal = Depends(Allow("fund:write"))) -> dict[str, Any]:
    """Record a payment (``kind=payment``, never beyond the net commitment) or a reversal (``kind=reversal``,
    never below 0 disbursed); returns the application × sub-fund balances. 409 with the figures otherwise."""
    record = fund_ledger.disburse if body.kind == "payment" else fund_ledger.reverse
    state = record(engine_of(request), body.application_id, body.subfund, body.amount, body.paid_on, body.reference,
                   principal.username)
    _written(request)
    return exact(state)


@router.post("/releases", status_code=201, response_model=dict[str, Any])
def post_release(request: Request, body: ReleaseIn,
                 principal: Principal = Depends(Allow("fund:write"))) -> dict[str, Any]:
    """Release part of a commitment (释放), never below what is disbursed (409 with the figures)."""
    state = fund_ledger.release(engine_of(request), body.application_id, body.subfund, body.amount, body.reason,
                         principal.username)
    _written(request)
    return exact(state)


@router.get("/applications/{application_id}/ledger", response_model=dict[str, Any])
def get_ledger(request: Request, application_id: str = Path(..., pattern=RECORD_ID),
               _: Any = Depends(Allow("fund:read"))) -> dict[str, Any]:
    """An application's commitments, releases, payments and reversals in the order recorded, each with the
    running balances of its sub-fund, and the final balances. 404 for an unknown application."""
    return exact(fund_ledger.application_ledger(engine_of(request), application_id))


@router.get("/report", response_model=dict[str, Any])
def get_report(request: Request, round_id: str | None = Query(None, alias="round", pattern=RECORD_ID),
               by: str = Query("zone", pattern=REPORT_BY),
               _: Any = Depends(Allow("fund:read"))) -> Any:
    """The fund report by zone, sub-fund, cooperation type (科技赋能型 / 产业链延补型 / 跨界融合型) or round:
    ``rows: [{key, label_zh, label_en, applications, asked, committed, disbursed, undisbursed}]`` (by
    sub-fund ``asked`` is null and ``budget`` is given) and ``totals``; optionally one round."""
    grouping = "cooperation_type" if by == "type" else by
    return request.app.state.cache.json(
        ("fund-report", round_id, grouping),
        lambda: exact(fund_ledger.report(engine_of(request), round_id=round_id, by=grouping)))
