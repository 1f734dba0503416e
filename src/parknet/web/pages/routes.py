"""The pages: overview, zone list, zone profile and edit form, province page, sign-in, audit log."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from parknet.domain import INDICATORS
from parknet.errors import ImportRejected
from parknet.services.accounts import Principal
from parknet.services.zones import get_zone, resolve_province
from parknet.web.api.auth import login_response, set_session_cookie
from parknet.web.api.audit import audit_page
from parknet.web.api.common import PageParams, page_params, paginate
from parknet.web.api.overview import default_year
from parknet.web.api.zones import IndicatorValue, filtered_zones, write_indicators
from parknet.web.i18n import LANGS
from parknet.web.pages.render import render
from parknet.web.policy import AUTHENTICATED, PUBLIC
from parknet.web.security import SESSION_COOKIE, Allow, engine_of
from parknet.services.overview import overview
from parknet.services.accounts import close_session
from parknet.store.audit import verify_chain

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
KPIS = ("zones", "provincial_zones", "gdp_share_of_nation", "land_share_of_nation", "top10_gdp_share",
        "top10_invention_patent_share", "rd_intensity_vs_nation", "talent_density_vs_nation")


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths after sign-in (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or urlparse(target).netloc:
        return "/"
    return target


@router.get("/healthz")
async def healthz(_: Any = Depends(Allow(PUBLIC))) -> dict[str, str]:
    return {"status": "ok"}


@router.get("/", response_class=HTMLResponse)
async def overview_page(request: Request, year: int | None = Query(None, ge=1985, le=2100),
                  _: Any = Depends(Allow("aggregates:read"))) -> Response:
    y = year or default_year(request)
    data = request.app.state.cache.get(("overview", y), lambda: overview(engine_of(request), y).to_dict())
    return render(request, "overview.html", year=y, o=data, kpis=KPIS, years=list(range(2012, 2024)))


@router.get("/zones", response_class=HTMLResponse)
async def zones_page(request: Request, q: str | None = Query(None, max_length=100), province: str | None = Query(None, max_length=50),
               level: str | None = Query(None, pattern="^(national|provincial|other)?$"),
               sort: str = Query("-gdp", pattern="^-?(gdp|name|approved_year|province)$"),
               year: int | None = Query(None, ge=1985, le=2100),
               paging: PageParams = Depends(page_params), _: Any = Depends(Allow("aggregates:read"))) -> Response:
    y = year or default_year(request)
    page = paginate(filtered_zones(request, q=q, province=province or None, level=level or None, year=y, sort=sort),
                    paging)
    provinces = request.app.state.cache.get("province_names", lambda: _province_names(request))
    template = "_zones_table.html" if request.headers.get("HX-Request") else "zones.html"
    return render(request, template, page=page, q=q or "", province=province or "", level=level or "", sort=sort,
                  year=y, provinces=provinces)


def _province_names(request: Request) -> list[tuple[str, str, str]]:
    from sqlalchemy import select

    from parknet.store import models

    with engine_of(request).connect() as conn:
        return [tuple(r) for r in conn.execute(select(models.Province.code, models.Province.name,
                                                       models.Province.name_en).order_by(models.Province.code))]


def _can_edit(principal: Principal | None, zone_id: str) -> bool:
    return principal is not None and (principal.role == "admin"
                                      or (principal.role == "zone_admin" and principal.zone_id == zone_id))


@router.get("/zones/{zone_id}", response_class=HTMLResponse)
def zone_page(request: Request, zone_id: str, principal: Principal = Depends(Allow("zones:read"))) -> Response:
    zone = get_zone(engine_of(request), zone_id)
    return render(request, "zone.html", zone=zone, year=default_year(request), can_edit=_can_edit(principal, zone_id))


@router.get("/zones/{zone_id}/edit", response_class=HTMLResponse)
def zone_edit_form(request: Request, zone_id: str, _: Principal = Depends(Allow("zones:write"))) -> Response:
    zone = get_zone(engine_of(request), zone_id)
    return render(request, "zone_edit.html", zone=zone, indicators=INDICATORS, year=default_year(request),
                  errors=[], saved=None)


@router.post("/zones/{zone_id}/edit", response_class=HTMLResponse)
def zone_edit_submit(request: Request, zone_id: str, year: int = Form(..., ge=1985, le=2100),
                     indicator: str = Form(..., max_length=64), value: str = Form(..., max_length=40),
                     principal: Principal = Depends(Allow("zones:write"))) -> Response:
    zone = get_zone(engine_of(request), zone_id)
    errors: list[str] = []
    saved = None
    try:
        item = IndicatorValue(year=year, indicator=indicator, value=Decimal(value.replace(",", "")))
        saved = write_indicators(request, principal, zone_id, [item])
    except (InvalidOperation, ValueError) as exc:
        errors.append(f"value: {exc}" if isinstance(exc, ValueError) else "value: not a number")
    except ImportRejected as exc:
        errors.extend(f"{p.column}: {p.reason}" for p in exc.problems)
    status = 422 if errors else 200
    return render(request, "zone_edit.html", status_code=status, zone=zone, indicators=INDICATORS, year=year,
                  errors=errors, saved=saved, last=(year, indicator, value))


@router.get("/provinces/{code}", response_class=HTMLResponse)
def province_page(request: Request, code: str, _: Any = Depends(Allow("aggregates:read"))) -> Response:
    try:
        code = resolve_province(engine_of(request), code)
    except Exception as exc:  # InvalidArgument → a 404 page for an unknown province
        raise HTTPException(404, str(exc)) from exc
    y = default_year(request)
    zones = filtered_zones(request, q=None, province=code, level=None, year=y, sort="-gdp")
    name = next((n for c, n, _e in request.app.state.cache.get("province_names", lambda: _province_names(request))
                 if c == code), code)
    return render(request, "province.html", code=code, name=name, zones=zones, year=y)


@router.get("/diagnosis", response_class=HTMLResponse)
def diagnosis_page(request: Request, indicator: str = Query("gdp", pattern=r"^[a-z][a-z0-9_]{0,63}$"),
                   year: int | None = Query(None, ge=1985, le=2100), by: str = Query("province", pattern="^(province|region)$"),
                   _: Any = Depends(Allow("aggregates:read"))) -> Response:
    from parknet.services.diagnosis import diagnose

    y = year or default_year(request)
    d = request.app.state.cache.get(("diagnosis", indicator, y, by, "national"),
                                    lambda: diagnose(engine_of(request), y, indicator, by=by))
    return render(request, "diagnosis.html", d=d, indicator=indicator, year=y, by=by, indicators=INDICATORS,
                  years=list(range(2012, 2024)))


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = Query(None, max_length=500), _: Any = Depends(Allow(PUBLIC))) -> Response:
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login", response_class=HTMLResponse)
def login_submit(request: Request, username: str = Form(..., max_length=64), password: str = Form(..., max_length=1024),
                 next: str = Form("/", max_length=500), _: Any = Depends(Allow(PUBLIC))) -> Response:
    principal, session_id, failure = login_response(request, username, password)
    if failure is not None:
        key = "too_many" if failure.status_code == 429 else "login_failed"
        return render(request, "login.html", status_code=failure.status_code, next=_safe_next(next), error=key)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, response, session_id or "")
    return response


@router.post("/logout")
def logout_submit(request: Request, _: Principal = Depends(Allow(AUTHENTICATED))) -> Response:
    if cookie := request.cookies.get(SESSION_COOKIE):
        close_session(engine_of(request), cookie)
        request.app.state.credentials.forget("s:" + cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, next: str | None = Query(None, max_length=500),
                    _: Any = Depends(Allow(PUBLIC))) -> Response:
    if lang not in LANGS:
        raise HTTPException(404, f"unknown language {lang!r}")
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response


@router.get("/audit", response_class=HTMLResponse)
def audit_log_page(request: Request, paging: PageParams = Depends(page_params), _: Any = Depends(Allow("audit:read"))) -> Response:
    return render(request, "audit.html", page=audit_page(request, paging), chain=verify_chain(engine_of(request)))
