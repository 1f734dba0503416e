"""Cooperative games: published and hand-derived allocations (Talmud bankruptcy, Peleg–Sudhölter, glove,
airport), the Shapley axioms and least-core/nucleolus relations as properties, the sampled Shapley value
against the exact one, and the bad-input messages. Coalitions in the sources are 1-based; players here
are 0-based."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parknet.errors import InvalidArgument
from parknet.sharing.games import (
    Game, banzhaf, in_core, least_core, max_excess, nucleolus, prenucleolus, shapley, shapley_sample,
)


def talmud(estate: float, claims: tuple[float, ...] = (100, 200, 300)) -> Game:
    """Bankruptcy game v(S) = max(0, E − Σ claims outside S) (O'Neill 1982)."""
    return Game.from_function(len(claims), lambda s: max(0.0, estate - sum(c for i, c in enumerate(claims)
                                                                             if i not in s)))


PELEG_SUDHOLTER = Game.from_dict({frozenset({0, 1}): 10, frozenset({0, 1, 2}): 2, frozenset({0}): 0,
                                  frozenset({1}): 0, frozenset({2}): 0, frozenset({0, 2}): 0,
                                  frozenset({1, 2}): 0})
GLOVE = Game.from_function(3, lambda s: float(0 in s and bool(s & {1, 2})))  # 0 has the left glove
AIRPORT = Game.from_function(3, lambda s: max((1.0, 2.0, 4.0)[i] for i in s))  # a cost game


@pytest.mark.parametrize(("estate", "expected"), [
    (100, [100 / 3, 100 / 3, 100 / 3]), (200, [50, 75, 75]), (300, [50, 100, 150])])
def test_nucleolus_of_talmud_bankruptcy_is_aumann_maschler(estate: float, expected: list[float]) -> None:
    assert nucleolus(talmud(estate)) == pytest.approx(expected, abs=1e-9)
    assert prenucleolus(talmud(estate)) == pytest.approx(expected, abs=1e-9)  # the core is non-empty


def test_peleg_sudholter_nucleolus_and_prenucleolus_differ() -> None:
    assert nucleolus(PELEG_SUDHOLTER) == pytest.approx([1, 1, 0], abs=1e-9)
    assert prenucleolus(PELEG_SUDHOLTER) == pytest.approx([3, 3, -4], abs=1e-9)
    assert not PELEG_SUDHOLTER.is_superadditive()  # still solved


def test_glove_game_shapley_core_and_nucleolus() -> None:
    assert shapley(GLOVE) == pytest.approx([2 / 3, 1 / 6, 1 / 6], abs=1e-12)
    assert nucleolus(GLOVE) == pytest.approx([1, 0, 0], abs=1e-9)
    assert in_core(GLOVE, [1, 0, 0])
    assert not in_core(GLOVE, shapley(GLOVE))
    assert max_excess(GLOVE, [0.5, 0.5, 0]) == (frozenset({0, 2}), pytest.approx(0.5))
    epsilon, allocation = least_core(GLOVE)
    assert epsilon == pytest.approx(0, abs=1e-9)  # the core is the single point (1, 0, 0)
    assert allocation == pytest.approx([1, 0, 0], abs=1e-9)
    assert GLOVE.is_superadditive() and not GLOVE.is_convex()


def test_airport_cost_game_shapley_is_littlechild_owen() -> None:
    assert shapley(AIRPORT) == pytest.approx([1 / 3, 5 / 6, 17 / 6], abs=1e-12)
    savings = Game.from_function(3, lambda s: sum(AIRPORT.value({i}) for i in s) - AIRPORT.value(s))
    assert savings.is_convex()


def test_banzhaf_is_raw_and_game_accessors() -> None:
    assert banzhaf(GLOVE) == pytest.approx([3 / 4, 1 / 4, 1 / 4])  # sums to 1.25, not v(N)
    assert (GLOVE.n, GLOVE.grand, GLOVE.value([0, 2]), GLOVE.value([])) == (3, 1.0, 1.0, 0.0)
    assert repr(GLOVE) == "Game(n=3, v(N)=1)"
    assert nucleolus(Game([0.0, 5.0])) == pytest.approx([5.0])


def test_large_values_keep_tolerances_relative() -> None:
    big = Game(talmud(200).v * 1e7)  # e.g. yuan instead of 万元
    assert nucleolus(big) == pytest.approx([5e8, 7.5e8, 7.5e8], rel=1e-12)
    assert in_core(big, nucleolus(big))


# --- properties ---------------------------------------------------------------------------------------

@st.composite
def games(draw: st.DrawFn, min_n: int = 2, max_n: int = 6, imputations: bool = False) -> Game:
    n = draw(st.integers(min_n, max_n))
    values = draw(st.lists(st.integers(-20, 40), min_size=2**n - 1, max_size=2**n - 1))
    v = np.array([0.0, *values])
    if imputations:
        v[-1] = max(v[-1], v[1 << np.arange(n)].sum())
    return Game(v)


def _excesses(game: Game, x: np.ndarray) -> np.ndarray:
    sums = np.array([sum(x[i] for i in range(game.n) if m >> i & 1) for m in range(2**game.n)])
    return (game.v - sums)[1:-1]


@given(games())
def test_shapley_is_efficient(game: Game) -> None:
    assert shapley(game).sum() == pytest.approx(game.grand, abs=1e-9)


@given(games(), st.data())
def test_shapley_treats_symmetric_players_alike(game: Game, data: st.DataObject) -> None:
    i, j = data.draw(st.lists(st.integers(0, game.n - 1), min_size=2, max_size=2, unique=True))
    masks = np.arange(2**game.n)
    swapped = masks & ~((1 << i) | (1 << j)) | ((masks >> i & 1) << j) | ((masks >> j & 1) << i)
    symmetric = Game((game.v + game.v[swapped]) / 2)
    phi, beta = shapley(symmetric), banzhaf(symmetric)
    assert phi[i] == pytest.approx(phi[j], abs=1e-9)
    assert beta[i] == pytest.approx(beta[j], abs=1e-9)


@given(games(), st.data())
def test_null_player_gets_nothing(game: Game, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, game.n - 1))
    null = Game(game.v[np.arange(2**game.n) & ~(1 << k)])  # v(S) = v(S ∖ {k})
    assert shapley(null)[k] == pytest.approx(0, abs=1e-9)
    assert banzhaf(null)[k] == pytest.approx(0, abs=1e-9)


