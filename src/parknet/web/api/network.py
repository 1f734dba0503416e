"""/api/v1/network: a province's 1+N network and the national backbone (readers of zone figures)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response

from parknet.services.network import DEFAULT_CAPACITY, province_network
from parknet.web.api.overview import default_year
from parknet.web.security import Allow, engine_of

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["network"])


@router.get("/network", response_model=dict[str, Any])
async def get_network(request: Request, province: str = Query(..., min_length=2, max_length=50),
                      year: int | None = Query(None, ge=1985, le=2100),
                      n_max: int | None = Query(DEFAULT_CAPACITY, ge=0, le=5000),
                      _: Any = Depends(Allow("zones:read"))) -> Response:
    """The province's leader(s), each link (leader, partner, type, form, score, scores per type, reasons),
    the zones left out and why, the optimisation's objective/optimality/gap, and the national backbone."""
    y = year or default_year(request)
    return request.app.state.cache.json(("network", province, y, n_max),
                                        lambda: province_network(engine_of(request), province, y, n_max=n_max))
