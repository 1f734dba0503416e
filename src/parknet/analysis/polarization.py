"""Concentration, inequality and polarization of zone indicators (分化与极化诊断).

Pure functions over array-likes; results are floats or frozen dataclasses with named fields. Every
measure validates its input at the boundary and raises :class:`~parknet.errors.InvalidArgument` naming the
argument — never a silent NaN. References: Theil (1967); Shorrocks (1980, 1978) for decompositions and
mobility; Dagum (1997) "A new approach to the decomposition of the Gini income inequality ratio",
Empirical Economics 22; Atkinson (1970); Wolfson (1994); Esteban & Ray (1994); Barro & Sala-i-Martin (1992)
for β/σ-convergence. Numbers agree with PySAL's ``inequality`` and ``giddy`` (tests/crosscheck/).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from parknet.errors import InvalidArgument

__all__ = [
    "top_share", "hhi", "gini", "cv", "theil", "TheilResult", "atkinson", "wolfson", "esteban_ray", "lorenz",
    "dagum", "DagumResult", "markov", "MarkovResult", "quantile_classes", "sigma_convergence", "SigmaResult",
    "beta_convergence", "BetaResult",
]


# --- validation ------------------------------------------------------------------------------------

def _values(values: ArrayLike, name: str = "values", *, positive: bool = False, min_n: int = 2) -> np.ndarray:
    return _checked(values, name, positive=positive, min_n=min_n)[0]


def _checked(values: ArrayLike, name: str = "values", *, positive: bool = False,
             min_n: int = 2) -> tuple[np.ndarray, float]:
    """The values as a flat float array and their sum (reused by callers that need the mean).

    Dispersion needs at least two units (``min_n``): one unit has no inequality to measure.
    """
    try:
        arr = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise InvalidArgument(name, "must be numbers") from None
    if arr.size < min_n:
        raise InvalidArgument(name, f"needs at least {min_n} value{'s' if min_n > 1 else ''}, got {arr.size}")
    total, lowest = arr.sum(), arr.min()  # two passes find NaN/inf (the sum) and bad signs (the minimum)
    if not np.isfinite(total) or np.isnan(lowest):
        raise InvalidArgument(name, f"contains NaN or infinite values (first at position {int(np.argmin(np.isfinite(arr)))})")
    if positive and lowest <= 0:
        raise InvalidArgument(name, "needs strictly positive values (a logarithm or power of 0 is undefined)")
    if lowest < 0:
        raise InvalidArgument(name, "contains negative values")
    if total == 0:
        raise InvalidArgument(name, "all values are zero: shares are undefined")
    return arr, float(total)


def _groups(groups: ArrayLike, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(labels in first-appearance-independent sorted order, integer code per unit)."""
    labels = np.asarray(groups).ravel()
    if labels.size != n:
        raise InvalidArgument("groups", f"has {labels.size} labels for {n} values: lengths must match")
    unique, codes = np.unique(labels, return_inverse=True)
    return unique, codes


# --- concentration -------------------------------------------------------------------------------

def top_share(values: ArrayLike, k: int) -> float:
    """Share of the total held by the ``k`` largest units (前k位占比).

    S_k = Σ_{i=1..k} x_(i) / Σ_i x_i with x_(1) ≥ x_(2) ≥ … (the article: the top 10 zones hold 36.5% of GDP).
    ``k`` larger than the number of units gives 1.
    """
    arr = _values(values, min_n=1)
    if k < 1:
        raise InvalidArgument("k", f"must be at least 1, got {k}")
    top = np.partition(arr, arr.size - k)[arr.size - k:] if k < arr.size else arr
    return float(top.sum() / arr.sum())


def hhi(values: ArrayLike) -> float:
    """Herfindahl–Hirschman index HHI = Σ_i s_i², s_i = x_i / Σ x (1/n for equal shares, 1 for one unit)."""
    arr = _values(values, min_n=1)
    shares = arr / arr.sum()
    return float(np.dot(shares, shares))


def cv(values: ArrayLike) -> float:
    """Coefficient of variation σ/μ with the population standard deviation (ddof = 0)."""
    arr = _values(values)
    return float(arr.std() / arr.mean())


# --- inequality ----------------------------------------------------------------------------------

