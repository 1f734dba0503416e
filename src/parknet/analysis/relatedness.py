"""Industry structure of zones: revealed comparative advantage, presence, proximity, density, economic
complexity (ECI/PCI), complexity outlook (COI) and gain (COG) — the product-space toolkit of Hidalgo et al.
(2007) and Hausmann, Hidalgo et al. (2014), with the definitions and conventions of Harvard Growth Lab's
py-ecomplexity 0.5.3 (cross-checked in tests/crosscheck/test_relatedness_ecomplexity.py).

Here a "location" is a zone and a "product" an industry (GB/T 4754 division); the value is output.

Differences from py-ecomplexity, all deliberate:
- the eigenproblem is solved on the smaller side (locations or products) as a symmetric matrix with a
  Lanczos solver started from a fixed vector: the same ECI/PCI, deterministic, and no dense
  products × products eigen-decomposition;
- kNN density uses the proximity weights (py-ecomplexity 0.5.3 sums the neighbours' presence unweighted,
  its issue #35): density_cp = Σ_{p' ∈ kNN(p)} x_cp' φ_pp' / Σ_{p' ∈ kNN(p)} φ_pp';
- no sampling anywhere (py-ecomplexity samples pairs for its log-supermodularity check).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from scipy.linalg import eigh
from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

from parknet.errors import InvalidArgument

__all__ = ["complexity", "rca", "proximity", "density", "eci_pci"]


def rca(values: np.ndarray) -> np.ndarray:
    """Balassa's revealed comparative advantage RCA_cp = (x_cp / Σ_p x_cp) / (Σ_c x_cp / Σ_cp x_cp)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = values / values.sum(axis=1, keepdims=True)
        world = values.sum(axis=0, keepdims=True) / values.sum()
        return share / world


def proximity(mcp: np.ndarray, *, continuous: bool = False, rca_values: np.ndarray | None = None,
              asymmetric: bool = False) -> np.ndarray:
    """Product proximity φ (Hidalgo et al. 2007).

    Discrete: φ_pp' = min(P(M_p' | M_p), P(M_p | M_p')) = Σ_c M_cp M_cp' / max(u_p, u_p') (``asymmetric``:
    the conditional probability P(p | p') = Σ_c M_cp M_cp' / u_p'). Continuous: φ = (1 + corr(RCA_p, RCA_p'))/2.
    """
    if continuous:
        if rca_values is None:
            raise InvalidArgument("rca_values", "continuous proximity needs the RCA matrix")
        return (1 + np.corrcoef(rca_values.T)) / 2
    m32 = mcp.astype(np.float32)  # co-occurrence counts are integers < 2^24: exact in float32, twice as fast
    co = (m32.T @ m32).astype(np.float64)
    ubiquity = mcp.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = co / ubiquity[np.newaxis, :]
    return phi.T.copy() if asymmetric else np.minimum(phi, phi.T)


