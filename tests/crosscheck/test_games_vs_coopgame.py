"""Cross-check of parknet.sharing.games against coopgame-py 0.3 (a Rust implementation; test-only oracle):
nucleolus and prenucleolus on seeded random games up to n = 10, Shapley and Banzhaf values up to n = 16,
the least core's ε, and coopgame's own Talmud rule. Games go to coopgame as value vectors in bitmask
order (its default ``order="binary"``), without the empty coalition."""

from __future__ import annotations

import coopgame
import numpy as np
import pytest

from parknet.sharing.games import Game, banzhaf, least_core, nucleolus, prenucleolus, shapley

TOL = 1e-6


def random_game(n: int, seed: int) -> np.ndarray:
    """Values of four kinds: continuous, small integers (many ties, degenerate LPs), 0/1 simple games and
    bankruptcy games; v(N) raised to Σ v({i}) so that the imputation set is non-empty."""
    rng = np.random.default_rng([n, seed])
    members = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    size = members.sum(axis=1)
    kind = seed % 4
    if kind == 0:
        v = rng.normal(size=2**n) * size
    elif kind == 1:
        v = rng.integers(-2, 5, size=2**n).astype(float) * size
    elif kind == 2:
        v = (members @ rng.integers(1, 5, size=n) >= rng.integers(n, 3 * n)).astype(float)
    else:
        claims = rng.integers(1, 20, size=n).astype(float)
        v = np.maximum(0.0, claims.sum() * rng.uniform(0.2, 0.8) - (1 - members) @ claims)
    v[0] = 0.0
    v[-1] = max(v[-1], v[1 << np.arange(n)].sum())
    return v


CASES = [(n, seed) for n in range(2, 11) for seed in range(4 if n <= 8 else 2)]


@pytest.mark.parametrize(("n", "seed"), CASES)
def test_nucleolus_and_prenucleolus_equal_coopgame(n: int, seed: int) -> None:
    v = random_game(n, seed)
    theirs = coopgame.Game(v[1:])
    assert nucleolus(Game(v)) == pytest.approx(coopgame.nucleolus(theirs)["allocation"], abs=TOL)
    assert prenucleolus(Game(v)) == pytest.approx(coopgame.prenucleolus(theirs)["allocation"], abs=TOL)
    for individually_rational, domain in ((False, "preimputation"), (True, "imputation")):
        ours = least_core(Game(v), individually_rational=individually_rational).epsilon
        assert ours == pytest.approx(coopgame.least_core(theirs, domain=domain)["epsilon"], abs=TOL)


@pytest.mark.parametrize(("n", "seed"), [(n, seed) for n in (2, 5, 9, 12, 16) for seed in range(4)])
def test_shapley_and_banzhaf_equal_coopgame(n: int, seed: int) -> None:
    v = random_game(n, seed)
    theirs = coopgame.Game(v[1:])
    assert shapley(Game(v)) == pytest.approx(coopgame.shapley(theirs), abs=TOL)
    assert banzhaf(Game(v)) == pytest.approx(coopgame.banzhaf(theirs), abs=TOL)


@pytest.mark.parametrize("estate", [50, 100, 200, 300, 450, 600])
def test_bankruptcy_nucleolus_is_coopgames_talmud_rule(estate: float) -> None:
    claims = [100.0, 200.0, 300.0]
    game = Game.from_function(3, lambda s: max(0.0, estate - sum(c for i, c in enumerate(claims)
                                                                  if i not in s)))
    assert nucleolus(game) == pytest.approx(coopgame.talmud(estate, claims), abs=TOL)
