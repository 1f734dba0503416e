"""Cross-check of parknet.analysis.relatedness.complexity against Harvard Growth Lab's py-ecomplexity 0.5.3
(test-only oracle) on generated panels: ECI/PCI Pearson ≥ 0.99999, density/COI/COG max abs diff ≤ 1e-9
(default, non-kNN options), plus RCA/M/diversity/ubiquity exactly."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
from ecomplexity import ecomplexity

from parknet.analysis.relatedness import complexity


def panel(seed: int, n_loc: int, n_prod: int, years: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    capability = rng.lognormal(0, 1, size=n_loc)
    requirement = rng.lognormal(0, 1, size=n_prod)
    for year in range(2018, 2018 + years):
        value = rng.lognormal(5, 1.5, size=(n_loc, n_prod)) * (rng.random((n_loc, n_prod)) <
                                                              np.clip(capability[:, None] / requirement[None, :], 0.05, 0.95))
        for i in range(n_loc):
            for j in range(n_prod):
                rows.append((year, f"z{i:03d}", f"p{j:03d}", float(value[i, j])))
    return pd.DataFrame(rows, columns=["year", "zone_id", "industry", "value"])


def reference(df: pd.DataFrame, **kwargs: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity(df, {"time": "year", "loc": "zone_id", "prod": "industry", "val": "value"},
                          check_logsupermodularity=False, verbose=False, **kwargs)
    return out.sort_values(["year", "zone_id", "industry"]).reset_index(drop=True)


@pytest.mark.parametrize("seed,n_loc,n_prod", [(0, 40, 60), (1, 80, 50), (2, 450, 120), (4, 520, 610)])  # last: Lanczos path
def test_equal_to_ecomplexity(seed: int, n_loc: int, n_prod: int) -> None:
    df = panel(seed, n_loc, n_prod)
    ref = reference(df)
    ours = complexity(pl.from_pandas(df)).to_pandas()
    assert len(ours) == len(ref)
    for column in ("rca", "mcp", "diversity", "ubiquity"):
        np.testing.assert_allclose(ours[column], ref[column], rtol=1e-12, equal_nan=True)
    for column in ("eci", "pci"):
        for year in (2018, 2019):
            mask = ours["year"] == year
            assert np.corrcoef(ours.loc[mask, column], ref.loc[mask, column])[0, 1] >= 0.99999
    for column in ("density", "coi", "cog"):
        assert np.nanmax(np.abs(ours[column].to_numpy() - ref[column].to_numpy())) <= 1e-9, column


def test_continuous_proximity_matches(seed: int = 3) -> None:
    df = panel(seed, 30, 40, years=1)
    ref = reference(df, continuous=True)
    ours = complexity(pl.from_pandas(df), continuous=True).to_pandas()
    assert np.nanmax(np.abs(ours["density"].to_numpy() - ref["density"].to_numpy())) <= 1e-9
