"""Cooperative games with transferable utility (合作博弈): who should get what from a joint project.

A game on players 0..n−1 is its characteristic function v, stored as a float array indexed by the bitmask
of a coalition (player i is bit i; v[0] = v(∅) = 0, v[2ⁿ − 1] = v(N)). The allocations — Shapley value,
Banzhaf value, least core, nucleolus and prenucleolus — are numpy arrays indexed by player.

Exact methods hold at most 25 players (2²⁵ values = 256 MB); the LP methods (least core, nucleolus) at
most 20 (2²⁰ constraints). For more players, :func:`shapley_sample` estimates the Shapley value from random
orders. References: Shapley (1953); Banzhaf (1965); Schmeidler (1969); Maschler, Peleg & Shapley (1979);
Peleg & Sudhölter (2007); Guajardo & Jörnsten (2015) on fixing coalitions in the sequential LPs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from parknet.errors import InvalidArgument
from parknet.sharing import _lp

__all__ = ["Game", "shapley", "shapley_sample", "SampledShapley", "banzhaf", "least_core", "LeastCore",
           "nucleolus", "prenucleolus", "in_core", "max_excess", "Complaint", "MAX_PLAYERS",
           "MAX_LP_PLAYERS"]

#: Exact methods store all 2ⁿ coalition values (2²⁵ floats = 256 MB).
MAX_PLAYERS = 25
#: The LP methods have one constraint per coalition (2²⁰ ≈ 1 M rows).
MAX_LP_PLAYERS = 20
_SAMPLED_HINT = "use shapley_sample(fn, n, samples, seed) for more players"


def _coalition_text(mask: int) -> str:
    return "{" + ", ".join(str(i) for i in range(mask.bit_length()) if mask >> i & 1) + "}"


def _popcounts(bits: int) -> np.ndarray:
    """|S| for every mask S in 0..2^bits − 1, as int8."""
    counts = np.zeros(1, dtype=np.int8)
    for _ in range(bits):
        counts = np.concatenate([counts, counts + 1])
    return counts


def _count_players(n: object, argument: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InvalidArgument(argument, f"must be a whole number of players ≥ 1, got {n!r}")
    if n > MAX_PLAYERS:
        raise InvalidArgument(argument, f"{n} players: a game stored coalition by coalition (and exact "
                                        f"Shapley) holds at most {MAX_PLAYERS} players; {_SAMPLED_HINT}")
    return int(n)


def _number(value: object, argument: str, mask: int) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        raise InvalidArgument(argument, f"the value of coalition {_coalition_text(mask)} must be a finite "
                                        f"number, got {value!r}")
    return number


@dataclass(frozen=True, eq=False, repr=False)
class Game:
    """A TU game: ``v[mask]`` is the worth of the coalition whose members are the bits of ``mask``.

    Build one with :meth:`from_dict`, :meth:`from_function`, or ``Game(v)`` from an array of length 2ⁿ in
    bitmask order with v[0] = 0. The array is copied and read-only.
    """

    v: np.ndarray

    def __post_init__(self) -> None:
        try:
            v = np.array(self.v, dtype=float)
        except (TypeError, ValueError):
            raise InvalidArgument("v", "must be numbers, one per coalition in bitmask order") from None
        size = v.size
        if v.ndim != 1 or size < 2 or size & (size - 1):
            raise InvalidArgument("v", f"needs 2ⁿ values (n ≥ 1 players, bitmask order), got shape {v.shape}")
        _count_players(size.bit_length() - 1, "v")
        if not np.isfinite(v).all():
            raise InvalidArgument("v", f"coalition {_coalition_text(int(np.argmin(np.isfinite(v))))} has a "
                                       "NaN or infinite value")
        if v[0] != 0:
            raise InvalidArgument("v", f"v[0] is the empty coalition's value and must be 0, got {v[0]}")
        v.setflags(write=False)
        object.__setattr__(self, "v", v)

    @classmethod
    def from_dict(cls, values: Mapping[Iterable[int], float]) -> Game:
        """A game from ``{frozenset(coalition): value}`` listing every non-empty coalition of players 0..n−1
        (n = the largest player + 1). The empty coalition may be given with value 0."""
        if not isinstance(values, Mapping):
            raise InvalidArgument("values", f"must be a mapping {{frozenset(coalition): value}}, got "
                                            f"{type(values).__name__}")
        by_mask: dict[int, float] = {}
        for coalition, value in values.items():
            mask = _mask(coalition, "values")
            if mask in by_mask:
                raise InvalidArgument("values", f"coalition {_coalition_text(mask)} is given twice")
            by_mask[mask] = _number(value, "values", mask)
        if not by_mask.keys() - {0}:
            raise InvalidArgument("values", "no non-empty coalition is given")
        n = _count_players(max(by_mask).bit_length(), "values")
        if by_mask.get(0, 0.0) != 0:
            raise InvalidArgument("values", f"the empty coalition's value must be 0, got {by_mask[0]}")
        missing = [m for m in range(1, 2**n) if m not in by_mask]
        if missing:
            shown = ", ".join(_coalition_text(m) for m in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise InvalidArgument("values", f"{len(missing)} of the {2**n - 1} non-empty coalitions of "
                                            f"players 0..{n - 1} have no value: {shown}{more}")
        v = np.zeros(2**n)
        v[list(by_mask)] = list(by_mask.values())
        return cls(v)

    @classmethod
    def from_function(cls, n: int, fn: Callable[[frozenset[int]], float]) -> Game:
        """A game on players 0..n−1 with v(S) = fn(frozenset(S)) for every non-empty S (2ⁿ − 1 calls)."""
        n = _count_players(n)
        if not callable(fn):
            raise InvalidArgument("fn", "must be a function of a frozenset of players, got "
                                        f"{type(fn).__name__}")
        low_bits = min(n, 16)
        low = [tuple(i for i in range(low_bits) if m >> i & 1) for m in range(2**low_bits)]
        high = [tuple(i + 16 for i in range(n - low_bits) if m >> i & 1) for m in range(2 ** (n - low_bits))]
        v = np.zeros(2**n)
        for mask in range(1, 2**n):
            v[mask] = _number(fn(frozenset(low[mask & 0xFFFF] + high[mask >> 16])), "fn", mask)
        return cls(v)

    @property
    def n(self) -> int:
        return self.v.size.bit_length() - 1

    @property
    def grand(self) -> float:
        """v(N), the worth of all players together."""
        return float(self.v[-1])

    def value(self, coalition: Iterable[int]) -> float:
        """v(S) for a coalition given as an iterable of players (the empty one is worth 0)."""
        mask = _mask(coalition, "coalition")
        if mask >= self.v.size:
            raise InvalidArgument("coalition", f"players are 0..{self.n - 1}, got {_coalition_text(mask)}")
        return float(self.v[mask])

    def _tol(self, tol: float) -> float:
        return tol * max(1.0, float(np.abs(self.v).max()))

    def is_superadditive(self, tol: float = 1e-9) -> bool:
        """v(S ∪ T) ≥ v(S) + v(T) for all disjoint S, T (within ``tol`` × max(1, max |v|)).

        There are 3ⁿ pairs to compare, so at most 16 players.
        """
        n = self.n
        if n > 16:
            raise InvalidArgument("game", f"superadditivity compares 3ⁿ pairs of coalitions; at most 16 "
                                          f"players, got {n}")
        head = min(n, 12)
        left, right = np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)
        for i in range(head):  # every split of players 0..head−1 into S, T or neither
            bit = 1 << i
            left = np.concatenate([left, left + bit, left])
            right = np.concatenate([right, right, right + bit])
        slack = -self._tol(tol)
        for tail in range(3 ** (n - head)):
            s_tail = t_tail = 0
            for i in range(head, n):
                tail, digit = divmod(tail, 3)
                s_tail |= (digit == 1) << i
                t_tail |= (digit == 2) << i
            s, t = left | s_tail, right | t_tail
            if (self.v[s | t] - self.v[s] - self.v[t] < slack).any():
                return False
        return True

    def is_convex(self, tol: float = 1e-9) -> bool:
        """Supermodular: v(S ∪ {i, j}) − v(S ∪ {j}) ≥ v(S ∪ {i}) − v(S) for all i ≠ j ∉ S (Shapley 1971);
        the local condition is equivalent to v(S ∪ T) + v(S ∩ T) ≥ v(S) + v(T)."""
        n, slack = self.n, -self._tol(tol)
        for j in range(n):
            for i in range(j):
                w = self.v.reshape(2 ** (n - j - 1), 2, 2 ** (j - i - 1), 2, 2**i)
                gain = (w[:, 1, :, 1] - w[:, 1, :, 0]) - (w[:, 0, :, 1] - w[:, 0, :, 0])
                if (gain < slack).any():
                    return False
        return True

    def __repr__(self) -> str:
        return f"Game(n={self.n}, v(N)={self.grand:g})"


def _mask(coalition: Iterable[int], argument: str) -> int:
    try:
        players = list(coalition)
    except TypeError:
        raise InvalidArgument(argument, f"a coalition must be a set of players, got {coalition!r}") from None
    mask = 0
    for p in players:
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or p < 0:
            raise InvalidArgument(argument, f"players are whole numbers 0..n−1, got {p!r} in {coalition!r}")
        if p >= MAX_PLAYERS:
            raise InvalidArgument(argument, f"player {p}: a game holds at most {MAX_PLAYERS} players; "
                                            f"{_SAMPLED_HINT}")
        mask |= 1 << int(p)
    return mask


def _game(game: object) -> Game:
    if not isinstance(game, Game):
        raise InvalidArgument("game", f"must be a Game (Game.from_dict / Game.from_function), got "
                                      f"{type(game).__name__}")
    return game


# --- values: one pass over the coalitions --------------------------------------------------------------

def _player_sums(v: np.ndarray, n: int, member_weight: np.ndarray,
                 total_weight: np.ndarray) -> tuple[np.ndarray, float]:
    """(Σ_{S∋i} c(|S|)·v(S) for every player i, Σ_S t(|S|)·v(S)) in one blocked pass over v.

    v is viewed as a (2^hi, 2^lo) matrix (columns: the low players' bits, rows: the high players'): the sum
    over coalitions containing a low player comes from the column sums, a high player's from the row sums.
    Blocks of ~1 M coalitions keep the temporaries small (n = 25: v is 256 MB, the rest ~25 MB).
    """
    lo = n // 2
    hi = n - lo
    table = v.reshape(2**hi, 2**lo)
    size_lo, size_hi = _popcounts(lo), _popcounts(hi)
    columns, rows, total = np.zeros(2**lo), np.zeros(2**hi), 0.0
    step = max(1, 2**20 // 2**lo)
    for r0 in range(0, 2**hi, step):
        sizes = size_hi[r0:r0 + step, None] + size_lo[None, :]
        block = table[r0:r0 + step]
        weighted = block * member_weight[sizes]
        columns += weighted.sum(axis=0)
        rows[r0:r0 + step] = weighted.sum(axis=1)
        total += float((block * total_weight[sizes]).sum())
    per_player = np.concatenate([columns @ _lp.membership(np.arange(2**lo), lo).astype(float),
                                 rows @ _lp.membership(np.arange(2**hi), hi).astype(float)])
    return per_player, total


def shapley(game: Game) -> np.ndarray:
    """Exact Shapley value (Shapley 1953), φ_i = Σ_{S ⊆ N∖{i}} w(|S|)·(v(S ∪ {i}) − v(S)),
    w(s) = s!(n − s − 1)!/n!.

    Computed as φ_i = Σ_{S∋i} (w(|S| − 1) + w(|S|))·v(S) − Σ_S w(|S|)·v(S) (w(n) = 0): one vectorised
    pass over the 2ⁿ coalitions, ~0.3 s at n = 25 with v itself the only large array. A game holds at most
    25 players (``Game`` refuses more and points to :func:`shapley_sample`). Linear in v, so a cost game's
    Shapley value is the cost allocation.
    """
    game = _game(game)
    n = game.n
    w = np.array([1 / (n * math.comb(n - 1, s)) for s in range(n)] + [0.0])
    member = w + np.concatenate([[0.0], w[:-1]])
    per_player, total = _player_sums(game.v, n, member, w)
    return per_player - total


def banzhaf(game: Game) -> np.ndarray:
    """Raw (non-normalised) Banzhaf value (Banzhaf 1965; Owen 1975):
    β_i = Σ_{S ⊆ N∖{i}} (v(S ∪ {i}) − v(S)) / 2ⁿ⁻¹ = (2·Σ_{S∋i} v(S) − Σ_S v(S)) / 2ⁿ⁻¹.

    Σ β_i need not equal v(N); divide by Σ β_i for the normalised index.
    """
    game = _game(game)
    n = game.n
    per_player, total = _player_sums(game.v, n, np.full(n + 1, 2.0), np.ones(n + 1))
    return (per_player - total) / 2 ** (n - 1)


class SampledShapley(NamedTuple):
    values: np.ndarray
    standard_errors: np.ndarray


def shapley_sample(fn: Callable[[frozenset[int]], float], n: int, samples: int, seed: int) -> SampledShapley:
    """Shapley value estimated from ``samples`` random orders of the players (Castro, Gómez & Tejada 2009).

    Each order π gives every player its marginal contribution v(P ∪ {i}) − v(P), P = the players before i
    (n calls of ``fn`` on frozensets; v(∅) = 0). The estimate is the mean over orders, its standard error
    the sample standard deviation / √samples. Each order's contributions add up to v(N), so the estimate is
    efficient. Orders come from ``numpy.random.default_rng(seed)``: the same seed, the same estimate.
    """
    if not callable(fn):
        raise InvalidArgument("fn", f"must be a function of a frozenset of players, got {type(fn).__name__}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InvalidArgument("n", f"must be a whole number of players ≥ 1, got {n!r}")
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or samples < 2:
        raise InvalidArgument("samples", f"must be a whole number ≥ 2 (a standard error needs two), "
                                         f"got {samples!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise InvalidArgument("seed", f"must be an integer (the estimate is reproducible), got {seed!r}")
    rng = np.random.default_rng(seed)
    contributions = np.empty((samples, n))
    for k in range(samples):
        before: set[int] = set()
        previous = 0.0
        for player in rng.permutation(n).tolist():
            before.add(player)
            value = fn(frozenset(before))
            current = value if type(value) is float and math.isfinite(value) else \
                _number(value, "fn", sum(1 << p for p in before))
            contributions[k, player] = current - previous
            previous = current
    return SampledShapley(contributions.mean(axis=0), contributions.std(axis=0, ddof=1) / math.sqrt(samples))


# --- the core and its relatives: linear programs (HiGHS) ----------------------------------------------

def _allocation(game: Game, allocation: ArrayLike) -> np.ndarray:
    try:
        x = np.asarray(allocation, dtype=float)
    except (TypeError, ValueError):
        raise InvalidArgument("allocation", "must be numbers, one per player") from None
    if x.shape != (game.n,):
        raise InvalidArgument("allocation", f"needs one value per player ({game.n}), got shape {x.shape}")
    if not np.isfinite(x).all():
        raise InvalidArgument("allocation", "contains NaN or infinite values")
    return x


def _coalition_sums(x: np.ndarray) -> np.ndarray:
    """x(S) for every mask S in bitmask order."""
    sums = np.zeros(1)
    for xi in x:
        sums = np.concatenate([sums, sums + xi])
    return sums


class Complaint(NamedTuple):
    """The coalition with the largest excess e(S, x) = v(S) − x(S) under an allocation."""

    coalition: frozenset[int]
    excess: float


def max_excess(game: Game, allocation: ArrayLike) -> Complaint:
    """The proper non-empty coalition S that gains most by leaving: argmax v(S) − x(S) (the first in
    bitmask order among equals). A positive excess means the allocation is outside the core."""
    game = _game(game)
    if game.n < 2:
        raise InvalidArgument("game", "one player has no proper coalition to complain")
    excess = game.v[1:-1] - _coalition_sums(_allocation(game, allocation))[1:-1]
    k = int(np.argmax(excess))
    return Complaint(frozenset(i for i in range(game.n) if (k + 1) >> i & 1), float(excess[k]))


def in_core(game: Game, allocation: ArrayLike, tol: float = 1e-9) -> bool:
    """x is in the core: x(N) = v(N) and x(S) ≥ v(S) for every coalition S (Gillies 1959), within
    ``tol`` × max(1, max |v|) so that LP solutions in large units are judged fairly."""
    game = _game(game)
    x = _allocation(game, allocation)
    slack = game._tol(tol)
    sums = _coalition_sums(x)
    return bool(abs(sums[-1] - game.grand) <= slack and (game.v - sums <= slack).all())


class LeastCore(NamedTuple):
    epsilon: float
    allocation: np.ndarray


def _scaled(game: Game, what: str,
            individually_rational: bool) -> tuple[np.ndarray, np.ndarray | None, float]:
    """(v / scale, the bounds x_i ≥ v({i}) / scale or None, scale) with scale = max |v|: the LP tolerances
    are then relative to the game's values."""
    n = game.n
    if n > MAX_LP_PLAYERS:
        raise InvalidArgument("game", f"{what} solves LPs with one row per coalition (2ⁿ); at most "
                                      f"{MAX_LP_PLAYERS} players, got {n}")
    scale = max(float(np.abs(game.v).max()), 1e-300)
    if not individually_rational:
        return game.v / scale, None, scale
    alone = game.v[1 << np.arange(n)]
    if alone.sum() > game.grand + game._tol(1e-9):
        raise InvalidArgument("game", "the imputation set is empty: the players' stand-alone values add "
                                      f"up to {alone.sum():g}, more than v(N) = {game.grand:g}; the "
                                      "nucleolus needs Σ v({i}) ≤ v(N) — use prenucleolus(game)")
    return game.v / scale, alone / scale, scale


