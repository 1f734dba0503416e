"""Seeded synthetic demo data (合成演示数据) calibrated to the article's published facts.

:func:`generate` builds a complete, internally consistent data set: the real national high-tech zones
(real names and ids, synthetic numbers), a set of clearly synthetic provincial zones, a 2012–2023 panel of
the ten zone indicators, revenue by GB/T 4754 division, enterprises with valid 统一社会信用代码 and their
yearly values, and relocations between zones.

How it is built (top-down, so the calibration holds at any enterprise count):

1. Zone sizes in the anchor year 2019, assigned by a latent rank (the article's leaders first, provincial
   capitals ahead of the rest of their province, old zones ahead of young ones): a Zipf-like top-10 block
   holding exactly 36.5% of the zones' GDP and a power-transformed lognormal tail, scaled so the 169 zones
   make exactly 12.3% of national GDP. Invention patents ∝ exp(β·(log GDP + noise)) with β solved for the
   64.8% top-10 share.
2. Zone paths 2012–2023: national nominal growth × a zone premium (young zones faster; the top 10 faster
   by an amount solved so their share drifts up) × a random walk pinned at 2019.
3. Enterprises: allocated to zones, given founding years, industries from their zone's specialisation,
   exits and relocations; each zone-year's GDP and patents are split exactly among the enterprises that
   report there (largest-remainder rounding in 0.1 万元 / whole units). Revenue, tax, exports, R&D,
   employees and R&D personnel are derived per enterprise from industry ratios with global scale factors
   fitted on 2019 (R&D intensity and talent density = 3× national), and zone totals are their sums — so
   every zone figure is exactly the sum of its enterprises.

Everything here is synthetic except the zone list, the province list and the national totals used as
denominators; anything that shows it must say :data:`DEMO_LABEL`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from parknet.codes import make_uscc
from parknet.data import reference
from parknet.domain import INDICATOR_CODES, ZoneLevel
from parknet.errors import InvalidArgument

__all__ = [
    "DEMO_LABEL",
    "DEFAULT_SEED",
    "ANCHOR_YEAR",
    "Targets",
    "TARGETS",
    "DemoData",
    "generate",
    "calibration_summary",
]

DEMO_LABEL = "synthetic demo data"
DEFAULT_SEED = 20191231
ANCHOR_YEAR = 2019  # the year of the article's figures; every calibration is solved there

_MONEY_SCALE = 10  # enterprise money is kept in integer units of 0.1 万元 so splits add up exactly
_ENTERPRISE_INDICATORS = ("gdp", "revenue", "tax", "exports", "rd_expenditure", "rd_personnel", "employees",
                          "invention_patents_granted")
_MONEY = {"gdp", "revenue", "tax", "exports", "rd_expenditure"}


@dataclass(frozen=True)
class Targets:
    """Calibration targets. The first six are the article's facts (2019). The rest are ParkNet's plausibility
    anchors, of the order of the zones' published aggregates; they are not facts the demo asserts."""

    land_share: float = 0.003  # zones hold ≈0.3% of China's land
    gdp_share: float = 0.123  # …and made 12.3% of national GDP
    top10_gdp_share: float = 0.365
    top10_patent_share: float = 0.648
    rd_intensity_ratio: float = 3.0  # Σ R&D / Σ GDP vs the national ratio
    talent_density_ratio: float = 3.0  # Σ R&D personnel / Σ employees vs national FTE / employed
    patent_share_of_nation: float = 0.36  # "more than 1/3 of the nation's patent output"
    revenue_per_gdp: float = 3.2
    tax_per_revenue: float = 0.05
    exports_per_revenue: float = 0.106
    gdp_per_employee: float = 55.0  # 万元 per person
    top10_drift_per_year: float = 0.0015  # "polarization possibly intensifying"


TARGETS = Targets()

_TOP_ZONES = ("中关村", "张江", "深圳", "东湖", "广州", "西安", "苏州", "成都", "杭州", "合肥")
# Dominant industries of the named leaders, so the biggest zones look like themselves.
_TOP_INDUSTRIES = {
    "中关村": (65, 64, 73, 39), "张江": (39, 27, 65), "深圳": (39, 65, 38), "东湖": (39, 38, 27),
    "广州": (39, 27, 65), "西安": (39, 37, 65), "苏州": (39, 34, 35), "成都": (39, 65, 27),
    "杭州": (65, 64, 39), "合肥": (39, 38, 65),
}
_SUB_PROVINCIAL = ("2102", "3302", "3502", "3702", "4403")  # 计划单列市 rival their capitals
_DOMINANT_POOL = {  # division: weight — high-tech manufacturing, ICT, R&D and technical services
    26: 1.5, 27: 2.0, 28: 0.4, 29: 0.7, 30: 0.7, 31: 0.5, 32: 0.7, 33: 1.0, 34: 2.0, 35: 2.0, 36: 1.5, 37: 1.0,
    38: 2.0, 39: 3.0, 40: 1.0, 41: 0.3, 63: 0.5, 64: 1.0, 65: 3.0, 73: 1.0, 74: 1.0, 75: 1.0,
}
_TAIL_POOL = {**{d: 0.6 for d in range(13, 44)}, 44: 0.3, 45: 0.2, 46: 0.2, 47: 0.3, 48: 0.4, 50: 0.3,
              51: 2.0, 52: 0.5, 54: 0.4, 58: 0.3, 59: 0.4, 62: 0.2, 64: 1.0, 65: 2.5, 70: 0.5, 71: 0.4,
              72: 2.0, 73: 1.0, 74: 1.5, 75: 1.5, 77: 0.4, 86: 0.2, 87: 0.3, 88: 0.2}


@dataclass(frozen=True)
class DemoData:
    """A generated demo data set (all frames polars; see the module docstring for the model).

    ``enterprise_years`` omits rows whose value is 0 (a missing row means 0); every reporting enterprise-year
    has positive ``gdp``, ``revenue`` and ``employees`` rows.
    """

    seed: int
    label: str
    zones: pl.DataFrame
    zone_indicators: pl.DataFrame
    industry_output: pl.DataFrame
    enterprises: pl.DataFrame
    enterprise_years: pl.DataFrame
    relocations: pl.DataFrame


@dataclass(frozen=True)
class _Zones:
    """Zone attributes as aligned numpy arrays (national zones first)."""

    frame: pl.DataFrame
    national: np.ndarray
    province: np.ndarray  # index into the mainland province list
    capital: np.ndarray
    east: np.ndarray
    approved: np.ndarray
    start: np.ndarray  # first panel year
    top_rank: np.ndarray  # 0..9 for the article's leaders, -1 otherwise


# ---------------------------------------------------------------------------------------------- helpers

