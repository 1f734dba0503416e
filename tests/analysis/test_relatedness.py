"""relatedness: the kNN density with weights (the py-ecomplexity #35 fix), determinism, and bad input."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from parknet.analysis.relatedness import complexity, density, proximity
from parknet.errors import InvalidArgument


def small_frame(seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [(2020, f"z{i}", f"{j:02d}", float(rng.lognormal() * (rng.random() < 0.6)))
            for i in range(12) for j in range(10)]
    return pl.DataFrame(rows, schema=["year", "zone_id", "industry", "value"], orient="row")


def test_knn_density_weights_neighbours_by_proximity() -> None:
    mcp = np.array([[1, 0, 1, 0], [1, 1, 0, 0], [0, 1, 1, 1], [1, 0, 0, 1]], dtype=float)
    phi = proximity(mcp)
    got = density(mcp, phi, knn=2)
    for p in range(4):
        others = [q for q in range(4) if q != p]
        nearest = sorted(others, key=lambda q: (-phi[p, q], q))[:2]
        expected = (mcp[:, nearest] @ phi[p, nearest]) / phi[p, nearest].sum()
        np.testing.assert_allclose(got[:, p], expected, rtol=1e-12)


def test_results_are_deterministic_and_standardised() -> None:
    a, b = complexity(small_frame()), complexity(small_frame())
    assert a.equals(b)
    eci = a.unique(["zone_id"]).get_column("eci").to_numpy()
    assert eci.mean() == pytest.approx(0, abs=1e-12) and eci.std() == pytest.approx(1, abs=1e-12)
    assert set(a.columns) >= {"rca", "mcp", "diversity", "ubiquity", "eci", "pci", "density", "coi", "cog"}


def test_zero_total_locations_keep_null_results() -> None:
    frame = pl.concat([small_frame(), pl.DataFrame({"year": [2020], "zone_id": ["empty"], "industry": ["00"],
                                                    "value": [0.0]})])
    out = complexity(frame)
    empty = out.filter(pl.col("zone_id") == "empty")
    assert empty.height == 1 and empty["eci"].null_count() == 1


@pytest.mark.parametrize("kwargs,argument", [
    ({"presence": "rpop"}, "presence"),
    ({"val": "nope"}, "df"),
])
def test_bad_arguments(kwargs: dict, argument: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        complexity(small_frame(), **kwargs)
    assert info.value.argument == argument


def test_negative_and_duplicate_values_are_refused() -> None:
    negative = small_frame().with_columns(pl.when(pl.col("zone_id") == "z1").then(-1.0).otherwise(pl.col("value")).alias("value"))
    with pytest.raises(InvalidArgument, match="negative"):
        complexity(negative)
    with pytest.raises(InvalidArgument, match="duplicate"):
        complexity(pl.concat([small_frame(), small_frame().head(1)]))
    with pytest.raises(InvalidArgument, match="knn"):
        density(np.eye(3), np.ones((3, 3)), knn=5)
