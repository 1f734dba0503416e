"""The "1+N" assignment (1+N 网络设计): which lagging zone joins which leader's network, and in what form.

Every candidate pair (leader l, partner p) has a score per cooperation type (合作领域, computed by
``parknet.analysis.complementarity``); its score is the best of the three. The assignment maximises the
total score with each partner in at most one network and each leader taking at most N_l partners — a
bipartite b-matching, solved exactly as a MILP with HiGHS through :func:`scipy.optimize.milp`. The form
of each link (分园 / 特别合作区 / 共建平台) follows the rule table :data:`FORM_RULES`. Every link and every
partner left out carries its reasons, Chinese / English.

References: Huangfu, Q. & Hall, J. A. J. (2018) "Parallelizing the dual revised simplex method",
Mathematical Programming Computation 10, 119–142 (HiGHS); Schrijver, A. (2003) *Combinatorial
Optimization*, §21 (b-matchings; the constraint matrix of a bipartite graph is totally unimodular).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import polars as pl
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from parknet.domain import CooperationType, ZoneLevel
from parknet.errors import InvalidArgument

__all__ = [
    "CooperationForm", "UnassignedCause", "FORM_RULES", "FAR_KM", "TYPE_ORDER",
    "Link", "Unassigned", "Design", "choose_form", "design_network", "greedy",
]


class CooperationForm(StrEnum):
    """Form of a leader–partner link (合作形式)."""

    BRANCH_PARK = "branch_park"  # 某某分园: the leader's brand and management in the partner's space
    SPECIAL_COOPERATION_ZONE = "special_cooperation_zone"  # 特别合作区: jointly governed, revenue shared
    CO_BUILT_PLATFORM = "co_built_platform"  # 共建平台: a joint innovation / transfer / application platform


class UnassignedCause(StrEnum):
    """Why a partner joined no network (未入网原因)."""

    NO_CANDIDATE = "no_candidate"  # 无候选牵头园区
    NO_SCORE = "no_score"  # 得分均无法计算
    BELOW_MIN_SCORE = "below_min_score"  # 得分均低于门槛
    CAPACITY = "capacity"  # 可配对的牵头园区均已满额
    NOT_SELECTED = "not_selected"  # 求解器未选（解未证明最优）


#: Tie-break order of the types when a pair's scores are equal (the first wins).
TYPE_ORDER: tuple[CooperationType, ...] = (
    CooperationType.TECH_ENABLING, CooperationType.CHAIN_COMPLEMENT, CooperationType.CROSS_FUSION)
#: Distance (km) beyond which a branch park is too far to run day to day from the leader.
FAR_KM = 200.0

_ZH_TYPE = {CooperationType.TECH_ENABLING: "科技赋能型", CooperationType.CHAIN_COMPLEMENT: "产业链延补型",
            CooperationType.CROSS_FUSION: "跨界融合型"}
_ZH_FORM = {CooperationForm.BRANCH_PARK: "分园", CooperationForm.SPECIAL_COOPERATION_ZONE: "特别合作区",
            CooperationForm.CO_BUILT_PLATFORM: "共建平台"}

#: The form rules, first match wins: (partner is national, types or None = any, far or None = any) →
#: form, reason in Chinese, reason in English. "far" means distance_km > far_km; an unknown distance is near.
_Rule = tuple[bool, frozenset[CooperationType] | None, bool | None, CooperationForm, str, str]
FORM_RULES: tuple[_Rule, ...] = (
    (True, frozenset({CooperationType.TECH_ENABLING, CooperationType.CROSS_FUSION}), None,
     CooperationForm.CO_BUILT_PLATFORM, "国家级园区之间的科技或融合合作，宜共建平台",
     "two national zones cooperating on technology or fusion: a co-built platform"),
    (True, frozenset({CooperationType.CHAIN_COMPLEMENT}), None, CooperationForm.SPECIAL_COOPERATION_ZONE,
     "国家级园区之间对等合作、共同治理产业链", "peer national zones sharing the governance of a chain"),
    (False, None, True, CooperationForm.SPECIAL_COOPERATION_ZONE,
     "距离较远，分园难以日常管理，宜共管共享", "too far for a branch park run day to day: shared governance"),
    (False, None, None, CooperationForm.BRANCH_PARK,
     "牵头园区将品牌、管理与产业链延伸至该园区空间",
     "the leader extends its brand, management and chain into the partner's space"),
)


def choose_form(partner_level: str | None, score_type: str, distance_km: float | None = None, *,
                far_km: float = FAR_KM) -> tuple[CooperationForm, str]:
    """The form of a link (合作形式) and its reason, by the first matching rule of :data:`FORM_RULES`.

    ============================  ===================================  ========  =====================
    partner level                 type                                 distance  form
    ============================  ===================================  ========  =====================
    national                      tech_enabling, cross_fusion   any       共建平台 co-built platform
    national                      chain_complement                     any       特别合作区 special zone
    provincial / other / unknown  any                                  > far_km  特别合作区 special zone
    provincial / other / unknown  any                                  ≤ far_km  分园 branch park
    ============================  ===================================  ========  =====================

    An unknown level (None) is treated as provincial: the lagging zones of the article are mostly
    provincial and other parks. An unknown distance is treated as near.

    Parameters
    ----------
    partner_level : str or None
        ``ZoneLevel`` value of the partner.
    score_type : str
        ``CooperationType`` value of the link.
    distance_km : float, optional
        Distance between the two zones.
    far_km : float
        Distance threshold of the "far" rule (default :data:`FAR_KM`).

    Returns
    -------
    (CooperationForm, str)
        The form and its reason, Chinese / English.
    """
    if partner_level is not None and partner_level not in {z.value for z in ZoneLevel}:
        raise InvalidArgument("partner_level", f"must be one of {[z.value for z in ZoneLevel]} or None, "
                                               f"got {partner_level!r}")
    kind = _type(score_type)
    if distance_km is not None and not (math.isfinite(distance_km) and distance_km >= 0):
        raise InvalidArgument("distance_km", f"must be a finite number ≥ 0 or None, got {distance_km!r}")
    _check_far_km(far_km)
    national = partner_level == ZoneLevel.NATIONAL
    far = distance_km is not None and distance_km > far_km
    for rule_national, types, rule_far, form, zh, en in FORM_RULES:
        if (rule_national == national and (types is None or kind in types)
                and (rule_far is None or rule_far == far)):
            if partner_level is None:
                zh, en = zh + "（级别未知，按省级园区处理）", en + " (level unknown, treated as provincial)"
            return form, _zh_en(f"{_ZH_FORM[form]}：{zh}", f"{form.value.replace('_', ' ')}: {en}")
    raise AssertionError("FORM_RULES cover every case")  # the last rule matches anything non-national


def _zh_en(zh: str, en: str) -> str:
    """User-facing text: Chinese first, English after " / "."""
    return f"{zh} / {en}"


def _check_far_km(far_km: float) -> None:
    if isinstance(far_km, bool) or not isinstance(far_km, (int, float)) or not math.isfinite(far_km) \
            or far_km < 0:
        raise InvalidArgument("far_km", f"must be a finite number ≥ 0, got {far_km!r}")


def _type(value: str) -> CooperationType:
    try:
        return CooperationType(value)
    except ValueError:
        raise InvalidArgument("score_type",
                              f"must be one of {[t.value for t in TYPE_ORDER]}, got {value!r}") from None


@dataclass(frozen=True)
class Link:
    """One partner in one leader's network (1+N 中的一条连接)."""

    leader: str
    partner: str
    type: CooperationType
    score: float
    scores: dict[str, float | None]
    form: CooperationForm
    reasons: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "type": self.type.value, "form": self.form.value}


