"""Polarization diagnosis of zone indicators (``parknet diagnose``, /api/v1/diagnosis, the diagnosis page).

Loads one indicator for the chosen zones from the store and calls the pure measures in
:mod:`parknet.analysis.polarization`. Every result names what it was computed on (year, indicator, level,
grouping, number of zones) and carries notes where a measure could not be computed, and why.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import Engine, select

from parknet.analysis import polarization as pm
from parknet.errors import InvalidArgument, NotFound, ParkNetError
from parknet.store import models

__all__ = ["GROUPINGS", "diagnose", "diagnose_trend", "zone_values"]

GROUPINGS = ("province", "region")
ATKINSON_EPSILONS = (0.5, 1.0, 2.0)


def zone_values(engine: Engine, indicator: str, *, year: int | None = None, level: str = "national",
                by: str = "province") -> list[tuple[str, int, float, str]]:
    """(zone_id, year, value, group label) rows for ``indicator``; group = province name or NBS region."""
    if by not in GROUPINGS:
        raise InvalidArgument("by", f"choose one of {', '.join(GROUPINGS)}, got {by!r}")
    z, v, p = models.Zone, models.ZoneIndicatorValue, models.Province
    group = p.name if by == "province" else p.region
    stmt = (select(v.zone_id, v.year, v.value, group).join(z, z.id == v.zone_id).join(p, p.code == z.province_code)
            .where(v.indicator_code == indicator, z.level == level).order_by(v.year, v.zone_id))
    if year is not None:
        stmt = stmt.where(v.year == year)
    with engine.connect() as conn:
        if conn.execute(select(models.IndicatorDefinition.code).where(
                models.IndicatorDefinition.code == indicator)).first() is None:
            raise InvalidArgument("indicator", f"unknown indicator {indicator!r}; see 'parknet indicators'")
        return [(zid, y, float(val), g or "unknown") for zid, y, val, g in conn.execute(stmt)]


def _try(notes: list[str], name: str, compute: Any) -> Any:
    try:
        return compute()
    except InvalidArgument as exc:
        notes.append(f"{name}: not computed — {exc.reason}")
        return None


def _measures(values: np.ndarray, groups: np.ndarray) -> dict[str, Any]:
    notes: list[str] = []
    theil_t = pm.theil(values, groups)
    theil_l = _try(notes, "theil_l", lambda: pm.theil(values, groups, kind="L"))
    dagum = _try(notes, "dagum", lambda: pm.dagum(values, groups))
    atk = {str(e): _try(notes, f"atkinson({e})", lambda e=e: pm.atkinson(values, e)) for e in ATKINSON_EPSILONS}
    return {
        "top10_share": pm.top_share(values, 10),
        "hhi": pm.hhi(values),
        "gini": pm.gini(values),
        "cv": pm.cv(values),
        "theil": {"total": theil_t.total, "between": theil_t.between, "within": theil_t.within},
        "theil_l": None if theil_l is None else {"total": theil_l.total, "between": theil_l.between,
                                                 "within": theil_l.within},
        "dagum": None if dagum is None else {"total": dagum.total, "within": dagum.within,
                                             "between_net": dagum.between_net, "transvariation": dagum.transvariation},
        "atkinson": atk["0.5"],
        "atkinson_epsilon": 0.5,
        "atkinson_by_epsilon": atk,
        "wolfson": _try(notes, "wolfson", lambda: pm.wolfson(values)),
        "esteban_ray": pm.esteban_ray(values, 1.3),
        "notes": notes,
        "_theil": theil_t,
        "_dagum": dagum,
    }


def diagnose(engine: Engine, year: int, indicator: str, *, by: str = "province", level: str = "national") -> dict[str, Any]:
    """The cross-section diagnosis of ``indicator`` in ``year`` over the zones of ``level``, grouped ``by``.

    Keys: year, indicator, level, by, n, top10_share, hhi, gini, cv, theil {total, between, within},
    theil_l, dagum {total, within, between_net, transvariation}, atkinson (ε = 0.5), atkinson_by_epsilon,
    wolfson, esteban_ray (α = 1.3), lorenz {population, share}, groups [...], notes.
    """
    rows = zone_values(engine, indicator, year=year, level=level, by=by)
    if not rows:
        raise NotFound(f"no {level} zone has {indicator} values in {year}")
    values = np.array([r[2] for r in rows])
    groups = np.array([r[3] for r in rows])
    try:
        m = _measures(values, groups)
    except InvalidArgument as exc:
        raise ParkNetError(f"{indicator} in {year}: {exc.reason}") from exc
    theil_t, dagum = m.pop("_theil"), m.pop("_dagum")
    population, share = pm.lorenz(values)
    group_rows = []
    for label, g in (theil_t.groups or {}).items():
        dg = dagum.groups.get(label) if dagum else None
        group_rows.append({"group": label, "n": int(g["n"]), "mean": g["mean"], "value_share": g["value_share"],
                           "population_share": g["population_share"], "theil": g["theil"],
                           "gini": None if dg is None else dg["gini"]})
    group_rows.sort(key=lambda r: -r["value_share"])
    return {"year": year, "indicator": indicator, "level": level, "by": by, "n": int(values.size), **m,
            "lorenz": {"population": population.tolist(), "share": share.tolist()}, "groups": group_rows}


def diagnose_trend(engine: Engine, indicator: str, *, by: str = "province", level: str = "national",
                   k: int = 5) -> dict[str, Any]:
    """The diagnosis year by year, plus dynamics on the balanced panel (zones observed in every year):
    σ-convergence, absolute β-convergence (first → last year) and Markov rank mobility between k quantile
    classes."""
    rows = zone_values(engine, indicator, level=level, by=by)
    if not rows:
        raise NotFound(f"no {level} zone has {indicator} values")
    years = sorted({r[1] for r in rows})
    series = []
    for year in years:
        sub = [r for r in rows if r[1] == year]
        values, groups = np.array([r[2] for r in sub]), np.array([r[3] for r in sub])
        try:
            m = _measures(values, groups)
        except InvalidArgument as exc:
            series.append({"year": year, "n": len(sub), "notes": [exc.reason]})
            continue
        m.pop("_theil"), m.pop("_dagum")
        series.append({"year": year, "n": len(sub), **{key: m[key] for key in (
            "top10_share", "hhi", "gini", "cv", "theil", "dagum", "atkinson", "wolfson", "notes")}})
    by_zone: dict[str, dict[int, float]] = {}
    for zone, year, value, _group in rows:
        by_zone.setdefault(zone, {})[year] = value
    balanced = sorted(z for z, vals in by_zone.items() if len(vals) == len(years))
    dynamics: dict[str, Any] = {"balanced_zones": len(balanced), "first_year": years[0], "last_year": years[-1],
                                "notes": []}
    if len(balanced) >= max(k, 3) and len(years) >= 2:
        panel = np.array([[by_zone[z][y] for y in years] for z in balanced])
        notes = dynamics["notes"]
        sigma = _try(notes, "sigma_convergence", lambda: pm.sigma_convergence(panel))
        dynamics["sigma"] = None if sigma is None else {"years": years, **sigma.to_dict()}
        beta = _try(notes, "beta_convergence",
                    lambda: pm.beta_convergence(panel[:, 0], panel[:, -1], years[-1] - years[0]))
        dynamics["beta"] = None if beta is None else beta.to_dict()
        relative = panel / panel.mean(axis=0)
        mobility = _try(notes, "markov", lambda: pm.markov(relative, k=k))
        dynamics["markov"] = None if mobility is None else mobility.to_dict()
    else:
        dynamics["notes"].append(f"dynamics need at least {max(k, 3)} zones observed in every year")
    return {"indicator": indicator, "level": level, "by": by, "series": series, "dynamics": dynamics}