def density(presence: np.ndarray, phi: np.ndarray, knn: int | None = None) -> np.ndarray:
    """Density ω_cp = Σ_p' x_cp' φ_pp' / Σ_p' φ_pp' (x = M, or RCA for continuous proximity).

    With ``knn``, only each product's k most proximate other products count, weighted by φ (ties broken by
    product order, deterministically).
    """
    if knn is None:
        den = np.nansum(phi, axis=1)[np.newaxis, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            return presence @ (phi.T / den)
    n = phi.shape[0]
    if not 1 <= knn < n:
        raise InvalidArgument("knn", f"must be between 1 and the number of products − 1 ({n - 1}), got {knn}")
    masked = phi.copy()
    np.fill_diagonal(masked, -np.inf)  # a product is not its own neighbour (as sklearn's kneighbors())
    order = np.argsort(-masked, axis=1, kind="stable")[:, :knn]
    weights = np.take_along_axis(phi, order, axis=1)
    weights = weights / weights.sum(axis=1, keepdims=True)
    out = np.empty((presence.shape[0], n))
    for p in range(n):
        out[:, p] = presence[:, order[p]] @ weights[p]
    return out


def _second_eigenvector(b: np.ndarray) -> np.ndarray:
    """The eigenvector of the second-largest eigenvalue of S = B Bᵀ (symmetric PSD), deterministic."""
    n = b.shape[0]
    if n <= 400:
        return eigh(b @ b.T, subset_by_index=[n - 2, n - 1])[1][:, 0]
    operator = LinearOperator((n, n), matvec=lambda v: b @ (b.T @ v), dtype=np.float64)
    try:
        values, vectors = eigsh(operator, k=2, which="LA", v0=np.ones(n) / np.sqrt(n), tol=0, maxiter=20 * n)
    except ArpackNoConvergence:
        values, vectors = eigh(b @ b.T, subset_by_index=[n - 2, n - 1])
    return vectors[:, int(np.argsort(values)[0])]


def eci_pci(mcp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raw (unstandardised) ECI and PCI as py-ecomplexity computes them before normalisation.

    k_p = the eigenvector of the second-largest eigenvalue of M̃_pp = D_p⁻¹ Mᵀ D_c⁻¹ M; k_c = D_c⁻¹ M k_p;
    both signed so that corr(diversity, k_c) > 0. Solved on the smaller side through the similar symmetric
    matrix D_c^{-½} M D_p⁻¹ Mᵀ D_c^{-½} (or its product-side twin); locations/products with diversity or
    ubiquity 0 get NaN.
    """
    diversity, ubiquity = mcp.sum(axis=1), mcp.sum(axis=0)
    rows, cols = diversity > 0, ubiquity > 0
    m = mcp[rows][:, cols].astype(np.float64)
    kc0, kp0 = diversity[rows].astype(float), ubiquity[cols].astype(float)
    b = m / np.sqrt(kc0)[:, np.newaxis] / np.sqrt(kp0)[np.newaxis, :]
    if m.shape[0] <= m.shape[1]:
        v = _second_eigenvector(b)  # location side: k_c ∝ D_c^{-½} v
        kc_side = v / np.sqrt(kc0)
        kp = (m.T @ kc_side) / kp0  # k_p ∝ D_p⁻¹ Mᵀ k_c
    else:
        w = _second_eigenvector(b.T)
        kp = w / np.sqrt(kp0)
    kc = (m @ kp) / kc0
    sign = np.sign(np.corrcoef(kc0, kc)[0, 1])
    eci = np.full(mcp.shape[0], np.nan)
    pci = np.full(mcp.shape[1], np.nan)
    eci[rows], pci[cols] = sign * kc, sign * kp
    return eci, pci


def _year(values: np.ndarray, presence: str, threshold: float, continuous: bool, asymmetric: bool,
          knn: int | None) -> dict[str, np.ndarray]:
    if presence == "rca":
        r = rca(values)
        mcp = (np.nan_to_num(r) >= threshold).astype(np.float64)
    else:  # manual: the value is the presence itself
        r, mcp = values.copy(), values.copy()
    diversity, ubiquity = np.nansum(mcp, axis=1), np.nansum(mcp, axis=0)
    eci, pci = eci_pci(mcp)
    phi = proximity(mcp, continuous=continuous, rca_values=r, asymmetric=asymmetric)
    dens = density(r if continuous and presence == "rca" else mcp, phi, knn)
    coi = ((dens * (1 - mcp)) * pci).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        weighted = phi * (pci / phi.sum(axis=1))[:, np.newaxis]
    absent = 1 - mcp
    cog = absent * (weighted.sum(axis=0)[np.newaxis, :] - mcp @ weighted)  # (1 − M) @ W without forming 1 − M
    eci_mean, eci_std = np.nanmean(eci), np.nanstd(eci)
    return {"rca": r, "mcp": mcp, "diversity": diversity, "ubiquity": ubiquity,
            "eci": (eci - eci_mean) / eci_std, "pci": (pci - eci_mean) / eci_std,
            "density": dens, "coi": (coi - np.nanmean(coi)) / np.nanstd(coi), "cog": cog / eci_std}


def _codes(column: pl.Series) -> tuple[pl.Series, np.ndarray]:
    """Sorted distinct labels and each row's index into them (polars: fast on millions of strings)."""
    names = column.unique().sort()
    return names, names.search_sorted(column).to_numpy().astype(np.int64)


def _complexity_year(part: pl.DataFrame, t: Any, time: str, loc: str, prod: str, val: str, presence: str,
                     threshold: float, continuous: bool, asymmetric: bool,
                     knn: int | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One year: scatter the long rows into a dense locations × products matrix by integer codes (no string
    joins), compute, and return the location-major grid with results, plus the rows left out."""
    values_long = part[val].to_numpy()
    loc_names, loc_codes = _codes(part[loc])
    prod_names, prod_codes = _codes(part[prod])
    flat = loc_codes * prod_names.len() + prod_codes
    if np.bincount(flat, minlength=loc_names.len() * prod_names.len()).max() > 1:
        raise InvalidArgument("df", f"duplicate ({time}, {loc}, {prod}) rows in {time} {t}")
    full = np.zeros((loc_names.len(), prod_names.len()))
    full[loc_codes, prod_codes] = values_long
    keep_loc, keep_prod = full.sum(axis=1) != 0, full.sum(axis=0) != 0
    if keep_loc.sum() < 2 or keep_prod.sum() < 2:
        raise InvalidArgument("df", f"{time} {t}: needs at least 2 locations and 2 products with output")
    values = full[keep_loc][:, keep_prod]
    result = _year(values, presence, threshold, continuous, asymmetric, knn)
    n_loc, n_prod = values.shape
    per_location, per_product = ("diversity", "eci", "coi"), ("ubiquity", "pci")
    columns = {name: np.repeat(arr, n_prod) if name in per_location else np.tile(arr, n_loc)
               if name in per_product else arr.ravel() for name, arr in result.items()}
    locs, prods = loc_names.filter(pl.Series(keep_loc)), prod_names.filter(pl.Series(keep_prod))
    grid = pl.DataFrame([
        pl.Series(time, [t]).cast(part.schema[time]).gather(np.zeros(n_loc * n_prod, dtype=np.int64)),
        locs.gather(np.repeat(np.arange(n_loc), n_prod)),
        prods.gather(np.tile(np.arange(n_prod), n_loc)),
        pl.Series(val, values.ravel()),
        *(pl.Series(k, v) for k, v in columns.items()),
    ])
    dropped = part.filter(~pl.Series(keep_loc[loc_codes] & keep_prod[prod_codes]))
    return grid, dropped


def complexity(df: Any, time: str = "year", loc: str = "zone_id", prod: str = "industry", val: str = "value",
               presence: str = "rca", threshold: float = 1.0, *, continuous: bool = False,
               asymmetric: bool = False, knn: int | None = None) -> pl.DataFrame:
    """Complexity measures per year, with py-ecomplexity's names, definitions and normalisation.

    Returns the input columns plus ``rca, mcp, diversity, ubiquity, eci, pci, density, coi, cog`` for every
    location × product of each year (missing combinations filled with value 0); locations or products whose
    total is 0 in a year are left out of that year's calculation and keep null results.

    Conventions (py-ecomplexity 0.5.3): M_cp = 1 when RCA_cp ≥ ``threshold`` (or ``presence="manual"``: the
    value is M_cp); diversity k_c,0 = Σ_p M_cp, ubiquity k_p,0 = Σ_c M_cp; ECI standardised by its own mean and
    std; PCI standardised by the ECI's mean and std; COI_c = Σ_p ω_cp (1 − M_cp) PCI_p, standardised;
    COG_cp = (1 − M_cp) Σ_p' (1 − M_cp') φ_pp' PCI_p' / Σ_p'' φ_pp'' divided by the ECI's std (COI and COG use
    the raw PCI before standardisation).
    """
    frame = df if isinstance(df, pl.DataFrame) else pl.from_pandas(df)
    missing = [c for c in (time, loc, prod, val) if c not in frame.columns]
    if missing:
        raise InvalidArgument("df", f"missing columns {missing}; name them with time=, loc=, prod=, val=")
    if presence not in ("rca", "manual"):
        raise InvalidArgument("presence", f"choose 'rca' or 'manual', got {presence!r}")
    data = frame.select(time, loc, prod, pl.col(val).cast(pl.Float64).fill_nan(None).fill_null(0.0))
    if data.select(pl.col(val).lt(0).any()).item():
        raise InvalidArgument("df", f"column {val!r} has negative values")
    out, left_out = [], []
    for (t,), part in data.sort(time).group_by(time, maintain_order=True):
        computed, dropped = _complexity_year(part, t, time, loc, prod, val, presence, threshold, continuous,
                                             asymmetric, knn)
        out.append(computed)
        if dropped.height:
            left_out.append(dropped)
    computed = pl.concat(out)
    if left_out:  # zero-total locations/products: kept with null results (as py-ecomplexity's outer merge)
        computed = pl.concat([computed, *left_out], how="diagonal_relaxed").sort(time, loc, prod)
    extra = [c for c in frame.columns if c not in (time, loc, prod, val)]
    if extra:
        computed = computed.join(frame.select(time, loc, prod, *extra), on=[time, loc, prod], how="left",
                                 maintain_order="left")
    return computed