@dataclass(frozen=True)
class Unassigned:
    """A partner that joined no network, and why."""

    partner: str
    reason: str
    cause: UnassignedCause

    def to_dict(self) -> dict[str, Any]:
        return {"partner": self.partner, "reason": self.reason, "cause": self.cause.value}


@dataclass(frozen=True)
class Design:
    """A 1+N network design: the links, the partners left out, and the solution's quality.

    ``objective`` = Σ score of the links; ``optimal`` = proven optimal by HiGHS (always False for
    :func:`greedy`); ``gap`` = HiGHS's relative MIP gap (None for greedy); ``greedy_objective`` = the
    objective of the greedy baseline on the same input.
    """

    links: list[Link]
    unassigned: list[Unassigned]
    objective: float
    optimal: bool
    gap: float | None
    greedy_objective: float
    status: str = ""
    loads: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"links": [link.to_dict() for link in self.links],
                "unassigned": [u.to_dict() for u in self.unassigned],
                "objective": self.objective, "optimal": self.optimal, "gap": self.gap,
                "greedy_objective": self.greedy_objective, "status": self.status, "loads": dict(self.loads)}


# --- input -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Problem:
    """The validated input: one row per candidate pair, with its best type and score."""

    leaders: list[str]
    partners: list[str]
    capacity: dict[str, int]
    min_score: float
    far_km: float
    rows: list[dict[str, Any]]  # leader, partner, scores, score, type, partner_level, distance_km
    eligible: list[int]  # positions in rows of pairs that may be linked


