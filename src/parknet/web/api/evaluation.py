"""/api/v1/evaluation: zone rankings under the built-in evaluation schemes (考评) — the baseline scheme and
the reformed one that counts attributed statistics and cooperation performance — and their comparison.

Only built-in scheme names are accepted over the web (never a file path). Results are cached per arguments
until the data change (every write through the app invalidates the cache).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response

from parknet.evaluation import BUILTIN_SCHEMES
from parknet.services import evaluation
from parknet.web.api.agreements import province_code
from parknet.web.api.overview import default_year
from parknet.web.security import Allow, engine_of

__all__ = ["router", "SCHEME", "LEVEL", "comparison"]

router = APIRouter(prefix="/api/v1", tags=["evaluation"])
SCHEME = "^(" + "|".join(BUILTIN_SCHEMES) + ")$"
LEVEL = "^(national|provincial|other)$"


def comparison(request: Request, first: str, second: str, year: int, level: str,
               province: str | None) -> dict[str, Any]:
    """The cached :func:`parknet.services.evaluation.run_compare` (shared by the API and the page)."""
    return request.app.state.cache.get(
        ("evaluation-compare", first, second, year, level, province),
        lambda: evaluation.run_compare(engine_of(request), first, second, year, level=level,
                                       province=province))


@router.get("/evaluation", response_model=dict[str, Any])
def get_evaluation(request: Request, scheme: str = Query("baseline", pattern=SCHEME),
                   year: int | None = Query(None, ge=1985, le=2100),
                   level: str = Query("national", pattern=LEVEL),
                   province: str | None = Query(None, min_length=2, max_length=50),
                   _: Any = Depends(Allow("evaluation:read"))) -> Response:
    """The ranking of ``year`` (default: the latest complete year) under a built-in scheme (baseline |
    reformed): ``scheme, year, ranking: [{zone_id, rank, score, dimensions}], weights, warnings`` and
    ``basis`` (which ledger versions fed it — or a preview of a year not closed — and the zones left out and
    why). Scores are unrounded floats."""
    y = year or default_year(request)
    code = province_code(request, province)

    def compute() -> dict[str, Any]:
        result, basis = evaluation.run(engine_of(request), scheme, y, level=level, province=code)
        return {**result.to_json(), "basis": basis}

    return request.app.state.cache.json(("evaluation", scheme, y, level, code), compute)


@router.get("/evaluation/compare", response_model=dict[str, Any])
def get_evaluation_compare(request: Request, first: str = Query("baseline", pattern=SCHEME),
                           second: str = Query("reformed", pattern=SCHEME),
                           year: int | None = Query(None, ge=1985, le=2100),
                           level: str = Query("national", pattern=LEVEL),
                           province: str | None = Query(None, min_length=2, max_length=50),
                           _: Any = Depends(Allow("evaluation:read"))) -> Response:
    """Rankings under two built-in schemes over the same zones: ``year, schemes, changes: [{zone_id, rank_a,
    rank_b, rank_change, score_a, score_b, reason}], first, second, basis``; a positive ``rank_change`` is a
    move up under the second scheme."""
    y = year or default_year(request)
    code = province_code(request, province)
    return request.app.state.cache.json(("evaluation-compare-json", first, second, y, level, code),
                                        lambda: comparison(request, first, second, y, level, code))
