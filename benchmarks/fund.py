"""Coordination fund allocation: 5,000 applications, 3 sub-funds, 200 zones, to proven optimality.

Anchor: the greedy-by-ratio baseline (``parknet.enabling.fund.greedy``: impact per 万元 descending, what
still fits) on the same round in the same run; its objective is printed beside the optimum and its time is
the ratio's denominator. The round is seeded synthetic: 200 zones, 40% of them lagging; amounts asked
lognormal around 800 万元 with 4 decimals; impact for a full award ∝ amount^0.8 × lognormal noise (smaller
projects score more per 万元); eligibility development / industry / venture with probability 0.6 / 0.5 /
0.35 (at least one); 30% of applications may be partly funded, half of those with a minimum of 40% of the
ask. Budgets 18% / 14% / 8% of the total asked (40% in all), a zone cap of 1.5× the mean share of the
budget per zone, and a lagging-zone minimum of 45% of the total — every kind of constraint binds.

Each measurement (one ``allocate`` or ``greedy`` call, input validation and explanations included) runs in
its own subprocess after a warm-up call on a three-application round (one-time imports), runs interleaved,
medians of ``--runs`` (default 3); peak RSS = that process's ``ru_maxrss``. Target (issue 8): proven
optimal in ≤ 5 s.

Run: ``.venv/bin/python benchmarks/fund.py [--runs N] [--seed S]`` (about half a minute).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import time

import _child  # benchmarks/_child.py (the script's directory is on sys.path)

APPLICATIONS, ZONES = 5_000, 200
SEED = 20241126
TARGET_SECONDS = 5.0


# --- child: one call, printing one JSON line ----------------------------------------------------------------

def make_round(seed: int):  # noqa: ANN201 - (applications, subfunds, policy)
    from decimal import Decimal

    import numpy as np
    import polars as pl

    from parknet.attribution.money import amount
    from parknet.enabling.fund import FundPolicy

    rng = np.random.default_rng(seed)
    lagging_zone = rng.random(ZONES) < 0.4
    zone = rng.integers(0, ZONES, APPLICATIONS)
    units = np.round(rng.lognormal(np.log(800), 0.8, APPLICATIONS) * 10_000).astype(np.int64)
    impact = np.round((units / 1e7) ** 0.8 * rng.lognormal(0, 0.5, APPLICATIONS) * 10, 3)
    codes = ["development", "industry", "venture"]
    eligible = rng.random((APPLICATIONS, 3)) < np.array([0.6, 0.5, 0.35])
    none = ~eligible.any(axis=1)
    eligible[none, rng.integers(0, 3, none.sum())] = True
    partial = rng.random(APPLICATIONS) < 0.3
    minimum = np.where(partial & (rng.random(APPLICATIONS) < 0.5), units * 4 // 10, 0)
    applications = pl.DataFrame({
        "application_id": [f"F{i:05d}" for i in range(APPLICATIONS)],
        "zone_id": [f"Z{z:03d}" for z in zone],
        "amount": units, "impact": impact,
        "eligible": [[c for c, e in zip(codes, row) if e] for row in eligible],
        "lagging": lagging_zone[zone], "partial": partial, "min_amount": minimum,
        "cooperation_type": rng.choice(["tech_enabling", "chain_complement", "cross_fusion"], APPLICATIONS),
    }).with_columns(amount(pl.col("amount")), amount(pl.col("min_amount")))
    asked = int(units.sum()) // 10_000
    subfunds = pl.DataFrame({"subfund": codes, "budget": [Decimal(asked * p // 100) for p in (18, 14, 8)]})
    cap = asked * 40 * 3 // (100 * 2 * ZONES)  # 1.5 × the budget (40% of the asks) per zone
    policy = FundPolicy(zone_cap=Decimal(cap), lagging_min_share=Decimal("0.45"))
    return applications, subfunds, policy


def child(method: str, seed: str) -> dict:
    import polars as pl

    from parknet.enabling import fund

    call = fund.allocate if method == "milp" else fund.greedy
    tiny = pl.DataFrame({"application_id": ["a", "b", "c"], "zone_id": ["x", "y", "z"], "amount": [6, 5, 5],
                         "impact": [7.0, 5.0, 5.0], "eligible": [["development"]] * 3})
    call(tiny, pl.DataFrame({"subfund": ["development"], "budget": [10]}), fund.FundPolicy())
    applications, subfunds, policy = make_round(int(seed))
    start = time.perf_counter()
    result = call(applications, subfunds, policy)
    seconds = time.perf_counter() - start
    funded = sum(d.outcome is fund.Outcome.FUNDED for d in result.decisions)
    partly = sum(d.outcome is fund.Outcome.PARTLY_FUNDED for d in result.decisions)
    kinds = [c.kind.value for c in result.binding]
    return {"seconds": seconds, "objective": result.objective, "optimal": result.optimal,
            "bound": result.bound, "awarded": float(result.total), "funded": funded, "partly": partly,
            "binding": {k: kinds.count(k) for k in dict.fromkeys(kinds)}, "status": result.status}


# --- parent (never imports numpy, polars or ParkNet: a child's ru_maxrss starts from its spawner's) --------

def run_child(*args: str) -> dict:
    return _child.run_child(__file__, *args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = child(*args.child)
        result["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    results: dict[str, list[dict]] = {"milp": [], "greedy": []}
    for _ in range(args.runs):  # interleaved, so drifting machine load hits both alike
        for method in results:
            results[method].append(run_child(method, str(args.seed)))

    def med(method: str, key: str) -> float:
        return statistics.median(r[key] for r in results[method])

    milp, base = results["milp"][0], results["greedy"][0]
    seconds, anchor = med("milp", "seconds"), med("greedy", "seconds")
    print(f"Coordination fund allocation — medians of {args.runs} runs, one process each")
    print(f"{platform.node()} · {platform.machine()} · Python {platform.python_version()} · {APPLICATIONS:,} "
          f"applications, 3 sub-funds, {ZONES} zones, seed {args.seed}")
    print(f"{'case':<28}{'seconds':>9}{'time x':>8}{'RSS MiB':>9}{'objective':>12}{'of optimum':>12}"
          f"{'funded':>8}{'partly':>8}")
    cases = (("anchor: greedy by ratio", "greedy", base), ("allocate (MILP, HiGHS)", "milp", milp))
    for label, method, r in cases:
        share = r["objective"] / milp["objective"]
        print(f"{label:<28}{med(method, 'seconds'):>9.2f}{med(method, 'seconds') / anchor:>8.2f}"
              f"{med(method, 'rss_mib'):>9.0f}{r['objective']:>12.3f}{share:>12.4f}"
              f"{r['funded']:>8,}{r['partly']:>8,}")
    proven = all(r["optimal"] for r in results["milp"])
    print(f"proven optimal in every run: {proven} (bound {milp['bound']:.6f}; {milp['status']})")
    print(f"awarded {milp['awarded']:,.4f} 万元; binding constraints: "
          + ", ".join(f"{k} {v}" for k, v in milp["binding"].items()))
    print(f"greedy reaches {base['objective'] / milp['objective']:.2%} of the optimum; MILP times "
          + ", ".join(f"{r['seconds']:.2f}" for r in results["milp"]) + " s")
    met = proven and seconds <= TARGET_SECONDS
    print(f"target: proven optimal in ≤ {TARGET_SECONDS:g} s {'met' if met else 'MISSED'} ({seconds:.2f} s)")


if __name__ == "__main__":
    main()
