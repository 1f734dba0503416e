"""Properties of the polarization measures (hypothesis) and their bad-input errors; Dagum's O(n log n)
decomposition against a direct O(n²) implementation of Dagum (1997)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parknet.analysis import polarization as pn
from parknet.errors import InvalidArgument

positive = st.lists(st.floats(0.5, 1e6, allow_nan=False), min_size=3, max_size=60)


@given(positive, st.floats(0.01, 1e4))
def test_scale_invariance(x: list[float], c: float) -> None:
    y = np.array(x) * c
    assert pn.gini(y) == pytest.approx(pn.gini(x), abs=1e-9)
    assert pn.theil(y).total == pytest.approx(pn.theil(x).total, abs=1e-9)
    assert pn.theil(y, kind="L").total == pytest.approx(pn.theil(x, kind="L").total, abs=1e-9)
    assert pn.atkinson(y, 0.5) == pytest.approx(pn.atkinson(x, 0.5), abs=1e-9)
    assert pn.cv(y) == pytest.approx(pn.cv(x), rel=1e-9)


@given(positive, st.integers(2, 4))
def test_population_replication_invariance(x: list[float], copies: int) -> None:
    y = np.tile(x, copies)
    assert pn.gini(y) == pytest.approx(pn.gini(x), abs=1e-9)
    assert pn.theil(y).total == pytest.approx(pn.theil(x).total, abs=1e-9)
    assert pn.atkinson(y, 2) == pytest.approx(pn.atkinson(x, 2), abs=1e-9)


@given(positive, st.floats(0.01, 0.49))
def test_pigou_dalton_transfer_lowers_inequality(x: list[float], fraction: float) -> None:
    y = np.sort(np.array(x))
    if y[-1] - y[0] < 1e-6:
        return
    amount = fraction * (y[-1] - y[0])  # from the richest to the poorest, not reversing their order
    z = y.copy()
    z[0] += amount
    z[-1] -= amount
    assert pn.gini(z) < pn.gini(y)
    assert pn.theil(z).total < pn.theil(y).total
    assert pn.theil(z, kind="L").total < pn.theil(y, kind="L").total


@given(positive, st.lists(st.integers(0, 3), min_size=60, max_size=60))
def test_decompositions_add_up(x: list[float], labels: list[int]) -> None:
    groups = np.array(labels[: len(x)])
    for kind in ("T", "L"):
        r = pn.theil(x, groups, kind=kind)
        assert r.between + r.within == pytest.approx(r.total, abs=1e-12)
    if len(set(groups.tolist())) >= 2:
        d = pn.dagum(x, groups)
        assert d.within + d.between_net + d.transvariation == pytest.approx(d.total, abs=1e-12)
        assert d.total == pytest.approx(pn.gini(x), abs=1e-12)


def dagum_direct(x: np.ndarray, groups: np.ndarray) -> tuple[float, float, float]:
    """Dagum (1997) term by term with explicit O(n²) pair sums, the reference for the fast version."""
    labels = np.unique(groups)
    n, mu = x.size, x.mean()
    parts = {g: x[groups == g] for g in labels}
    means = {g: parts[g].mean() for g in labels}
    p = {g: parts[g].size / n for g in labels}
    s = {g: p[g] * means[g] / mu for g in labels}
    within = sum(np.abs(parts[g][:, None] - parts[g][None, :]).sum() / (2 * parts[g].size ** 2 * means[g])
                 * p[g] * s[g] for g in labels)
    net = trans = 0.0
    ordered = sorted(labels, key=lambda g: -means[g])
    for i, j in enumerate(ordered):
        for h in ordered[i + 1:]:
            diff = parts[j][:, None] - parts[h][None, :]
            g_jh = np.abs(diff).sum() / (parts[j].size * parts[h].size * (means[j] + means[h]))
            d_plus, p_minus = np.clip(diff, 0, None).mean(), np.clip(-diff, 0, None).mean()
            d_jh = (d_plus - p_minus) / (d_plus + p_minus)
            w = p[j] * s[h] + p[h] * s[j]
            net += g_jh * w * d_jh
            trans += g_jh * w * (1 - d_jh)
    return within, net, trans


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_dagum_equals_the_direct_quadratic_formula(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.lognormal(2, 1, size=800).round(1)  # ties included
    groups = rng.choice(["east", "central", "west", "northeast"], size=x.size, p=[0.4, 0.25, 0.25, 0.1])
    fast = pn.dagum(x, groups)
    within, net, trans = dagum_direct(x, groups)
    assert (fast.within, fast.between_net, fast.transvariation) == pytest.approx((within, net, trans), rel=1e-10)


def test_gini_weighted_equals_replicated_units() -> None:
    x = np.array([3.0, 1.0, 7.0, 7.0, 2.0])
    w = np.array([2, 1, 3, 1, 4])
    assert pn.gini(x, w) == pytest.approx(pn.gini(np.repeat(x, w)), abs=1e-12)


def test_concentration_measures() -> None:
    assert pn.top_share([5, 1, 1, 1, 2], 2) == pytest.approx(0.7)
    assert pn.top_share([1, 2], 10) == 1.0
    assert pn.hhi([1, 1, 1, 1]) == pytest.approx(0.25)
    assert pn.hhi([0, 0, 9]) == pytest.approx(1.0)
    population, shares = pn.lorenz([1, 3])
    assert population.tolist() == [0, 0.5, 1] and shares.tolist() == [0, 0.25, 1]


def test_esteban_ray_with_alpha_zero_is_twice_the_gini() -> None:
    x = np.random.default_rng(3).lognormal(size=300)
    assert pn.esteban_ray(x, alpha=0) == pytest.approx(2 * pn.gini(x), rel=1e-10)
    assert pn.esteban_ray([1, 1, 9, 9], 1.3) > pn.esteban_ray([1, 3, 7, 9], 1.3)  # two poles polarize more


def test_beta_convergence_recovers_a_known_slope() -> None:
    rng = np.random.default_rng(5)
    y0 = rng.lognormal(3, 0.8, size=400)
    years = 10
    growth = 0.05 - 0.01 * np.log(y0) + rng.normal(0, 0.001, size=y0.size)
    r = pn.beta_convergence(y0, y0 * np.exp(growth * years), years)
    assert r.slope == pytest.approx(-0.01, abs=5e-4) and r.t < -10
    assert r.beta == pytest.approx(-np.log(1 - 0.1) / 10, rel=0.05)
    assert r.half_life == pytest.approx(np.log(2) / r.beta)


def test_sigma_convergence_falls_when_units_converge() -> None:
    panel = np.array([[1.0, 2.0, 3.0], [4.0, 3.5, 3.2], [9.0, 6.0, 4.0]])
    s = pn.sigma_convergence(panel)
    assert s.std_log[0] > s.std_log[1] > s.std_log[2]


@pytest.mark.parametrize("call,argument", [
    (lambda: pn.gini([1, float("nan")]), "values"),
    (lambda: pn.gini([]), "values"),
    (lambda: pn.gini([5.0]), "values"),
    (lambda: pn.theil([5.0]), "values"),
    (lambda: pn.gini([0, 0, 0]), "values"),
    (lambda: pn.gini([1, -2]), "values"),
    (lambda: pn.theil([1, 0, 2], kind="L"), "values"),
    (lambda: pn.theil([1, 2], kind="X"), "kind"),
    (lambda: pn.theil([1, 2, 3], [1, 2]), "groups"),
    (lambda: pn.atkinson([0, 1], 0.5), "values"),
    (lambda: pn.atkinson([1, 2], -1), "epsilon"),
    (lambda: pn.dagum([1, 2, 3], ["a", "a", "a"]), "groups"),
    (lambda: pn.top_share([1, 2], 0), "k"),
    (lambda: pn.markov([[1, 2, 3]], 5), "panel"),
    (lambda: pn.markov(np.ones((10, 3)), 20), "k"),
    (lambda: pn.beta_convergence([1, 2, 3], [1, 2], 5), "final"),
    (lambda: pn.beta_convergence([2, 2, 2], [1, 2, 3], 5), "initial"),
    (lambda: pn.gini([1, 2], weights=[1]), "weights"),
    (lambda: pn.esteban_ray([1, 2], alpha=3), "alpha"),
    (lambda: pn.wolfson([0, 0, 5]), "values"),
])
def test_bad_input_names_the_argument(call, argument: str) -> None:  # noqa: ANN001
    with pytest.raises(InvalidArgument) as info:
        call()
    assert info.value.argument == argument
