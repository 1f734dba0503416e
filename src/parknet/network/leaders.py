"""Choosing each province's leading zones (一流园区 / 牵头园区) of the "1+N" network.

A composite development index (综合发展指数) ranks the zones of each province; by default only national
zones (国家级高新区) may lead, zones in the provincial capital (省会) get a documented bonus, and a province
can designate its leaders itself (省级指定, ``overrides``). Every choice carries a Chinese/English reason.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from types import MappingProxyType

import numpy as np
import polars as pl

from parknet.domain import ZoneLevel
from parknet.errors import InvalidArgument

__all__ = ["DEFAULT_WEIGHTS", "CAPITAL_BONUS", "composite_index", "choose_leaders"]

#: Default indicator weights of the composite index: innovation 0.55 (R&D, patents, high-tech
#: enterprises), scale 0.45 (GDP, revenue, employees) — a first-class zone leads by capability first.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({
    "gdp": 0.20,
    "revenue": 0.15,
    "rd_expenditure": 0.20,
    "invention_patents_granted": 0.20,
    "high_tech_enterprises": 0.15,
    "employees": 0.10,
})

#: Added to the index (on its [0, 1] scale) of zones in the provincial capital when ranking candidates:
#: a non-capital zone leads only if its index exceeds the capital zone's by more than this margin.
CAPITAL_BONUS = 0.10

_LEVELS = {level.value for level in ZoneLevel}


def _require(zones: pl.DataFrame, columns: Collection[str]) -> None:
    if not isinstance(zones, pl.DataFrame):
        raise InvalidArgument("zones", f"must be a polars DataFrame, got {type(zones).__name__}")
    missing = [c for c in columns if c not in zones.columns]
    if missing:
        raise InvalidArgument("zones", f"missing columns {missing}")
    for column in ("zone_id", "province_code"):
        if zones[column].null_count():
            raise InvalidArgument("zones", f"column {column!r} has empty values")
    if zones["zone_id"].is_duplicated().any():
        dup = zones.filter(pl.col("zone_id").is_duplicated())["zone_id"][0]
        raise InvalidArgument("zones",
                              f"zone {dup!r} appears more than once (pass one row per zone, one year)")


def _weights(zones: pl.DataFrame, indicators: Mapping[str, float] | None) -> dict[str, float]:
    weights = dict(DEFAULT_WEIGHTS if indicators is None else indicators)
    if not weights:
        raise InvalidArgument("indicators", "needs at least one indicator column with a weight")
    for code, w in weights.items():
        if code not in zones.columns:
            raise InvalidArgument("indicators", f"column {code!r} is not in zones (columns: {zones.columns})")
        if not zones[code].dtype.is_numeric():
            raise InvalidArgument("zones",
                                  f"indicator column {code!r} must be numeric, got {zones[code].dtype}")
        if zones[code].dtype.is_float() and zones[code].is_nan().any():
            raise InvalidArgument("zones", f"indicator column {code!r} has NaN values (use null for missing)")
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not np.isfinite(w) or w < 0:
            raise InvalidArgument("indicators", f"weight of {code!r} must be a finite number ≥ 0, got {w!r}")
    total = sum(weights.values())
    if total <= 0:
        raise InvalidArgument("indicators", "weights must not all be zero")
    return {code: w / total for code, w in weights.items()}


def composite_index(zones: pl.DataFrame, indicators: Mapping[str, float] | None = None) -> pl.DataFrame:
    """Composite development index (综合发展指数) of every zone, comparable within its province.

    Each indicator j is min–max normalised within the province p over the zones passed in (all levels):

        x̃_ij = (x_ij − min_p x_j) / (max_p x_j − min_p x_j),   x̃_ij = 1 when max_p = min_p,

    and the index is the weighted mean I_i = Σ_j w_j x̃_ij / Σ_j w_j ∈ [0, 1]. A missing value (null)
    earns x̃ = 0: a zone gets no credit for what it does not report. Min–max rather than z-scores because
    it is bounded, reads as "share of the way from the province's weakest to its strongest zone", and stays
    stable in provinces with two or three zones, where a standard deviation means little (OECD/JRC 2008,
    *Handbook on Constructing Composite Indicators*, §5). Indices of different provinces are not comparable.

    Parameters
    ----------
    zones : pl.DataFrame
        One row per zone with ``zone_id``, ``province_code`` and the indicator columns (other columns are
        ignored).
    indicators : mapping of column → weight, optional
        Weights (≥ 0, rescaled to sum to 1). Default :data:`DEFAULT_WEIGHTS` over ``gdp``, ``revenue``,
        ``rd_expenditure``, ``invention_patents_granted``, ``high_tech_enterprises``, ``employees``.

    Returns
    -------
    pl.DataFrame
        ``zone_id, province_code, index`` in the input order.
    """
    _require(zones, ["zone_id", "province_code"])
    weights = _weights(zones, indicators)
    by_province = pl.col("province_code")
    terms = []
    for code, w in weights.items():
        x = pl.col(code).cast(pl.Float64)
        low, high = x.min().over(by_province), x.max().over(by_province)
        scaled = pl.when(high > low).then((x - low) / (high - low)).otherwise(pl.lit(1.0))
        terms.append(w * pl.when(x.is_null()).then(pl.lit(0.0)).otherwise(scaled))
    return zones.select("zone_id", "province_code", pl.sum_horizontal(terms).alias("index"))


def _ordinal_en(rank: int) -> str:
    if rank == 1:
        return "top"
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}-highest"


def _auto_reason(index_rank: int, rank: int, rank_without_bonus: int, capital: bool) -> str:
    """``省内综合指数第1（位于省会）/ top composite index in the province (capital city)``."""
    zh_notes, en_notes = [], []
    if capital:
        zh_notes.append("位于省会")
        en_notes.append("capital city")
    if index_rank > rank_without_bonus:  # zones above it may not lead (not national by default)
        zh_notes.append(f"可牵头园区中第{rank_without_bonus}")
        en_notes.append(f"{_ordinal_en(rank_without_bonus)} among the zones eligible to lead")
    if rank < rank_without_bonus:
        zh_notes.append(f"省会加成 +{CAPITAL_BONUS:.2f} 后列第{rank}位")
        place = _ordinal_en(rank).removesuffix("-highest")
        en_notes.append(f"{place} after the +{CAPITAL_BONUS:.2f} capital bonus")
    zh = f"省内综合指数第{index_rank}" + (f"（{'，'.join(zh_notes)}）" if zh_notes else "")
    en = f"{_ordinal_en(index_rank)} composite index in the province" + (
        f" ({'; '.join(en_notes)})" if en_notes else "")
    return f"{zh} / {en}"


def _counts(per_province: int | Mapping[str, int], provinces: list[str]) -> dict[str, int]:
    if isinstance(per_province, Mapping):
        unknown = sorted(set(per_province) - set(provinces))
        if unknown:
            raise InvalidArgument("per_province", f"provinces {unknown} have no zones in zones")
        counts = {p: per_province.get(p, 1) for p in provinces}
    else:
        counts = dict.fromkeys(provinces, per_province)
    for province, n in counts.items():
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise InvalidArgument("per_province",
                                  f"leaders of {province} must be a whole number ≥ 1, got {n!r}")
    return counts


def _check_overrides(zones: pl.DataFrame, overrides: Mapping[str, list[str]]) -> None:
    home = dict(zip(zones["zone_id"].to_list(), zones["province_code"].to_list(), strict=True))
    for province, chosen in overrides.items():
        if province not in set(home.values()):
            raise InvalidArgument("overrides", f"province {province!r} has no zones in zones")
        if len(set(chosen)) != len(chosen):
            raise InvalidArgument("overrides", f"province {province!r} lists a zone twice")
        for zone in chosen:
            if home.get(zone) != province:
                where = "is not a known zone" if zone not in home else f"is in province {home[zone]}"
                raise InvalidArgument("overrides", f"zone {zone!r} designated for {province} {where}")


def choose_leaders(zones: pl.DataFrame, *, per_province: int | Mapping[str, int] = 1,
                   capital_bonus: bool = True, overrides: Mapping[str, list[str]] | None = None,
                   indicators: Mapping[str, float] | None = None,
                   eligible_levels: Collection[str] = (ZoneLevel.NATIONAL,)) -> pl.DataFrame:
    """The leading zones (牵头园区, the "1" of "1+N") of every province.

    Candidates are the zones whose ``level`` is in ``eligible_levels`` — national zones only by default:
    leading a network takes the management capacity, brand and policy standing of a national zone. They
    are ranked by the score

        r_i = I_i + b · 1[i in the capital],   b = :data:`CAPITAL_BONUS` if ``capital_bonus`` else 0,

    (I from :func:`composite_index`; ties by higher I, then ``zone_id``) and the top ``per_province``
    lead. A province listed in ``overrides`` takes its designated zones (any level) in the given order
    instead. A province without candidates gets one row with a null ``zone_id`` and the reason.

    Parameters
    ----------
    zones : pl.DataFrame
        One row per zone: ``zone_id, level, province_code, is_capital`` (bool) and the indicator columns
        (``name``, ``city_code`` and others are carried through unused).
    per_province : int or mapping of province_code → int
        Leaders per province (≥ 1); provinces missing from a mapping get 1 (large provinces may get more).
    capital_bonus : bool
        Add :data:`CAPITAL_BONUS` to zones in the capital (the article: the first-class zone is usually
        in the provincial capital).
    overrides : mapping of province_code → list of zone_id, optional
        Leaders designated by the province (省级指定); an empty list means no leader.
    indicators : mapping of column → weight, optional
        Weights of the composite index (see :func:`composite_index`).
    eligible_levels : collection of str
        Zone levels (``ZoneLevel`` values) that may lead.

    Returns
    -------
    pl.DataFrame
        ``province_code, zone_id, rank, index, reason`` sorted by province and rank; ``reason`` is
        Chinese / English, e.g. "省内综合指数第1（位于省会）/ top composite index in the province
        (capital city)".
    """
    _require(zones, ["zone_id", "province_code", "level", "is_capital"])
    if zones.schema["is_capital"] != pl.Boolean or zones["is_capital"].null_count():
        raise InvalidArgument("zones", "column 'is_capital' must be boolean without empty values")
    bad_levels = sorted(set(zones["level"].drop_nulls().cast(pl.String).to_list()) - _LEVELS)
    if bad_levels or zones["level"].null_count():
        raise InvalidArgument("zones", f"column 'level' must be one of {sorted(_LEVELS)}, "
                                       f"got {bad_levels or [None]}")
    eligible = {str(level) for level in eligible_levels}
    if not eligible or eligible - _LEVELS:
        raise InvalidArgument("eligible_levels", f"must be a non-empty subset of {sorted(_LEVELS)}, "
                                                 f"got {sorted(eligible)}")
    overrides = dict(overrides or {})
    _check_overrides(zones, overrides)

    scored = zones.select("zone_id", "province_code", "level", "is_capital").with_columns(
        composite_index(zones, indicators)["index"])
    scored = scored.with_columns(
        pl.col("index").rank("min", descending=True).over("province_code").cast(pl.Int64).alias("index_rank"))
    provinces = sorted(scored["province_code"].unique().to_list())
    counts = _counts(per_province, provinces)
    bonus = CAPITAL_BONUS if capital_bonus else 0.0
    rows: list[dict[str, object]] = []
    for province in provinces:
        members = scored.filter(pl.col("province_code") == province)
        if province in overrides:
            rows.extend(_designated(members, province, overrides[province]))
        else:
            candidates = members.filter(pl.col("level").cast(pl.String).is_in(sorted(eligible)))
            rows.extend(_ranked(candidates, province, counts[province], bonus, eligible))
    return pl.DataFrame(rows, schema={"province_code": pl.String, "zone_id": pl.String, "rank": pl.Int64,
                                      "index": pl.Float64, "reason": pl.String})


def _ranked(candidates: pl.DataFrame, province: str, count: int, bonus: float,
            eligible: set[str]) -> list[dict[str, object]]:
    """The top ``count`` candidates by index + bonus·capital, or the no-leader row."""
    if candidates.is_empty():
        if eligible == {ZoneLevel.NATIONAL.value}:
            zh, en = "国家级高新区", "national zone"
        else:
            zh, en = f"可牵头级别（{'、'.join(sorted(eligible))}）的园区", f"zone of level {sorted(eligible)}"
        return [{"province_code": province, "zone_id": None, "rank": None, "index": None,
                 "reason": f"省内无{zh}，不设牵头园区 / no {en} in the province: no leader"}]
    plain = candidates.sort(["index", "zone_id"], descending=[True, False])["zone_id"].to_list()
    ranked = candidates.with_columns(
        (pl.col("index") + bonus * pl.col("is_capital").cast(pl.Float64)).alias("score")
    ).sort(["score", "index", "zone_id"], descending=[True, True, False]).head(count)
    rows = []
    for rank, row in enumerate(ranked.iter_rows(named=True), start=1):
        reason = _auto_reason(row["index_rank"], rank, plain.index(row["zone_id"]) + 1, row["is_capital"])
        rows.append({"province_code": province, "zone_id": row["zone_id"], "rank": rank,
                     "index": row["index"], "reason": reason})
    return rows


def _designated(members: pl.DataFrame, province: str, chosen: list[str]) -> list[dict[str, object]]:
    if not chosen:
        return [{"province_code": province, "zone_id": None, "rank": None, "index": None,
                 "reason": "省级指定不设牵头园区 / the province designated no leader"}]
    index = dict(zip(members["zone_id"].to_list(), members["index"].to_list(), strict=True))
    return [{"province_code": province, "zone_id": zone, "rank": rank, "index": index[zone],
             "reason": "省级指定 / designated by the province"}
            for rank, zone in enumerate(chosen, start=1)]
