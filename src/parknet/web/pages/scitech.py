"""The sci-tech platform pages (科技资源对接): a search box over the three libraries with each match's reasons
(matched terms highlighted in its title and text, the shared industry by name, the 1+N partner badge); the
demands zones post, with filters and a form; a demand with its matches and the link to open a service
ticket (发起服务工单).

Each route calls the same service as its API twin (:mod:`parknet.web.api.scitech`); forms post with the
session's CSRF token and are redirected back (303).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from parknet.data.reference import divisions
from parknet.errors import ImportRejected, InvalidArgument
from parknet.services import scitech
from parknet.services.accounts import Principal
from parknet.web.api.agreements import RECORD_ID
from parknet.web.api.scitech import MAX_QUERY
from parknet.web.api.zones import ZONE_ID, all_zones
from parknet.web.pages.render import render
from parknet.web.security import Allow, engine_of

__all__ = ["router", "highlight"]

router = APIRouter(include_in_schema=False)
_LIBRARY_OR_NONE = "^(technology|expert|project)?$"
_ZONE_OR_NONE = "^(" + ZONE_ID.strip("^$") + ")?$"  # the filter forms send zone= for "any zone"
_DIVISION_OR_NONE = r"^([0-9]{2,4})?$"
SNIPPET = 160  # characters of a match's text shown around its first matched term


def highlight(text: str, terms: Sequence[str], width: int | None = None) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_match) around the matched ``terms`` (longest first, case-insensitive);
    with ``width``, a window of that many characters starting a little before the first match, with "…"
    where cut. The template marks the matched pieces, so no HTML is built from user text."""
    found = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE) \
        if terms else None
    if width is not None and len(text) > width:
        first = found.search(text) if found else None
        start = max(0, first.start() - width // 4) if first else 0
        text = ("…" if start else "") + text[start:start + width] + ("…" if start + width < len(text) else "")
    if found is None:
        return [(text, False)]
    pieces, at = [], 0
    for m in found.finditer(text):
        if m.start() > at:
            pieces.append((text[at:m.start()], False))
        if pieces and pieces[-1][1] and m.start() == at:  # 月 + 壤 read as one mark: 月壤
            pieces[-1] = (pieces[-1][0] + m.group(0), True)
        else:
            pieces.append((m.group(0), True))
        at = m.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


@cache
def _divisions() -> list[dict[str, str]]:
    return divisions().select("code", "name", "name_en").to_dicts()


def _view(result: dict[str, Any]) -> dict[str, Any]:
    """Each match with its highlighted title and text snippet."""
    matches = []
    for m in result["matches"]:
        terms = next((r["values"] for r in m["reasons"] if r["kind"] == "terms"), [])
        matches.append({**m, "title_pieces": highlight(m["title"], terms),
                        "snippet": highlight(m["description"], terms, SNIPPET)})
    return {**result, "matches": matches}


def _base(request: Request) -> dict[str, Any]:
    zones = all_zones(request)
    return {"libraries": scitech.LIBRARIES, "statuses": scitech.DEMAND_STATUSES, "divisions": _divisions(),
            "zones": zones, "zone_names": {z["zone_id"]: z["name"] for z in zones},
            "division_names": {d["code"]: d for d in _divisions()}}


@router.get("/scitech", response_class=HTMLResponse)
def search_page(request: Request, q: str = Query("", max_length=MAX_QUERY),
                library: str = Query("technology", pattern=_LIBRARY_OR_NONE),
                industry: str = Query("", pattern=_DIVISION_OR_NONE),
                zone: str | None = Query(None, pattern=_ZONE_OR_NONE),
                k: int = Query(10, ge=1, le=scitech.MAX_K),
                principal: Principal = Depends(Allow("scitech:read"))) -> Response:
    library = library or "technology"
    zone = principal.zone_id or "" if zone is None else zone  # a zone admin searches for its zone by default
    result, error, status = None, None, 200
    if q:
        try:
            result = _view(scitech.search(engine_of(request), q, library, k=k,
                                          industry_codes=[industry] if industry else None, zone=zone or None))
        except InvalidArgument as exc:
            error, status = str(exc), 422
    return render(request, "scitech.html", status_code=status, q=q, library=library, industry=industry,
                  zone=zone, k=k, result=result, error=error, **_base(request))


def _demands_page(request: Request, *, zone: str, status: str, library: str, status_code: int = 200,
                  errors: Sequence[str] = (), last: dict[str, Any] | None = None) -> Response:
    user = request.state.principal
    rows = scitech.demands(engine_of(request), zone=zone or None, status=status or None, library=library or None)
    default = {"zone_id": user.zone_id or "", "library": "technology"}
    return render(request, "scitech_demands.html", status_code=status_code, rows=rows, zone=zone, status=status,
                  library=library, errors=list(errors), last={**default, **(last or {})}, **_base(request))


@router.get("/scitech/demands", response_class=HTMLResponse)
def demands_page(request: Request, zone: str = Query("", pattern=_ZONE_OR_NONE),
                 status: str = Query("", pattern="^(open|matched|closed)?$"),
                 library: str = Query("", pattern=_LIBRARY_OR_NONE),
                 _: Any = Depends(Allow("scitech:read"))) -> Response:
    return _demands_page(request, zone=zone, status=status, library=library)


@router.post("/scitech/demands", response_class=HTMLResponse)
def demand_post(request: Request, zone_id: str = Form("", max_length=64), library: str = Form("", max_length=16),
                title: str = Form("", max_length=200), description: str = Form("", max_length=4000),
                industry_codes: str = Form("", max_length=200),
                principal: Principal = Depends(Allow("scitech:write"))) -> Response:
    last = {"zone_id": zone_id, "library": library, "title": title, "description": description,
            "industry_codes": industry_codes}
    try:
        new_id = scitech.post_demand(engine_of(request), principal, zone=zone_id or principal.zone_id or "",
                                     library=library, title=title,
                                     description=description, industry_codes=industry_codes)
    except ImportRejected as exc:
        errors = [f"{p.column}: {p.reason}" for p in exc.problems]
        return _demands_page(request, zone="", status="", library="", status_code=422, errors=errors, last=last)
    request.app.state.cache.invalidate()
    return RedirectResponse(f"/scitech/demands/{new_id}", status_code=303)


@router.get("/scitech/demands/{demand_id}", response_class=HTMLResponse)
def demand_page(request: Request, demand_id: str = Path(..., pattern=RECORD_ID),
                principal: Principal = Depends(Allow("scitech:read"))) -> Response:
    engine = engine_of(request)
    d = scitech.demand(engine, demand_id)
    result, error = None, None
    try:
        result = _view(scitech.match_demand(engine, demand_id))
    except InvalidArgument as exc:
        error = str(exc)
    acts = principal.role == "admin" or (principal.role == "zone_admin" and principal.zone_id == d["zone_id"])
    return render(request, "scitech_demand.html", d=d, result=result, error=error, acts=acts,
                  next_statuses=[s for s in scitech.DEMAND_STATUSES
                                 if scitech.DEMAND_STATUSES.index(s) > scitech.DEMAND_STATUSES.index(d["status"])],
                  **_base(request))


@router.post("/scitech/demands/{demand_id}/status")
def demand_status(request: Request, demand_id: str = Path(..., pattern=RECORD_ID),
                  status: str = Form(..., pattern="^(matched|closed)$"),
                  principal: Principal = Depends(Allow("scitech:write"))) -> Response:
    scitech.set_demand_status(engine_of(request), principal, demand_id, status)
    request.app.state.cache.invalidate()
    return RedirectResponse(f"/scitech/demands/{demand_id}", status_code=303)