def _names(values: Sequence[str], argument: str) -> list[str]:
    if isinstance(values, str) or not all(isinstance(v, str) for v in values):
        raise InvalidArgument(argument, "must be a list of zone ids (strings)")
    names = list(values)
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InvalidArgument(argument, f"zone {name!r} is listed twice")
        seen.add(name)
    return names


def _capacity(capacity: int | Mapping[str, int], leaders: list[str]) -> dict[str, int]:
    if isinstance(capacity, Mapping):
        unknown = sorted(set(capacity) - set(leaders))
        missing = [leader for leader in leaders if leader not in capacity]
        if unknown or missing:
            raise InvalidArgument("capacity",
                                  f"needs one entry per leader: unknown {unknown}, missing {missing}")
        caps = dict(capacity)
    else:
        caps = dict.fromkeys(leaders, capacity)
    for leader, n in caps.items():
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise InvalidArgument("capacity", f"N of leader {leader!r} must be a whole number ≥ 0, got {n!r}")
    return {leader: int(caps[leader]) for leader in leaders}


def _score_columns(pairs: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in ["leader", "partner", *(t.value for t in TYPE_ORDER)] if c not in pairs.columns]
    if missing:
        raise InvalidArgument("pairs", f"missing columns {missing}")
    for kind in TYPE_ORDER:
        column = pairs[kind.value]
        if column.dtype == pl.Null:
            pairs = pairs.with_columns(column.cast(pl.Float64))
            continue
        if not column.dtype.is_numeric():
            raise InvalidArgument("pairs",
                                  f"column {kind.value!r} must hold numbers in [0, 1], got {column.dtype}")
        values = column.cast(pl.Float64)
        bad = values.is_nan() | (values < 0) | (values > 1)
        if bad.any():
            i = int(bad.arg_true()[0])
            pair = f"({pairs['leader'][i]}, {pairs['partner'][i]})"
            raise InvalidArgument("pairs", f"{kind.value} = {values[i]} in row {i} {pair} is outside [0, 1] "
                                           "(null = not computable)")
    return pairs


def _check_pairs(pairs: pl.DataFrame, leaders: list[str], partners: list[str]) -> pl.DataFrame:
    if not isinstance(pairs, pl.DataFrame):
        raise InvalidArgument("pairs", f"must be a polars DataFrame, got {type(pairs).__name__}")
    pairs = _score_columns(pairs)
    if pairs["leader"].null_count() or pairs["partner"].null_count():
        raise InvalidArgument("pairs", "columns 'leader' and 'partner' must not be empty")
    for column, known, argument in (("leader", leaders, "leaders"), ("partner", partners, "partners")):
        unknown = sorted(set(pairs[column].cast(pl.String).to_list()) - set(known))
        if unknown:
            raise InvalidArgument("pairs", f"{column} {unknown[:5]} not in {argument}")
    dup = pairs.filter(pl.struct("leader", "partner").is_duplicated())
    if not dup.is_empty():
        raise InvalidArgument("pairs",
                              f"pair ({dup['leader'][0]}, {dup['partner'][0]}) appears more than once")
    if "partner_level" in pairs.columns:
        levels = {z.value for z in ZoneLevel}
        bad = sorted(set(pairs["partner_level"].drop_nulls().cast(pl.String).to_list()) - levels)
        if bad:
            raise InvalidArgument("pairs", f"partner_level must be one of {sorted(levels)}, got {bad}")
        if (pairs.group_by("partner").agg(pl.col("partner_level").n_unique())["partner_level"] > 1).any():
            raise InvalidArgument("pairs", "partner_level differs between rows of the same partner")
    if "distance_km" in pairs.columns:
        d = pairs["distance_km"].cast(pl.Float64)
        if (d.is_nan() | d.is_infinite() | (d < 0)).any():
            raise InvalidArgument("pairs", "distance_km must be finite and ≥ 0 (null = unknown)")
    return pairs


