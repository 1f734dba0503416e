"""The incentive-mechanism pages (激励机制): cooperation agreements and their lifecycle, the statistics-
attribution ledger with the reason of every entry, and the evaluation under the baseline and reformed schemes.

Forms post to page routes with the session's CSRF token and are redirected back (303); each route calls the
same service as its API twin.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from parknet.domain import INDICATORS, CooperationType
from parknet.errors import InvalidArgument
from parknet.services import agreements, frameworks, ledger
from parknet.services.accounts import Principal
from parknet.services.overview import province_aggregates
from parknet.store.cooperation import AGREEMENT_FORMS, AGREEMENT_STATUSES
from parknet.web.api.agreements import RECORD_ID, AgreementIn, draft_of, province_code
from parknet.web.api.evaluation import LEVEL, comparison
from parknet.web.api.ledger import check_indicator
from parknet.web.api.overview import default_year
from parknet.web.api.zones import ZONE_ID, all_zones, zone_names
from parknet.web.pages.render import render, templates
from parknet.web.policy import roles_for
from parknet.web.security import Allow, engine_of

__all__ = ["router", "may"]

router = APIRouter(include_in_schema=False)
INDICATOR_NAMES = {d.code: (d.name_zh, d.name_en, d.unit) for d in INDICATORS}


def may(user: Principal | None, permission: str) -> bool:
    """Whether ``user`` holds ``permission`` (templates show links and buttons only to those who may)."""
    return user is not None and user.role in roles_for(permission)


templates.env.globals["may"] = may


def _provinces(request: Request) -> list[dict[str, Any]]:
    y = default_year(request)
    return request.app.state.cache.get(("provinces", y), lambda: province_aggregates(engine_of(request), y))


def _acts_for(user: Principal, state: dict[str, Any]) -> bool:
    """Admins, and zone admins of a party, may propose, add to and terminate an agreement."""
    return user.role == "admin" or (user.role == "zone_admin" and
                                    user.zone_id in {p["zone_id"] for p in state["parties"]})


def _back(agreement_id: str) -> Response:
    return RedirectResponse(f"/agreements/{agreement_id}", status_code=303)


# --- agreements ------------------------------------------------------------------------------------------

@router.get("/agreements", response_class=HTMLResponse)
def agreements_page(request: Request,
                    status: str | None = Query(None, pattern="^(draft|proposed|active|terminated)?$"),
                    province: str | None = Query(None, max_length=50),
                    _: Any = Depends(Allow("agreements:read"))) -> Response:
    rows = agreements.list_agreements(engine_of(request), province=province_code(request, province or None),
                                      status=status or None)
    return render(request, "agreements.html", rows=rows, status=status or "", province=province or "",
                  statuses=AGREEMENT_STATUSES, provinces=_provinces(request), names=zone_names(request))


def _new_form(request: Request, user: Principal, status_code: int = 200, errors: list[str] | None = None,
              last: dict[str, Any] | None = None) -> Response:
    default = {"lead": user.zone_id or "", "partners": [], "starts_on": date.today().isoformat(),
               "cooperation_type": CooperationType.TECH_ENABLING.value, "form": AGREEMENT_FORMS[0]}
    return render(request, "agreement_new.html", status_code=status_code, zones=all_zones(request),
                  types=[c.value for c in CooperationType], forms=AGREEMENT_FORMS, errors=errors or [],
                  last={**default, **(last or {})})


@router.get("/agreements/new", response_class=HTMLResponse)
def agreement_new_form(request: Request,
                       principal: Principal = Depends(Allow("agreements:write"))) -> Response:
    return _new_form(request, principal)


@router.post("/agreements/new", response_class=HTMLResponse)
def agreement_new_submit(request: Request, title: str = Form("", max_length=200),
                         lead: str = Form("", max_length=64),
                         partners: list[str] = Form([]), cooperation_type: str = Form("", max_length=32),
                         form: str = Form("", max_length=32), fields: str = Form("", max_length=500),
                         starts_on: str = Form("", max_length=10), ends_on: str = Form("", max_length=10),
                         principal: Principal = Depends(Allow("agreements:write"))) -> Response:
    last = {"title": title, "lead": lead, "partners": partners, "cooperation_type": cooperation_type,
            "form": form, "fields": fields, "starts_on": starts_on, "ends_on": ends_on}
    try:
        body = AgreementIn(title=title, zones=[lead, *(p for p in partners if p != lead)], lead=lead or None,
                           cooperation_type=cooperation_type, form=form,
                           fields=[f.strip() for f in fields.replace("，", ",").split(",") if f.strip()],
                           starts_on=starts_on, ends_on=ends_on or None)
        new_id = agreements.create(engine_of(request), draft_of(body), principal)
    except ValidationError as exc:
        errors = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        return _new_form(request, principal, 422, errors, last)
    except InvalidArgument as exc:
        return _new_form(request, principal, 422, [str(exc)], last)
    request.app.state.cache.invalidate()
    return _back(new_id)


def _rules_view(effective: dict[str, Any]) -> dict[str, Any]:
    """The effective statistics-sharing rule and support ratio, as the services read them."""
    rule = frameworks.relocation_rule(effective)
    return {"rule_id": rule.rule_id, "origin_share": rule.origin_share, "window_months": rule.window_months,
            "indicators": rule.indicators, "min_years_registered": rule.min_years_registered,
            "support_ratio": frameworks.support_ratio(effective)}


@router.get("/agreements/{agreement_id}", response_class=HTMLResponse)
def agreement_page(request: Request, agreement_id: str = Path(..., pattern=RECORD_ID),
                   principal: Principal = Depends(Allow("agreements:read"))) -> Response:
    state = agreements.detail(engine_of(request), agreement_id)
    for project in state["projects"]:
        years = sorted({v["year"] for v in project["values"]})
        codes = sorted({v["indicator"] for v in project["values"]})
        cells = {(v["year"], v["indicator"]): v["value"] for v in project["values"]}
        project["table"] = {"years": years, "codes": codes, "cells": cells}
    return render(request, "agreement.html", a=state, rules=_rules_view(state["effective_rules"]),
                  names=zone_names(request), acts=_acts_for(principal, state),
                  indicator_names=INDICATOR_NAMES)


@router.post("/agreements/{agreement_id}/propose")
def agreement_propose(request: Request, agreement_id: str = Path(..., pattern=RECORD_ID),
                      principal: Principal = Depends(Allow("agreements:write"))) -> Response:
    agreements.propose(engine_of(request), agreement_id, principal)
    request.app.state.cache.invalidate()
    return _back(agreement_id)


@router.post("/agreements/{agreement_id}/confirm")
def agreement_confirm(request: Request, agreement_id: str = Path(..., pattern=RECORD_ID),
                      zone_id: str = Form(..., pattern=ZONE_ID),
                      principal: Principal = Depends(Allow("agreements:write"))) -> Response:
    agreements.confirm(engine_of(request), agreement_id, zone_id, principal)
    request.app.state.cache.invalidate()
    return _back(agreement_id)


@router.post("/agreements/{agreement_id}/terminate")
def agreement_terminate(request: Request, agreement_id: str = Path(..., pattern=RECORD_ID),
                        reason: str = Form(..., min_length=1, max_length=2000),
                        principal: Principal = Depends(Allow("agreements:write"))) -> Response:
    agreements.terminate(engine_of(request), agreement_id, reason, principal)
    request.app.state.cache.invalidate()
    return _back(agreement_id)


# --- ledger ----------------------------------------------------------------------------------------------

@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, principal: Principal = Depends(Allow("ledger:read"))) -> Response:
    years = ledger.status(engine_of(request))
    return render(request, "ledger.html", years=years, year=default_year(request), zones=all_zones(request),
                  zone=principal.zone_id or "")


@router.post("/ledger/close")
def ledger_close(request: Request, year: int = Form(..., ge=1990, le=2100),
                 principal: Principal = Depends(Allow("ledger:close"))) -> Response:
    ledger.close_year(engine_of(request), year, actor=principal.username)
    request.app.state.cache.invalidate()
    return RedirectResponse("/ledger", status_code=303)


@router.post("/ledger/{year}/reopen")
def ledger_reopen(request: Request, year: int = Path(..., ge=1990, le=2100),
                  reason: str = Form(..., min_length=1, max_length=2000),
                  principal: Principal = Depends(Allow("ledger:close"))) -> Response:
    ledger.reopen_year(engine_of(request), year, reason=reason, actor=principal.username)
    request.app.state.cache.invalidate()
    return RedirectResponse("/ledger", status_code=303)


@router.get("/ledger/zone")
def ledger_zone_lookup(year: int = Query(..., ge=1990, le=2100), zone_id: str = Query(..., pattern=ZONE_ID),
                       _: Any = Depends(Allow("ledger:read"))) -> Response:
    """The year-and-zone form of the ledger page leads to the zone's ledger page."""
    return RedirectResponse(f"/ledger/{year}/zones/{zone_id}", status_code=303)


