"""Cross-check of parknet.analysis.polarization against PySAL (inequality 1.x, giddy, mapclassify): their
published example numbers on the Mexico state-income data (hanson98 regions) and US state incomes (usjoin),
and their implementations on random data. PySAL packages are test-only oracles."""

from __future__ import annotations

import giddy
import inequality
import libpysal
import mapclassify
import numpy as np
import pytest

from parknet.analysis import polarization as pn


@pytest.fixture(scope="module")
def mexico() -> tuple[np.ndarray, np.ndarray]:
    f = libpysal.io.open(libpysal.examples.get_path("mexico.csv"))
    y = np.array([f.by_col[f"pcgdp{decade}"] for decade in range(1940, 2010, 10)]).T
    return y, np.array(f.by_col["hanson98"])


@pytest.fixture(scope="module")
def usjoin() -> np.ndarray:
    f = libpysal.io.open(libpysal.examples.get_path("usjoin.csv"))
    return np.array([f.by_col[str(year)] for year in range(1929, 2010)]).T


def test_gini_mexico_1940_published(mexico) -> None:  # noqa: ANN001
    assert pn.gini(mexico[0][:, 0]) == pytest.approx(0.35372371173452849, abs=1e-15)


def test_theil_t_mexico_published(mexico) -> None:  # noqa: ANN001
    y, regions = mexico
    totals = [pn.theil(y[:, t]).total for t in range(7)]
    between = [pn.theil(y[:, t], regions).between for t in range(7)]
    assert totals == pytest.approx([0.20894344, 0.15222451, 0.10472941, 0.10194725, 0.09560113, 0.10511256,
                                    0.10660832], abs=5e-9)
    assert between == pytest.approx([0.0345889, 0.02816853, 0.05260921, 0.05931219, 0.03205257, 0.02963731,
                                     0.03635872], abs=5e-9)


def test_theil_decomposition_equals_pysal_theild(mexico) -> None:  # noqa: ANN001
    y, regions = mexico
    d = inequality.theil.TheilD(y, regions)
    for t in range(7):
        result = pn.theil(y[:, t], regions)
        assert result.between == pytest.approx(float(np.ravel(d.bg)[t]), rel=1e-10)
        assert result.within == pytest.approx(float(np.ravel(d.wg)[t]), rel=1e-10)


def test_atkinson_and_wolfson_published() -> None:
    assert pn.atkinson([10, 20, 30, 40, 50], 0.5) == pytest.approx(0.06315, abs=5e-6)
    assert pn.atkinson([10, 20, 30, 40, 50], 1) == pytest.approx(0.1316096, abs=5e-8)
    assert pn.wolfson([6, 6, 8, 8, 10, 10, 12, 12]) == pytest.approx(1 / 12, abs=1e-15)


def test_markov_usjoin_published(usjoin) -> None:  # noqa: ANN001
    pci = usjoin.T  # years × states as in giddy's example
    relative = (pci.T / pci.mean(axis=1)).T
    result = pn.markov(relative.T, k=5)
    assert result.counts[0].tolist() == [729, 71, 1, 0, 0]
    assert result.steady_state == pytest.approx([0.20774716, 0.18725774, 0.20740537, 0.18821787, 0.20937187],
                                                abs=5e-8)
    assert result.shorrocks == pytest.approx(0.19758992, abs=5e-8)


def test_quantile_classes_equal_mapclassify(usjoin) -> None:  # noqa: ANN001
    for t in range(0, usjoin.shape[1], 10):
        assert pn.quantile_classes(usjoin[:, t], 5).tolist() == mapclassify.Quantiles(usjoin[:, t], k=5).yb.tolist()


def test_markov_equals_giddy_on_random_panels() -> None:
    rng = np.random.default_rng(1)
    panel = rng.lognormal(size=(200, 12))
    q = np.array([mapclassify.Quantiles(panel[:, t], k=4).yb for t in range(12)]).T
    reference = giddy.markov.Markov(q)
    ours = pn.markov(panel, k=4)
    assert ours.counts.tolist() == np.asarray(reference.transitions).tolist()
    assert ours.probabilities == pytest.approx(np.asarray(reference.p))
    assert ours.steady_state == pytest.approx(np.ravel(reference.steady_state))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gini_theil_atkinson_equal_pysal_on_random_data(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.lognormal(3, 1.2, size=5_000)
    groups = rng.integers(0, 31, size=x.size)
    assert pn.gini(x) == pytest.approx(inequality.gini.Gini(x).g, rel=1e-12)
    assert pn.theil(x).total == pytest.approx(float(np.ravel(inequality.theil.Theil(x).T)[0]), rel=1e-9)
    d = inequality.theil.TheilD(x, groups)
    result = pn.theil(x, groups)
    assert result.between == pytest.approx(float(np.ravel(d.bg)[0]), rel=1e-9)
    assert pn.atkinson(x, 1.5) == pytest.approx(inequality.atkinson.Atkinson(x, 1.5).A, rel=1e-12)
    assert pn.wolfson(x) == pytest.approx(inequality.wolfson.wolfson(x), rel=1e-12)