def _best(scores: dict[str, float | None]) -> tuple[float | None, CooperationType | None]:
    """max over types; ties go to the earlier type of TYPE_ORDER (strict > keeps the first)."""
    best, kind = None, None
    for t in TYPE_ORDER:
        s = scores[t.value]
        if s is not None and (best is None or s > best):
            best, kind = s, t
    return best, kind


def _problem(pairs: pl.DataFrame, leaders: Sequence[str], partners: Sequence[str],
             capacity: int | Mapping[str, int], min_score: float, far_km: float) -> _Problem:
    leaders_, partners_ = _names(leaders, "leaders"), _names(partners, "partners")
    both = sorted(set(leaders_) & set(partners_))
    if both:
        raise InvalidArgument("partners", f"zones {both[:5]} are also leaders")
    caps = _capacity(capacity, leaders_)
    if isinstance(min_score, bool) or not isinstance(min_score, (int, float)) or not 0 <= min_score <= 1:
        raise InvalidArgument("min_score", f"must be a number in [0, 1], got {min_score!r}")
    _check_far_km(far_km)
    pairs = _check_pairs(pairs, leaders_, partners_)
    order_l = {name: i for i, name in enumerate(leaders_)}
    order_p = {name: i for i, name in enumerate(partners_)}
    rows = []
    for r in pairs.iter_rows(named=True):
        scores = {t.value: (None if r[t.value] is None else float(r[t.value])) for t in TYPE_ORDER}
        score, kind = _best(scores)
        rows.append({"leader": r["leader"], "partner": r["partner"], "scores": scores, "score": score,
                     "type": kind, "partner_level": r.get("partner_level"),
                     "distance_km": r.get("distance_km")})
    rows.sort(key=lambda r: (order_l[r["leader"]], order_p[r["partner"]]))
    # A zero score adds nothing: such a pair is never linked, so an unassigned partner with an eligible
    # pair always means that its leaders are full.
    eligible = [i for i, r in enumerate(rows)
                if r["score"] is not None and r["score"] >= min_score and r["score"] > 0]
    return _Problem(leaders_, partners_, caps, float(min_score), float(far_km), rows, eligible)


# --- solution ---------------------------------------------------------------------------------------

def _greedy_choice(problem: _Problem) -> list[int]:
    """Pairs in descending score (ties: leaders' then partners' input order), skipping full leaders and
    partners already taken."""
    order = sorted(problem.eligible, key=lambda i: -problem.rows[i]["score"])  # stable: input order on ties
    load = dict.fromkeys(problem.leaders, 0)
    taken: set[str] = set()
    chosen = []
    for i in order:
        row = problem.rows[i]
        if row["partner"] in taken or load[row["leader"]] >= problem.capacity[row["leader"]]:
            continue
        chosen.append(i)
        taken.add(row["partner"])
        load[row["leader"]] += 1
    return chosen


def _objective(problem: _Problem, chosen: list[int]) -> float:
    return math.fsum(problem.rows[i]["score"] for i in chosen)


def _milp_choice(problem: _Problem) -> tuple[list[int], bool, float | None, str]:
    """max Σ s_e y_e s.t. Σ_{e∋p} y_e ≤ 1, Σ_{e∋l} y_e ≤ N_l, y ∈ {0,1}, over the eligible pairs e."""
    edges = problem.eligible
    if not edges:
        return [], True, 0.0, "no eligible pair: nothing to optimise"
    row_of = {name: i for i, name in enumerate(problem.partners)}
    row_of |= {name: len(problem.partners) + i for i, name in enumerate(problem.leaders)}
    rows = [row_of[problem.rows[i][end]] for i in edges for end in ("partner", "leader")]
    cols = np.repeat(np.arange(len(edges)), 2)
    a = csr_array((np.ones(len(rows)), (rows, cols)), shape=(len(row_of), len(edges)))
    upper = np.array([1.0] * len(problem.partners) + [float(problem.capacity[x]) for x in problem.leaders])
    score = np.array([problem.rows[i]["score"] for i in edges])
    # Presolve finds nothing to reduce in a b-matching yet costs 34 s at 31 × 3,000 pairs (HiGHS 1.12);
    # without it the root LP, integral by total unimodularity, closes the problem in about 1.5 s.
    result = milp(-score, constraints=LinearConstraint(a, -np.inf, upper), integrality=np.ones(len(edges)),
                  bounds=Bounds(0, 1), options={"mip_rel_gap": 0.0, "presolve": False})
    if result.x is None:
        return [], False, None, f"HiGHS status {result.status}: {result.message}"
    chosen = [edges[j] for j in np.flatnonzero(result.x > 0.5)]
    gap = getattr(result, "mip_gap", None)
    return chosen, result.status == 0, None if gap is None else float(gap), str(result.message)


