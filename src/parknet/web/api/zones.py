"""/api/v1/zones: the zone list (published), a zone's figures (readers), and writing a zone's indicators
(admins; zone admins for their own zone only)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from parknet.services.accounts import Principal
from parknet.services.zones import get_zone, list_zones, zone_indicators, zone_industry_output
from parknet.store.importers import import_rows
from parknet.web.api.common import Page, PageParams, page_params, paginate
from parknet.web.api.overview import default_year
from parknet.web.security import Allow, engine_of

__all__ = ["router", "filtered_zones", "all_zones", "zone_names", "write_indicators"]

router = APIRouter(prefix="/api/v1", tags=["zones"])
ZONE_ID = r"^[a-z0-9][a-z0-9-]{0,63}$"
SORTS = ("gdp", "-gdp", "name", "-name", "approved_year", "-approved_year", "province", "-province")


class IndicatorValue(BaseModel):
    year: int = Field(ge=1985, le=2100)
    indicator: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    value: Decimal = Field(ge=Decimal("-900000000000000"), le=Decimal("900000000000000"), decimal_places=4)


def filtered_zones(request: Request, *, q: str | None, province: str | None, level: str | None,
                   year: int | None, sort: str) -> list[dict[str, Any]]:
    """The zone list for ``year`` (GDP of that year), filtered and sorted; shared by the API and the page."""
    y = year or default_year(request)
    rows = request.app.state.cache.get(
        ("zones", y, level, province),
        lambda: [r.to_dict() for r in list_zones(engine_of(request), level=level, province=province, year=y)])
    if q:
        needle = q.strip().lower()
        rows = [r for r in rows if needle in r["name"].lower() or needle in r["zone_id"]]
    field, reverse = sort.lstrip("-"), sort.startswith("-")
    key = "province_code" if field == "province" else field
    present = [r for r in rows if r[key] is not None]
    missing = [r for r in rows if r[key] is None]
    return sorted(present, key=lambda r: r[key], reverse=reverse) + missing


def all_zones(request: Request) -> list[dict[str, Any]]:
    """Every zone of the default year, by province: what the pages' zone selectors list."""
    return filtered_zones(request, q=None, province=None, level=None, year=None, sort="province")


def zone_names(request: Request) -> dict[str, str]:
    """zone id → name, for the pages' labels."""
    return {z["zone_id"]: z["name"] for z in all_zones(request)}


@router.get("/zones", response_model=Page)
async def get_zones(request: Request, q: str | None = Query(None, max_length=100),
              province: str | None = Query(None, max_length=50),
              level: str | None = Query(None, pattern="^(national|provincial|other)$"),
              year: int | None = Query(None, ge=1985, le=2100), sort: str = Query("-gdp", pattern="^-?(gdp|name|approved_year|province)$"),
              paging: PageParams = Depends(page_params), _: Any = Depends(Allow("aggregates:read"))) -> Response:
    """Zones (paginated), with GDP of ``year`` (default 2019 or the latest year)."""
    def page() -> Page:
        return paginate(filtered_zones(request, q=q, province=province, level=level, year=year, sort=sort), paging)

    if q:  # free text: not cached (unbounded keys)
        return Response(page().model_dump_json(), media_type="application/json")
    key = ("zones-page", year or default_year(request), province, level, sort, paging.page, paging.per_page)
    return request.app.state.cache.json(key, lambda: page().model_dump())


@router.get("/zones/{zone_id}")
def get_zone_detail(request: Request, zone_id: str, _: Any = Depends(Allow("aggregates:read"))) -> dict[str, Any]:
    """A zone's reference record (name, level, province, city, approval year, area, coordinates)."""
    return get_zone(engine_of(request), zone_id)


@router.get("/zones/{zone_id}/indicators")
def get_zone_indicators(request: Request, zone_id: str,
                        indicator: str | None = Query(None, pattern=r"^[a-z][a-z0-9_]{0,63}$"),
                        _: Any = Depends(Allow("zones:read"))) -> list[dict[str, Any]]:
    """A zone's indicator values per year, each with its unit and source (import batch)."""
    return zone_indicators(engine_of(request), zone_id, indicator=indicator)


@router.get("/zones/{zone_id}/industry-output")
def get_zone_industry_output(request: Request, zone_id: str, year: int | None = Query(None, ge=1985, le=2100),
                             _: Any = Depends(Allow("zones:read"))) -> list[dict[str, Any]]:
    """A zone's revenue by GB/T 4754 division in ``year``."""
    return zone_industry_output(engine_of(request), zone_id, year or default_year(request))


def write_indicators(request: Request, principal: Principal, zone_id: str,
                     items: list[IndicatorValue]) -> dict[str, Any]:
    """Validate and upsert ``items`` for ``zone_id``; audited per changed value. Shared with the edit page."""
    get_zone(engine_of(request), zone_id)
    rows = [{"zone_id": zone_id, "year": i.year, "indicator": i.indicator, "value": format(i.value, "f")}
            for i in items]
    summary = import_rows(engine_of(request), "indicators", rows, source=f"PUT /api/v1/zones/{zone_id}/indicators",
                          user=principal.username)
    request.app.state.cache.invalidate()
    return {"inserted": summary.inserted, "updated": summary.updated, "unchanged": summary.unchanged,
            "batch_id": summary.batch_id}


@router.put("/zones/{zone_id}/indicators")
def put_zone_indicators(request: Request, zone_id: str,
                        items: Annotated[list[IndicatorValue], Body(min_length=1, max_length=10_000)],
                        principal: Principal = Depends(Allow("zones:write"))) -> dict[str, Any]:
    """Write a zone's indicator values (upsert on year + indicator). All or nothing; every change audited."""
    return write_indicators(request, principal, zone_id, items)