def _largest_remainder(total: np.ndarray, group: np.ndarray, weight: np.ndarray,
                       minimum: int = 0, fallback: np.ndarray | None = None) -> np.ndarray:
    """Split integer ``total[g]`` among the rows of each group ``g`` in proportion to ``weight``, exactly.

    Hamilton's method: every row first gets ``minimum`` (less where a group is too small), then the floor of
    its quota; the units left go to the largest remainders (ties by row order). Groups whose weights are all
    zero use ``fallback`` (or equal weights). Rows with zero weight get nothing beyond the minimum.
    """
    n_groups = total.size
    count = np.bincount(group, minlength=n_groups)
    floor_each = np.minimum(minimum, total // np.maximum(2 * count, 1))
    rest = total - floor_each * count
    wsum = np.bincount(group, weights=weight, minlength=n_groups)
    empty = (wsum <= 0)[group]
    if empty.any():
        weight = np.where(empty, 1.0 if fallback is None else fallback, weight)
        wsum = np.bincount(group, weights=weight, minlength=n_groups)
    quota = rest[group] * (weight / np.where(wsum > 0, wsum, 1.0)[group])
    base = np.floor(quota)
    deficit = rest - np.rint(np.bincount(group, weights=base, minlength=n_groups)).astype(np.int64)
    order = np.lexsort((-(quota - base), group))
    sorted_group = group[order]
    first = np.searchsorted(sorted_group, np.arange(n_groups))
    rank = np.arange(group.size) - first[sorted_group]
    extra = np.zeros(group.size, dtype=np.int64)
    extra[order] = rank < deficit[sorted_group]
    out = base.astype(np.int64) + extra + floor_each[group]
    if not np.array_equal(np.bincount(group, weights=out, minlength=n_groups), total.astype(float)):
        raise RuntimeError("largest-remainder split lost units")  # would be a bug, never bad input
    return out


def _top_share(values: np.ndarray, k: int = 10) -> float:
    """Share of the ``k`` largest values in their sum."""
    ordered = np.sort(values)[::-1]
    return float(ordered[:k].sum() / ordered.sum())


def _bisect(f: Callable[[float], float], target: float, lo: float, hi: float, *, increasing: bool) -> float:
    """Solve ``f(x) = target`` on ``[lo, hi]`` for monotone ``f`` (clamped to the ends when out of range)."""
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if (f(mid) < target) == increasing:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _fit_scale(achieved: Callable[[float], float], target: float) -> float:
    """Find ``c`` with ``achieved(c) ≈ target`` for a roughly proportional, increasing ``achieved``."""
    c = 1.0
    for _ in range(40):
        value = achieved(c)
        if value <= 0 or abs(value / target - 1) < 1e-7:
            break
        c *= target / value
    return c


def _national_series(years: Sequence[int]) -> dict[str, np.ndarray]:
    """National totals for ``years`` (and the anchor year) in ParkNet units: 万元, persons, patents."""
    totals = reference.national_totals()
    by_year = {row["year"]: row for row in totals.iter_rows(named=True)}
    missing = [y for y in list(years) + [ANCHOR_YEAR] if y not in by_year]
    if missing:
        raise InvalidArgument("years", f"national totals exist only for {min(by_year)}–{max(by_year)}, "
                                       f"not {missing}")
    wanted = list(years) + [ANCHOR_YEAR]  # last element = the anchor year
    return {
        "gdp": np.array([by_year[y]["gdp_100m_yuan"] * 1e4 for y in wanted]),
        "rd": np.array([by_year[y]["rd_expenditure_100m_yuan"] * 1e4 for y in wanted]),
        "rd_personnel": np.array([by_year[y]["rd_personnel_fte_10k"] * 1e4 for y in wanted]),
        "employed": np.array([by_year[y]["employed_10k"] * 1e4 for y in wanted]),
        "patents": np.array([float(by_year[y]["invention_patents_granted"]) for y in wanted]),
    }


# ------------------------------------------------------------------------------------------------ zones

def _provincial_zones(rng: np.random.Generator, national: pl.DataFrame, provinces: pl.DataFrame,
                      n: int, last_year: int) -> pl.DataFrame:
    """``n`` synthetic provincial zones, spread over the mainland provinces in proportion to their number
    of national zones plus a base of 2, placed in cities that have a national zone (or the capital),
    approved 2000–2020 (not after the panel's last year)."""
    counts = national.group_by("province_code").len()
    provinces = provinces.join(counts, on="province_code", how="left").with_columns(pl.col("len").fill_null(0))
    share = provinces["len"].to_numpy().astype(float) + 2.0
    per_province = _largest_remainder(np.array([n]), np.zeros(share.size, dtype=np.int64), share)
    rows = []
    for prov, k in zip(provinces.iter_rows(named=True), per_province, strict=True):
        cities = (national.filter(pl.col("province_code") == prov["province_code"])
                  .select("city", "city_code", "lat", "lon").unique("city_code", keep="first", maintain_order=True))
        if cities.is_empty():
            cities = pl.DataFrame({"city": [prov["capital"]], "city_code": [prov["capital_code"]],
                                   "lat": [None], "lon": [None]}, schema=cities.schema)
        is_cap = (cities["city_code"] == prov["capital_code"]).to_numpy()
        p = np.where(is_cap, 2.0, 1.0)  # capitals host more provincial parks
        pick = rng.choice(cities.height, size=int(k), p=p / p.sum())
        years = rng.integers(2000, min(2020, last_year) + 1, size=int(k))
        jitter = rng.normal(0.0, 0.12, size=(int(k), 2))
        for j in range(int(k)):
            city = cities.row(int(pick[j]), named=True)
            rows.append({
                "zone_id": f"p-{prov['province_code']}-{j + 1:02d}",
                "name": f"{prov['short_name']}合成省级高新区{j + 1:02d}（演示）",
                "province_code": prov["province_code"], "city": city["city"], "city_code": city["city_code"],
                "approved_year": int(years[j]),
                "lat": None if city["lat"] is None else round(city["lat"] + jitter[j, 0], 4),
                "lon": None if city["lon"] is None else round(city["lon"] + jitter[j, 1], 4),
            })
    return pl.DataFrame(rows, schema={"zone_id": pl.Utf8, "name": pl.Utf8, "province_code": pl.Utf8,
                                      "city": pl.Utf8, "city_code": pl.Utf8, "approved_year": pl.Int32,
                                      "lat": pl.Float64, "lon": pl.Float64})


def _build_zones(rng: np.random.Generator, years: Sequence[int], n_provincial: int) -> _Zones:
    """The zone list (national from the reference list, then synthetic provincial) and its attributes."""
    provinces = reference.provinces().filter(pl.col("region").is_not_null())  # mainland: 31 provinces
    cols = ["zone_id", "name", "province_code", "city", "city_code", "approved_year", "lat", "lon"]
    national = reference.national_zones().select(cols).filter(pl.col("approved_year") <= years[-1])
    provincial = _provincial_zones(rng, national, provinces, n_provincial, years[-1])
    frame = pl.concat([
        national.with_columns(pl.lit(ZoneLevel.NATIONAL.value).alias("level"), pl.lit(False).alias("is_synthetic")),
        provincial.with_columns(pl.lit(ZoneLevel.PROVINCIAL.value).alias("level"), pl.lit(True).alias("is_synthetic")),
    ], how="diagonal_relaxed")
    prov_codes = provinces["province_code"].to_list()
    capital_codes = dict(zip(prov_codes, provinces["capital_code"].to_list(), strict=True))
    east_codes = set(provinces.filter(pl.col("region") == "east")["province_code"].to_list())
    codes = frame["province_code"].to_list()
    city_codes = [c or "" for c in frame["city_code"].to_list()]
    names = frame["name"].to_list()
    top_rank = np.full(frame.height, -1)
    n_nat = national.height
    for rank, token in enumerate(_TOP_ZONES):
        hits = [i for i in range(n_nat) if token in names[i]]  # the oldest match is the historic zone
        if hits:
            top_rank[min(hits, key=lambda i: (frame["approved_year"][i], i))] = rank
    approved = frame["approved_year"].to_numpy().astype(np.int64)
    return _Zones(
        frame=frame,
        national=np.arange(frame.height) < n_nat,
        province=np.array([prov_codes.index(c) for c in codes]),
        # municipalities: every zone is "in the capital"; otherwise match the prefecture (first 4 digits)
        capital=np.array([cc[:4] == capital_codes[p][:4] or capital_codes[p].endswith("0000")
                          for p, cc in zip(codes, city_codes, strict=True)]),
        east=np.array([p in east_codes for p in codes]),
        approved=approved,
        start=np.maximum(approved, years[0]),
        top_rank=top_rank,
    )


def _rank_scores(rng: np.random.Generator, z: _Zones) -> np.ndarray:
    """Latent size score of national zones: named leaders first; capitals, 计划单列市, old zones and zones
    in provinces with many zones ahead; then the capital made the largest wherever no named leader or
    计划单列市 zone is ahead of it (the province's "1" of "1+N")."""
    nat = np.flatnonzero(z.national)
    frame = z.frame[nat]
    city = frame["city_code"].fill_null("").to_list()
    sub = np.array([c[:4] in _SUB_PROVINCIAL for c in city])
    per_province = np.bincount(z.province[nat], minlength=z.province.max() + 1)[z.province[nat]]
    score = (1.3 * np.log1p(per_province) + 1.2 * z.capital[nat] + 0.9 * sub
             + 0.1 * np.maximum(ANCHOR_YEAR - z.approved[nat], 0) + rng.normal(0.0, 0.35, nat.size))
    top = z.top_rank[nat]
    score = np.where(top >= 0, 100.0 - top, score)
    exempt = (top >= 0) | sub
    for p in np.unique(z.province[nat]):
        members = np.flatnonzero(z.province[nat] == p)
        lead = members[np.argmax(score[members])]
        caps = members[z.capital[nat][members]]
        if caps.size and not z.capital[nat][lead] and not exempt[lead]:
            best_cap = caps[np.argmax(score[caps])]
            score[[lead, best_cap]] = score[[best_cap, lead]]
    return score


def _size_profile(rng: np.random.Generator, n: int, total: float) -> np.ndarray:
    """``n`` sizes in descending order summing to ``total``, top-10 share exactly the article's 36.5%.

    The top-10 block follows a noisy Zipf profile (r^-0.55); the rest are lognormal draws with a power
    transform solved so the largest of them is 90% of the 10th — heavy-tailed, and the ranks stay apart.
    """
    k = 10
    top = np.sort(np.arange(1, k + 1) ** -0.55 * rng.lognormal(0.0, 0.05, k))[::-1]
    top *= TARGETS.top10_gdp_share * total / top.sum()
    log_rest = np.sort(rng.normal(0.0, 1.0, n - k))[::-1]
    rest_total = total - top.sum()
    power = _bisect(lambda q: 1.0 / np.exp(q * (log_rest - log_rest[0])).sum(), 0.9 * top[-1] / rest_total,
                    0.01, 10.0, increasing=True)
    rest = np.exp(power * (log_rest - log_rest[0]))
    return np.concatenate([top, rest * (rest_total / rest.sum())])


def _anchor_gdp(rng: np.random.Generator, z: _Zones, national_gdp: float) -> np.ndarray:
    """Zone GDP in the anchor year (万元): national zones by latent rank to the article's total and top-10
    share; zones approved after 2019 get a virtual anchor from the middle of the distribution (they enter
    the panel later); provincial zones smaller, at most half their province's leader."""
    nat = np.flatnonzero(z.national)  # national zones come first, so positions in nat are zone indices
    score = _rank_scores(rng, z)
    existing = nat[z.approved[nat] <= ANCHOR_YEAR]
    later = nat[z.approved[nat] > ANCHOR_YEAR]
    ranked = existing[np.argsort(-score[existing], kind="stable")]
    values = _size_profile(rng, ranked.size, TARGETS.gdp_share * national_gdp)
    gdp = np.empty(z.national.size)
    gdp[ranked] = values
    gdp[later] = np.quantile(values[10:], rng.uniform(0.2, 0.7, later.size))
    prov = np.flatnonzero(~z.national)
    leader = np.zeros(z.province.max() + 1)
    np.maximum.at(leader, z.province[nat], gdp[nat])
    typical = 0.3 * np.median(values) * rng.lognormal(0.0, 0.8, prov.size)
    gdp[prov] = np.minimum(typical, 0.5 * leader[z.province[prov]])
    return np.rint(gdp * _MONEY_SCALE) / _MONEY_SCALE


def _areas(rng: np.random.Generator, z: _Zones, gdp: np.ndarray) -> np.ndarray:
    """Areas (km²): heavy-tailed, loosely tied to size; national zones existing in 2019 sum to 0.3% of
    China's land; provincial zones about a quarter of the national median."""
    log_size = np.log(gdp)
    zscore = (log_size - log_size.mean()) / log_size.std()
    raw = np.exp(0.35 * zscore + rng.normal(0.0, 0.6, gdp.size))
    existing = z.national & (z.approved <= ANCHOR_YEAR)
    scale = TARGETS.land_share * reference.CHINA_LAND_AREA_KM2 / raw[existing].sum()
    area = raw * scale
    area[~z.national] = 0.25 * np.median(area[existing]) * rng.lognormal(0.0, 0.6, (~z.national).sum())
    return np.round(area, 2)


def _top10_mask(z: _Zones, values: np.ndarray) -> np.ndarray:
    """The 10 largest national zones existing in the anchor year, by ``values``."""
    candidates = np.flatnonzero(z.national & (z.approved <= ANCHOR_YEAR))
    mask = np.zeros(values.size, dtype=bool)
    mask[candidates[np.argsort(-values[candidates], kind="stable")[:10]]] = True
    return mask


def _anchor_patents(rng: np.random.Generator, z: _Zones, gdp: np.ndarray, national_patents: float) -> np.ndarray:
    """Invention patents granted in the anchor year: ∝ exp(β·(log GDP + noise)), β solved so the top-10
    share is 64.8% (patents are far more concentrated than GDP); national zones existing in 2019 hold 36%
    of the nation's grants."""
    existing = z.national & (z.approved <= ANCHOR_YEAR)
    score = np.log(gdp) + rng.normal(0.0, 0.25, gdp.size)
    beta = _bisect(lambda b: _top_share(np.exp(b * (score[existing] - score.max()))),
                   TARGETS.top10_patent_share, 0.05, 10.0, increasing=True)
    patents = np.exp(beta * (score - score.max()))
    return patents * (TARGETS.patent_share_of_nation * national_patents / patents[existing].sum())


def _zone_paths(rng: np.random.Generator, z: _Zones, anchor: np.ndarray, years: np.ndarray,
                national: np.ndarray, premium: np.ndarray, anchor_share: float, noise: float) -> np.ndarray:
    """Zone × year values: anchor × national growth × exp(premium·(t−2019) + random walk pinned at 2019).

    The anchor-year top 10 get an extra premium, one before and one after 2019, each solved so their share
    in the panel's first / last year differs from ``anchor_share`` by ``top10_drift_per_year`` a year
    (polarization drifting up). Zones entering the panel still dilute the share in their first year, as
    they do in real statistics. Absent zone-years are 0.
    """
    top = _top10_mask(z, anchor).astype(float)
    dt = (years - ANCHOR_YEAR).astype(float)
    walk = np.cumsum(rng.normal(0.0, noise, (anchor.size, years.size)), axis=1)
    walk -= walk[:, [int(np.searchsorted(years, ANCHOR_YEAR))]]  # every path passes through its anchor
    log_value = np.log(anchor)[:, None] + np.log(national[:-1] / national[-1])[None, :] + walk
    log_value += np.outer(premium, dt)
    present = years[None, :] >= z.start[:, None]
    for col in (0, years.size - 1):
        if dt[col] == 0:
            continue
        in_year = z.national & present[:, col]
        target = anchor_share + TARGETS.top10_drift_per_year * dt[col]

        def share(delta: float, col: int = col, in_year: np.ndarray = in_year) -> float:
            return _top_share(np.exp(log_value[in_year, col] + delta * top[in_year] * dt[col]))

        delta = _bisect(share, target, -0.2, 0.2, increasing=dt[col] > 0)
        side = dt < 0 if dt[col] < 0 else dt > 0
        log_value[:, side] += np.outer(delta * top, dt[side])
    return np.where(present, np.exp(log_value), 0.0)


# ------------------------------------------------------------------------------------------ enterprises

def _industry_profile() -> dict[str, np.ndarray]:
    """Ratios by GB/T 4754 division (index = division number): value added / revenue, tax / revenue,
    exporter probability, R&D-active probability, R&D / revenue and R&D staff share of the active, GDP per
    employee (万元), high-tech certification probability of the R&D-active. Scales are fitted later."""
    p = {key: np.zeros(100) for key in ("va", "tax", "export_p", "rd_p", "rd_int", "rd_staff", "prod", "ht_p")}
    groups = [  # (divisions, va, tax, export_p, rd_p, rd_int, rd_staff, prod, ht_p)
        (range(1, 100), 0.40, 0.06, 0.03, 0.15, 0.015, 0.05, 30.0, 0.3),
        (range(13, 44), 0.24, 0.05, 0.40, 0.45, 0.025, 0.06, 30.0, 0.5),
        ((26, 27, 34, 35, 37, 38, 39, 40), 0.27, 0.05, 0.50, 0.70, 0.045, 0.12, 40.0, 0.8),
        ((25, 31, 32), 0.15, 0.06, 0.25, 0.30, 0.015, 0.04, 60.0, 0.4),
        ((51,), 0.08, 0.02, 0.30, 0.10, 0.005, 0.03, 50.0, 0.2),
        ((52,), 0.12, 0.04, 0.03, 0.05, 0.005, 0.02, 20.0, 0.1),
        ((63, 64, 65), 0.50, 0.06, 0.15, 0.70, 0.080, 0.25, 60.0, 0.8),
        ((66, 67, 68, 69), 0.60, 0.10, 0.02, 0.10, 0.010, 0.05, 100.0, 0.2),
        ((70,), 0.45, 0.12, 0.00, 0.05, 0.005, 0.02, 80.0, 0.1),
        ((73, 74, 75), 0.50, 0.06, 0.05, 0.85, 0.150, 0.35, 35.0, 0.8),
    ]
    for divisions, *values in groups:
        idx = np.fromiter(divisions, dtype=np.int64)
        for key, value in zip(p, values, strict=True):
            p[key][idx] = value
    return p


def _allocate(rng: np.random.Generator, z: _Zones, gdp: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Home zone of each enterprise and whether it is an anchor (present from the zone's first year, never
    leaves). Counts: a few anchors per zone, the rest ∝ GDP^0.7 (big zones have bigger firms too)."""
    n_zones = gdp.size
    per_zone_min = max(3, min(10, n // (20 * n_zones)))
    if n < 5 * n_zones:
        raise InvalidArgument("n_enterprises", f"needs at least {5 * n_zones} for {n_zones} zones, got {n}")
    extra = _largest_remainder(np.array([n - per_zone_min * n_zones]), np.zeros(n_zones, dtype=np.int64),
                               gdp**0.7)
    counts = extra + per_zone_min
    home = np.repeat(np.arange(n_zones), counts)
    anchor = (np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)) < per_zone_min
    order = rng.permutation(n)  # interleave zones so serial numbers and names do not follow zones
    return home[order], anchor[order]


def _specialisations(rng: np.random.Generator, z: _Zones, gdp: np.ndarray) -> np.ndarray:
    """Each zone's 2–4 dominant divisions (padded with -1): high-tech manufacturing, ICT and R&D services,
    the latter more likely in big zones; the named leaders get their well-known industries."""
    pool = np.array(list(_DOMINANT_POOL))
    weight = np.array(list(_DOMINANT_POOL.values()))
    service = pool >= 63
    bigness = np.argsort(np.argsort(gdp)) / max(gdp.size - 1, 1)
    out = np.full((gdp.size, 4), -1)
    for i in range(gdp.size):
        if z.top_rank[i] >= 0:
            codes = _TOP_INDUSTRIES[_TOP_ZONES[z.top_rank[i]]]
        else:
            w = weight * np.where(service, 0.5 + 2.5 * bigness[i], 1.0)
            codes = rng.choice(pool, size=int(rng.integers(2, 5)), replace=False, p=w / w.sum())
        out[i, : len(codes)] = codes
    return out


def _industries(rng: np.random.Generator, home: np.ndarray, dominant: np.ndarray) -> np.ndarray:
    """Division of each enterprise: 60% one of its zone's dominant divisions (first ones likelier), the rest
    from a tail typical of high-tech zones (manufacturing, trade, software, business and R&D services)."""
    rank_weight = np.array([0.45, 0.3, 0.15, 0.1])
    w = np.where(dominant >= 0, rank_weight, 0.0)
    cum = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)[home]
    pick = (rng.random(home.size)[:, None] > cum).sum(axis=1).clip(0, 3)
    own = dominant[home, pick]
    tail_codes = np.array(list(_TAIL_POOL))
    tail_w = np.array(list(_TAIL_POOL.values()))
    tail = rng.choice(tail_codes, size=home.size, p=tail_w / tail_w.sum())
    return np.where(rng.random(home.size) < 0.6, own, tail)


@dataclass(frozen=True)
class _Firms:
    """Enterprise attributes as aligned arrays; ``dest``/``move_year`` are -1 / a far year for stayers."""

    home: np.ndarray
    industry: np.ndarray
    founded: np.ndarray
    start: np.ndarray  # first reporting year
    end: np.ndarray  # last reporting year (exits end early)
    incubated: np.ndarray  # founded after its home zone was approved → incubated there
    dest: np.ndarray
    move_year: np.ndarray
    move_day: np.ndarray
    traits: dict[str, np.ndarray]


def _traits(rng: np.random.Generator, z: _Zones, home: np.ndarray, industry: np.ndarray, gdp: np.ndarray,
            innovation: np.ndarray) -> dict[str, np.ndarray]:
    """Persistent enterprise traits: size (in 万元 of GDP, heavy-tailed around its zone's mean firm, so a
    relocating firm keeps its scale), growth, and industry ratios with idiosyncratic noise."""
    prof = _industry_profile()
    n = home.size
    sigma = 1.4
    mean_firm = gdp / np.maximum(np.bincount(home, minlength=gdp.size), 1)
    active = rng.random(n) < np.clip(prof["rd_p"][industry] * np.sqrt(innovation[home]), 0.0, 0.95)
    exporter = rng.random(n) < prof["export_p"][industry] * np.where(z.east[home], 1.3, 0.6)
    return {
        "size": mean_firm[home] * rng.lognormal(-sigma**2 / 2, sigma, n),
        "growth": rng.normal(0.0, 0.06, n),
        "va": np.clip(prof["va"][industry] * rng.lognormal(0.0, 0.2, n), 0.04, 0.8),
        "tax": prof["tax"][industry] * rng.lognormal(0.0, 0.3, n),
        "export": np.where(exporter, rng.beta(2.0, 3.0, n), 0.0),
        "rd_int": np.where(active, prof["rd_int"][industry] * innovation[home] * rng.lognormal(0.0, 0.5, n), 0.0),
        "rd_staff": np.where(active, prof["rd_staff"][industry] * rng.lognormal(0.0, 0.4, n), 0.0),
        "prod": prof["prod"][industry] * rng.lognormal(0.0, 0.3, n),
        "high_tech": active & (rng.random(n) < prof["ht_p"][industry]),
    }


def _founding(rng: np.random.Generator, z: _Zones, home: np.ndarray, anchor: np.ndarray,
              first: int, last: int) -> np.ndarray:
    """Founding years: anchors before their zone's first panel year; of the others 45% before the panel
    (density rising towards it), the rest during the panel (slightly more in later years)."""
    n = home.size
    zone_start = z.start[home]
    lo = np.maximum(1985, zone_start - 20)
    anchor_year = lo + np.floor(rng.random(n) * (zone_start - lo + 1)).astype(np.int64)
    old_year = 1985 + np.floor((first - 1985) * np.sqrt(rng.random(n))).astype(np.int64)
    new_year = first + np.floor((last - first + 1) * rng.random(n) ** 0.85).astype(np.int64)
    return np.where(anchor, anchor_year, np.where(rng.random(n) < 0.45, old_year, new_year))


def _leaders(z: _Zones, gdp: np.ndarray) -> np.ndarray:
    """Each province's leading zone (largest national zone by anchor-year GDP), by province index."""
    leaders = np.full(z.province.max() + 1, -1)
    for p in range(leaders.size):
        members = np.flatnonzero(z.national & (z.province == p) & (z.approved <= ANCHOR_YEAR))
        if members.size:
            leaders[p] = members[np.argmax(gdp[members])]
    return leaders


def _destinations(rng: np.random.Generator, z: _Zones, gdp: np.ndarray, movers: np.ndarray, home: np.ndarray,
                  leaders: np.ndarray, same_province: np.ndarray) -> np.ndarray:
    """Destination zone of each mover: a lagging zone of its province (national zones weighted 1.5,
    provincial 1) or, where ``same_province`` is false, a zone elsewhere weighted by √GDP."""
    dest = np.full(movers.size, -1)
    src = home[movers]
    for p in np.unique(z.province[src]):
        here = z.province[src] == p
        inside = np.flatnonzero((z.province == p) & (np.arange(gdp.size) != leaders[p]))
        outside = np.flatnonzero(z.province != p)
        for pool, pick, w in ((inside, here & same_province, np.where(z.national[inside], 1.5, 1.0)),
                              (outside, here & ~same_province, np.sqrt(gdp[outside]))):
            k = int(pick.sum())
            if k and pool.size:
                dest[pick] = rng.choice(pool, size=k, p=w / w.sum())
    # a non-leader mover can draw its own zone; send it to its province's leader instead
    own = dest == src
    dest[own] = leaders[z.province[src[own]]]
    return dest


def _relocations(rng: np.random.Generator, z: _Zones, gdp: np.ndarray, home: np.ndarray, anchor: np.ndarray,
                 start: np.ndarray, incubated: np.ndarray, first: int, last: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Choose movers (3% of enterprises): 80% incubated in their province's leader moving to a lagging zone
    of the same province, 20% other moves (half within the province). Returns movers, destinations,
    relocation years (≥ the year after they first reported and ≥ the destination's first panel year) and
    days of the year."""
    n_moves = round(0.03 * home.size)
    leaders = _leaders(z, gdp)
    at_leader = home == leaders[z.province[home]]
    can_move = ~anchor & (start <= last - 1)
    pools = (np.flatnonzero(can_move & at_leader & incubated), np.flatnonzero(can_move & ~at_leader))
    wanted = (round(0.8 * n_moves), n_moves - round(0.8 * n_moves))
    movers = np.sort(np.concatenate([rng.choice(pool, size=min(k, pool.size), replace=False)
                                     for pool, k in zip(pools, wanted, strict=True)]))
    same_province = at_leader[movers] | (rng.random(movers.size) < 0.5)
    dest = _destinations(rng, z, gdp, movers, home, leaders, same_province)
    keep = (dest >= 0) & (dest != home[movers])
    movers, dest = movers[keep], dest[keep]
    lo = np.maximum(start[movers] + 1, first + 1)
    year = lo + np.floor(rng.random(movers.size) * (last - lo + 1)).astype(np.int64)
    year = np.maximum(year, z.start[dest])
    day = np.floor(rng.random(movers.size) * (365 + _leap(year))).astype(np.int64)
    return movers, dest, year, day


def _leap(year: np.ndarray) -> np.ndarray:
    """1 for leap years, else 0."""
    return ((year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))).astype(np.int64)


def _build_firms(rng: np.random.Generator, z: _Zones, gdp: np.ndarray, innovation: np.ndarray,
                 n: int, first: int, last: int) -> _Firms:
    """All enterprises: home zones, industries, founding, relocations and exits (15% of the others leave
    before the panel ends)."""
    home, anchor = _allocate(rng, z, gdp, n)
    industry = _industries(rng, home, _specialisations(rng, z, gdp))
    traits = _traits(rng, z, home, industry, gdp, innovation)
    founded = _founding(rng, z, home, anchor, first, last)
    start = np.maximum(founded, z.start[home])
    incubated = founded >= z.approved[home]
    movers, dest_m, year_m, day_m = _relocations(rng, z, gdp, home, anchor, start, incubated, first, last)
    dest = np.full(n, -1)
    move_year = np.full(n, 10_000)
    move_day = np.zeros(n, dtype=np.int64)
    dest[movers], move_year[movers], move_day[movers] = dest_m, year_m, day_m
    may_exit = ~anchor & (dest < 0) & (start < last) & (rng.random(n) < 0.15)
    exit_year = start + np.floor(rng.random(n) * (last - start)).astype(np.int64)
    end = np.where(may_exit, exit_year, last)
    traits["high_tech_since"] = np.where(
        traits.pop("high_tech"), np.maximum(2008, founded + 1 + rng.geometric(0.35, n)), 10_000)
    return _Firms(home, industry, founded, start, end, incubated, dest, move_year, move_day, traits)


# ------------------------------------------------------------------------------------ enterprise panel

@dataclass(frozen=True)
class _Panel:
    """One row per reporting enterprise-year: enterprise, year, reporting zone, zone-year group."""

    ent: np.ndarray
    year: np.ndarray
    zone: np.ndarray
    group: np.ndarray


def _panel(f: _Firms, first: int, n_years: int) -> _Panel:
    """Expand enterprises to their reporting years; from its relocation year on a mover reports in its
    destination."""
    span = f.end - f.start + 1
    ent = np.repeat(np.arange(span.size), span)
    year = f.start[ent] + (np.arange(ent.size) - np.repeat(np.cumsum(span) - span, span))
    zone = np.where(year >= f.move_year[ent], f.dest[ent], f.home[ent])
    return _Panel(ent, year, zone, zone * n_years + (year - first))


def _fit(values: Callable[[float, np.ndarray], np.ndarray], ratio: Callable[[np.ndarray], float],
         target: float, cal: np.ndarray) -> np.ndarray:
    """Fit a scale ``c`` so that ``ratio`` of the values on the calibration rows ``cal`` hits ``target``;
    ``values(c, rows)`` computes the values of the selected rows. Returns the values of all rows."""
    c = _fit_scale(lambda c: ratio(values(c, cal)), target)
    return values(c, np.ones(cal.size, dtype=bool))


def _enterprise_values(f: _Firms, p: _Panel, zone_gdp: np.ndarray, zone_patents: np.ndarray, cal: np.ndarray,
                       national: dict[str, np.ndarray], first: int) -> dict[str, np.ndarray]:
    """Every enterprise-year value (money in 0.1 万元 units, counts whole).

    GDP and patents split the zone totals exactly; the other indicators follow from each firm's ratios with
    one scale per indicator fitted on the rows ``cal`` (national zones, 2019) to the calibration targets.
    Firms' R&D intensity and R&D staff share move with the national R&D/GDP and R&D-FTE/employed ratios, so
    the zones' ×3 holds in every year, not only in 2019.
    """
    rd_nat = national["rd"] / national["gdp"]  # per panel year, the anchor year last
    talent_nat = national["rd_personnel"] / national["employed"]
    rd_ratio = (rd_nat[:-1] / rd_nat[-1])[p.year - first]
    talent_ratio = (talent_nat[:-1] / talent_nat[-1])[p.year - first]
    t = f.traits
    e = p.ent
    age = p.year - f.founded[e] + 1
    weight = t["size"][e] * (1.0 - np.exp(-age / 4.0)) * np.exp(t["growth"][e] * (p.year - ANCHOR_YEAR))
    gdp = _largest_remainder(zone_gdp.ravel(), p.group, weight * t["va"][e], minimum=50)
    productivity = t["prod"][e] * 1.05 ** (p.year - ANCHOR_YEAR)  # employment grows slower than output
    gdp_cal = float(gdp[cal].sum())
    v = {"gdp": gdp}
    v["revenue"] = _fit(lambda c, r: np.rint(gdp[r] * np.maximum(c / t["va"][e[r]], 1.1)),
                        lambda x: x.sum() / gdp_cal, TARGETS.revenue_per_gdp, cal)
    rev = v["revenue"]
    rev_cal = float(rev[cal].sum())
    v["tax"] = _fit(lambda c, r: np.rint(rev[r] * np.minimum(c * t["tax"][e[r]], 0.3)),
                    lambda x: x.sum() / rev_cal, TARGETS.tax_per_revenue, cal)
    v["exports"] = _fit(lambda c, r: np.rint(rev[r] * np.minimum(c * t["export"][e[r]], 0.95)),
                        lambda x: x.sum() / rev_cal, TARGETS.exports_per_revenue, cal)
    v["rd_expenditure"] = _fit(lambda c, r: np.rint(rev[r] * np.minimum(c * t["rd_int"][e[r]] * rd_ratio[r], 0.6)),
                               lambda x: x.sum() / gdp_cal, TARGETS.rd_intensity_ratio * rd_nat[-1], cal)
    v["employees"] = _fit(lambda c, r: np.maximum(1, np.rint(gdp[r] / (_MONEY_SCALE * c * productivity[r]))),
                          lambda x: gdp_cal / _MONEY_SCALE / x.sum(), TARGETS.gdp_per_employee, cal)
    emp = v["employees"]
    emp_cal = float(emp[cal].sum())
    v["rd_personnel"] = _fit(
        lambda c, r: np.minimum(emp[r], np.rint(emp[r] * c * t["rd_staff"][e[r]] * talent_ratio[r])),
        lambda x: x.sum() / emp_cal, TARGETS.talent_density_ratio * talent_nat[-1], cal)
    v["invention_patents_granted"] = _largest_remainder(
        zone_patents.ravel(), p.group, v["rd_expenditure"].astype(float), fallback=weight)
    return {k: x.astype(np.int64) for k, x in v.items()}


# ------------------------------------------------------------------------------------------------ frames

def _zone_frame(z: _Zones, area: np.ndarray) -> pl.DataFrame:
    """The ``zones`` frame in the contract's column order."""
    return z.frame.with_columns(
        pl.col("approved_year").cast(pl.Int32), pl.Series("area_km2", area, dtype=pl.Float64)
    ).select("zone_id", "name", "level", "province_code", "city", "city_code", "approved_year", "area_km2",
             "lat", "lon", "is_synthetic")


def _zone_indicator_frame(zone_ids: pl.Series, years: np.ndarray, present: np.ndarray,
                          sums: dict[str, np.ndarray]) -> pl.DataFrame:
    """Long ``zone_indicators`` (zone, year, indicator in :data:`INDICATOR_CODES` order); money in 万元."""
    zi, ti = np.nonzero(present)
    stacked = np.stack([sums[code][zi, ti] / (_MONEY_SCALE if code in _MONEY else 1) for code in INDICATOR_CODES],
                       axis=1)
    k = len(INDICATOR_CODES)
    return pl.DataFrame({
        "zone_id": zone_ids.gather(np.repeat(zi, k)),
        "year": pl.Series(np.repeat(years[ti], k), dtype=pl.Int32),
        "indicator": pl.Series(INDICATOR_CODES).gather(np.tile(np.arange(k), zi.size)),
        "value": stacked.ravel(),
    })


def _industry_frame(zone_ids: pl.Series, years: np.ndarray, p: _Panel, industry: np.ndarray,
                    revenue: np.ndarray) -> pl.DataFrame:
    """Revenue by zone, year and division: the group-by of enterprise revenue (so it sums to the zone's)."""
    key = p.group * 100 + industry[p.ent]
    keys, inverse = np.unique(key, return_inverse=True)
    total = np.rint(np.bincount(inverse, weights=revenue)).astype(np.int64)
    group = keys // 100
    return pl.DataFrame({
        "zone_id": zone_ids.gather(group // years.size),
        "year": pl.Series(years[group % years.size], dtype=pl.Int32),
        "industry_code": pl.Series(keys % 100).cast(pl.Utf8).str.zfill(2),
        "indicator": pl.Series(["revenue"]).gather(np.zeros(keys.size, dtype=np.int64)),
        "value": total / _MONEY_SCALE,
    })


def _credit_codes(rng: np.random.Generator, z: _Zones, home: np.ndarray) -> list[str]:
    """Valid, unique 统一社会信用代码: registered in the home zone's city (or province), random 8-digit serial."""
    serials = rng.choice(90_000_000, size=home.size, replace=False) + 10_000_000
    division = np.array([c or p for c, p in zip(z.frame["city_code"].to_list(),
                                                z.frame["province_code"].to_list(), strict=True)])[home]
    return [make_uscc(str(d), int(s)) for d, s in zip(division, serials, strict=True)]


def _enterprise_frame(codes: pl.Series, zone_ids: pl.Series, f: _Firms) -> pl.DataFrame:
    """The ``enterprises`` frame: ``zone_id`` is the zone of its last reporting year."""
    n = f.home.size
    width = max(6, len(str(n)))
    last_zone = np.where(f.end >= f.move_year, f.dest, f.home)
    return pl.DataFrame({
        "credit_code": codes,
        "name": pl.Series([f"演示企业{i:0{width}d}有限公司" for i in range(1, n + 1)]),
        "industry_code": pl.Series(f.industry).cast(pl.Utf8).str.zfill(2),
        "zone_id": zone_ids.gather(last_zone),
        "incubated_in": zone_ids.gather(f.home).zip_with(pl.Series(f.incubated), pl.Series([None], dtype=pl.Utf8)),
        "founded_year": pl.Series(f.founded, dtype=pl.Int32),
        "is_synthetic": pl.Series(np.ones(n, dtype=bool)),
    })


def _enterprise_year_frame(codes: pl.Series, zone_ids: pl.Series, p: _Panel,
                           values: dict[str, np.ndarray]) -> pl.DataFrame:
    """Long ``enterprise_years`` ordered by enterprise, year, indicator; zero values are left out."""
    k = len(_ENTERPRISE_INDICATORS)
    matrix = np.stack([values[code] for code in _ENTERPRISE_INDICATORS], axis=1)
    keep = np.flatnonzero(matrix.ravel() > 0)
    row, ind = keep // k, keep % k
    divisor = np.array([_MONEY_SCALE if code in _MONEY else 1 for code in _ENTERPRISE_INDICATORS], dtype=float)
    return pl.DataFrame({
        "credit_code": codes.gather(p.ent[row]),
        "year": pl.Series(p.year[row], dtype=pl.Int32),
        "zone_id": zone_ids.gather(p.zone[row]),
        "indicator": pl.Series(_ENTERPRISE_INDICATORS).gather(ind),
        "value": matrix.ravel()[keep] / divisor[ind],
    })


def _relocation_frame(codes: pl.Series, zone_ids: pl.Series, f: _Firms) -> pl.DataFrame:
    """The ``relocations`` frame, ordered by date."""
    movers = np.flatnonzero(f.dest >= 0)
    days = ((f.move_year[movers] - 1970).astype("datetime64[Y]").astype("datetime64[D]")
            + f.move_day[movers].astype("timedelta64[D]"))
    frame = pl.DataFrame({
        "credit_code": codes.gather(movers),
        "from_zone": zone_ids.gather(f.home[movers]),
        "to_zone": zone_ids.gather(f.dest[movers]),
        "date": pl.Series(days).cast(pl.Date),
    })
    return frame.sort("date", "credit_code")


# ---------------------------------------------------------------------------------------------- generate

def _check_years(years: Sequence[int]) -> list[int]:
    """Consecutive years including the anchor year."""
    out = [int(y) for y in years]
    if not out or out != list(range(out[0], out[0] + len(out))) or ANCHOR_YEAR not in out:
        raise InvalidArgument("years", f"must be consecutive years including {ANCHOR_YEAR}, got {years!r}")
    return out


def generate(seed: int = DEFAULT_SEED, *, years: Sequence[int] = range(2012, 2024),
             n_enterprises: int = 100_000, n_provincial: int = 300) -> DemoData:
    """Generate the synthetic demo data set (pure: same arguments → identical frames).

    Parameters
    ----------
    seed
        Seed of ``numpy.random.default_rng``; the only source of randomness.
    years
        Consecutive panel years including 2019, within the national totals' years (2012–2023).
    n_enterprises
        Number of enterprises (at least 5 per zone); calibration holds at any size.
    n_provincial
        Number of synthetic provincial zones.

    Returns
    -------
    DemoData
        Frames described in the module docstring, labelled :data:`DEMO_LABEL`.
    """
    year_list = _check_years(years)
    if n_provincial < 0:
        raise InvalidArgument("n_provincial", f"must be ≥ 0, got {n_provincial}")
    national = _national_series(year_list)
    rng = np.random.default_rng(seed)
    yrs = np.array(year_list)
    first, last = year_list[0], year_list[-1]
    z = _build_zones(rng, year_list, n_provincial)
    gdp = _anchor_gdp(rng, z, national["gdp"][-1])
    area = _areas(rng, z, gdp)
    patents = _anchor_patents(rng, z, gdp, national["patents"][-1])
    existing = z.national & (z.approved <= ANCHOR_YEAR)
    intensity = (patents / gdp) / np.median(patents[existing] / gdp[existing])
    innovation = np.clip(intensity, 0.2, 5.0) ** 0.35
    # young zones grow faster: +3 pp a year for zones approved in 2020 vs those of 2005 and before
    premium = 0.012 + 0.03 * np.clip((z.approved - 2005) / 15, 0.0, 1.0) + rng.normal(0.0, 0.012, gdp.size)
    zone_gdp = np.rint(_MONEY_SCALE * _zone_paths(rng, z, gdp, yrs, national["gdp"], premium,
                                                  TARGETS.top10_gdp_share, 0.025)).astype(np.int64)
    zone_patents = np.rint(_zone_paths(rng, z, patents, yrs, national["patents"], premium,
                                       TARGETS.top10_patent_share, 0.05)).astype(np.int64)
    firms = _build_firms(rng, z, gdp, innovation, n_enterprises, first, last)
    panel = _panel(firms, first, yrs.size)
    cal = z.national[panel.zone] & (panel.year == ANCHOR_YEAR)
    values = _enterprise_values(firms, panel, zone_gdp, zone_patents, cal, national, first)
    present = yrs[None, :] >= z.start[:, None]
    sums = _zone_sums(firms, panel, values, present.shape)
    if (sums["enterprises"][present] == 0).any():
        raise RuntimeError("a zone-year has no reporting enterprise")  # anchors prevent this; a bug if not
    zone_ids = z.frame["zone_id"]
    codes = pl.Series(_credit_codes(rng, z, firms.home))
    return DemoData(
        seed=seed,
        label=DEMO_LABEL,
        zones=_zone_frame(z, area),
        zone_indicators=_zone_indicator_frame(zone_ids, yrs, present, sums),
        industry_output=_industry_frame(zone_ids, yrs, panel, firms.industry, values["revenue"]),
        enterprises=_enterprise_frame(codes, zone_ids, firms),
        enterprise_years=_enterprise_year_frame(codes, zone_ids, panel, values),
        relocations=_relocation_frame(codes, zone_ids, firms),
    )


def _zone_sums(f: _Firms, p: _Panel, values: dict[str, np.ndarray], shape: tuple[int, int]) -> dict[str, np.ndarray]:
    """Zone × year totals: the enterprise-level indicators summed, enterprises and high-tech ones counted."""
    size = shape[0] * shape[1]

    def add(weights: np.ndarray | None) -> np.ndarray:
        return np.rint(np.bincount(p.group, weights=weights, minlength=size)).astype(np.int64).reshape(shape)

    sums = {code: add(values[code].astype(float)) for code in _ENTERPRISE_INDICATORS}
    sums["enterprises"] = add(None)
    sums["high_tech_enterprises"] = add((f.traits["high_tech_since"][p.ent] <= p.year).astype(float))
    return sums


# ------------------------------------------------------------------------------------------- calibration

def calibration_summary(data: DemoData) -> dict[str, object]:
    """The calibration figures achieved by ``data`` (2019, national zones), next to their targets.

    Returns a dict ``{name: {"target": …, "achieved": …}}`` plus ``top10_gdp_share_by_year`` and
    ``national_zones_by_year``; used by the docs and the ``load-demo`` report.
    """
    totals = reference.national_totals().filter(pl.col("year") == ANCHOR_YEAR).row(0, named=True)
    nat_ids = data.zones.filter(pl.col("level") == ZoneLevel.NATIONAL.value)["zone_id"]
    zi = data.zone_indicators.filter(pl.col("zone_id").is_in(nat_ids.implode()))
    wide = zi.pivot(on="indicator", index=["zone_id", "year"], values="value")
    y19 = wide.filter(pl.col("year") == ANCHOR_YEAR)
    area = data.zones.filter(pl.col("zone_id").is_in(y19["zone_id"].implode()))["area_km2"].sum()

    def ratio(a: str, b: str) -> float:
        return float(y19[a].sum() / y19[b].sum())

    nat_rd = totals["rd_expenditure_100m_yuan"] / totals["gdp_100m_yuan"]
    nat_talent = totals["rd_personnel_fte_10k"] / totals["employed_10k"]
    achieved = {
        "land_share": area / reference.CHINA_LAND_AREA_KM2,
        "gdp_share": float(y19["gdp"].sum()) / (totals["gdp_100m_yuan"] * 1e4),
        "top10_gdp_share": _top_share(y19["gdp"].to_numpy()),
        "top10_patent_share": _top_share(y19["invention_patents_granted"].to_numpy()),
        "rd_intensity_ratio": ratio("rd_expenditure", "gdp") / nat_rd,
        "talent_density_ratio": ratio("rd_personnel", "employees") / nat_talent,
        "patent_share_of_nation": float(y19["invention_patents_granted"].sum()) / totals["invention_patents_granted"],
        "revenue_per_gdp": ratio("revenue", "gdp"),
        "tax_per_revenue": ratio("tax", "revenue"),
        "exports_per_revenue": ratio("exports", "revenue"),
        "gdp_per_employee": ratio("gdp", "employees"),
    }
    summary: dict[str, object] = {k: {"target": getattr(TARGETS, k), "achieved": v} for k, v in achieved.items()}
    by_year = wide.group_by("year").agg(pl.col("gdp"), pl.len().alias("n")).sort("year")
    summary["top10_gdp_share_by_year"] = {
        int(y): _top_share(np.asarray(g)) for y, g in zip(by_year["year"], by_year["gdp"], strict=True)}
    summary["national_zones_by_year"] = dict(zip(by_year["year"].to_list(), by_year["n"].to_list(), strict=True))
    return summary
