"""Evaluation methods against published and hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from parknet.errors import InvalidArgument
from parknet.evaluation.methods import ahp, critic_weights, entropy_weights, normalise, topsis, weighted_sum


def test_ahp_saaty_three_criteria_example() -> None:
    # the classic 3 × 3 example: weights ≈ (0.637, 0.258, 0.105), λmax ≈ 3.0385, CR ≈ 0.033 (RI = 0.58)
    r = ahp([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    assert r.weights == pytest.approx([0.637, 0.258, 0.105], abs=5e-4)
    assert r.lambda_max == pytest.approx(3.0385, abs=1e-4)
    assert r.cr == pytest.approx(0.033, abs=5e-4)


def test_ahp_consistent_matrix_has_cr_zero_and_exact_weights() -> None:
    w = np.array([0.5, 0.3, 0.2])
    r = ahp(w[:, None] / w[None, :])
    assert r.weights == pytest.approx(w) and r.cr == pytest.approx(0, abs=1e-12)


def test_ahp_refuses_inconsistent_and_non_reciprocal_matrices() -> None:
    with pytest.raises(InvalidArgument, match="CR = .* ≥ 0.1"):
        ahp([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    with pytest.raises(InvalidArgument, match="reciprocal"):
        ahp([[1, 2], [2, 1]])


def test_entropy_weights_by_hand() -> None:
    # column 1 min-max → (0, .5, 1), p = (0, 1/3, 2/3), e1 = (1/3 ln 3 + 2/3 ln 1.5)/ln 3; column 2 → (0, 0, 1), e2 = 0
    e1 = (math.log(3) / 3 + 2 / 3 * math.log(1.5)) / math.log(3)
    expected = np.array([1 - e1, 1.0]) / (2 - e1)
    assert entropy_weights([[1, 2], [2, 2], [3, 5]]) == pytest.approx(expected, abs=1e-12)


def test_topsis_mobile_phone_example() -> None:
    # the widely used textbook example (price is a cost criterion), equal weights
    x = [[250, 16, 12, 5], [200, 16, 8, 3], [300, 32, 16, 4], [275, 32, 8, 4], [225, 16, 16, 2]]
    scores = topsis(x, [0.25] * 4, [-1, 1, 1, 1])
    assert scores == pytest.approx([0.534277, 0.308368, 0.691632, 0.534737, 0.401046], abs=1e-6)


def test_normalisation_methods_and_directions() -> None:
    x = [[1, 10], [3, 30], [5, 20]]
    assert normalise(x, [1, -1], "minmax")[:, 1] == pytest.approx([1, 0, 0.5])
    assert normalise(x, None, "efficacy")[:, 0] == pytest.approx([60, 80, 100])
    z = normalise(x, None, "zscore")
    assert z.mean(axis=0) == pytest.approx([0, 0]) and z.std(axis=0) == pytest.approx([1, 1])


def test_critic_gives_redundant_criteria_less_weight() -> None:
    rng = np.random.default_rng(0)
    a = rng.random(50)
    x = np.column_stack([a, a * 2 + 0.01 * rng.random(50), rng.random(50)])
    w = critic_weights(x)
    assert w.sum() == pytest.approx(1) and w[2] > w[0] and w[2] > w[1]


def test_weighted_sum_and_bad_input() -> None:
    assert weighted_sum([[1, 0], [0, 1]], [3, 1]) == pytest.approx([0.75, 0.25])
    with pytest.raises(InvalidArgument, match="weights"):
        weighted_sum([[1, 0]], [-1, 1])
    with pytest.raises(InvalidArgument, match="directions"):
        normalise([[1, 2], [3, 4]], [1, 0])
    with pytest.raises(InvalidArgument, match="method"):
        normalise([[1, 2], [3, 4]], None, "rank")
    with pytest.raises(InvalidArgument, match="no criterion varies"):
        entropy_weights([[1, 1], [1, 1]])