@router.get("/ledger/{year}/zones/{zone_id}", response_class=HTMLResponse)
def ledger_zone_page(request: Request, year: int = Path(..., ge=1990, le=2100),
                     zone_id: str = Path(..., pattern=ZONE_ID),
                     indicator: str | None = Query(None, max_length=64),
                     version: int | None = Query(None, ge=1, le=100_000),
                     _: Any = Depends(Allow("ledger:read"))) -> Response:
    check_indicator(indicator or None)
    figures = request.app.state.cache.get(
        ("ledger-zone-page", year, zone_id, indicator or None, version),
        lambda: ledger.zone_figures(engine_of(request), zone_id, year, indicator=indicator or None,
                                    explain=True, version=version))
    latest = next((y["version"] for y in ledger.status(engine_of(request)) if y["year"] == year), None)
    return render(request, "ledger_zone.html", f=figures, year=year, zone_id=zone_id,
                  name=zone_names(request).get(zone_id, zone_id), indicator=indicator or "", latest=latest,
                  indicator_names=INDICATOR_NAMES)


@router.get("/ledger/{year}/diff", response_class=HTMLResponse)
def ledger_diff_page(request: Request, year: int = Path(..., ge=1990, le=2100),
                     from_version: int = Query(..., alias="from", ge=1, le=100_000),
                     to_version: int = Query(..., alias="to", ge=1, le=100_000),
                     _: Any = Depends(Allow("ledger:read"))) -> Response:
    d = ledger.diff(engine_of(request), year, from_version, to_version)
    latest = next((y["version"] for y in ledger.status(engine_of(request)) if y["year"] == year), to_version)
    return render(request, "ledger_diff.html", d=d, year=year, latest=latest, names=zone_names(request),
                  indicator_names=INDICATOR_NAMES)


# --- evaluation ------------------------------------------------------------------------------------------

@router.get("/evaluation", response_class=HTMLResponse)
def evaluation_page(request: Request, year: int | None = Query(None, ge=1985, le=2100),
                    level: str = Query("national", pattern=LEVEL),
                    province: str | None = Query(None, max_length=50),
                    _: Any = Depends(Allow("evaluation:read"))) -> Response:
    y = year or default_year(request)
    code = province_code(request, province or None)
    result = comparison(request, "baseline", "reformed", y, level, code)
    changes = sorted(result["changes"], key=lambda c: (-abs(c["rank_change"]), c["rank_b"]))
    return render(request, "evaluation.html", r=result, changes=changes, year=y, level=level,
                  province=province or "", provinces=_provinces(request), names=zone_names(request),
                  years=list(range(2012, 2024)))