@given(games(min_n=3, max_n=3), games(min_n=3, max_n=3))
def test_shapley_is_additive(a: Game, b: Game) -> None:
    assert shapley(Game(a.v + b.v)) == pytest.approx(shapley(a) + shapley(b), abs=1e-9)


def test_shapley_matches_the_permutation_definition() -> None:
    game = Game(np.concatenate([[0.0], np.random.default_rng(7).normal(size=2**5 - 1)]))
    phi = np.zeros(5)
    for order in itertools.permutations(range(5)):
        mask = 0
        for p in order:
            phi[p] += game.v[mask | 1 << p] - game.v[mask]
            mask |= 1 << p
    assert shapley(game) == pytest.approx(phi / math.factorial(5), abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(games())
def test_prenucleolus_lies_in_the_least_core(game: Game) -> None:
    epsilon, allocation = least_core(game)
    assert _excesses(game, allocation).max() == pytest.approx(epsilon, abs=1e-6)
    x = prenucleolus(game)
    assert x.sum() == pytest.approx(game.grand, abs=1e-6)
    assert _excesses(game, x).max() == pytest.approx(epsilon, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(games(imputations=True))
def test_nucleolus_is_an_imputation_in_the_least_core_and_in_a_non_empty_core(game: Game) -> None:
    x = nucleolus(game)
    assert x.sum() == pytest.approx(game.grand, abs=1e-6)
    assert (x >= game.v[1 << np.arange(game.n)] - 1e-6).all()
    epsilon = least_core(game, individually_rational=True).epsilon
    assert _excesses(game, x).max() == pytest.approx(epsilon, abs=1e-6)
    if least_core(game).epsilon <= 0:
        assert in_core(game, x, tol=1e-7)
        assert x == pytest.approx(prenucleolus(game), abs=1e-6)


def test_sampled_shapley_is_close_to_exact_and_reproducible() -> None:
    game = Game(np.concatenate([[0.0], np.random.default_rng(11).random(2**8 - 1) * 10]))
    values, errors = shapley_sample(game.value, 8, 2000, seed=3)
    assert (np.abs(values - shapley(game)) <= 4 * errors).all()
    assert values.sum() == pytest.approx(game.grand)  # every order is efficient
    again = shapley_sample(game.value, 8, 2000, seed=3)
    assert (again.values == values).all() and (again.standard_errors == errors).all()


# --- bad input ----------------------------------------------------------------------------------------

def test_incomplete_function_names_the_missing_coalitions() -> None:
    partial = {frozenset({0}): 1, frozenset({1}): 1, frozenset({0, 1}): 3, frozenset({0, 1, 2}): 4}
    with pytest.raises(InvalidArgument, match=r"3 of the 7 non-empty coalitions of players 0\.\.2 have no "
                                              r"value: \{2\}, \{0, 2\}, \{1, 2\}$"):
        Game.from_dict(partial)
    many = {frozenset({0, 1, 2, 3, 4, 5}): 1}
    with pytest.raises(InvalidArgument, match=r"62 of the 63 .*: \{0\}, \{1\}, \{0, 1\}, \{2\}, \{0, 2\} and "
                                              r"57 more"):
        Game.from_dict(many)


def test_too_many_players_for_exact_points_to_sampling() -> None:
    with pytest.raises(InvalidArgument, match=r"^n: 26 players.*at most 25 players; use shapley_sample"):
        Game.from_function(26, lambda s: len(s))
    values, errors = shapley_sample(lambda s: float(len(s)) ** 2, 30, 50, seed=0)
    assert values.sum() == pytest.approx(900) and values.shape == errors.shape == (30,)


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Game([0.0, 1.0, 2.0]), "needs 2ⁿ values"),
    (lambda: Game([1.0, 1.0]), "empty coalition's value and must be 0"),
    (lambda: Game([0.0, np.nan]), r"coalition \{0\} has a NaN"),
    (lambda: Game.from_dict({frozenset({0}): "a lot"}), r"coalition \{0\} must be a finite number"),
    (lambda: Game.from_dict({(0, 1): 1, (1, 0): 2, (0,): 0, (1,): 0}), r"\{0, 1\} is given twice"),
    (lambda: Game.from_dict({frozenset({-1}): 1}), "players are whole numbers"),
    (lambda: Game.from_function(2, lambda s: None), r"coalition \{0\} must be a finite number"),
    (lambda: nucleolus(Game([0, 3, 3, 5])), "imputation set is empty"),
    (lambda: least_core(Game([0.0, 1.0])), "at least 2 players"),
    (lambda: in_core(GLOVE, [1, 0]), "one value per player"),
    (lambda: shapley([0, 1]), "must be a Game"),
    (lambda: shapley_sample(len, 3, 1, seed=0), "samples: must be a whole number ≥ 2"),
    (lambda: shapley_sample(len, 3, 10, seed=None), "seed: must be an integer"),
])
def test_bad_input_is_refused_with_a_message(build, message: str) -> None:  # noqa: ANN001
    with pytest.raises(InvalidArgument, match=message):
        build()
