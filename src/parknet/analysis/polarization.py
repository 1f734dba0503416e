"""Concentration and inequality of zone indicators (分化与极化诊断).

Pure functions over array-likes; results are floats or frozen dataclasses.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from parknet.errors import InvalidArgument

__all__ = ["top_share"]


def _nonnegative(values: ArrayLike, name: str = "values") -> np.ndarray:
    arr = np.asarray(values, dtype=float).ravel()
    if arr.size == 0:
        raise InvalidArgument(name, "needs at least one value")
    if not np.all(np.isfinite(arr)):
        raise InvalidArgument(name, "contains NaN or infinite values")
    if np.any(arr < 0):
        raise InvalidArgument(name, "contains negative values")
    return arr


def top_share(values: ArrayLike, k: int) -> float:
    """Share of the total held by the ``k`` largest units (前k位占比).

    S_k = Σ_{i=1..k} x_(i) / Σ_i x_i with x_(1) ≥ x_(2) ≥ … (the article's "top 10 zones hold 36.5% of GDP").
    ``k`` larger than the number of units gives 1.

    Raises
    ------
    InvalidArgument
        ``values`` empty, non-finite, negative or all zero; ``k`` < 1.
    """
    arr = _nonnegative(values)
    if k < 1:
        raise InvalidArgument("k", f"must be at least 1, got {k}")
    total = arr.sum()
    if total == 0:
        raise InvalidArgument("values", "all values are zero: shares are undefined")
    top = np.partition(arr, arr.size - k)[arr.size - k:] if k < arr.size else arr
    return float(top.sum() / total)
