"""/api/v1/ledger: the statistics-attribution ledger (统计归属台账) — year status, closing and reopening a
year (admins), a zone's raw vs attributed figures with the reason of every entry, and the diff of two closes.

Amounts are exact decimals and travel as strings (``"1234.5000"``), never as floats.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field

from parknet.domain import INDICATOR_CODES
from parknet.errors import InvalidArgument
from parknet.services import ledger
from parknet.services.accounts import Principal
from parknet.web.api.zones import ZONE_ID
from parknet.web.security import Allow, engine_of

__all__ = ["router", "exact", "year_path", "check_indicator"]

router = APIRouter(prefix="/api/v1", tags=["ledger"])


def year_path() -> Any:
    """The ``{year}`` path parameter: the years a ledger can be closed for (``close_year`` refuses others)."""
    return Path(..., ge=1990, le=2100, description="calendar year of the ledger")


def exact(value: Any) -> Any:
    """``value`` with every Decimal written as its exact string (JSON numbers would be floats)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: exact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [exact(v) for v in value]
    return value


def check_indicator(indicator: str | None) -> str | None:
    if indicator is not None and indicator not in INDICATOR_CODES:
        raise InvalidArgument("indicator", f"unknown indicator code {indicator!r}; "
                                           f"known: {', '.join(INDICATOR_CODES)}")
    return indicator


class Reopening(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="why the year is reopened (audited)")


@router.get("/ledger", response_model=list[dict[str, Any]])
def get_ledger_status(request: Request, _: Any = Depends(Allow("ledger:read"))) -> list[dict[str, Any]]:
    """Every closed or reopened year: latest version, when and by whom it was closed, and whether it is
    locked (closed and not reopened: edits to its inputs answer 409)."""
    return ledger.status(engine_of(request))


@router.post("/ledger/{year}/close", response_model=dict[str, Any],
             responses={201: {"description": "a new version was stored"}})
def close_ledger_year(request: Request, response: Response, year: int = year_path(),
                      principal: Principal = Depends(Allow("ledger:close"))) -> dict[str, Any]:
    """Close ``year`` (年度结账): attribute it from the current inputs and store an immutable version;
    201 with the new version, 200 when the year is closed already with unchanged inputs (nothing
    written), 409 when it is closed but its inputs changed (reopen first)."""
    result = ledger.close_year(engine_of(request), year, actor=principal.username)
    if result.created:
        response.status_code = 201
        request.app.state.cache.invalidate()
    return exact(result.to_dict())


@router.post("/ledger/{year}/reopen", response_model=dict[str, Any])
def reopen_ledger_year(request: Request, body: Reopening, year: int = year_path(),
                       principal: Principal = Depends(Allow("ledger:close"))) -> dict[str, Any]:
    """Reopen a closed year so its inputs may be corrected (audited, with the reason); the next close writes
    version + 1. 409 when the year is not closed."""
    version = ledger.reopen_year(engine_of(request), year, reason=body.reason, actor=principal.username)
    request.app.state.cache.invalidate()
    return {"year": year, "reopened_version": version}


@router.get("/ledger/{year}/zones/{zone_id}", response_model=dict[str, Any])
def get_zone_ledger(request: Request, year: int = year_path(), zone_id: str = Path(..., pattern=ZONE_ID),
                    indicator: str | None = Query(None, max_length=64),
                    explain: bool = Query(False, description="every entry with the reason it counts here"),
                    version: int | None = Query(None, ge=1, le=100_000),
                    _: Any = Depends(Allow("ledger:read"))) -> Response:
    """A zone's raw (reported) vs attributed figure per indicator in ``year``, from the stored close
    (latest or ``version``) or, for a year never closed, a preview; with ``explain`` every entry (source,
    kind, amount, rule, agreement) and its reason in Chinese and English. Amounts are exact decimal
    strings."""
    check_indicator(indicator)
    return request.app.state.cache.json(
        ("ledger-zone", year, zone_id, indicator, explain, version),
        lambda: exact(ledger.zone_figures(engine_of(request), zone_id, year, indicator=indicator,
                                          explain=explain, version=version)))


@router.get("/ledger/{year}/diff", response_model=dict[str, Any])
def get_ledger_diff(request: Request, year: int = year_path(),
                    from_version: int = Query(..., alias="from", ge=1, le=100_000),
                    to_version: int = Query(..., alias="to", ge=1, le=100_000),
                    _: Any = Depends(Allow("ledger:read"))) -> dict[str, Any]:
    """What moved between two closes of ``year``: changed inputs and rules, changed zone totals, and the
    entries added, removed or changed behind them (exact decimal strings)."""
    return exact(ledger.diff(engine_of(request), year, from_version, to_version))