def _link(problem: _Problem, i: int, alternatives: dict[str, list[int]], load: dict[str, int]) -> Link:
    row = problem.rows[i]
    kind: CooperationType = row["type"]
    others = [f"{t} {row['scores'][t]:.3f}" for t in (x.value for x in TYPE_ORDER)
              if t != kind.value and row["scores"][t] is not None]
    reasons = [_zh_en(f"按{_ZH_TYPE[kind]}配对，得分 {row['score']:.3f}（三类中最高）",
                      f"paired as {kind.value}, score {row['score']:.3f} (the best of the three types"
                      + (f"; {', '.join(others)}" if others else "") + ")")]
    level = None if row["partner_level"] is None else str(row["partner_level"])
    distance = None if row["distance_km"] is None else float(row["distance_km"])
    form, form_reason = choose_form(level, kind.value, distance, far_km=problem.far_km)
    reasons.append(form_reason)
    runner_up = [j for j in alternatives[row["partner"]] if j != i]
    if runner_up:
        j = max(runner_up, key=lambda j: problem.rows[j]["score"])
        other, s = problem.rows[j]["leader"], problem.rows[j]["score"]
        if s <= row["score"]:
            reasons.append(_zh_en(f"次优牵头园区 {other}（{s:.3f}）", f"next-best leader {other} ({s:.3f})"))
        elif load[other] >= problem.capacity[other]:
            reasons.append(_zh_en(f"牵头园区 {other} 得分更高（{s:.3f}）但名额已满",
                                  f"leader {other} scores higher ({s:.3f}) but is at capacity"))
        else:
            reasons.append(_zh_en(f"牵头园区 {other} 得分更高（{s:.3f}）且有余量，但未被选中（解未证明最优）",
                                  f"leader {other} scores higher ({s:.3f}) and has room "
                                  "(solution not proven optimal)"))
    return Link(row["leader"], row["partner"], kind, row["score"], dict(row["scores"]), form, reasons)


def _unassigned(problem: _Problem, partner: str, candidates: list[int], eligible: list[int],
                load: dict[str, int]) -> Unassigned:
    scored = [i for i in candidates if problem.rows[i]["score"] is not None]
    spare = [problem.rows[i]["leader"] for i in eligible
             if load[problem.rows[i]["leader"]] < problem.capacity[problem.rows[i]["leader"]]]
    if not candidates:
        cause = UnassignedCause.NO_CANDIDATE
        zh = "无候选牵头园区（省内无牵头园区或未计算配对）"
        en = "no candidate leader (no leader in its province, or no pair computed)"
    elif not scored:
        cause = UnassignedCause.NO_SCORE
        zh, en = "与所有候选牵头园区的得分均无法计算", "no score is computable with any candidate leader"
    elif not eligible:
        cause = UnassignedCause.BELOW_MIN_SCORE
        best, floor = max(problem.rows[i]["score"] for i in scored), problem.min_score
        zh = f"与所有牵头园区的最高得分 {best:.3f} 未达门槛 {floor:.3f}（或为 0）"
        en = f"no score ≥ min_score {floor:.3f} with any leader (best {best:.3f}, or 0)"
    elif spare:
        cause = UnassignedCause.NOT_SELECTED
        zh = f"牵头园区 {', '.join(spare)} 尚有余量但未被选中（解未证明最优）"
        en = f"not selected although {', '.join(spare)} has room (solution not proven optimal)"
    else:
        cause = UnassignedCause.CAPACITY
        leaders = ", ".join(problem.rows[i]["leader"] for i in eligible)
        zh = f"可配对的牵头园区（{leaders}）均已满额"
        en = f"every leader it can pair with ({leaders}) is at capacity"
        total, n = sum(problem.capacity.values()), len(problem.partners)
        if total < n:
            zh, en = f"{zh}；总容量 {total} < 园区数 {n}", f"{en}; total capacity {total} < {n} partners"
    return Unassigned(partner, _zh_en(zh, en), cause)


