"""/api/v1/scitech and /api/v1/demands: the sci-tech platform (科技服务平台) — search of the technology, expert
and project libraries (技术库, 专家库, 科技项目库) with the reasons of every match, a record's detail, and the
demands (需求) zones post, matched to records with their 1+N partners preferred.

Readers (``scitech:read``) search and read; the province admin and zone admins (``scitech:write``) post
demands and move them forward, a zone admin only for its own zone (403 otherwise, from the service).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field, StringConstraints

from parknet.services import scitech
from parknet.services.accounts import Principal
from parknet.web.api.agreements import RECORD_ID
from parknet.web.api.common import Page, PageParams, page_params, paginate
from parknet.web.api.zones import ZONE_ID
from parknet.web.security import Allow, engine_of

__all__ = ["router", "DemandIn", "LibraryName", "MAX_QUERY"]

router = APIRouter(prefix="/api/v1", tags=["scitech"])
LibraryName = Literal["technology", "expert", "project"]
DemandStatus = Literal["open", "matched", "closed"]
IndustryCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,4}$")]
#: the longest free-text query accepted (characters)
MAX_QUERY = 500


class DemandIn(BaseModel):
    """A demand to post (发布需求): the zone that needs it, what kind (technology 技术 / expert 人才 / project
    项目), a title, a description and GB/T 4754 industry codes."""

    zone_id: str = Field(pattern=ZONE_ID)
    library: LibraryName
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=4000)
    industry_codes: list[IndustryCode] = Field(default_factory=list, max_length=20)
    credit_code: str | None = Field(None, pattern=r"^[0-9A-Z]{18}$",
                                    description="the asking enterprise's unified social credit code")


class StatusIn(BaseModel):
    """The next status: matched 已对接 or closed 已关闭."""

    status: Literal["matched", "closed"]


def _demand_id() -> Any:
    return Path(..., pattern=RECORD_ID, description="demand id, e.g. DM-20240105-3FA2C1")


def _written(request: Request) -> None:
    request.app.state.cache.invalidate()


@router.get("/scitech/search", response_model=dict[str, Any])
def get_search(request: Request,
               q: str = Query(..., min_length=1, max_length=MAX_QUERY, description="the need, in Chinese"),
               library: LibraryName = Query(..., description="technology 技术库 | expert 专家库 | project 科技项目库"),
               k: int = Query(10, ge=1, le=scitech.MAX_K),
               industry: list[IndustryCode] = Query([], max_length=20,
                                                    description="keep records sharing a GB/T 4754 division"),
               zone: str | None = Query(None, pattern=ZONE_ID, description="the asking zone: prefer its 1+N partners"),
               rerank: bool = Query(False, description="semantic re-ranking (needs the 'rerank' extra)"),
               _: Any = Depends(Allow("scitech:read"))) -> dict[str, Any]:
    """Search a library (科技资源检索): ``matches: [{rank, id, score, bm25, title, description, zone_id,
    zone_name, industry_codes, reasons: [{kind, values, text}], record}]`` best first, with ``method``
    (BM25 × 1.25 for a shared industry × 1.15 for a partner zone) and ``partner_zones``. 422 for an empty
    query, one of stop words only, or one with neither Chinese nor a word of the library."""
    return scitech.search(engine_of(request), q, library, k=k, industry_codes=industry, zone=zone, rerank=rerank)


@router.get("/scitech/{library}/{record_id}", response_model=dict[str, Any])
def get_record(request: Request, library: LibraryName = Path(...),
               record_id: str = Path(..., pattern=RECORD_ID),
               _: Any = Depends(Allow("scitech:read"))) -> dict[str, Any]:
    """One record of a library with all its fields (404 when unknown)."""
    return scitech.record(engine_of(request), library, record_id)


@router.get("/demands", response_model=Page)
def get_demands(request: Request, zone: str | None = Query(None, pattern=ZONE_ID),
                status: DemandStatus | None = Query(None), library: LibraryName | None = Query(None),
                paging: PageParams = Depends(page_params),
                _: Any = Depends(Allow("scitech:read"))) -> Page:
    """Demands (需求), newest first, filtered by zone, status (open 待对接, matched 已对接, closed 已关闭) and
    library; paginated."""
    return paginate(scitech.demands(engine_of(request), zone=zone, status=status, library=library), paging)


@router.post("/demands", status_code=201, response_model=dict[str, str])
def post_demand(request: Request, body: DemandIn,
                principal: Principal = Depends(Allow("scitech:write"))) -> dict[str, str]:
    """Post a demand; returns its id. A zone admin posts only for its own zone (403); the row passes the
    checks of the ``demands`` import (422 naming the field) and is audited."""
    new_id = scitech.post_demand(engine_of(request), principal, zone=body.zone_id, library=body.library,
                                 title=body.title, description=body.description,
                                 industry_codes=body.industry_codes, credit_code=body.credit_code)
    _written(request)
    return {"id": new_id}


@router.get("/demands/{demand_id}", response_model=dict[str, Any])
def get_demand(request: Request, demand_id: str = _demand_id(),
               _: Any = Depends(Allow("scitech:read"))) -> dict[str, Any]:
    """One demand (404 when unknown)."""
    return scitech.demand(engine_of(request), demand_id)


@router.get("/demands/{demand_id}/matches", response_model=dict[str, Any])
def get_demand_matches(request: Request, demand_id: str = _demand_id(), k: int = Query(10, ge=1, le=scitech.MAX_K),
                       rerank: bool = Query(False), _: Any = Depends(Allow("scitech:read"))) -> dict[str, Any]:
    """The records answering a demand (需求对接): its library searched with its title and description, its
    industry codes boosted, its zone's 1+N partners preferred; the same shape as the search, with
    ``demand``."""
    return scitech.match_demand(engine_of(request), demand_id, k=k, rerank=rerank)


@router.post("/demands/{demand_id}/status", response_model=dict[str, Any])
def post_demand_status(request: Request, body: StatusIn, demand_id: str = _demand_id(),
                       principal: Principal = Depends(Allow("scitech:write"))) -> dict[str, Any]:
    """Move a demand forward: open → matched → closed (open → closed when withdrawn); 409 for a step back,
    403 for a zone admin of another zone. Returns the demand."""
    result = scitech.set_demand_status(engine_of(request), principal, demand_id, body.status)
    _written(request)
    return result
