"""The coordination fund pages (协同发展基金): the rounds with their budgets and the fund report (by zone,
sub-fund or cooperation type), and a round's allocation explained — sub-fund budgets against use (chart),
the lagging share against its minimum, binding constraints with shadow prices, the marginal application,
every decision with its reasons — with the commit button for admins and, once committed, the commitments
and what has been disbursed.

Each page calls the same cached service as its API twin (:mod:`parknet.web.api.fund`); the chart fetches
its numbers from the API (``data-src``). The commit form posts with the session's CSRF token (303 back).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from parknet.services import fund, fund_ledger
from parknet.services.accounts import Principal
from parknet.web.api.agreements import RECORD_ID
from parknet.web.api.fund import allocation
from parknet.web.api.zones import zone_names
from parknet.web.pages.render import render
from parknet.web.security import Allow, engine_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_OUTCOMES = ("funded", "partly_funded", "not_funded")
_PAGE_BY = ("zone", "subfund", "cooperation_type")


@router.get("/fund", response_class=HTMLResponse)
def fund_page(request: Request, by: str = Query("zone", pattern="^(zone|subfund|cooperation_type)?$"),
              _: Any = Depends(Allow("fund:read"))) -> Response:
    grouping = by or "zone"
    rounds = request.app.state.cache.get(("fund-rounds",), lambda: fund.list_rounds(engine_of(request)))
    table = request.app.state.cache.get(("fund-report-page", grouping),
                                        lambda: fund_ledger.report(engine_of(request), by=grouping))
    return render(request, "fund.html", rounds=rounds, report=table, by=grouping, groupings=_PAGE_BY,
                  subfund_names=fund.SUBFUND_NAMES, synthetic=any(r["is_synthetic"] for r in rounds))


@router.get("/fund/{round_id}", response_class=HTMLResponse)
def fund_round_page(request: Request, round_id: str = Path(..., pattern=RECORD_ID),
                    outcome: str | None = Query(None, pattern="^(funded|partly_funded|not_funded)?$"),
                    _: Any = Depends(Allow("fund:read"))) -> Response:
    a = allocation(request, round_id)
    shown = [d for d in a["decisions"] if not outcome or d["outcome"] == outcome]
    counts = {o: sum(1 for d in a["decisions"] if d["outcome"] == o) for o in _OUTCOMES}
    lagging = next((c for c in a["constraints"] if c["kind"] == "lagging_share"), None)
    titles = {d["application_id"]: d["title"] for d in a["decisions"]}
    return render(request, "fund_round.html", a=a, r=a["round"], decisions=shown, outcome=outcome or "",
                  outcomes=_OUTCOMES, counts=counts, lagging=lagging, titles=titles, names=zone_names(request),
                  subfund_names=fund.SUBFUND_NAMES)


@router.post("/fund/{round_id}/commit")
def fund_round_commit(request: Request, round_id: str = Path(..., pattern=RECORD_ID),
                      principal: Principal = Depends(Allow("fund:write"))) -> Response:
    fund.commit_round(engine_of(request), round_id, principal.username)
    request.app.state.cache.invalidate()
    return RedirectResponse(f"/fund/{round_id}", status_code=303)
