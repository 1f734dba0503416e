"""Zone evaluation and ranking under a scheme (考评与排名).

:func:`evaluate` turns one year's zone figures into scores and ranks under an evaluation scheme
(:mod:`parknet.evaluation.schemes`); :func:`compare` sets two evaluations side by side (e.g. the baseline and
the reformed scheme, MECHANISMS.md §4.1) and says which dimensions moved each zone.

Algorithm, for zones i and the scheme's indicators j in dimensions d:

1. x_ij = the indicator computed from the figures of its basis (a figure, scale · a/b, or a_Y/a_{Y−1} − 1).
   A ratio or growth whose denominator is 0 is set to 0 and a warning is recorded.
2. y_ij = the scheme's normalisation of column j over the evaluated zones (min-max, z-score or efficacy
   coefficient 功效系数法), reversed for lower-is-better indicators (``methods.normalise``).
3. w_j within d: fixed, AHP (principal eigenvector), entropy or CRITIC on x (the latter two from this year's
   data; a dimension where no indicator varies gets equal weights and a warning).
4. Dimension score S_id = k · Σ_j w_j y_ij, with k = 100 for min-max (scores 0–100) and 1 otherwise
   (efficacy scores lie in 60–100, z-scores are centred on 0).
5. Total: weighted sum Σ_d W_d S_id, or TOPSIS 100 · C_i on x with weights W_d w_j and the directions
   (Hwang & Yoon 1981). Rank 1 is best; equal scores (to 9 decimals) share the smaller rank.

Zones are processed in zone_id order, so the result does not depend on the order of the input rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from parknet.domain import Direction
from parknet.errors import InvalidArgument
from parknet.evaluation.methods import critic_weights, entropy_weights, normalise, topsis
from parknet.evaluation.schemes import Aggregation, Dimension, Scheme, Weighting

__all__ = ["VALUE_COLUMNS", "Evaluation", "EvaluationWarning", "MissingInput", "evaluate", "compare"]

VALUE_COLUMNS = ("zone_id", "year", "indicator", "value", "basis")
_SCORE_SCALE = {"minmax": 100.0, "efficacy": 1.0, "zscore": 1.0}
_TIE_DECIMALS = 9
#: A dimension whose weighted, centred score moved by less than this many points is not named as a reason.
_REASON_MIN_POINTS = 0.05
_INPUT_TYPE = pl.List(pl.Struct({"code": pl.String, "year": pl.Int32, "value": pl.Float64}))

_Key = tuple[str, int, str, str]  # zone_id, year, basis, figure code


class MissingInput(InvalidArgument):
    """The values lack figures the scheme needs; ``missing`` lists (zone_id, indicator, basis, year)."""

    def __init__(self, missing: list[tuple[str, str, str, int]]) -> None:
        self.missing = missing
        shown = "; ".join(f"zone {z!r}, indicator {c!r} (basis {b}), year {y}" for z, c, b, y in missing[:5])
        more = f"; and {len(missing) - 5} more" if len(missing) > 5 else ""
        super().__init__("values", f"missing (or not a finite number): {shown}{more}. Supply every figure "
                                   "the scheme needs (Scheme.required_inputs()); a missing figure is never "
                                   "taken as 0")


@dataclass(frozen=True)
class EvaluationWarning:
    """Something the user should know about a result that was still computed (e.g. a division by zero)."""

    zone_id: str | None
    indicator: str | None
    message: str

    def to_json(self) -> dict[str, str | None]:
        return {"zone_id": self.zone_id, "indicator": self.indicator, "message": self.message}


@dataclass(frozen=True)
class Evaluation:
    """One year's evaluation of the zones under a scheme.

    ``ranking``: zone_id, rank, score and one column per dimension code (dimension scores), best first.
    ``details``: one row per zone and indicator — inputs, derived ``value``, ``normalised``, ``weight``
    within the dimension, ``dimension_weight``, ``dimension_contribution`` = k·w·y (adds up to the dimension
    score) and ``contribution`` = W·k·w·y (adds up to the total under weighted_sum; null under TOPSIS,
    whose closeness is not a sum). ``weights``: the indicator weights used, per dimension.
    """

    scheme: Scheme
    year: int
    ranking: pl.DataFrame
    details: pl.DataFrame
    weights: dict[str, dict[str, float]]
    warnings: tuple[EvaluationWarning, ...]

    def to_json(self) -> dict[str, Any]:
        """The JSON contract: ``{"scheme", "year", "ranking": [{"zone_id", "rank", "score", "dimensions":
        {code: score}}], "weights": {dimension: {"weight", "weighting", "indicators": {code: w}}},
        "warnings": [{"zone_id", "indicator", "message"}]}``; scores are unrounded floats."""
        dims = [d.code for d in self.scheme.dimensions]
        ranking = [{"zone_id": r["zone_id"], "rank": r["rank"], "score": r["score"],
                    "dimensions": {c: r[c] for c in dims}} for r in self.ranking.iter_rows(named=True)]
        weights = {d.code: {"weight": float(d.weight), "weighting": str(d.weighting),
                            "indicators": dict(self.weights[d.code])} for d in self.scheme.dimensions}
        return {"scheme": self.scheme.id, "year": self.year, "ranking": ranking, "weights": weights,
                "warnings": [w.to_json() for w in self.warnings]}

    def explain(self, zone_id: str) -> pl.DataFrame:
        """Why zone ``zone_id`` scored what it did: one row per indicator, in scheme order."""
        rows = self.details.filter(pl.col("zone_id") == zone_id)
        if rows.is_empty():
            known = ", ".join(sorted(self.ranking["zone_id"].to_list()))
            raise InvalidArgument("zone_id", f"{zone_id!r} was not evaluated; evaluated zones: {known}")
        return rows


# --- input ---------------------------------------------------------------------------------------------

def _lookup(values: pl.DataFrame, scheme: Scheme, year: int) -> tuple[dict[_Key, float], list[str]]:
    """The figures the scheme reads, by (zone, year, basis, code), and the zones present in ``year``."""
    if not isinstance(values, pl.DataFrame):
        raise InvalidArgument("values", f"expected a polars DataFrame, got {type(values).__name__}")
    absent = [c for c in VALUE_COLUMNS if c not in values.columns]
    if absent:
        raise InvalidArgument("values", f"missing column(s) {', '.join(absent)}; "
                                        f"expected {', '.join(VALUE_COLUMNS)}")
    try:
        frame = values.select(pl.col("zone_id").cast(pl.String), pl.col("year").cast(pl.Int64),
                              pl.col("indicator").cast(pl.String), pl.col("basis").cast(pl.String),
                              pl.col("value").cast(pl.Float64))
    except pl.exceptions.PolarsError as exc:
        raise InvalidArgument("values", f"value must be numeric and year an integer ({exc})") from None
    zones = sorted(frame.filter(pl.col("year") == year)["zone_id"].unique().drop_nulls().to_list())
    needed = scheme.required_inputs()
    wanted = ({(str(b), c, year) for b, c in needed.current}
              | {(str(b), c, year - 1) for b, c in needed.previous_year})
    out: dict[_Key, float] = {}
    for z, y, code, basis, v in frame.iter_rows():
        if (basis, code, y) not in wanted or v is None or not np.isfinite(v):
            continue
        key = (z, y, basis, code)
        if key in out:
            raise InvalidArgument("values", f"two values for zone {z!r}, indicator {code!r} (basis {basis}), "
                                            f"year {y}; keep one row per zone, year, indicator and basis")
        out[key] = v
    return out, zones


def _check_complete(lookup: dict[_Key, float], scheme: Scheme, zones: list[str], year: int) -> None:
    needed = scheme.required_inputs()
    keys = [(b, c, year) for b, c in needed.current] + [(b, c, year - 1) for b, c in needed.previous_year]
    missing = [(z, c, str(b), y) for z in zones for b, c, y in sorted(keys)
               if (z, y, str(b), c) not in lookup]
    if missing:
        raise MissingInput(missing)


# --- computation ---------------------------------------------------------------------------------------

def _derive(scheme: Scheme, lookup: dict[_Key, float], zones: list[str], year: int
            ) -> tuple[np.ndarray, list[list[list[dict[str, Any]]]], list[EvaluationWarning]]:
    """x (zones × indicators), the inputs behind every cell, and the division-by-zero warnings."""
    indicators = [i for _, i in scheme.indicators()]
    x = np.zeros((len(zones), len(indicators)))
    inputs: list[list[list[dict[str, Any]]]] = []
    warnings: list[EvaluationWarning] = []
    for r, zone in enumerate(zones):
        inputs.append([])
        for c, ind in enumerate(indicators):
            basis = str(ind.basis)
            now = {code: lookup[(zone, year, basis, code)] for code in ind.formula.inputs}
            before = {code: lookup[(zone, year - 1, basis, code)] for code in ind.formula.previous_inputs}
            value = ind.formula.compute(now, before)
            if value is None:
                warnings.append(EvaluationWarning(zone, ind.code, (
                    f"zone {zone!r}: {ind.code} = {ind.formula.describe()} (basis {basis}, {year}) "
                    "divides by 0; the indicator is set to 0")))
                value = 0.0
            x[r, c] = value
            inputs[r].append([{"code": k, "year": year, "value": v} for k, v in now.items()]
                             + [{"code": k, "year": year - 1, "value": v} for k, v in before.items()])
    return x, inputs, warnings


def _dimension_weights(dim: Dimension, x: np.ndarray,
                       directions: np.ndarray) -> tuple[np.ndarray, str | None]:
    """w within ``dim`` (Σ = 1) and a warning when data-driven weights are undefined."""
    fixed = dim.fixed_weights()
    if fixed is not None:
        return fixed / fixed.sum(), None
    method = entropy_weights if dim.weighting is Weighting.ENTROPY else critic_weights
    try:
        return method(x, directions), None
    except InvalidArgument:
        n = len(dim.indicators)
        return np.full(n, 1 / n), (f"dimension {dim.code!r}: no indicator varies across the zones, so "
                                   f"{dim.weighting} weights are undefined; equal weights used")


def evaluate(scheme: Scheme, values: pl.DataFrame, year: int) -> Evaluation:
    """Score and rank the zones present in ``values`` for ``year`` under ``scheme``.

    Parameters
    ----------
    scheme : a loaded :class:`~parknet.evaluation.schemes.Scheme`.
    values : polars DataFrame ``zone_id, year, indicator, value, basis`` — one row per zone, year, figure
        code and basis (``raw``/``attributed`` for the zone indicators, ``cooperation`` for the cooperation
        and spillover figures); year − 1 too when the scheme has growth indicators. Other rows are ignored.
    year : the evaluated year; the zones are those with a row in this year (at least 2).

    Returns
    -------
    :class:`Evaluation`. Raises :class:`MissingInput` naming zone, indicator, basis and year for every
    absent figure (never a silent 0). The algorithm is in the module docstring.
    """
    lookup, zones = _lookup(values, scheme, year)
    if len(zones) < 2:
        raise InvalidArgument("values", f"an evaluation ranks at least 2 zones; year {year} has {len(zones)}")
    _check_complete(lookup, scheme, zones, year)
    x, inputs, warnings = _derive(scheme, lookup, zones, year)
    pairs = scheme.indicators()
    directions = np.array([1.0 if i.direction is Direction.HIGHER_BETTER else -1.0 for _, i in pairs])
    y = normalise(x, directions, scheme.normalisation)
    k = _SCORE_SCALE[scheme.normalisation]
    w = np.zeros(len(pairs))
    big_w = np.array([float(d.weight) for d, _ in pairs])
    dim_scores: dict[str, np.ndarray] = {}
    weights: dict[str, dict[str, float]] = {}
    start = 0
    for dim in scheme.dimensions:
        cols = slice(start, start + len(dim.indicators))
        w[cols], note = _dimension_weights(dim, x[:, cols], directions[cols])
        if note:
            warnings.append(EvaluationWarning(None, None, note))
        dim_scores[dim.code] = k * y[:, cols] @ w[cols]
        weights[dim.code] = {i.code: float(v) for i, v in zip(dim.indicators, w[cols], strict=True)}
        start = cols.stop
    within = k * y * w
    if scheme.aggregation is Aggregation.TOPSIS:
        total = 100 * topsis(x, big_w * w, directions)
    else:
        total = within @ big_w
    ranking = _ranking(zones, total, dim_scores)
    details = _details(scheme, zones, inputs, x, y, w, within, big_w)
    return Evaluation(scheme, year, ranking, details, weights, tuple(warnings))


def _ranking(zones: list[str], total: np.ndarray, dim_scores: dict[str, np.ndarray]) -> pl.DataFrame:
    frame = pl.DataFrame({"zone_id": zones, "score": total, **dim_scores})
    rank = pl.col("score").round(_TIE_DECIMALS).rank("min", descending=True).cast(pl.Int64)
    return (frame.with_columns(rank.alias("rank")).select("zone_id", "rank", "score", *dim_scores)
            .sort("rank", "zone_id"))


def _details(scheme: Scheme, zones: list[str], inputs: list[list[list[dict[str, Any]]]], x: np.ndarray,
             y: np.ndarray, w: np.ndarray, within: np.ndarray, big_w: np.ndarray) -> pl.DataFrame:
    pairs = scheme.indicators()
    additive = scheme.aggregation is Aggregation.WEIGHTED_SUM
    rows = [{"zone_id": z, "dimension": d.code, "indicator": i.code, "basis": str(i.basis),
             "formula": i.formula.describe(), "inputs": inputs[r][c], "value": float(x[r, c]),
             "normalised": float(y[r, c]), "weight": float(w[c]), "dimension_weight": float(big_w[c]),
             "dimension_contribution": float(within[r, c]),
             "contribution": float(within[r, c] * big_w[c]) if additive else None}
            for r, z in enumerate(zones) for c, (d, i) in enumerate(pairs)]
    return pl.DataFrame(rows, schema_overrides={"inputs": _INPUT_TYPE, "contribution": pl.Float64})


# --- comparison ----------------------------------------------------------------------------------------

def _centred_contributions(e: Evaluation) -> pl.DataFrame:
    """Per zone and dimension: W_d·S_id minus its mean over the zones (what sets a zone apart)."""
    parts = [e.ranking.select("zone_id", pl.lit(d.code).alias("dimension"),
                              (pl.col(d.code) * float(d.weight)).alias("c")) for d in e.scheme.dimensions]
    return pl.concat(parts).with_columns(pl.col("c") - pl.col("c").mean().over("dimension"))


def _reasons(a: Evaluation, b: Evaluation) -> dict[str, str]:
    names = {d.code: d.name_zh for e in (a, b) for d in e.scheme.dimensions}
    delta = (_centred_contributions(a)
             .join(_centred_contributions(b), on=["zone_id", "dimension"], how="full", coalesce=True,
                   suffix="_b")
             .with_columns((pl.col("c_b").fill_null(0) - pl.col("c").fill_null(0)).alias("delta")))
    top = (delta.filter(pl.col("delta").abs() >= _REASON_MIN_POINTS)
           .sort(pl.col("delta").abs(), "dimension", descending=[True, False])
           .group_by("zone_id", maintain_order=True).head(2))
    out: dict[str, list[str]] = {}
    for zone, dim, d in top.select("zone_id", "dimension", "delta").iter_rows():
        out.setdefault(zone, []).append(f"{names[dim]} {d:+.1f}")
    return {z: "; ".join(v) for z, v in out.items()}


def compare(a: Evaluation, b: Evaluation) -> pl.DataFrame:
    """Ranks of the same zones under two evaluations (two schemes, or two years).

    Returns ``zone_id, rank_a, rank_b, rank_change, score_a, score_b, reason`` sorted by |rank_change|
    (largest first), then zone_id. ``rank_change`` = rank_a − rank_b (positive: moved up under b).
    ``reason`` names the (at most two) dimensions whose weighted score W_d·S_d, taken relative to the mean
    over the zones, changed most from a to b, with the change in points (a dimension only one evaluation has
    counts as 0 in the other); under TOPSIS the weighted dimension scores only approximate the total.
    """
    za, zb = set(a.ranking["zone_id"]), set(b.ranking["zone_id"])
    if za != zb:
        raise InvalidArgument("b", f"the evaluations rank different zones (only in a: {sorted(za - zb)}, "
                                   f"only in b: {sorted(zb - za)}); compare evaluations of the same zones")
    left = a.ranking.select("zone_id", pl.col("rank").alias("rank_a"), pl.col("score").alias("score_a"))
    right = b.ranking.select("zone_id", pl.col("rank").alias("rank_b"), pl.col("score").alias("score_b"))
    reasons = _reasons(a, b)
    out = left.join(right, on="zone_id").with_columns(
        (pl.col("rank_a") - pl.col("rank_b")).alias("rank_change"),
        pl.col("zone_id").replace_strict(reasons, default="", return_dtype=pl.String).alias("reason"))
    return (out.select("zone_id", "rank_a", "rank_b", "rank_change", "score_a", "score_b", "reason")
            .sort(pl.col("rank_change").abs(), "zone_id", descending=[True, False]))
