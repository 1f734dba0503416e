"""Cooperative games: exact Shapley value at n = 20 and n = 25, nucleolus at n = 10, against coopgame-py.

Anchor: coopgame-py 0.3 (Rust, the test-only oracle of ``tests/crosscheck/test_games_vs_coopgame.py``) on
the same games in the same run; ratio = ParkNet / coopgame time (below 1: ParkNet faster). Games are seeded:
Shapley on v(S) ~ U(0, 1) for every coalition; nucleolus on two 10-player games — continuous values
v(S) ~ |S|·U(0, 1), and small integers v(S) = |S|·{−2..4} (ties: degenerate LPs, more stages) — with v(N)
raised to at least Σ v({i}) + n, so that the imputations are a simplex, not a point. Only the solver call
is timed (not building the game, not one-time imports: each child first solves a 3-player game). The
results of both are compared (max abs difference).

Each measurement runs in its own subprocess (peak RSS = that process's ``ru_maxrss``: the game's values
plus the computation), runs interleaved, medians of ``--runs`` (default 3). Targets (issue 7): Shapley
n = 20 ≤ 1 s, n = 25 ≤ 30 s within 2 GB; nucleolus n = 10 ≤ 2 s.

Run: ``.venv/bin/python benchmarks/games.py [--runs N]`` (about a minute).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import time

import _child  # benchmarks/_child.py (the script's directory is on sys.path)

CASES = [  # (label, solver, players, game kind, target seconds)
    ("Shapley, n = 20", "shapley", 20, "uniform", 1.0),
    ("Shapley, n = 25", "shapley", 25, "uniform", 30.0),
    ("nucleolus, n = 10, continuous", "nucleolus", 10, "continuous", 2.0),
    ("nucleolus, n = 10, integer ties", "nucleolus", 10, "integer", 2.0),
]
SEED = 20241107


# --- child: one solver call, printing one JSON line ----------------------------------------------------

def child(library: str, solver: str, n: str, kind: str) -> dict:
    import numpy as np

    players = int(n)
    rng = np.random.default_rng([SEED, players])
    v = rng.random(2**players)
    if kind != "uniform":
        size = np.zeros(1)
        for _ in range(players):
            size = np.concatenate([size, size + 1])
        v = v * size if kind == "continuous" else rng.integers(-2, 5, size=2**players) * size
        v[-1] = max(v[-1], v[1 << np.arange(players)].sum() + players)
    v[0] = 0.0
    tiny = np.array([0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 2.0])
    if library == "parknet":
        from parknet.sharing import games

        game, call = games.Game(v), getattr(games, solver)
        call(games.Game(tiny))
    else:
        import coopgame

        game = coopgame.Game(v[1:])
        call = coopgame.shapley if solver == "shapley" else (lambda g: coopgame.nucleolus(g)["allocation"])
        call(coopgame.Game(tiny[1:]))
    del v
    start = time.perf_counter()
    result = call(game)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "result": [float(x) for x in result]}


# --- parent (never imports numpy, ParkNet or coopgame: a child's ru_maxrss starts from its spawner's) -----

def run_child(*args: str) -> dict:
    return _child.run_child(__file__, *args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = child(*args.child)
        result["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    results: dict[tuple[str, str], list[dict]] = {}
    for _ in range(args.runs):  # interleaved, so drifting machine load hits both alike
        for label, solver, n, kind, _target in CASES:
            for library in ("parknet", "coopgame"):
                results.setdefault((label, library), []).append(run_child(library, solver, str(n), kind))

    def med(label: str, library: str, key: str) -> float:
        return statistics.median(r[key] for r in results[(label, library)])

    print(f"Cooperative games — medians of {args.runs} runs, one process each")
    print(f"{platform.node()} · {platform.machine()} · Python {platform.python_version()}")
    print(f"{'case':<34}{'ParkNet s':>10}{'coopgame s':>11}{'ratio':>9}{'RSS MiB':>9}{'(coopgame)':>11}"
          f"{'max diff':>10}  target")
    for label, _solver, _n, _kind, target in CASES:
        ours, theirs = med(label, "parknet", "seconds"), med(label, "coopgame", "seconds")
        rss, rss_theirs = med(label, "parknet", "rss_mib"), med(label, "coopgame", "rss_mib")
        diff = max(abs(a - b) for a, b in zip(results[(label, "parknet")][0]["result"],
                                              results[(label, "coopgame")][0]["result"]))
        met = ours <= target and rss <= 2048
        print(f"{label:<34}{ours:>10.3f}{theirs:>11.3f}{ours / theirs:>7.2f}×{rss:>9.0f}{rss_theirs:>11.0f}"
              f"{diff:>10.1e}  ≤ {target:g} s, ≤ 2 GB: {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