def gini(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Gini coefficient, optionally with population weights, in O(n log n) by sorting.

    Unweighted: G = Σ_i (2i − n − 1) x_(i) / (n Σ x), x ascending (PySAL ``inequality.gini``).
    Weighted: G = Σ_i Σ_j w_i w_j |x_i − x_j| / (2 W² μ_w), μ_w = Σ w x / W, computed from cumulative sums
    of the sorted weights and weighted values.
    """
    x = _values(values)
    n = x.size
    if weights is None:
        xs = np.sort(x)
        return float(np.dot(2 * np.arange(1, n + 1) - n - 1, xs) / (n * xs.sum()))
    w = np.asarray(weights, dtype=float).ravel()
    if w.size != n:
        raise InvalidArgument("weights", f"has {w.size} weights for {n} values: lengths must match")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() == 0:
        raise InvalidArgument("weights", "must be finite, non-negative and not all zero")
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    W = ws.sum()
    mu = np.dot(ws, xs) / W
    cum_w = np.cumsum(ws) - ws  # weight strictly below each unit (ties contribute |0|)
    cum_wx = np.cumsum(ws * xs) - ws * xs
    # Σ_i Σ_{j<i} w_i w_j (x_i − x_j), doubled for both orders
    total = 2 * np.dot(ws, xs * cum_w - cum_wx)
    return float(total / (2 * W * W * mu))


@dataclass(frozen=True)
class TheilResult:
    """Theil index with its between/within decomposition (``groups`` given) — total = between + within."""

    kind: str
    total: float
    between: float | None = None
    within: float | None = None
    groups: dict[str, dict[str, float]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def theil(values: ArrayLike, groups: ArrayLike | None = None, kind: str = "T") -> TheilResult:
    """Theil T (GE(1)) or Theil L (GE(0), mean log deviation), decomposed by ``groups``.

    T = (1/n) Σ (x_i/μ) ln(x_i/μ), with 0·ln 0 = 0; between = Σ_g s_g ln(μ_g/μ), within = Σ_g s_g T_g,
    s_g = group share of the total. L = (1/n) Σ ln(μ/x_i) (needs x > 0); between = Σ_g p_g ln(μ/μ_g),
    within = Σ_g p_g L_g, p_g = population share (Shorrocks 1980). PySAL: ``Theil(y).T``, ``TheilD(y, g).bg``.
    """
    if kind not in ("T", "L"):
        raise InvalidArgument("kind", f"must be 'T' or 'L', got {kind!r}")
    x = _values(values, positive=kind == "L")
    total = _theil(x, kind)
    if groups is None:
        return TheilResult(kind, total)
    labels, codes = _groups(groups, x.size)
    n, mu, k = x.size, x.mean(), labels.size
    counts = np.bincount(codes, minlength=k).astype(float)
    means = np.bincount(codes, weights=x, minlength=k) / counts
    p = counts / n
    s = p * means / mu
    # one pass over the units: each unit's term against its own group's mean (no per-group masks)
    ratio = x / means[codes]
    if kind == "T":
        terms = np.zeros_like(x)
        np.multiply(ratio, np.log(ratio, out=terms, where=ratio > 0), out=terms, where=ratio > 0)
        group_index = np.bincount(codes, weights=terms, minlength=k) / counts
        log_means = np.log(means, out=np.zeros_like(means), where=means > 0)
        between = float(np.sum(s * (log_means - np.log(mu)), where=means > 0))
        within = float(np.dot(s, group_index))
    else:
        group_index = -np.bincount(codes, weights=np.log(ratio), minlength=k) / counts
        between = float(np.dot(p, np.log(mu / means)))
        within = float(np.dot(p, group_index))
    detail = {str(label): {"n": float(counts[g]), "mean": float(means[g]), "population_share": float(p[g]),
                           "value_share": float(s[g]), "theil": float(group_index[g])}
              for g, label in enumerate(labels)}
    return TheilResult(kind, total, between, within, detail)


def _theil(x: np.ndarray, kind: str) -> float:
    r = x / x.mean()
    if kind == "T":
        positive = r > 0
        return float(np.sum(r[positive] * np.log(r[positive])) / x.size)
    return float(-np.mean(np.log(r)))


def atkinson(values: ArrayLike, epsilon: float) -> float:
    """Atkinson index A_ε = 1 − EDE/μ, EDE = [(1/n) Σ x_i^{1−ε}]^{1/(1−ε)} (ε ≠ 1) or the geometric mean (ε = 1).

    Needs positive values (as PySAL's ``inequality.atkinson``); ε ≥ 0 is the aversion to inequality.
    """
    if not np.isfinite(epsilon) or epsilon < 0:
        raise InvalidArgument("epsilon", f"must be a non-negative number, got {epsilon}")
    x, total = _checked(values, positive=True)
    mu = total / x.size
    if epsilon == 1:
        ede = np.exp(np.mean(np.log(x)))
    else:
        ede = np.mean(np.power(x, 1 - epsilon)) ** (1 / (1 - epsilon))
    return float(1 - ede / mu)


def lorenz(values: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Lorenz curve: (cumulative population shares, cumulative value shares), both starting at 0."""
    x = np.sort(_values(values, min_n=1))
    cum = np.concatenate([[0.0], np.cumsum(x)])
    return np.linspace(0, 1, x.size + 1), cum / cum[-1]


def wolfson(values: ArrayLike) -> float:
    """Wolfson bipolarization index W = (2·D50 − G)·μ/m, D50 = 0.5 − L(0.5), m = median (Wolfson 1994;
    L(0.5) by linear interpolation of the Lorenz curve, as PySAL's ``inequality.wolfson``)."""
    x = _values(values)
    median = float(np.median(x))
    if median <= 0:
        raise InvalidArgument("values", "the median is 0: the Wolfson index divides by it")
    population, share = lorenz(x)
    d50 = 0.5 - float(np.interp(0.5, population, share))
    return float((2 * d50 - gini(x)) * x.mean() / median)


def esteban_ray(values: ArrayLike, alpha: float = 1.3, weights: ArrayLike | None = None) -> float:
    """Esteban–Ray polarization ER_α = Σ_k Σ_l π_k^{1+α} π_l |y_k − y_l| / μ over the distinct values y_k with
    population shares π_k (Esteban & Ray 1994, normalised by the mean so that it is scale-free).

    α ∈ [0, 1.6] (α = 0 gives the Gini's mean-difference form, G·2). O(m log m) with prefix sums.
    """
    if not 0 <= alpha <= 1.6:
        raise InvalidArgument("alpha", f"must be in [0, 1.6] (Esteban & Ray 1994), got {alpha}")
    x = _values(values)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
    if w.size != x.size or np.any(w < 0) or not np.all(np.isfinite(w)) or w.sum() == 0:
        raise InvalidArgument("weights", "must match values in length, be finite, non-negative and not all zero")
    y, inverse = np.unique(x, return_inverse=True)
    pi = np.bincount(inverse, weights=w) / w.sum()
    mu = np.dot(pi, y)
    cum_p = np.cumsum(pi) - pi
    cum_py = np.cumsum(pi * y) - pi * y
    total_py = np.dot(pi, y)
    # Σ_l π_l |y_k − y_l| = y_k·P(<k) − Σ_{l<k} π_l y_l + (Σ_{l>k} π_l y_l − y_k·P(>k))
    above_p = 1 - cum_p - pi
    above_py = total_py - cum_py - pi * y
    distance = y * cum_p - cum_py + above_py - y * above_p
    return float(np.dot(pi ** (1 + alpha), distance) / mu)


# --- Dagum decomposition -------------------------------------------------------------------------

@dataclass(frozen=True)
class DagumResult:
    """Dagum (1997) Gini decomposition: total = within + between_net + transvariation.

    ``pairs`` holds, for each ordered pair of groups (richer first), the between-group Gini G_jh and the
    relative economic affluence D_jh.
    """

    total: float
    within: float
    between_net: float
    transvariation: float
    groups: dict[str, dict[str, float]]
    pairs: list[dict[str, Any]]

    @property
    def between_gross(self) -> float:
        return self.between_net + self.transvariation

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["between_gross"] = self.between_gross
        return out


def _sum_positive_differences(a_sorted: np.ndarray, b_sorted: np.ndarray, b_prefix: np.ndarray) -> float:
    """Σ_i Σ_r max(a_i − b_r, 0) with b sorted and b_prefix = cumsum(b) (O((|a| + |b|) log |b|))."""
    below = np.searchsorted(b_sorted, a_sorted, side="left")
    sums_below = np.where(below > 0, b_prefix[np.maximum(below - 1, 0)], 0.0)
    return float(np.sum(a_sorted * below - sums_below))


def dagum(values: ArrayLike, groups: ArrayLike) -> DagumResult:
    """Dagum's decomposition of the Gini ratio into within-group, net between-group and transvariation parts.

    With groups j ordered by mean (μ_j ≥ μ_h), p_j = n_j/n, s_j = n_j μ_j/(n μ):
    G_jj = Σ_i Σ_r |y_ji − y_jr| / (2 n_j² μ_j),  G_jh = Σ_i Σ_r |y_ji − y_hr| / (n_j n_h (μ_j + μ_h)),
    d_jh = Σ (y_ji − y_hr)_+ / (n_j n_h),  p_jh = Σ (y_hr − y_ji)_+ / (n_j n_h),  D_jh = (d_jh − p_jh)/(d_jh + p_jh),
    G_w = Σ_j G_jj p_j s_j,  G_nb = Σ_{j≠h, j>h} G_jh (p_j s_h + p_h s_j) D_jh,
    G_t = Σ_{j>h} G_jh (p_j s_h + p_h s_j)(1 − D_jh); G = G_w + G_nb + G_t (exactly).
    Every pairwise sum comes from sorted arrays and prefix sums: O(k·n log n) for k groups, never O(n²).
    """
    x = _values(values)
    labels, codes = _groups(groups, x.size)
    if labels.size < 2:
        raise InvalidArgument("groups", "needs at least two groups to decompose")
    n, mu = x.size, x.mean()
    members = [np.sort(x[codes == g]) for g in range(labels.size)]
    means = np.array([m.mean() for m in members])
    order = np.argsort(-means, kind="stable")  # richest first
    prefix = [np.cumsum(m) for m in members]
    p = np.array([m.size / n for m in members])
    s = p * means / mu
    info: dict[str, dict[str, float]] = {}
    within = 0.0
    for g, m in enumerate(members):
        # Σ|Δ|/(2 n² μ) is the Gini of the group (0 for a single zone or an all-zero group)
        g_jj = gini(m) if m.size > 1 and m.sum() > 0 else 0.0
        within += g_jj * p[g] * s[g]
        info[str(labels[g])] = {"n": float(m.size), "mean": float(means[g]), "population_share": float(p[g]),
                                "value_share": float(s[g]), "gini": float(g_jj)}
    net = trans = 0.0
    pairs = []
    for a_pos, j in enumerate(order):
        for h in order[a_pos + 1:]:
            pos = _sum_positive_differences(members[j], members[h], prefix[h])  # Σ (y_j − y_h)+
            neg = _sum_positive_differences(members[h], members[j], prefix[j])  # Σ (y_h − y_j)+
            pair_n = members[j].size * members[h].size
            mean_sum = means[j] + means[h]
            g_jh = (pos + neg) / (pair_n * mean_sum) if mean_sum > 0 else 0.0
            d_jh = (pos - neg) / (pos + neg) if pos + neg > 0 else 0.0
            weight = p[j] * s[h] + p[h] * s[j]
            net += g_jh * weight * d_jh
            trans += g_jh * weight * (1 - d_jh)
            pairs.append({"richer": str(labels[j]), "poorer": str(labels[h]), "gini_between": float(g_jh),
                          "relative_affluence": float(d_jh)})
    return DagumResult(float(within + net + trans), float(within), float(net), float(trans), info, pairs)


# --- dynamics ------------------------------------------------------------------------------------

def _panel(panel: ArrayLike, name: str = "panel") -> np.ndarray:
    try:
        arr = np.asarray(panel, dtype=float)
    except (TypeError, ValueError):
        raise InvalidArgument(name, "must be numbers") from None
    if arr.ndim != 2 or arr.shape[0] < 2 or arr.shape[1] < 2:
        raise InvalidArgument(name, f"must be a (units × years) array with at least 2 of each, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise InvalidArgument(name, "contains NaN or infinite values: keep units observed in every year")
    return arr


def quantile_classes(values: ArrayLike, k: int) -> np.ndarray:
    """Class 0..k−1 of each value by the year's quantiles: upper bounds at the 100·j/k percentiles (linear
    interpolation), a value equal to a bound falls in the lower class — as mapclassify's ``Quantiles``."""
    x = np.asarray(values, dtype=float)
    bounds = np.unique(np.percentile(x, np.linspace(100 / k, 100, k)))
    return np.searchsorted(bounds, x, side="left")


@dataclass(frozen=True)
class MarkovResult:
    """Rank mobility between quantile classes: transition counts and probabilities, the steady state and
    Shorrocks' mobility index M = (k − trace P)/(k − 1)."""

    k: int
    counts: np.ndarray
    probabilities: np.ndarray
    steady_state: np.ndarray
    shorrocks: float

    def to_dict(self) -> dict[str, Any]:
        return {"k": self.k, "counts": self.counts.tolist(), "probabilities": self.probabilities.tolist(),
                "steady_state": self.steady_state.tolist(), "shorrocks": self.shorrocks}


def markov(panel: ArrayLike, k: int = 5) -> MarkovResult:
    """Classic Markov chain of quantile classes over a (units × years) panel (giddy ``Markov``).

    Each year's values are put into ``k`` quantile classes; transitions are counted between consecutive
    years; P = counts / row sums; the steady state π solves π P = π, Σ π = 1.
    """
    arr = _panel(panel)
    if not 2 <= k <= arr.shape[0]:
        raise InvalidArgument("k", f"must be between 2 and the number of units ({arr.shape[0]}), got {k}")
    classes = np.column_stack([quantile_classes(arr[:, t], k) for t in range(arr.shape[1])])
    counts = np.zeros((k, k))
    np.add.at(counts, (classes[:, :-1].ravel(), classes[:, 1:].ravel()), 1)
    rows = counts.sum(axis=1, keepdims=True)
    probabilities = np.divide(counts, rows, out=np.zeros_like(counts), where=rows > 0)
    values, vectors = np.linalg.eig(probabilities.T)
    vector = np.real(vectors[:, np.argmin(np.abs(values - 1))])
    steady = vector / vector.sum()
    shorrocks = (k - np.trace(probabilities)) / (k - 1)
    return MarkovResult(k, counts, probabilities, steady, float(shorrocks))


@dataclass(frozen=True)
class SigmaResult:
    """σ-convergence: dispersion per period — std of logs and coefficient of variation (falling = converging)."""

    std_log: np.ndarray
    cv: np.ndarray

    def to_dict(self) -> dict[str, Any]:
        return {"std_log": self.std_log.tolist(), "cv": self.cv.tolist()}


def sigma_convergence(panel: ArrayLike) -> SigmaResult:
    """σ_t = std(ln y_t) and CV_t = std(y_t)/mean(y_t) for each year t of a (units × years) panel (ddof = 0)."""
    arr = _panel(panel)
    if np.any(arr <= 0):
        raise InvalidArgument("panel", "needs strictly positive values (logarithms)")
    return SigmaResult(np.log(arr).std(axis=0), arr.std(axis=0) / arr.mean(axis=0))


@dataclass(frozen=True)
class BetaResult:
    """Absolute β-convergence: OLS of g_i = ln(y_iT / y_i0)/T on ln y_i0.

    ``slope`` b with its standard error and t; β = −ln(1 + bT)/T the convergence speed; half-life = ln 2/β
    (years; None when not converging); r² and n.
    """

    slope: float
    slope_se: float
    t: float
    intercept: float
    beta: float | None
    half_life: float | None
    r2: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def beta_convergence(initial: ArrayLike, final: ArrayLike, years: float) -> BetaResult:
    """Absolute β-convergence (Barro & Sala-i-Martin 1992): g_i = a + b ln y_i0 + e_i, OLS with the classic
    standard error se(b) = sqrt(σ̂² / Σ (ln y_i0 − mean)²), σ̂² = RSS/(n − 2)."""
    y0 = _values(initial, "initial", positive=True, min_n=3)
    yT = _values(final, "final", positive=True, min_n=3)
    if y0.size != yT.size:
        raise InvalidArgument("final", f"has {yT.size} values for {y0.size} initial values: lengths must match")
    if not years > 0:
        raise InvalidArgument("years", f"must be positive, got {years}")
    x = np.log(y0)
    g = np.log(yT / y0) / years
    xc = x - x.mean()
    sxx = np.dot(xc, xc)
    if sxx == 0:
        raise InvalidArgument("initial", "all initial values are equal: the slope is undefined")
    b = np.dot(xc, g - g.mean()) / sxx
    a = g.mean() - b * x.mean()
    resid = g - a - b * x
    n = x.size
    sigma2 = np.dot(resid, resid) / (n - 2) if n > 2 else 0.0
    se = float(np.sqrt(sigma2 / sxx))
    gc = g - g.mean()
    r2 = 1 - np.dot(resid, resid) / np.dot(gc, gc) if np.dot(gc, gc) > 0 else 1.0
    beta = half = None
    if b < 0 and 1 + b * years > 0:
        beta = float(-np.log(1 + b * years) / years)
        half = float(np.log(2) / beta)
    return BetaResult(float(b), se, float(b / se) if se > 0 else float("inf"), float(a), beta, half, float(r2), n)
