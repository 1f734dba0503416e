"""National network at catalogue scale: 2,543 parks (China's development-zone catalogue size) × 1,380
industry classes (4-digit, GB/T 4754-2017 order of magnitude), 31 provinces.

Measures: building the pair scorer (RCA, proximity, density over all parks; chain and fusion links),
scoring every leader × partner pair of every province for the three types, and the optimal 1+N networks
(MILP, HiGHS) for all provinces; peak memory. Targets: ≤ 60 s, ≤ 8 GB. Anchor: the greedy baseline on the
same pairs, whose objective is printed beside the optimum (and its time beside the MILP's).
Synthetic data, seeded.

Usage: .venv/bin/python benchmarks/national_network.py [--parks 2543] [--classes 1380] [--capacity 40]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import polars as pl

from parknet.analysis.complementarity import PairScorer
from parknet.data.reference import divisions
from parknet.network.design import design_network, greedy


def synthetic(parks: int, classes: int, seed: int = 2543) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    divs = divisions()["code"].to_list()
    codes = sorted({f"{divs[i % len(divs)]}{k:02d}" for i in range(classes) for k in [i // len(divs) + 1]})[:classes]
    province = rng.choice(31, size=parks, p=np.sort(rng.dirichlet(np.ones(31) * 3)))
    zone_ids = [f"park{i:04d}" for i in range(parks)]
    size = rng.lognormal(12, 1.3, size=parks)
    profiles = pl.DataFrame({"zone_id": zone_ids, "province": province,
                             "rd_intensity": rng.beta(2, 40, size=parks), "invention_patents_granted": rng.poisson(size / 5e4),
                             "talent_density": rng.beta(2, 30, size=parks), "output": size})
    k = rng.integers(5, 40, size=parks)  # industries per park
    rows_z, rows_c, rows_v = [], [], []
    for i in range(parks):
        chosen = rng.choice(len(codes), size=k[i], replace=False)
        rows_z += [zone_ids[i]] * k[i]
        rows_c += [codes[j] for j in chosen]
        rows_v += list(size[i] * rng.dirichlet(np.ones(k[i])))
    structure = pl.DataFrame({"zone_id": rows_z, "industry": rows_c, "value": rows_v})
    return profiles, structure, codes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parks", type=int, default=2543)
    parser.add_argument("--classes", type=int, default=1380)
    parser.add_argument("--capacity", type=int, default=40)
    args = parser.parse_args()
    profiles, structure, codes = synthetic(args.parks, args.classes)
    t0 = time.perf_counter()
    scorer = PairScorer(profiles.drop("province"), structure)
    t_build = time.perf_counter() - t0
    t_score = t_milp = t_greedy = 0.0
    pairs_total = objective = greedy_objective = 0
    optimal = True
    for p in range(31):
        members = profiles.filter(pl.col("province") == p).sort("output", descending=True)["zone_id"].to_list()
        if len(members) < 2:
            continue
        leaders = members[:2] if len(members) >= 60 else members[:1]  # large provinces get two leaders
        partners = members[len(leaders):]
        start = time.perf_counter()
        pairs = scorer.scores(leaders, partners)
        t_score += time.perf_counter() - start
        pairs_total += pairs.height
        start = time.perf_counter()
        plan = design_network(pairs, leaders, partners, args.capacity)
        t_milp += time.perf_counter() - start
        start = time.perf_counter()
        base = greedy(pairs, leaders, partners, args.capacity)
        t_greedy += time.perf_counter() - start
        objective += plan.objective
        greedy_objective += base.objective
        optimal &= plan.optimal
    total = time.perf_counter() - t0
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"national_network: {args.parks:,} parks × {len(codes):,} classes, 31 provinces, capacity N = {args.capacity}")
    print(f"build scorer (RCA, proximity, density, links) {t_build:8.2f} s")
    print(f"score {pairs_total:,} leader × partner pairs  {t_score:8.2f} s")
    print(f"optimal networks, 31 MILPs (HiGHS)           {t_milp:8.2f} s   all proven optimal: {optimal}")
    print(f"greedy baseline (anchor)                     {t_greedy:8.2f} s")
    print(f"objective: optimal {objective:.4f}  greedy {greedy_objective:.4f}  (greedy/optimal {greedy_objective / objective:.4f})")
    print(f"total {total:.1f} s (target ≤ 60 s: {'met' if total <= 60 else 'NOT met'}), "
          f"peak memory {peak_gb:.2f} GB (target ≤ 8 GB: {'met' if peak_gb <= 8 else 'NOT met'})")


if __name__ == "__main__":
    main()