def _design(problem: _Problem, chosen: list[int], optimal: bool, gap: float | None, status: str,
            greedy_objective: float) -> Design:
    by_partner: dict[str, list[int]] = {p: [] for p in problem.partners}
    for i, row in enumerate(problem.rows):
        by_partner[row["partner"]].append(i)
    eligible_set = set(problem.eligible)
    alternatives = {p: [i for i in rows if i in eligible_set] for p, rows in by_partner.items()}
    load = dict.fromkeys(problem.leaders, 0)
    for i in chosen:
        load[problem.rows[i]["leader"]] += 1
    chosen_sorted = sorted(chosen)  # leaders' then partners' input order
    linked = {problem.rows[i]["partner"] for i in chosen_sorted}
    links = [_link(problem, i, alternatives, load) for i in chosen_sorted]
    unassigned = [_unassigned(problem, p, by_partner[p], alternatives[p], load)
                  for p in problem.partners if p not in linked]
    return Design(links, unassigned, _objective(problem, chosen_sorted), optimal, gap, greedy_objective,
                  status, load)


def design_network(pairs: pl.DataFrame, leaders: Sequence[str], partners: Sequence[str],
                   capacity: int | Mapping[str, int], *, min_score: float = 0.0,
                   far_km: float = FAR_KM) -> Design:
    """The optimal 1+N assignment of partners to leaders (最优 1+N 网络设计).

    Each pair's score is s_lp = max_t s_lp^t over the three types t (its type is the argmax; ties go to
    tech_enabling > chain_complement > cross_fusion, :data:`TYPE_ORDER`). With E the pairs whose
    score is not null, ≥ ``min_score`` and > 0:

        maximise Σ_{(l,p)∈E} s_lp y_lp
        s.t.     Σ_l y_lp ≤ 1 for every partner p,   Σ_p y_lp ≤ N_l for every leader l,   y_lp ∈ {0, 1},

    solved by HiGHS (:func:`scipy.optimize.milp`, ``mip_rel_gap = 0``, presolve off). The constraint
    matrix is the incidence matrix of a bipartite graph, totally unimodular, so the LP relaxation is
    already integral and HiGHS proves optimality at the root.

    Parameters
    ----------
    pairs : pl.DataFrame
        ``leader, partner, tech_enabling, chain_complement, cross_fusion``, scores in [0, 1], null = not computable; optional ``partner_level``
        (``ZoneLevel`` value) and ``distance_km`` for the form. One row per pair.
    leaders, partners : sequence of str
        The zone ids; pairs may only name these, and no zone may be both.
    capacity : int or mapping of leader → int
        N_l ≥ 0, the partners a leader can take (one entry per leader in a mapping).
    min_score : float
        Pairs scoring below this are never linked.
    far_km : float
        Distance threshold of :func:`choose_form`.

    Returns
    -------
    Design
        The links (leaders' then partners' input order), the partners left out with their reasons,
        Σ score, ``optimal`` (HiGHS status 0), ``gap`` (HiGHS ``mip_gap``), the HiGHS message as
        ``status``, the greedy baseline's objective and each leader's load.
    """
    problem = _problem(pairs, leaders, partners, capacity, min_score, far_km)
    chosen, optimal, gap, status = _milp_choice(problem)
    return _design(problem, chosen, optimal, gap, status, _objective(problem, _greedy_choice(problem)))


def greedy(pairs: pl.DataFrame, leaders: Sequence[str], partners: Sequence[str],
           capacity: int | Mapping[str, int], *, min_score: float = 0.0, far_km: float = FAR_KM) -> Design:
    """The greedy baseline (贪心基准): take pairs in descending score, skipping leaders already at
    capacity and partners already linked; ties in the leaders' then partners' input order.

    Same input and output as :func:`design_network`, with ``optimal=False``, ``gap=None`` and
    ``objective == greedy_objective``. Greedy reaches at least half the optimum: the feasible sets of a
    b-matching form a 2-extendible system (Mestre 2006, "Greedy in approximation algorithms", ESA,
    LNCS 4168).
    """
    problem = _problem(pairs, leaders, partners, capacity, min_score, far_km)
    chosen = _greedy_choice(problem)
    value = _objective(problem, chosen)
    return _design(problem, chosen, False, None, "greedy baseline", value)
