"""The fair-sharing pages (利益共享): a co-built project's settlement explained step by step, and the
cross-shareholding graph (交叉持股) with look-through shares and the community of interest.

Each page calls the same cached service as its API twin (:mod:`parknet.web.api.sharing`); the graph fetches
its numbers from the API (``data-src``), as every chart does.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from parknet.services import agreements
from parknet.sharing.transfers import METHODS
from parknet.web.api.agreements import RECORD_ID
from parknet.web.api.sharing import METHOD, ownership, settlement
from parknet.web.api.zones import ZONE_ID, zone_names
from parknet.web.pages.render import render
from parknet.web.security import Allow, engine_of

__all__ = ["router", "settlement_view"]

router = APIRouter(include_in_schema=False)
_CENT = Decimal("0.0001")  # money is shown to 1 yuan (0.0001 万元), as the service rounds it
_MONEY = ("investment", "stand_alone", "default_share", "allocation", "transfer", "compensation")
_ZONE_OR_ALL = "^(" + ZONE_ID.strip("^$") + ")?$"  # the filter form sends zone= for all zones


def settlement_view(s: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The settlement with money as Decimals, and per coalition S (``label``: its zones' names) what the
    allocation gives it, x(S), and its excess e(S) = v(S) − x(S): what S would gain by leaving.
    ``objecting`` is the proper coalition with the largest excess (the first in bitmask order among
    equals, as the service names it when the core is empty); a positive excess puts the allocation outside
    the core."""
    partners = [{**p, **{k: Decimal(p[k]) for k in _MONEY}} for p in s["partners"]]
    allocation = {p["zone_id"]: p["allocation"] for p in partners}
    order = {z: i for i, z in enumerate(sorted(allocation))}
    coalitions = []
    for c in s["coalitions"]:
        members = c["coalition"]
        value = Decimal(c["value"]).quantize(_CENT)
        allocated = sum((allocation[z] for z in members), Decimal(0))
        coalitions.append({"members": members, "label": " + ".join(names.get(z, z) for z in members),
                           "value": value, "allocated": allocated, "excess": value - allocated,
                           "grand": len(members) == len(allocation),
                           "mask": sum(1 << order[z] for z in members)})
    proper = [c for c in coalitions if not c["grand"]]
    objecting = max(proper, key=lambda c: (c["excess"], -c["mask"])) if proper else None
    money = {k: Decimal(v) for k, v in s["provincial"].items()}
    return {**s, "grand_value": Decimal(s["grand_value"]), "partners": partners, "coalitions": coalitions,
            "objecting": objecting, "provincial": money,
            "investment_total": sum((p["investment"] for p in partners), Decimal(0))}


@router.get("/projects/{project_id}/settlement", response_class=HTMLResponse)
def settlement_page(request: Request, project_id: str = Path(..., pattern=RECORD_ID),
                    method: str | None = Query(None, pattern=METHOD),
                    _: Any = Depends(Allow("sharing:read"))) -> Response:
    names = zone_names(request)
    s = settlement_view(settlement(request, project_id, method), names)
    agreement = agreements.detail(engine_of(request), s["agreement_id"])
    return render(request, "settlement.html", s=s, method=method, methods=METHODS, names=names,
                  synthetic=agreement["is_synthetic"])


@router.get("/ownership", response_class=HTMLResponse)
def ownership_page(request: Request, zone: str | None = Query(None, pattern=_ZONE_OR_ALL),
                   _: Any = Depends(Allow("sharing:read"))) -> Response:
    everything = ownership(request, None)
    o = ownership(request, zone or None)
    entities = {e["entity_id"]: e for e in everything["entities"]}
    names = zone_names(request)
    zones = sorted({e["zone_id"] for e in everything["entities"] if e["zone_id"]}, key=lambda z: names.get(z, z))
    controlled = {(c["owner"], c["company"]): c["votes"] for c in o["control"]}
    return render(request, "ownership.html", o=o, zone=zone or "", entities=entities, controlled=controlled,
                  zones=zones, names=names,
                  synthetic=any(e["is_synthetic"] for e in o["entities"]))
