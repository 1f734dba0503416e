"""ParkNet's complexity() against py-ecomplexity 0.5.3 on 3,000 locations × 5,000 products, one year.

Anchor: ``ecomplexity.ecomplexity`` with its defaults (as a user would call it; its log-supermodularity
check samples pairs) on the same data in the same run. Target: ParkNet ≥ 20× faster with the same
results (ECI/PCI correlation, density/COI/COG max abs difference printed). py-ecomplexity solves a dense
products × products non-symmetric eigenproblem; ParkNet a symmetric one on the smaller side (Lanczos).

Usage: .venv/bin/python benchmarks/relatedness_vs_ecomplexity.py [--locations 3000] [--products 5000]
(the full size takes py-ecomplexity several minutes)
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
import polars as pl

from parknet.analysis.relatedness import complexity


def data(n_loc: int, n_prod: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    capability = rng.lognormal(0, 1, size=n_loc)
    requirement = rng.lognormal(0, 1, size=n_prod)
    present = rng.random((n_loc, n_prod)) < np.clip(capability[:, None] / requirement[None, :], 0.02, 0.9)
    value = rng.lognormal(5, 1.5, size=(n_loc, n_prod)) * present
    locs = np.repeat([f"z{i:05d}" for i in range(n_loc)], n_prod)
    prods = np.tile([f"p{j:05d}" for j in range(n_prod)], n_loc)
    return pd.DataFrame({"year": 2019, "zone_id": locs, "industry": prods, "value": value.ravel()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--locations", type=int, default=3000)
    parser.add_argument("--products", type=int, default=5000)
    args = parser.parse_args()
    df = data(args.locations, args.products)
    frame = pl.from_pandas(df)
    start = time.perf_counter()
    ours = complexity(frame).to_pandas()
    t_ours = time.perf_counter() - start
    from ecomplexity import ecomplexity

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ecomplexity(df, {"time": "year", "loc": "zone_id", "prod": "industry", "val": "value"}, verbose=False)
    t_ref = time.perf_counter() - start
    ref = ref.sort_values(["year", "zone_id", "industry"]).reset_index(drop=True)
    print(f"relatedness_vs_ecomplexity: {args.locations:,} locations × {args.products:,} products, one year")
    print(f"ParkNet complexity()      {t_ours:8.1f} s")
    print(f"py-ecomplexity 0.5.3      {t_ref:8.1f} s   (defaults)")
    print(f"speed-up                  {t_ref / t_ours:8.1f}×   target ≥ 20×: {'met' if t_ref / t_ours >= 20 else 'NOT met'}")
    for column in ("eci", "pci"):
        print(f"{column} Pearson r            {np.corrcoef(ours[column], ref[column])[0, 1]:.8f}")
    for column in ("density", "coi", "cog"):
        print(f"{column} max abs difference  {np.nanmax(np.abs(ours[column].to_numpy() - ref[column].to_numpy())):.2e}")


if __name__ == "__main__":
    main()