def least_core(game: Game, *, individually_rational: bool = False) -> LeastCore:
    """The least core (Maschler, Peleg & Shapley 1979): ε* = min ε such that x(S) ≥ v(S) − ε for every
    proper non-empty S and x(N) = v(N) (with x_i ≥ v({i}) if ``individually_rational``).

    ε* ≤ 0 exactly when the core is non-empty. Returns ε* and one allocation attaining it (HiGHS's optimal
    vertex; the prenucleolus is the canonical point of the least core).
    """
    game = _game(game)
    v, lower, scale = _scaled(game, "the least core", individually_rational)
    if game.n < 2:
        raise InvalidArgument("game", "the least core needs at least 2 players (one player has no coalition "
                                      "to constrain)")
    epsilon, allocation = _lp.least_core_lp(v, game.n, lower)
    return LeastCore(epsilon * scale, allocation * scale)


def prenucleolus(game: Game) -> np.ndarray:
    """The prenucleolus (Sobolev 1975): among all x with x(N) = v(N), the one whose vector of excesses
    v(S) − x(S), sorted in decreasing order, is lexicographically smallest. Unique; in the least core;
    equal to the nucleolus when the core is non-empty. Sequential LPs (see :func:`nucleolus`)."""
    game = _game(game)
    v, _, scale = _scaled(game, "the prenucleolus", individually_rational=False)
    return _lp.sequential_lp(v, game.n, None) * scale


def nucleolus(game: Game) -> np.ndarray:
    """The nucleolus (Schmeidler 1969): like the prenucleolus, but over the imputations (x(N) = v(N),
    x_i ≥ v({i})). Exists when Σ v({i}) ≤ v(N), otherwise ``InvalidArgument``; in the core when the core is
    non-empty.

    Sequential LPs (Maschler, Peleg & Shapley 1979) solved by HiGHS: at each stage minimise the largest
    excess ε of the free coalitions, then fix the coalitions that have excess ε in every optimal solution,
    found from the positive dual values (complementary slackness; Guajardo & Jörnsten 2015). At most n
    stages. For the Talmud bankruptcy games it gives the Talmud rule (Aumann & Maschler 1985).
    """
    game = _game(game)
    v, lower, scale = _scaled(game, "the nucleolus", individually_rational=True)
    return _lp.sequential_lp(v, game.n, lower) * scale
