"""Linear programs with one row per coalition, solved by HiGHS through scipy: the least core and the
sequential LPs of the (pre)nucleolus. Private to :mod:`parknet.sharing.games`, which validates the game and
scales it to max |v| = 1 first, so that the tolerances here are relative to the game's values.

Variables are x_0..x_{n−1} and ε; ``v`` is the scaled characteristic function in bitmask order, ``lower``
the bounds x_i ≥ v({i}) of individual rationality (or None).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

DUAL_TOL = 1e-6  # a coalition is fixed when its dual exceeds this (a stage's duals add up to 1)
SPAN_TOL = 1e-8  # residual below which a 0/1 coalition vector counts as in the span of the fixed ones
# HiGHS's default 1e-7 feasibility tolerances blur near-ties: a least-core ε of 5e-9 came back as 0
_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


def membership(masks: np.ndarray, n: int) -> np.ndarray:
    """(len(masks), n) matrix: [k, i] is True when player i is in coalition masks[k]."""
    return ((masks[:, None] >> np.arange(n)) & 1).astype(bool)


def _excess_rows(members: np.ndarray) -> sparse.csr_matrix:
    """Rows −x(S) − ε of the constraints v(S) − x(S) ≤ ε."""
    m, n = members.shape
    rows, cols = np.nonzero(members)
    rows = np.concatenate([rows, np.arange(m)])
    cols = np.concatenate([cols, np.full(m, n)])
    return sparse.csr_matrix((np.full(rows.size, -1.0), (rows, cols)), shape=(m, n + 1))


def _bounds(n: int, lower: np.ndarray | None) -> list[tuple[float | None, None]]:
    xs = [(None, None)] * n if lower is None else [(float(lo), None) for lo in lower]
    return xs + [(None, None)]


def least_core_lp(v: np.ndarray, n: int, lower: np.ndarray | None) -> tuple[float, np.ndarray]:
    """min ε s.t. v(S) − x(S) ≤ ε for every proper non-empty S, x(N) = v(N), x ≥ lower."""
    masks = np.arange(1, 2**n - 1)
    result = linprog(np.eye(n + 1)[n], A_ub=_excess_rows(membership(masks, n)), b_ub=-v[masks],
                     A_eq=np.append(np.ones(n), 0.0)[None, :], b_eq=[v[-1]], bounds=_bounds(n, lower),
                     method="highs", options=_OPTIONS)
    if result.status != 0:
        raise RuntimeError(f"HiGHS could not solve the least-core LP: {result.message}")
    return float(result.x[-1]), result.x[:-1]


class _Span:
    """An orthonormal basis of the vectors whose excess (or value) is already fixed."""

    def __init__(self, n: int) -> None:
        self.q = np.zeros((0, n))

    @property
    def rank(self) -> int:
        return self.q.shape[0]

    def residual(self, rows: np.ndarray) -> np.ndarray:
        return np.linalg.norm(rows - (rows @ self.q.T) @ self.q, axis=1)

    def add(self, row: np.ndarray) -> bool:
        """Add ``row`` if it is independent of the basis (Gram–Schmidt, twice for accuracy)."""
        r = row.astype(float)
        for _ in range(2):
            r = r - (self.q @ r) @ self.q
        norm = float(np.linalg.norm(r))
        if norm <= SPAN_TOL * max(1.0, float(np.linalg.norm(row))):
            return False
        self.q = np.vstack([self.q, r / norm])
        return True


def sequential_lp(v: np.ndarray, n: int, lower: np.ndarray | None) -> np.ndarray:
    """The prenucleolus (``lower`` None) or nucleolus by the sequential LPs of Maschler, Peleg & Shapley
    (1979).

    Stage k: minimise ε subject to v(S) − x(S) ≤ ε for the free coalitions, v(S) − x(S) = ε_j for the
    coalitions fixed at earlier stages j, x(N) = v(N) and x ≥ lower. Then fix the coalitions whose excess
    is ε_k in *every* optimal solution — not those that merely happen to be tight at the solution HiGHS
    returned (the classic error, Guajardo & Jörnsten 2015). A constraint with a positive dual value is
    tight in every optimal solution (complementary slackness), and at least one free coalition has one
    (the duals on the ε column add up to 1), so each stage fixes at least one. Free coalitions whose vector
    lies in the span of the fixed ones (and N) have a determined excess and leave the LP; a bound
    x_i ≥ v({i}) with a positive dual is fixed likewise. Each stage raises the rank of the fixed set, so
    there are at most n stages; at rank n the fixed equations determine x, which is solved from them.

    Tolerances (v scaled to max |v| = 1): HiGHS's primal and dual feasibility 1e-10; duals count as
    positive above 1e-6 (the largest of a stage is ≥ 1/(n + 1); a positive dual left below it only defers
    that coalition to the next stage, at the same ε); vectors count as independent above a residual of
    1e-8.
    """
    if n == 1:
        return np.array([v[-1]])
    masks = np.arange(1, 2**n - 1)
    members = membership(masks, n)
    span = _Span(n)
    span.add(np.ones(n))
    equations, targets = [np.ones(n)], [v[-1]]
    free = np.ones(masks.size, dtype=bool)
    while span.rank < n:
        candidates = np.flatnonzero(free)
        free[candidates[span.residual(members[candidates].astype(float)) <= SPAN_TOL]] = False
        candidates = np.flatnonzero(free)
        a_eq = np.hstack([np.array(equations), np.zeros((len(equations), 1))])
        result = linprog(np.eye(n + 1)[n], A_ub=_excess_rows(members[candidates]), b_ub=-v[masks[candidates]],
                         A_eq=a_eq, b_eq=targets, bounds=_bounds(n, lower), method="highs",
                         options=_OPTIONS)
        if result.status != 0:
            raise RuntimeError(f"HiGHS could not solve nucleolus stage {len(equations)}: {result.message}")
        epsilon = float(result.x[-1])
        tight = candidates[-result.ineqlin.marginals > DUAL_TOL]
        free[tight] = False
        for k in tight:
            if span.add(members[k]):
                equations.append(members[k].astype(float))
                targets.append(v[masks[k]] - epsilon)
        if lower is not None:
            for i in np.flatnonzero(result.lower.marginals > DUAL_TOL):
                unit = np.eye(n)[i]
                if span.add(unit):
                    equations.append(unit)
                    targets.append(lower[i])
    return np.linalg.solve(np.array(equations), np.array(targets))
