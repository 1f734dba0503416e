"""Polarization measures against PySAL on 1,000,000 units in 31 groups (the provinces).

Anchor: PySAL's ``inequality`` (Gini, TheilD, Atkinson) on the same data in the same run; each ParkNet
measure should be at least as fast (ratio ParkNet/PySAL ≤ 1). Dagum's decomposition has no PySAL
counterpart: ParkNet's O(k·n log n) version is timed on 100,000 (target ≤ 1 s) and 1,000,000 units
(≤ 10 s), and a direct O(n²) implementation on 10,000 units gives the scale. Medians of 5 runs.

Usage: .venv/bin/python benchmarks/polarization_vs_pysal.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np
from inequality.atkinson import Atkinson
from inequality.gini import Gini
from inequality.theil import TheilD

from parknet.analysis import polarization as pn

N, GROUPS, RUNS = 1_000_000, 31, 5


def median_time(fn: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def dagum_quadratic(x: np.ndarray, groups: np.ndarray) -> float:
    """Direct O(n²) pair sums of Dagum (1997): the scale reference."""
    labels = np.unique(groups)
    mu, n = x.mean(), x.size
    total = 0.0
    for j in labels:
        xj = x[groups == j]
        for h in labels:
            xh = x[groups == h]
            total += np.abs(xj[:, None] - xh[None, :]).sum()
    return total / (2 * n * n * mu)


def main() -> None:
    rng = np.random.default_rng(2019)
    x = rng.lognormal(10, 1.5, size=N)
    groups = rng.integers(0, GROUPS, size=N)
    rows = [
        ("Gini", lambda: pn.gini(x), lambda: Gini(x).g),
        ("Theil T + between/within", lambda: pn.theil(x, groups), lambda: TheilD(x, groups)),
        ("Atkinson ε=1.5", lambda: pn.atkinson(x, 1.5), lambda: Atkinson(x, 1.5).A),
    ]
    print(f"polarization_vs_pysal: {N:,} units, {GROUPS} groups, median of {RUNS} runs")
    print(f"{'measure':28}{'ParkNet s':>11}{'PySAL s':>10}{'ratio':>8}")
    for name, ours, theirs in rows:
        a, b = median_time(ours), median_time(theirs)
        print(f"{name:28}{a:>11.3f}{b:>10.3f}{a / b:>7.2f}×  {'ok' if a <= b else 'SLOWER than PySAL'}")
    small_x, small_g = x[:100_000], groups[:100_000]
    t100k = median_time(lambda: pn.dagum(small_x, small_g))
    t1m = median_time(lambda: pn.dagum(x, groups), runs=3)
    ref_x, ref_g = x[:10_000], groups[:10_000]
    t_ref = median_time(lambda: dagum_quadratic(ref_x, ref_g), runs=3)
    fast_10k = median_time(lambda: pn.dagum(ref_x, ref_g))
    assert abs(pn.dagum(ref_x, ref_g).total - dagum_quadratic(ref_x, ref_g)) < 1e-9
    print(f"{'Dagum 100,000 units':28}{t100k:>11.3f}{'':>10}{'':>8}  target ≤ 1 s: {'met' if t100k <= 1 else 'NOT met'}")
    print(f"{'Dagum 1,000,000 units':28}{t1m:>11.3f}{'':>10}{'':>8}  target ≤ 10 s: {'met' if t1m <= 10 else 'NOT met'}")
    print(f"{'Dagum 10,000: O(n²) direct':28}{t_ref:>11.3f}   ParkNet {fast_10k:.4f} s, {t_ref / fast_10k:.0f}× faster")


if __name__ == "__main__":
    main()
