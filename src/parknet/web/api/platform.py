"""/api/v1/platform: the leading zone's platform company (领头园区平台公司) — its service catalogue, partner
zones' orders at the price of the day, and statements per period. Money and quantities are exact decimals
and travel as strings (万元; amounts are quantity × unit price rounded half-even to 1 yuan).

Readers see the catalogue, the orders and the statements; admins and zone admins order, a zone admin only for
its own zone (403), and only a partner in the provider's province network may buy (422).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field, StringConstraints

from parknet.services import platform
from parknet.services.accounts import Principal
from parknet.web.api.agreements import RECORD_ID
from parknet.web.api.common import Page, PageParams, page_params, paginate
from parknet.web.api.ledger import exact
from parknet.web.api.zones import ZONE_ID
from parknet.web.security import Allow, engine_of

__all__ = ["router", "OrderIn"]

router = APIRouter(prefix="/api/v1/platform", tags=["platform"])
ZoneId = Annotated[str, StringConstraints(pattern=ZONE_ID)]
Day = Annotated[date, Field(ge=date(1985, 1, 1), le=date(2100, 12, 31))]


class OrderIn(BaseModel):
    """A partner zone's order of ``quantity`` units of the service ``code``."""

    buyer_zone: ZoneId
    code: str = Field(pattern=RECORD_ID, description="service code of the catalogue")
    quantity: Decimal = Field(gt=0, le=Decimal(1_000_000_000), decimal_places=4)
    ordered_on: Day | None = Field(None, description="default today; never in the future")


@router.get("/services", response_model=list[dict[str, Any]])
def get_services(request: Request, provider: str | None = Query(None, pattern=ZONE_ID),
                 _: Any = Depends(Allow("platform:read"))) -> list[dict[str, Any]]:
    """The catalogue (服务目录) by provider zone, category (park_operation 园区运营, innovation 创新服务,
    industry 产业服务) and code; price per unit in 万元."""
    return exact(platform.catalogue(engine_of(request), provider))


@router.get("/orders", response_model=Page)
def get_orders(request: Request, buyer: str | None = Query(None, pattern=ZONE_ID),
               provider: str | None = Query(None, pattern=ZONE_ID), zone: str | None = Query(None, pattern=ZONE_ID),
               paging: PageParams = Depends(page_params), _: Any = Depends(Allow("platform:read"))) -> Page:
    """Orders newest first, by buyer, provider or ``zone`` on either side; each with its unit price as ordered
    and its amount."""
    rows = platform.orders(engine_of(request), buyer_zone=buyer, provider_zone=provider, zone=zone)
    return paginate(exact(rows), paging)


@router.post("/orders", status_code=201, response_model=dict[str, Any])
def post_order(request: Request, body: OrderIn,
               principal: Principal = Depends(Allow("platform:write"))) -> dict[str, Any]:
    """Order a service at today's catalogue price (kept with the order); id ``OD-YYYY-NNNNN``."""
    engine = engine_of(request)
    order_id = platform.place_order(engine, principal, body.buyer_zone, body.code, body.quantity, body.ordered_on)
    request.app.state.cache.invalidate()
    placed = next(o for o in platform.orders(engine, buyer_zone=body.buyer_zone) if o["id"] == order_id)
    return exact(placed)


@router.get("/statement", response_model=dict[str, Any])
def get_statement(request: Request, provider: str = Query(..., pattern=ZONE_ID),
                  start: date = Query(..., ge=date(1985, 1, 1), le=date(2100, 12, 31)),
                  end: date = Query(..., ge=date(1985, 1, 1), le=date(2100, 12, 31)),
                  _: Any = Depends(Allow("platform:read"))) -> dict[str, Any]:
    """What each buyer owes ``provider`` for orders placed in [start, end] (对账单): lines, totals per buyer
    and the grand total, exact (422 when end is before start, 404 for an unknown provider)."""
    return exact(platform.statement(engine_of(request), provider, start, end))
