"""Cross-check of parknet.analysis.linkages against pymrio (Stadler 2021, "Pymrio – A Python Based
Multi-Regional Input-Output Analysis Toolbox", J. Open Research Software 9), the external reference: its
bundled test MRIO (6 regions × 8 sectors) with ``calc_all(include_ghosh=True)`` gives A, L, B and G, which
ParkNet must reproduce from Z and x alone. pymrio is a test-only oracle."""

from __future__ import annotations

import numpy as np
import pymrio
import pytest

from parknet.analysis.linkages import IOTable

TOL = 1e-9


@pytest.fixture(scope="module")
def mrio():  # noqa: ANN201 — a pymrio.IOSystem
    return pymrio.load_test().calc_all(include_ghosh=True)


@pytest.fixture(scope="module")
def table(mrio) -> IOTable:  # noqa: ANN001
    labels = [f"{region}/{sector}" for region, sector in mrio.Z.index]
    return IOTable(mrio.Z, mrio.x, labels)


def _max_abs(ours: np.ndarray, theirs: object) -> float:
    return float(np.abs(ours - np.asarray(theirs, dtype=float)).max())


def test_labels_flatten_region_and_sector(table: IOTable, mrio) -> None:  # noqa: ANN001
    assert len(table.labels) == mrio.Z.shape[0] == 48
    assert table.labels[0] == "reg1/food"
    assert list(mrio.A.columns) == list(mrio.Z.index)


def test_technical_coefficients_equal_pymrio(table: IOTable, mrio) -> None:  # noqa: ANN001
    assert _max_abs(table.A.values, mrio.A) < TOL


def test_leontief_inverse_equals_pymrio(table: IOTable, mrio) -> None:  # noqa: ANN001
    assert _max_abs(table.L.values, mrio.L) < TOL


def test_allocation_coefficients_and_ghosh_inverse_equal_pymrio(table: IOTable, mrio) -> None:  # noqa: ANN001
    assert _max_abs(table.B.values, mrio.B) < TOL
    assert _max_abs(table.G.values, mrio.G) < TOL  # pymrio: G = (I − B)⁻¹ from B


def test_ghosh_inverse_equals_pymrio_shortcut_from_l_and_x(table: IOTable, mrio) -> None:  # noqa: ANN001
    shortcut = pymrio.calc_G(mrio.B, L=mrio.L, x=mrio.x)  # G = x̂⁻¹ L x̂
    assert _max_abs(table.G.values, shortcut) < TOL


def test_total_output_is_reproduced_from_final_demand(table: IOTable, mrio) -> None:  # noqa: ANN001
    f = mrio.Y.sum(axis=1).to_numpy()
    assert np.abs(table.L.values @ f - mrio.x.to_numpy().ravel()).max() < 1e-6 * mrio.x.to_numpy().max()
