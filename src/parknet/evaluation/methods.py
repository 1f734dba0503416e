"""Multi-criteria evaluation methods for zone rankings (考评方法).

Pure functions over an (alternatives × criteria) matrix X with a direction per criterion (+1 higher is
better, −1 lower is better). References: Saaty (1980) The Analytic Hierarchy Process; Shannon entropy
weighting (e.g. Zou et al. 2006); Diakoulaki et al. (1995) CRITIC; Hwang & Yoon (1981) TOPSIS;
功效系数法 (efficacy coefficient) as in Chinese evaluation practice: 60 + 40·(x − x_min)/(x_max − x_min).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from parknet.errors import InvalidArgument

__all__ = ["normalise", "ahp", "AHPResult", "entropy_weights", "critic_weights", "weighted_sum", "topsis",
           "RANDOM_INDEX", "METHODS"]

METHODS = ("minmax", "zscore", "efficacy")
#: Saaty's random consistency index RI by matrix order n (Saaty 1980, Table 1.7).
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}


def _matrix(x: ArrayLike, directions: ArrayLike | None) -> tuple[np.ndarray, np.ndarray]:
    m = np.asarray(x, dtype=float)
    if m.ndim != 2 or m.shape[0] < 2 or m.shape[1] < 1:
        raise InvalidArgument("x", f"must be an (alternatives × criteria) matrix with ≥ 2 rows, got shape {m.shape}")
    if not np.all(np.isfinite(m)):
        raise InvalidArgument("x", "contains NaN or infinite values")
    d = np.ones(m.shape[1]) if directions is None else np.asarray(directions, dtype=float)
    if d.shape != (m.shape[1],) or not np.all(np.isin(d, (-1, 1))):
        raise InvalidArgument("directions", "one +1 (higher is better) or −1 (lower is better) per criterion")
    return m, d


def normalise(x: ArrayLike, directions: ArrayLike | None = None, method: str = "minmax") -> np.ndarray:
    """Normalise each criterion so that higher is better.

    minmax: (x − min)/(max − min) (reversed for −1); zscore: ±(x − mean)/std (ddof = 0);
    efficacy (功效系数法): 60 + 40·minmax. A constant criterion normalises to 1 (minmax), 0 (zscore), 100.
    """
    m, d = _matrix(x, directions)
    if method not in METHODS:
        raise InvalidArgument("method", f"choose one of {', '.join(METHODS)}, got {method!r}")
    lo, hi = m.min(axis=0), m.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    mm = np.where(d > 0, (m - lo) / span, (hi - m) / span)
    mm[:, hi == lo] = 1.0
    if method == "minmax":
        return mm
    if method == "efficacy":
        return 60 + 40 * mm
    std = m.std(axis=0)
    z = d * (m - m.mean(axis=0)) / np.where(std > 0, std, 1.0)
    z[:, std == 0] = 0.0
    return z


@dataclass(frozen=True)
class AHPResult:
    """AHP weights (principal eigenvector, Σ = 1), λ_max, CI = (λ_max − n)/(n − 1) and CR = CI/RI."""

    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float


def ahp(pairwise: ArrayLike, *, max_cr: float = 0.10) -> AHPResult:
    """Weights from a reciprocal pairwise comparison matrix (Saaty 1980).

    Refuses a matrix that is not positive and reciprocal (a_ji = 1/a_ij), and one whose consistency ratio
    CR ≥ ``max_cr`` (0.10 by Saaty's rule): the judgements contradict each other too much to use.
    """
    a = np.asarray(pairwise, dtype=float)
    n = a.shape[0] if a.ndim == 2 else 0
    if a.ndim != 2 or a.shape != (n, n) or n < 2 or n > 10:
        raise InvalidArgument("pairwise", f"must be a square matrix of order 2–10, got shape {a.shape}")
    if np.any(a <= 0) or not np.allclose(a * a.T, 1.0, rtol=1e-9):
        raise InvalidArgument("pairwise", "must be positive and reciprocal (a_ji = 1/a_ij, a_ii = 1)")
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    lam = float(values[k].real)
    ci = (lam - n) / (n - 1)
    cr = ci / RANDOM_INDEX[n] if RANDOM_INDEX[n] > 0 else 0.0
    if cr >= max_cr:
        raise InvalidArgument("pairwise", f"consistency ratio CR = {cr:.3f} ≥ {max_cr}: the judgements are too "
                                          "inconsistent; revise the comparisons")
    return AHPResult(w, lam, ci, cr)


def entropy_weights(x: ArrayLike, directions: ArrayLike | None = None) -> np.ndarray:
    """Entropy weight method: p_ij = y_ij/Σ_i y_ij on min-max normalised y; e_j = −(1/ln m) Σ_i p_ij ln p_ij
    (0·ln 0 = 0); w_j = (1 − e_j)/Σ_k (1 − e_k). A criterion that does not vary gets weight 0."""
    y = normalise(x, directions, "minmax")
    m = y.shape[0]
    sums = y.sum(axis=0)
    p = np.divide(y, sums, out=np.zeros_like(y), where=sums > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(p > 0, np.log(p), 0.0)
    e = -(p * logs).sum(axis=0) / np.log(m)
    e[sums == 0] = 1.0
    d = 1 - e
    if d.sum() <= 0:
        raise InvalidArgument("x", "no criterion varies across the alternatives: entropy weights are undefined")
    return d / d.sum()


def critic_weights(x: ArrayLike, directions: ArrayLike | None = None) -> np.ndarray:
    """CRITIC (Diakoulaki et al. 1995): C_j = σ_j Σ_k (1 − r_jk) on min-max normalised data (σ with ddof = 1,
    r = Pearson correlation; constant criteria get C = 0); w_j = C_j/Σ C."""
    y = normalise(x, directions, "minmax")
    sigma = y.std(axis=0, ddof=1)
    varying = sigma > 0
    r = np.eye(y.shape[1])
    if varying.sum() >= 2:
        r[np.ix_(varying, varying)] = np.corrcoef(y[:, varying].T)
    c = sigma * (1 - r).sum(axis=0)
    c[~varying] = 0.0
    if c.sum() <= 0:
        raise InvalidArgument("x", "no criterion varies across the alternatives: CRITIC weights are undefined")
    return c / c.sum()


def _weights(weights: ArrayLike, k: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.shape != (k,) or np.any(w < 0) or not np.isfinite(w).all() or w.sum() <= 0:
        raise InvalidArgument("weights", f"need {k} non-negative weights, not all zero")
    return w / w.sum()


def weighted_sum(normalised: ArrayLike, weights: ArrayLike) -> np.ndarray:
    """S_i = Σ_j w_j y_ij (weights rescaled to Σ = 1)."""
    y = np.asarray(normalised, dtype=float)
    return y @ _weights(weights, y.shape[1])


def topsis(x: ArrayLike, weights: ArrayLike, directions: ArrayLike | None = None) -> np.ndarray:
    """TOPSIS closeness C_i = D_i⁻/(D_i⁺ + D_i⁻) on vector-normalised weighted data v_ij = w_j x_ij/‖x_j‖,
    ideal v⁺ = best per criterion (max for +1, min for −1), anti-ideal v⁻ the worst (Hwang & Yoon 1981)."""
    m, d = _matrix(x, directions)
    w = _weights(weights, m.shape[1])
    norms = np.linalg.norm(m, axis=0)
    v = w * np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)
    best = np.where(d > 0, v.max(axis=0), v.min(axis=0))
    worst = np.where(d > 0, v.min(axis=0), v.max(axis=0))
    plus = np.linalg.norm(v - best, axis=1)
    minus = np.linalg.norm(v - worst, axis=1)
    total = plus + minus
    return np.divide(minus, total, out=np.full_like(total, 0.5), where=total > 0)
