"""The 1+N assignment: HiGHS's optimum equals brute-force enumeration, capacity and coverage invariants,
the greedy baseline, the form rules, unassigned reasons and bad-input errors."""

from __future__ import annotations

import itertools
import math

import numpy as np
import polars as pl
import pytest

from parknet.domain import CooperationType
from parknet.errors import InvalidArgument
from parknet.network.design import (
    CooperationForm, UnassignedCause, choose_form, design_network, greedy,
)

TYPES = ("tech_enabling", "chain_complement", "cross_fusion")


def _random_pairs(seed: int, n_leaders: int, n_partners: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for li, pi in itertools.product(range(n_leaders), range(n_partners)):
        if rng.random() < 0.15:  # some pairs are not candidates at all
            continue
        scores = {t: (None if rng.random() < 0.3 else float(rng.random())) for t in TYPES}
        rows.append({"leader": f"L{li}", "partner": f"P{pi}", **scores})
    return pl.DataFrame(rows, schema={"leader": pl.String, "partner": pl.String,
                                      **dict.fromkeys(TYPES, pl.Float64)})


def _brute_force(pairs: pl.DataFrame, partners: list[str], capacity: dict[str, int],
                 min_score: float) -> float:
    """Enumerate every assignment partner → leader or nobody; keep the feasible best."""
    options: dict[str, list[tuple[str | None, float]]] = {p: [(None, 0.0)] for p in partners}
    for r in pairs.iter_rows(named=True):
        score = max((r[t] for t in TYPES if r[t] is not None), default=None)
        if score is not None and score >= min_score:
            options[r["partner"]].append((r["leader"], score))
    best = 0.0
    for combo in itertools.product(*(options[p] for p in partners)):
        load: dict[str, int] = {}
        for leader, _ in combo:
            if leader is not None:
                load[leader] = load.get(leader, 0) + 1
        if all(n <= capacity[leader] for leader, n in load.items()):
            best = max(best, math.fsum(s for _, s in combo))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_milp_objective_equals_brute_force(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    n_leaders, n_partners = int(rng.integers(2, 4)), int(rng.integers(4, 7))
    pairs = _random_pairs(seed, n_leaders, n_partners)
    leaders = [f"L{i}" for i in range(n_leaders)]
    partners = [f"P{i}" for i in range(n_partners)]
    capacity = {leader: int(rng.integers(1, 4)) for leader in leaders}
    min_score = [0.0, 0.2][seed % 2]
    design = design_network(pairs, leaders, partners, capacity, min_score=min_score)
    assert design.optimal
    assert design.gap is not None and design.gap <= 1e-9
    assert design.objective == pytest.approx(_brute_force(pairs, partners, capacity, min_score), abs=1e-9)
    assert design.objective / 2 - 1e-12 <= design.greedy_objective <= design.objective + 1e-12  # Mestre 2006
    baseline = greedy(pairs, leaders, partners, capacity, min_score=min_score)
    assert baseline.objective == design.greedy_objective
    # invariants: capacity respected, each partner exactly once (linked or unassigned with a reason)
    for leader in leaders:
        assert sum(link.leader == leader for link in design.links) <= capacity[leader]
        assert design.loads[leader] == sum(link.leader == leader for link in design.links)
    linked = [link.partner for link in design.links]
    left = [u.partner for u in design.unassigned]
    assert sorted(linked + left) == sorted(partners) and len(set(linked)) == len(linked)
    assert all(u.reason for u in design.unassigned)
    for link in design.links:
        assert link.score >= min_score
        assert link.score == max(v for v in link.scores.values() if v is not None)
        assert link.scores[link.type.value] == link.score


def _case() -> tuple[pl.DataFrame, list[str], list[str]]:
    """A takes p for 0.9 first under greedy, leaving q unlinkable: greedy 0.9, optimum 0.8 + 0.7."""
    pairs = pl.DataFrame({"leader": ["A", "A", "B"], "partner": ["p", "q", "p"],
                          "tech_enabling": [0.9, 0.8, 0.7], "chain_complement": [None, None, None],
                          "cross_fusion": [None, None, None]})
    return pairs, ["A", "B"], ["p", "q"]


def test_greedy_is_strictly_worse_on_a_constructed_case() -> None:
    pairs, leaders, partners = _case()
    g = greedy(pairs, leaders, partners, 1)
    d = design_network(pairs, leaders, partners, 1)
    assert g.objective == pytest.approx(0.9) and not g.optimal and g.gap is None
    assert d.objective == pytest.approx(1.5) and d.greedy_objective == pytest.approx(0.9)
    assert {(link.leader, link.partner) for link in d.links} == {("A", "q"), ("B", "p")}
    b_p = next(link for link in d.links if link.leader == "B")
    assert "leader A scores higher (0.900) but is at capacity" in b_p.reasons[-1]
    assert [u.partner for u in g.unassigned] == ["q"]
    assert g.unassigned[0].cause is UnassignedCause.CAPACITY


def test_capacities_that_cannot_cover_all_partners_leave_partners_with_reasons() -> None:
    pairs = pl.DataFrame({"leader": ["A"] * 4, "partner": ["p1", "p2", "p3", "p4"],
                          "tech_enabling": [0.9, 0.8, 0.7, 0.6], "chain_complement": [None] * 4,
                          "cross_fusion": [None] * 4})
    d = design_network(pairs, ["A"], ["p1", "p2", "p3", "p4"], {"A": 2})
    assert [link.partner for link in d.links] == ["p1", "p2"]
    assert [u.partner for u in d.unassigned] == ["p3", "p4"]
    assert all(u.cause is UnassignedCause.CAPACITY for u in d.unassigned)
    assert "总容量 2 < 园区数 4" in d.unassigned[0].reason and "at capacity" in d.unassigned[0].reason


def test_unassigned_reasons_name_each_cause() -> None:
    pairs = pl.DataFrame({"leader": ["A", "A", "A"], "partner": ["low", "null", "ok"],
                          "tech_enabling": [0.1, None, 0.5], "chain_complement": [0.05, None, None],
                          "cross_fusion": [None, None, None]})
    d = design_network(pairs, ["A"], ["low", "null", "ok", "alone"], 3, min_score=0.3)
    causes = {u.partner: u.cause for u in d.unassigned}
    assert causes == {"low": UnassignedCause.BELOW_MIN_SCORE, "null": UnassignedCause.NO_SCORE,
                      "alone": UnassignedCause.NO_CANDIDATE}
    assert "0.100" in next(u.reason for u in d.unassigned if u.partner == "low")


def test_zero_scores_are_never_linked() -> None:
    pairs = pl.DataFrame({"leader": ["A"], "partner": ["p"], "tech_enabling": [0.0],
                          "chain_complement": [None], "cross_fusion": [None]})
    d = design_network(pairs, ["A"], ["p"], 1)
    assert d.links == [] and d.unassigned[0].cause is UnassignedCause.BELOW_MIN_SCORE


def test_type_is_the_argmax_with_documented_tie_break() -> None:
    pairs = pl.DataFrame({"leader": ["A", "A", "A"], "partner": ["p", "q", "r"],
                          "tech_enabling": [0.6, 0.2, None], "chain_complement": [0.6, 0.7, 0.4],
                          "cross_fusion": [0.6, 0.7, 0.4]})
    d = design_network(pairs, ["A"], ["p", "q", "r"], 3)
    types = {link.partner: link.type for link in d.links}
    assert types == {"p": CooperationType.TECH_ENABLING, "q": CooperationType.CHAIN_COMPLEMENT,
                     "r": CooperationType.CHAIN_COMPLEMENT}
    assert d.links[0].scores == {"tech_enabling": 0.6, "chain_complement": 0.6, "cross_fusion": 0.6}


def test_links_carry_form_and_reasons() -> None:
    pairs = pl.DataFrame({"leader": ["A", "B", "A", "A"], "partner": ["p", "p", "n", "far"],
                          "tech_enabling": [0.1, 0.3, 0.8, None], "chain_complement": [0.9, 0.2, None, 0.5],
                          "cross_fusion": [None, None, None, None],
                          "partner_level": ["provincial", "provincial", "national", "other"],
                          "distance_km": [50.0, 80.0, 300.0, 450.0]})
    d = design_network(pairs, ["A", "B"], ["p", "n", "far"], 3)
    forms = {link.partner: link.form for link in d.links}
    assert forms == {"p": CooperationForm.BRANCH_PARK, "n": CooperationForm.CO_BUILT_PLATFORM,
                     "far": CooperationForm.SPECIAL_COOPERATION_ZONE}
    p = next(link for link in d.links if link.partner == "p")
    assert p.reasons[0].startswith("按产业链延补型配对，得分 0.900")
    assert p.reasons[1].startswith("分园：")
    assert "next-best leader B (0.300)" in p.reasons[2]
    assert d.to_dict()["links"][0]["form"] in {f.value for f in CooperationForm}


@pytest.mark.parametrize(("level", "kind", "km", "form"), [
    ("national", "tech_enabling", None, CooperationForm.CO_BUILT_PLATFORM),
    ("national", "cross_fusion", 900.0, CooperationForm.CO_BUILT_PLATFORM),
    ("national", "chain_complement", 10.0, CooperationForm.SPECIAL_COOPERATION_ZONE),
    ("provincial", "chain_complement", 10.0, CooperationForm.BRANCH_PARK),
    ("other", "tech_enabling", None, CooperationForm.BRANCH_PARK),
    ("provincial", "chain_complement", 200.1, CooperationForm.SPECIAL_COOPERATION_ZONE),
    (None, "cross_fusion", None, CooperationForm.BRANCH_PARK),
])
def test_choose_form_rules(level: str | None, kind: str, km: float | None, form: CooperationForm) -> None:
    chosen, reason = choose_form(level, kind, km)
    assert chosen is form
    assert " / " in reason
    if level is None:
        assert "level unknown" in reason


def _ok() -> pl.DataFrame:
    return pl.DataFrame({"leader": ["A"], "partner": ["p"], "tech_enabling": [0.5],
                         "chain_complement": [None], "cross_fusion": [0.2]})


@pytest.mark.parametrize(("change", "argument", "fragment"), [
    (lambda: dict(pairs=_ok().with_columns(pl.lit(1.2).alias("tech_enabling"))), "pairs", "outside [0, 1]"),
    (lambda: dict(pairs=_ok().with_columns(pl.lit(-0.1).alias("cross_fusion"))), "pairs", "outside"),
    (lambda: dict(pairs=_ok().with_columns(pl.lit(float("nan")).alias("tech_enabling"))), "pairs", "outside"),
    (lambda: dict(pairs=_ok().with_columns(pl.lit("Z").alias("leader"))), "pairs", "not in leaders"),
    (lambda: dict(pairs=_ok().with_columns(pl.lit("z").alias("partner"))), "pairs", "not in partners"),
    (lambda: dict(pairs=pl.concat([_ok(), _ok()])), "pairs", "more than once"),
    (lambda: dict(pairs=_ok().drop("chain_complement")), "pairs", "missing columns"),
    (lambda: dict(pairs=_ok().with_columns(partner_level=pl.lit("county"))), "pairs", "partner_level"),
    (lambda: dict(capacity=-1), "capacity", "≥ 0"),
    (lambda: dict(capacity={"A": 1, "X": 2}), "capacity", "unknown ['X']"),
    (lambda: dict(capacity=1.5), "capacity", "whole number"),
    (lambda: dict(leaders=["A", "A"]), "leaders", "twice"),
    (lambda: dict(partners=["p", "A"]), "partners", "also leaders"),
    (lambda: dict(min_score=1.5), "min_score", "[0, 1]"),
])
def test_bad_input_names_the_argument(change, argument: str, fragment: str) -> None:  # noqa: ANN001
    kwargs = {"pairs": _ok(), "leaders": ["A"], "partners": ["p"], "capacity": 1} | change()
    for solve in (design_network, greedy):
        with pytest.raises(InvalidArgument) as err:
            solve(**kwargs)
        assert err.value.argument == argument
        assert fragment in err.value.reason


def test_zero_capacity_links_nothing() -> None:
    d = design_network(_ok(), ["A"], ["p"], 0)
    assert d.optimal and d.objective == 0.0 and d.unassigned[0].cause is UnassignedCause.CAPACITY


def test_no_eligible_pair_skips_the_solver() -> None:
    d = design_network(_ok(), ["A"], ["p"], 1, min_score=0.9)
    assert d.optimal and d.gap == 0.0 and d.objective == 0.0 and "no eligible pair" in d.status


def test_same_input_same_design() -> None:
    pairs = _random_pairs(5, 3, 6)
    args = (pairs, ["L0", "L1", "L2"], [f"P{i}" for i in range(6)], 2)
    assert design_network(*args).to_dict() == design_network(*args).to_dict()
