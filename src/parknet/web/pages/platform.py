"""The platform-company pages (领头园区平台公司): the catalogue grouped by provider zone and category with the
recent orders and an order form (admins, zone admins for their own zone), and the statement of a provider for
a period — per buyer, line by line, with exact totals.

Each route calls the same service as its API twin (:mod:`parknet.web.api.platform`); the order form posts with
the session's CSRF token and is redirected back (303), or shown again with the reason it was refused.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from parknet.errors import InvalidArgument
from parknet.services import platform
from parknet.services.accounts import Principal
from parknet.web.api.agreements import RECORD_ID
from parknet.web.api.platform import OrderIn
from parknet.web.api.zones import ZONE_ID, all_zones
from parknet.web.pages.render import render
from parknet.web.security import Allow, engine_of

__all__ = ["router", "grouped"]

router = APIRouter(include_in_schema=False)
_ZONE_OR_ALL = "^(" + ZONE_ID.strip("^$") + ")?$"
_RECENT = 20
CATEGORIES = ("park_operation", "innovation", "industry")


def grouped(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Catalogue items as ``[{provider_zone, categories: [{category, services}]}]`` in catalogue order."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for item in items:
        out.setdefault(item["provider_zone"], {}).setdefault(item["category"], []).append(item)
    return [{"provider_zone": zone, "categories": [{"category": c, "services": by[c]} for c in CATEGORIES if c in by]}
            for zone, by in out.items()]


def _page(request: Request, user: Principal, status_code: int = 200, errors: list[str] | None = None,
          last: dict[str, Any] | None = None, ordered: str | None = None, provider: str | None = None) -> Response:
    engine = engine_of(request)
    everything = platform.catalogue(engine)
    items = [i for i in everything if i["provider_zone"] == provider] if provider else everything
    recent = platform.orders(engine, zone=user.zone_id if user.role == "zone_admin" else None)[:_RECENT]
    zones = all_zones(request)
    province = {z["zone_id"]: z["province_code"] for z in zones}
    own = province.get(user.zone_id or "")
    # a zone admin buys for its own zone, from the other zones of its province's network
    orderable = [i for i in items if user.role != "zone_admin"
                 or (province.get(i["provider_zone"]) == own and i["provider_zone"] != user.zone_id)]
    default = {"buyer_zone": user.zone_id or "", "code": "", "quantity": "1", "ordered_on": date.today().isoformat()}
    return render(request, "platform.html", status_code=status_code, providers=grouped(items), orderable=orderable,
                  all_providers=list(dict.fromkeys(i["provider_zone"] for i in everything)), provider=provider or "",
                  own_province=own, province=province, recent=recent, zones=zones,
                  names={z["zone_id"]: z["name"] for z in zones}, errors=errors or [],
                  last={**default, **(last or {})}, ordered=ordered, may_order=user.role in ("admin", "zone_admin"))


@router.get("/platform", response_class=HTMLResponse)
def platform_page(request: Request, ordered: str | None = Query(None, pattern=RECORD_ID),
                  provider: str | None = Query(None, pattern=_ZONE_OR_ALL),
                  principal: Principal = Depends(Allow("platform:read"))) -> Response:
    return _page(request, principal, ordered=ordered, provider=provider or None)


@router.post("/platform/order", response_class=HTMLResponse)
def platform_order(request: Request, buyer_zone: str = Form("", max_length=64), code: str = Form("", max_length=32),
                   quantity: str = Form("", max_length=24), ordered_on: str = Form("", max_length=10),
                   principal: Principal = Depends(Allow("platform:write"))) -> Response:
    last = {"buyer_zone": buyer_zone, "code": code, "quantity": quantity, "ordered_on": ordered_on}
    try:
        body = OrderIn(buyer_zone=buyer_zone, code=code, quantity=quantity, ordered_on=ordered_on or None)
        order_id = platform.place_order(engine_of(request), principal, body.buyer_zone, body.code, body.quantity,
                                        body.ordered_on)
    except ValidationError as exc:
        errors = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        return _page(request, principal, 422, errors, last)
    except InvalidArgument as exc:
        return _page(request, principal, 422, [str(exc)], last)
    request.app.state.cache.invalidate()
    return RedirectResponse(f"/platform?ordered={order_id}", status_code=303)


@router.get("/platform/statement", response_class=HTMLResponse)
def statement_page(request: Request, provider: str | None = Query(None, pattern=_ZONE_OR_ALL),
                   start: date | None = Query(None, ge=date(1985, 1, 1), le=date(2100, 12, 31)),
                   end: date | None = Query(None, ge=date(1985, 1, 1), le=date(2100, 12, 31)),
                   _: Any = Depends(Allow("platform:read"))) -> Response:
    engine = engine_of(request)
    providers = list(dict.fromkeys(i["provider_zone"] for i in platform.catalogue(engine)))
    start = start or date.today().replace(month=1, day=1)
    end = end or date.today()
    s = platform.statement(engine, provider, start, end) if provider else None
    return render(request, "platform_statement.html", s=s, provider=provider or "", providers=providers,
                  start=start.isoformat(), end=end.isoformat(),
                  names={z["zone_id"]: z["name"] for z in all_zones(request)})
