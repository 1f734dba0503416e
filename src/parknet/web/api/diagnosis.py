"""/api/v1/diagnosis: the polarization diagnosis of an indicator (published aggregates)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response

from parknet.services.diagnosis import diagnose, diagnose_trend
from parknet.web.api.overview import default_year
from parknet.web.security import Allow, engine_of

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["diagnosis"])
INDICATOR = Query("gdp", pattern=r"^[a-z][a-z0-9_]{0,63}$")
BY = Query("province", pattern="^(province|region)$")
LEVEL = Query("national", pattern="^(national|provincial|other)$")


@router.get("/diagnosis", response_model=dict[str, Any])
async def get_diagnosis(request: Request, indicator: str = INDICATOR, year: int | None = Query(None, ge=1985, le=2100),
                        by: str = BY, level: str = LEVEL, _: Any = Depends(Allow("aggregates:read"))) -> Response:
    """Top-10 share, HHI, Gini, CV, Theil T/L with between/within by ``by``, Dagum's decomposition, Atkinson,
    Wolfson, Esteban–Ray, the Lorenz curve and a table per group, for ``indicator`` in ``year``."""
    y = year or default_year(request)
    return request.app.state.cache.json(("diagnosis", indicator, y, by, level),
                                       lambda: diagnose(engine_of(request), y, indicator, by=by, level=level))


@router.get("/diagnosis/trend", response_model=dict[str, Any])
async def get_diagnosis_trend(request: Request, indicator: str = INDICATOR, by: str = BY, level: str = LEVEL,
                              k: int = Query(5, ge=2, le=10), _: Any = Depends(Allow("aggregates:read"))) -> Response:
    """The diagnosis for every year, with σ- and β-convergence and Markov mobility over the balanced panel."""
    return request.app.state.cache.json(("diagnosis-trend", indicator, by, level, k),
                                       lambda: diagnose_trend(engine_of(request), indicator, by=by, level=level, k=k))
