"""/api/v1/overview and province aggregates: published figures (every role may read them)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response

from parknet.services import overview as overview_service
from parknet.services.overview import latest_year, overview, province_aggregates, top_share_trend
from parknet.web.security import Allow, engine_of

__all__ = ["router", "default_year"]

router = APIRouter(prefix="/api/v1", tags=["overview"])
READ = Depends(Allow("aggregates:read"))


def default_year(request: Request) -> int:
    """:func:`parknet.services.overview.default_year` with the latest year cached."""
    latest = request.app.state.cache.get("latest_year", lambda: latest_year(engine_of(request)))
    return overview_service.default_year(latest)


@router.get("/overview", response_model=dict[str, Any])
async def get_overview(request: Request, year: int | None = Query(None, ge=1985, le=2100), _: Any = READ) -> Response:
    """National key figures of ``year``: zones, share of national GDP, top-10 GDP and invention patent shares,
    R&D intensity and talent density against the nation; ``data_label`` says when they are synthetic."""
    y = year or default_year(request)
    return request.app.state.cache.json(("overview", y), lambda: overview(engine_of(request), y).to_dict())


@router.get("/overview/trend", response_model=list[dict[str, Any]])
async def get_trend(request: Request, indicator: str = Query("gdp", pattern=r"^[a-z][a-z0-9_]{0,63}$"),
                    k: int = Query(10, ge=1, le=100), _: Any = READ) -> Response:
    """Top-k share of national zones' ``indicator`` per year (the polarization trend)."""
    return request.app.state.cache.json(("trend", indicator, k),
                                        lambda: top_share_trend(engine_of(request), indicator, k))


@router.get("/provinces", response_model=list[dict[str, Any]])
async def get_provinces(request: Request, year: int | None = Query(None, ge=1985, le=2100), _: Any = READ) -> Response:
    """Per province: national and provincial zone counts and national zones' GDP (万元) in ``year``."""
    y = year or default_year(request)
    return request.app.state.cache.json(("provinces", y), lambda: province_aggregates(engine_of(request), y))
