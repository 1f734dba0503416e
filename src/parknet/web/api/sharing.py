"""/api/v1/projects/{id}/settlement and /api/v1/ownership: fair sharing (利益共享) — a co-built project's
settlement (Shapley value, nucleolus or in proportion to investment; transfers against the default split,
provincial direct support and compensation) and the cross-shareholding view (交叉持股) with look-through shares,
control and the community of interest.

Money travels as exact decimal strings; shares as fractions (floats rounded to 6 decimals). Results are
cached per arguments until the data change.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from parknet.services import sharing
from parknet.sharing.transfers import METHODS
from parknet.web.api.agreements import RECORD_ID
from parknet.web.api.zones import ZONE_ID
from parknet.web.security import Allow, engine_of

__all__ = ["router", "METHOD", "settlement", "ownership"]

router = APIRouter(prefix="/api/v1", tags=["sharing"])
#: the settlement methods accepted by name (Shapley 1953, Schmeidler 1969, by investment)
METHOD = "^(" + "|".join(METHODS) + ")$"


def settlement(request: Request, project_id: str, method: str | None) -> dict[str, Any]:
    """The cached :func:`parknet.services.sharing.settle_project` (shared by the API and the page)."""
    return request.app.state.cache.get(("settlement", project_id, method),
                                       lambda: sharing.settle_project(engine_of(request), project_id, method))


def ownership(request: Request, zone: str | None) -> dict[str, Any]:
    """The cached :func:`parknet.services.sharing.ownership` (shared by the API and the page)."""
    return request.app.state.cache.get(("ownership", zone),
                                       lambda: sharing.ownership(engine_of(request), zone))


@router.get("/projects/{project_id}/settlement", response_model=dict[str, Any])
def get_settlement(request: Request, project_id: str = Path(..., pattern=RECORD_ID),
                   method: str | None = Query(None, pattern=METHOD,
                                              description="shapley | nucleolus | proportional; default: the "
                                                          "agreement's revenue-sharing rule"),
                   _: Any = Depends(Allow("sharing:read"))) -> Response:
    """Settle a co-built project (共建项目利益结算) from its partners' investments and the coalition values v(S):
    ``method, method_source, grand_value`` (v(N)), ``partners: [{zone_id, investment, stand_alone,
    default_share, allocation, transfer, compensation, loses_out}]`` — transfer = allocation − the default
    split by investment (positive: receives), compensation = max(0, v({i}) − x_i) paid by the province,
    ``loses_out`` (吃亏的一方) when the default split leaves a partner below what it earns alone —
    ``coalitions: [{coalition, value}]``, ``checks`` (superadditive, convex, core_empty, least_core_epsilon,
    allocation_in_core), ``provincial`` (direct_support_ratio × ΣI, compensation), ``warnings`` and
    ``steps`` (the explanation, Chinese / English). 404 when the project has no coalition values."""
    return request.app.state.cache.json(("settlement", project_id, method),
                                        lambda: settlement(request, project_id, method))


@router.get("/ownership", response_model=dict[str, Any])
def get_ownership(request: Request,
                  zone: str | None = Query(None, pattern=ZONE_ID, description="only what concerns this zone"),
                  _: Any = Depends(Allow("sharing:read"))) -> Response:
    """Cross-shareholding (交叉持股): ``entities`` (committee 管委会, province 省级, asset_company 资产公司,
    project_company 项目公司), direct ``holdings: [{holder, company, share}]``, ``look_through: [{owner,
    company, share}]`` — the ultimate owners' shares U = E(I − A)⁻¹ — ``control`` (> 50% chain rule) and
    ``community``: what each zone's committee ultimately holds in co-built projects with partner zones.
    ``zone`` keeps only what concerns that zone (404 for an unknown zone)."""
    return request.app.state.cache.json(("ownership", zone), lambda: ownership(request, zone))
