"""Coordination fund allocation (协同发展基金分配): which applications the provincial coordination fund
(千亿规模协同大基金) pays, how much, from which of its three sub-funds — development 开发基金, industry 产业基金,
venture 创投基金 — and why (MECHANISMS.md §5.1: co-built projects and lagging zones first).

:func:`allocate` maximises the expected impact funded subject to the sub-funds' budgets, eligibility, a
per-zone cap and a minimum share for lagging zones, as a MILP that HiGHS solves to proven optimality through
:func:`scipy.optimize.milp`. Money is exact: the solver works in floating 万元, the awards are integer units
of 0.0001 万元 (1 yuan), rounded and repaired so that every constraint holds exactly, then routed to the
sub-funds by an exact integer maximum flow. :func:`greedy` is the baseline (impact per 万元, descending).
The result explains itself: every constraint with its slack and shadow price, the binding ones, the best
application left out, and for every application the constraint that stopped it.

References: Huangfu, Q. & Hall, J. A. J. (2018) "Parallelizing the dual revised simplex method",
Mathematical Programming Computation 10, 119–142 (HiGHS). Gale, D. (1957) "A theorem on flows in networks",
Pacific Journal of Mathematics 7, 1073–1082 (the routing condition). Edmonds, J. & Karp, R. M. (1972)
"Theoretical improvements in algorithmic efficiency for network flow problems", J. ACM 19, 248–264.
Martello, S. & Toth, P. (1990) *Knapsack Problems*, Wiley, ch. 2 (greedy by ratio and its limits).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import threading
import warnings
from collections import Counter, deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

import numpy as np
import polars as pl
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array

from parknet.attribution.money import amount as units_to_amount
from parknet.attribution.money import from_units, to_units, units_column
from parknet.domain import CooperationType
from parknet.errors import InvalidArgument
from parknet.store.types import SCALE

__all__ = ["SubFund", "Outcome", "Cause", "ConstraintKind", "FundPolicy", "Constraint", "Decision",
           "Allocation", "allocate", "greedy", "allocation_digest"]


class SubFund(StrEnum):
    """The coordination fund's three sub-funds (子基金)."""

    DEVELOPMENT = "development"  # 开发基金: zones' construction, co-built parks
    INDUSTRY = "industry"  # 产业基金: supporting industries, chain projects
    VENTURE = "venture"  # 创投基金: venture capital for enterprises


class Outcome(StrEnum):
    """What an application received (资助结果)."""

    FUNDED = "funded"  # 全额资助
    PARTLY_FUNDED = "partly_funded"  # 部分资助
    NOT_FUNDED = "not_funded"  # 未资助


class Cause(StrEnum):
    """Why an application did not receive (more) money (未获（全额）资助原因)."""

    BUDGET = "budget"  # 基金余额不足
    ELIGIBILITY = "eligibility"  # 可申请的子基金余额不足（其他子基金尚有余额）
    ZONE_CAP = "zone_cap"  # 单园区资助上限
    LAGGING_SHARE = "lagging_share"  # 后发园区最低占比
    NO_IMPACT = "no_impact"  # 预期成效为 0
    NOT_SELECTED = "not_selected"  # 各约束均允许，但未被选中（贪心基线或解未证明最优）


class ConstraintKind(StrEnum):
    """The constraints of the allocation (约束)."""

    BUDGET = "budget"  # 子基金预算
    ZONE_CAP = "zone_cap"  # 单园区上限
    LAGGING_SHARE = "lagging_share"  # 后发园区最低占比


_ZH_SUBFUND = {SubFund.DEVELOPMENT: "开发基金", SubFund.INDUSTRY: "产业基金", SubFund.VENTURE: "创投基金"}
_REQUIRED = ("application_id", "zone_id", "amount", "impact", "eligible")
_LAGGING = "lagging_share"
# HiGHS options, measured on the 5,000-application round of benchmarks/fund.py over eight seeds: 1.6–4.2 s
# to a proof, against 5.3–13.8 s with the defaults. The large-neighbourhood heuristics re-solve sub-MIPs
# almost as large as the round, while the LP of this knapsack-like problem (few fractional variables) lets
# the tree search find the incumbents; strong branching spends LPs that pseudo-costs save here; presolve
# reduces nothing on this model and costs ~1 s. Without presolve HiGHS 1.12 fails ("Solve error") on some
# degenerate rounds, e.g. an award that must equal both its minimum and its zone cap: then the defaults.
_HIGHS_OPTIONS = ({"presolve": False, "mip_pscost_minreliable": 0, "mip_heuristic_run_rens": False,
                   "mip_heuristic_run_rins": False, "mip_heuristic_run_root_reduced_cost": False}, {})

@dataclass(frozen=True)
class FundPolicy:
    """The rules of a fund round (资助规则).

    Parameters
    ----------
    zone_cap : Decimal or None
        Most one zone may receive in the round, 万元 (单园区资助上限); None = no cap.
    lagging_min_share : Decimal
        Least share in [0, 1] of the total awarded that must go to lagging zones (后发园区最低占比).
    partial_allowed : bool
        Whether an application may be partly funded when its ``partial`` column is missing or null.
    time_limit : float
        Seconds HiGHS may spend; past it the best solution found is returned with ``optimal=False``.
    """

    zone_cap: Decimal | None = None
    lagging_min_share: Decimal = Decimal(0)
    partial_allowed: bool = False
    time_limit: float = 60.0

    def __post_init__(self) -> None:
        if self.zone_cap is not None:
            cap = _exact("policy.zone_cap", self.zone_cap)
            if cap <= 0:
                raise InvalidArgument("policy.zone_cap", f"must be positive or None, got {self.zone_cap}")
            object.__setattr__(self, "zone_cap", cap)
        share = self.lagging_min_share
        try:
            share = Decimal(repr(share)) if isinstance(share, float) else Decimal(share)
        except (TypeError, ArithmeticError):
            share = Decimal("NaN")
        if isinstance(self.lagging_min_share, bool) or not share.is_finite() or not 0 <= share <= 1:
            raise InvalidArgument("policy.lagging_min_share",
                                  f"must be a number in [0, 1], got {self.lagging_min_share!r}")
        object.__setattr__(self, "lagging_min_share", share)
        if not isinstance(self.partial_allowed, bool):
            raise InvalidArgument("policy.partial_allowed",
                                  f"must be True or False, got {self.partial_allowed!r}")
        if isinstance(self.time_limit, bool) or not isinstance(self.time_limit, (int, float)) \
                or not math.isfinite(self.time_limit) or self.time_limit <= 0:
            raise InvalidArgument("policy.time_limit", f"must be positive seconds, got {self.time_limit!r}")


@dataclass(frozen=True)
class Constraint:
    """One constraint of the allocation and how tight it is.

    ``limit`` and ``used``, 万元: a sub-fund's budget and what it pays out; a zone's cap and what the zone
    receives; for the lagging share, the minimum s·Σ awards and what lagging zones receive. ``slack`` is
    ``limit − used`` (budget, cap) or ``used − limit`` (lagging share). ``binding``: the slack is 0, or it
    stops an application (see :class:`Decision`). ``shadow_price``: impact gained per 万元 more budget or
    cap, or per percentage point less lagging share, from the LP with the funding decisions fixed (None
    for the greedy baseline or when that LP fails).
    """

    kind: ConstraintKind
    name: str
    limit: Decimal
    used: Decimal
    slack: Decimal
    binding: bool
    shadow_price: float | None

    @property
    def key(self) -> str:
        """``budget:<sub-fund>``, ``zone_cap:<zone>`` or ``lagging_share``."""
        return _key(self.kind, self.name)


def _key(kind: ConstraintKind, name: str) -> str:
    return _LAGGING if kind is ConstraintKind.LAGGING_SHARE else f"{kind}:{name}"


@dataclass(frozen=True)
class Decision:
    """One application's outcome and its reasons (Chinese / English).

    ``impact`` is the application's impact for a full award, ``credited`` what the award earns
    (impact · awarded / asked), ``impact_per_wan`` impact per 万元 asked. ``causes`` says why it did not get
    (more) money, ``constraints`` the keys (:attr:`Constraint.key`) of the constraints that stopped it.
    """

    application_id: Any
    zone_id: str
    outcome: Outcome
    asked: Decimal
    awarded: Decimal
    by_subfund: dict[str, Decimal]
    impact: float
    credited: float
    impact_per_wan: float
    causes: tuple[Cause, ...]
    constraints: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Allocation:
    """The awards of a fund round and their explanation.

    ``awards``: ``application_id, subfund, amount`` (Decimal(38, 4) 万元, positive rows only).
    ``objective``: Σ impact · awarded / asked over the exact awards. ``optimal``: HiGHS proved the optimum
    and rounding to whole yuan changed no funding decision. ``bound``: HiGHS's bound on the objective
    (None for the greedy baseline). ``method``: ``milp`` or ``greedy``.
    """

    awards: pl.DataFrame
    objective: float
    optimal: bool
    bound: float | None
    status: str
    method: str
    constraints: tuple[Constraint, ...]
    decisions: tuple[Decision, ...]

    @property
    def binding(self) -> list[Constraint]:
        """The constraints with no slack or that stop an application."""
        return [c for c in self.constraints if c.binding]

    @property
    def total(self) -> Decimal:
        """Σ awards, 万元."""
        return sum((d.awarded for d in self.decisions), Decimal(0))

    @property
    def marginal(self) -> Decision | None:
        """The best application not fully funded: highest impact per 万元, then impact, then input order
        (applications with zero impact are not candidates). None when every other one is funded."""
        left = [(i, d) for i, d in enumerate(self.decisions)
                if d.outcome is not Outcome.FUNDED and Cause.NO_IMPACT not in d.causes]
        if not left:
            return None
        return min(left, key=lambda x: (-x[1].impact_per_wan, -x[1].impact, x[0]))[1]

    def explain(self) -> list[Decision]:
        """Every application's outcome with its reasons, in input order."""
        return list(self.decisions)


# --- input ------------------------------------------------------------------------------------------------

@dataclass
class _Problem:
    ids: list[Any]
    id_dtype: pl.DataType
    zones: list[str]
    asked: list[int]  # units of 0.0001 万元
    impact: list[float]
    mask: list[int]  # bit j: eligible for codes[j]
    lagging: list[bool]
    partial: list[bool]
    minimum: list[int]  # smallest useful award: asked (all-or-nothing) or max(min_amount, 1 unit)
    has_min: list[bool]  # partial with a positive min_amount: needs a binary in the model
    codes: list[str]
    budget: list[int]
    cap: int | None
    share: Fraction

    @property
    def n(self) -> int:
        return len(self.ids)

    def ratio(self, a: int) -> float:
        return self.impact[a] / self.asked[a]

    def fundable(self, a: int) -> bool:
        return self.cap is None or self.minimum[a] <= self.cap

    def order(self) -> list[int]:
        """Impact per 万元 descending, then impact, then input order."""
        return sorted(range(self.n), key=lambda a: (-self.ratio(a), -self.impact[a], a))


def _exact(argument: str, value: object) -> Decimal:
    return from_units(_units(argument, value))


def _units(argument: str, value: object) -> int:
    try:
        return to_units(value)
    except InvalidArgument as exc:
        raise InvalidArgument(argument, f"{exc.reason} (万元, at most 4 decimals)") from None


def _names(values: list[Any], limit: int = 5) -> str:
    head = ", ".join(str(v) for v in values[:limit])
    return head + (f" … (+{len(values) - limit} more)" if len(values) > limit else "")


def _column_units(frame: pl.DataFrame, column: str, ids: list[Any]) -> list[int]:
    series = frame[column]
    if series.null_count():
        bad = [ids[i] for i in series.is_null().arg_true().to_list()]
        raise InvalidArgument(f"applications.{column}", f"missing for application(s) {_names(bad)}")
    try:
        return units_column(series).to_list()
    except InvalidArgument:
        for i, v in enumerate(series.to_list()):
            _units(f"applications.{column} of application {ids[i]}", v)
        raise


def _read_subfunds(subfunds: pl.DataFrame) -> tuple[list[str], list[int]]:
    if not isinstance(subfunds, pl.DataFrame) or not {"subfund", "budget"} <= set(subfunds.columns):
        raise InvalidArgument("subfunds", "must be a polars DataFrame with columns subfund, budget")
    if subfunds.is_empty():
        raise InvalidArgument("subfunds", "is empty: give at least one sub-fund and its budget")
    codes = [str(c) if c is not None else "" for c in subfunds["subfund"].to_list()]
    unknown = [c for c in codes if c not in set(SubFund)]
    if unknown:
        raise InvalidArgument("subfunds.subfund", f"unknown sub-fund code(s) {_names(unknown)}; "
                                                  f"use {', '.join(SubFund)}")
    twice = sorted(c for c, n in Counter(codes).items() if n > 1)
    if twice:
        raise InvalidArgument("subfunds.subfund", f"listed twice: {_names(twice)}")
    budget = [_units(f"subfunds.budget of {c}", v) for c, v in zip(codes, subfunds["budget"].to_list())]
    if any(b < 0 for b in budget):
        raise InvalidArgument("subfunds.budget", "must be ≥ 0 (万元)")
    return codes, budget


def _read_flags(frame: pl.DataFrame, column: str, default: bool) -> list[bool]:
    if column not in frame.columns:
        return [default] * frame.height
    if frame[column].dtype != pl.Boolean and frame[column].null_count() != frame.height:
        raise InvalidArgument(f"applications.{column}",
                              f"must be a Boolean column, got {frame[column].dtype}")
    return [default if v is None else bool(v) for v in frame[column].to_list()]


def _read_eligible(frame: pl.DataFrame, ids: list[Any], codes: list[str]) -> list[int]:
    series = frame["eligible"]
    if series.dtype == pl.List(pl.Null):  # every list empty
        series = series.cast(pl.List(pl.String))
    if series.dtype != pl.List(pl.String):
        raise InvalidArgument("applications.eligible", f"must be a list of sub-fund codes per application "
                                                       f"(List(String)), got {series.dtype}")
    masks, bad = [], []
    for a, listed in enumerate(series.to_list()):
        listed = listed or []
        unknown = [c for c in listed if c not in set(SubFund)]
        if unknown:
            bad.append(f"{ids[a]} ({', '.join(map(str, unknown))})")
        masks.append(sum(1 << j for j, code in enumerate(codes) if code in listed))
    if bad:
        raise InvalidArgument("applications.eligible", f"unknown sub-fund code(s) in {_names(bad)}; "
                                                       f"use {', '.join(SubFund)}")
    return masks


def _read(applications: pl.DataFrame, subfunds: pl.DataFrame, policy: FundPolicy) -> _Problem:
    if not isinstance(policy, FundPolicy):
        raise InvalidArgument("policy", f"must be a FundPolicy, got {type(policy).__name__}")
    codes, budget = _read_subfunds(subfunds)
    if not isinstance(applications, pl.DataFrame):
        raise InvalidArgument("applications", "must be a polars DataFrame")
    missing = [c for c in _REQUIRED if c not in applications.columns]
    if missing:
        raise InvalidArgument("applications", f"missing column(s) {', '.join(missing)}")
    frame = applications
    if frame["application_id"].null_count():
        raise InvalidArgument("applications.application_id", "has missing ids")
    ids = frame["application_id"].to_list()
    twice = sorted(str(i) for i, n in Counter(ids).items() if n > 1)
    if twice:
        raise InvalidArgument("applications.application_id", f"duplicate id(s) {_names(twice)}")
    if frame["zone_id"].null_count():
        bad = [ids[i] for i in frame["zone_id"].is_null().arg_true().to_list()]
        raise InvalidArgument("applications.zone_id", f"missing for application(s) {_names(bad)}")
    zones = [str(z) for z in frame["zone_id"].to_list()]
    asked = _column_units(frame, "amount", ids)
    negative = [ids[a] for a, v in enumerate(asked) if v <= 0]
    if negative:
        raise InvalidArgument("applications.amount", f"must be positive (万元); not so for {_names(negative)}")
    impact = _read_impact(frame, ids)
    mask = _read_eligible(frame, ids, codes)
    lagging = _read_flags(frame, "lagging", False)
    partial = _read_flags(frame, "partial", policy.partial_allowed)
    min_amount = _read_min_amount(frame, ids, asked)
    _check_cooperation_type(frame, ids)
    cap = None if policy.zone_cap is None else to_units(policy.zone_cap)
    p = _Problem(ids, frame["application_id"].dtype, zones, asked, impact, mask, lagging, partial,
                 [max(m, 1) if pt else q for m, q, pt in zip(min_amount, asked, partial)],
                 [pt and m > 0 for m, pt in zip(min_amount, partial)], codes, budget, cap,
                 Fraction(policy.lagging_min_share))
    _check_consistency(p)
    return p


def _read_impact(frame: pl.DataFrame, ids: list[Any]) -> list[float]:
    series = frame["impact"]
    if not series.dtype.is_numeric():
        raise InvalidArgument("applications.impact", f"must be numeric, got {series.dtype}")
    values = series.cast(pl.Float64).to_list()
    bad = [ids[a] for a, v in enumerate(values) if v is None or not math.isfinite(v) or v < 0]
    if bad:
        raise InvalidArgument("applications.impact", f"must be a finite number ≥ 0; not so for {_names(bad)}")
    return values


def _read_min_amount(frame: pl.DataFrame, ids: list[Any], asked: list[int]) -> list[int]:
    if "min_amount" not in frame.columns:
        return [0] * frame.height
    filled = frame.with_columns(pl.col("min_amount").fill_null(0))
    values = _column_units(filled, "min_amount", ids)
    bad = [ids[a] for a, (m, q) in enumerate(zip(values, asked)) if not 0 <= m <= q]
    if bad:
        raise InvalidArgument("applications.min_amount", f"must lie between 0 and the amount asked; "
                                                         f"not so for {_names(bad)}")
    return values


def _check_cooperation_type(frame: pl.DataFrame, ids: list[Any]) -> None:
    if "cooperation_type" not in frame.columns:
        return
    allowed = {t.value for t in CooperationType}
    bad = [f"{ids[a]} ({v})" for a, v in enumerate(frame["cooperation_type"].to_list())
           if v is not None and v not in allowed]
    if bad:
        raise InvalidArgument("applications.cooperation_type", f"unknown type in {_names(bad)}; use "
                                                               f"{', '.join(sorted(allowed))} or null")


def _check_consistency(p: _Problem) -> None:
    """One lagging flag per zone; no application asking more than its sub-funds hold; a lagging minimum
    that some award can meet."""
    flags: dict[str, set[bool]] = {}
    for z, flag in zip(p.zones, p.lagging):
        flags.setdefault(z, set()).add(flag)
    mixed = [z for z, f in flags.items() if len(f) > 1]
    if mixed:
        raise InvalidArgument("applications.lagging", f"zone(s) {_names(mixed)} are marked both lagging and "
                                                      "not lagging; give one value per zone")
    too_large = []
    for a in range(p.n):
        held = sum(b for j, b in enumerate(p.budget) if p.mask[a] >> j & 1)
        if p.asked[a] > held:
            eligible = ", ".join(c for j, c in enumerate(p.codes) if p.mask[a] >> j & 1)
            too_large.append(f"{p.ids[a]} asks {_fmt(p.asked[a])} 万元, its eligible sub-funds ({eligible}) "
                             f"hold {_fmt(held)} 万元" if eligible else
                             f"{p.ids[a]} asks {_fmt(p.asked[a])} 万元 but is eligible for none in subfunds")
    if too_large:
        raise InvalidArgument("applications.amount", "more than the sub-funds an application is eligible for "
                              f"hold together: {_names(too_large, 3)}; lower the amount or widen eligibility")
    if p.share > 0 and not any(p.lagging[a] and p.fundable(a) for a in range(p.n)):
        others = [p.ids[a] for a in range(p.n) if p.fundable(a) and p.impact[a] > 0]
        if others:
            lagging = [a for a in range(p.n) if p.lagging[a]]
            why = ("no application comes from a lagging zone" if not lagging else
                   f"every lagging-zone application ({_names([p.ids[a] for a in lagging])}) asks more than "
                   f"the zone cap of {_fmt(p.cap or 0)} 万元")
            raise InvalidArgument(
                "policy.lagging_min_share",
                f"the lagging-zone minimum of {float(p.share):.1%} cannot be met by any award: {why}, so "
                f"only an empty allocation satisfies it (without it, {_names(others)} could be funded); "
                "lower the share or admit lagging-zone applications")


def _fmt(units: int) -> str:
    return f"{from_units(units).normalize():,f}"


# --- exact state: totals per application, the slack of every routing condition ----------------------------

class _Ledger:
    """Totals per application (units) and the slack of every constraint, kept exact.

    Routing condition (Gale 1957): totals T can be paid from the sub-funds within budget, each application
    only from sub-funds it is eligible for, iff for every set S of sub-funds Σ_{a: E(a) ⊆ S} T_a ≤ Σ_{f∈S}
    B_f. ``slack[S]`` is the right side minus the left; the most an application a can still receive is the
    least slack over S ⊇ E(a).
    """

    def __init__(self, p: _Problem, totals: list[int]) -> None:
        self.p = p
        m = len(p.codes)
        self.up = [[s for s in range(1 << m) if s & mask == mask] for mask in range(1 << m)]
        self.slack = [sum(b for j, b in enumerate(p.budget) if s >> j & 1) for s in range(1 << m)]
        self.zone = dict.fromkeys(p.zones, 0)
        self.lagging_total = self.other_total = 0
        self.totals = [0] * p.n
        for a, t in enumerate(totals):
            self.add(a, t)

    def add(self, a: int, delta: int) -> None:
        if not delta:
            return
        self.totals[a] += delta
        for s in self.up[self.p.mask[a]]:
            self.slack[s] -= delta
        self.zone[self.p.zones[a]] += delta
        if self.p.lagging[a]:
            self.lagging_total += delta
        else:
            self.other_total += delta

    def surplus(self) -> Fraction:
        """(1 − s)·lagging − s·others: ≥ 0 iff the lagging share holds."""
        share = self.p.share
        return (1 - share) * self.lagging_total - share * self.other_total

    def budget_room(self, a: int) -> tuple[int, int]:
        """The most the sub-funds can still pay a, and the set S (bitmask) that limits it."""
        return min((self.slack[s], s) for s in self.up[self.p.mask[a]])

    def room(self, a: int) -> int:
        p = self.p
        room = min(self.budget_room(a)[0], p.asked[a] - self.totals[a])
        if p.cap is not None:
            room = min(room, p.cap - self.zone[p.zones[a]])
        if not p.lagging[a] and p.share > 0:
            room = min(room, math.floor(self.surplus() / p.share))
        return room

    def violation(self) -> tuple[list[int], int] | None:
        """The first violated constraint as (applications that can give way, excess units), or None."""
        p = self.p
        for s, slack in enumerate(self.slack):
            if slack < 0:
                return [a for a in range(p.n) if p.mask[a] & ~s == 0], -slack
        if p.cap is not None:
            for z, used in self.zone.items():
                if used > p.cap:
                    return [a for a in range(p.n) if p.zones[a] == z], used - p.cap
        if self.surplus() < 0:
            allowed = math.floor((1 - p.share) * self.lagging_total / p.share)
            return [a for a in range(p.n) if not p.lagging[a]], self.other_total - allowed
        return None


def _repair(ledger: _Ledger) -> list[int]:
    """Trim the awards until every constraint holds exactly; returns the applications it had to drop.

    Partial awards give way first (lowest impact per 万元 first, down to their minimum), then whole awards.
    The solver's tolerances make this a few units at most; dropping an award changes a decision.
    """
    p, dropped = ledger.p, []
    while (found := ledger.violation()) is not None:
        members, excess = found
        members = sorted((a for a in members if ledger.totals[a] > 0), key=lambda a: (p.ratio(a), -a))
        for a in members:
            if excess <= 0:
                break
            if p.partial[a]:
                floor = p.minimum[a] if p.has_min[a] else 0
                cut = min(excess, ledger.totals[a] - floor)
                ledger.add(a, -cut)
                excess -= cut
        for a in members:
            if excess <= 0:
                break
            if ledger.totals[a] > 0:
                excess -= ledger.totals[a]
                ledger.add(a, -ledger.totals[a])
                dropped.append(a)
    return dropped


def _fill(ledger: _Ledger) -> None:
    """Greedy by impact per 万元: give each application (positive impact) what still fits, twice over — the
    second pass reaches applications that the lagging minimum held back until lagging awards came in."""
    p = ledger.p
    order = [a for a in p.order() if p.impact[a] > 0]
    for _ in range(2):
        for a in order:
            t = ledger.totals[a]
            if t == p.asked[a]:
                continue
            room = ledger.room(a)
            if p.partial[a] and room >= (p.minimum[a] if t == 0 else 1):
                ledger.add(a, room)
            elif t == 0 and room >= p.asked[a]:
                ledger.add(a, p.asked[a])


def _max_flow(capacity: list[list[int]], source: int, sink: int) -> list[list[int]]:
    """Exact integer maximum flow (Edmonds–Karp) on a small dense graph; the flow matrix."""
    n = len(capacity)
    flow = [[0] * n for _ in range(n)]
    while True:
        parent = [-1] * n
        parent[source] = source
        queue = deque([source])
        while queue and parent[sink] < 0:
            u = queue.popleft()
            for v in range(n):
                if parent[v] < 0 and capacity[u][v] - flow[u][v] > 0:
                    parent[v] = u
                    queue.append(v)
        if parent[sink] < 0:
            return flow
        path, v = [], sink
        while v != source:
            path.append((parent[v], v))
            v = parent[v]
        push = min(capacity[u][v] - flow[u][v] for u, v in path)
        for u, v in path:
            flow[u][v] += push
            flow[v][u] -= push


def _route(p: _Problem, totals: list[int]) -> list[dict[int, int]]:
    """Pay the totals from the sub-funds exactly: a maximum flow from the eligibility groups (at most 7)
    to the sub-funds, then within a group applications in input order fill the sub-funds in order."""
    masks = sorted({p.mask[a] for a in range(p.n) if totals[a]})
    m, k = len(p.codes), len(masks)
    source, sink = 0, k + m + 1
    capacity = [[0] * (k + m + 2) for _ in range(k + m + 2)]
    for g, mask in enumerate(masks, start=1):
        capacity[source][g] = sum(t for a, t in enumerate(totals) if p.mask[a] == mask)
        for j in range(m):
            if mask >> j & 1:
                capacity[g][k + 1 + j] = capacity[source][g]
    for j in range(m):
        capacity[k + 1 + j][sink] = p.budget[j]
    flow = _max_flow(capacity, source, sink)
    if sum(flow[source]) != sum(totals):  # the ledger checked the routing condition: cannot happen
        raise AssertionError("the awards cannot be routed to the sub-funds")
    paid: list[dict[int, int]] = [{} for _ in range(p.n)]
    for g, mask in enumerate(masks, start=1):
        left = [(j, flow[g][k + 1 + j]) for j in range(m) if flow[g][k + 1 + j] > 0]
        for a in (a for a in range(p.n) if p.mask[a] == mask and totals[a]):
            need = totals[a]
            while need:
                j, have = left[0]
                take = min(need, have)
                paid[a][j] = paid[a].get(j, 0) + take
                need -= take
                left[0] = (j, have - take)
                if have == take:
                    left.pop(0)
    return paid


# --- the MILP -----------------------------------------------------------------------------------------------

@dataclass
class _Model:
    c: np.ndarray
    a_ub: csr_array
    b_ub: np.ndarray
    x_app: list[int]  # application of each u column; the y columns follow
    y_app: list[int]
    integral: np.ndarray
    named: dict[str, list[int]]  # "budget:<code>", "zone_cap:<zone>", "lagging_share" → rows of a_ub


def _build(p: _Problem) -> _Model:
    """Columns u_a (share of a's ask awarded, binary for all-or-nothing), then y_a ∈ {0, 1} for partial
    applications with a minimum; budgets and eligibility as the routing condition of :class:`_Ledger`
    (a row for each set of sub-funds that is the union of some applications' eligibility: any other set's
    row is implied by a subset's); money rows in 万元."""
    # a lagging application without impact can still carry the lagging share
    x_app = [a for a in range(p.n) if p.fundable(a) and (p.impact[a] > 0 or (p.lagging[a] and p.share > 0))]
    y_app = [a for a in x_app if p.partial[a] and p.has_min[a]]
    nx = len(x_app)
    money = np.array([p.asked[a] for a in x_app], dtype=float) / SCALE
    col_of = {a: i for i, a in enumerate(x_app)}
    rows: list[tuple[list[int], list[float], float]] = []
    for i, a in enumerate(y_app):  # minimum/asked · y ≤ x ≤ y
        rows.append(([col_of[a], nx + i], [1.0, -1.0], 0.0))
        rows.append(([col_of[a], nx + i], [-1.0, p.minimum[a] / p.asked[a]], 0.0))
    named: dict[str, list[int]] = {f"budget:{code}": [] for code in p.codes}
    masks = np.array([p.mask[a] for a in x_app], dtype=np.int64)
    for s in range(1, 1 << len(p.codes)):
        cols = np.flatnonzero(masks & ~s == 0)
        if not cols.size or np.bitwise_or.reduce(masks[cols]) != s:
            continue
        for j, code in enumerate(p.codes):
            if s >> j & 1:
                named[f"budget:{code}"].append(len(rows))
        budget = sum(b for j, b in enumerate(p.budget) if s >> j & 1)
        rows.append((cols.tolist(), money[cols].tolist(), budget / SCALE))
    if p.cap is not None:
        zone_of = np.array([p.zones[a] for a in x_app], dtype=object)
        for z in dict.fromkeys(p.zones):
            cols = np.flatnonzero(zone_of == z)
            if money[cols].sum() * SCALE > p.cap:
                named[f"zone_cap:{z}"] = [len(rows)]
                rows.append((cols.tolist(), money[cols].tolist(), p.cap / SCALE))
    if p.share > 0 and nx:  # Σ_lagging x ≥ s Σ x  ⇔  −Σ_a (1[lagging] − s) x_a ≤ 0
        weight = np.array([p.lagging[a] for a in x_app], dtype=float) - float(p.share)
        named[_LAGGING] = [len(rows)]
        rows.append((list(range(nx)), (-weight * money).tolist(), 0.0))
    c = np.concatenate([-np.array([p.impact[a] for a in x_app], dtype=float), np.zeros(len(y_app))])
    integral = np.concatenate([[0.0 if p.partial[a] else 1.0 for a in x_app], np.ones(len(y_app))])
    r = [i for i, (cols, _, _) in enumerate(rows) for _ in cols]
    a_ub = csr_array(([v for _, vs, _ in rows for v in vs], (r, [c for cs, _, _ in rows for c in cs])),
                     shape=(len(rows), c.size))
    return _Model(c, a_ub, np.array([b for *_, b in rows], dtype=float), x_app, y_app, integral, named)


def _solve(p: _Problem, model: _Model,
           time_limit: float) -> tuple[list[int], bool, float | None, str, np.ndarray | None]:
    """Solve the MILP; the totals (units), proven optimal, bound, HiGHS's message, and the solution (None
    when HiGHS found none: the totals are then 0 and :func:`_fill` gives the greedy awards)."""
    if not model.c.size:
        return [0] * p.n, True, 0.0, "nothing can be funded", None
    constraints = LinearConstraint(model.a_ub, -np.inf, model.b_ub) if model.b_ub.size else None
    for options in _HIGHS_OPTIONS:
        with warnings.catch_warnings():  # scipy warns that it passes the mip_* options to HiGHS verbatim
            warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
            with _quiet_highs():
                result = milp(model.c, constraints=constraints, bounds=Bounds(0, 1), integrality=model.integral,
                              options={"mip_rel_gap": 0.0, "time_limit": float(time_limit), **options})
        if result.x is not None:
            break
    else:
        return [0] * p.n, False, None, f"HiGHS found no solution ({result.message}): greedy awards", None
    x = np.where(model.integral > 0, np.round(result.x), result.x)
    off = {a for a, y in zip(model.y_app, x[len(model.x_app):]) if not y}
    totals = [0] * p.n
    for a, share in zip(model.x_app, x):
        if a in off:
            continue
        if not p.partial[a]:
            totals[a] = p.asked[a] if share else 0
        else:  # floor: rounding down never breaks a budget or cap; _fill gives back what still fits
            floor = p.minimum[a] if p.has_min[a] else 0
            totals[a] = min(p.asked[a], max(floor, math.floor(p.asked[a] * share + 1e-6)))
    bound = getattr(result, "mip_dual_bound", None)
    return totals, result.status == 0, None if bound is None else -float(bound), str(result.message), x


_QUIET = threading.Lock()  # file descriptor 1 is process-wide: one silenced solve at a time


@contextmanager
def _quiet_highs() -> Iterator[None]:
    """Send file descriptor 1 to /dev/null during a HiGHS call: HiGHS 1.12 prints a stray line from C++,
    past ``sys.stdout``, which would break a command's ``--json`` output. Python's ``sys.stdout`` is flushed
    before and after and otherwise left alone."""
    with _QUIET:
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            yield
        finally:
            os.dup2(saved, 1)
            os.close(devnull)
            os.close(saved)


def _shadow_prices(model: _Model, x: np.ndarray | None, awarded: Decimal) -> dict[str, float]:
    """Duals of the named rows in the LP with every integer variable fixed at its optimal value; see
    :class:`Constraint`. A budget's price sums the duals of the routing rows its sub-fund is part of."""
    if x is None or not model.b_ub.size:
        return {}
    bounds = np.column_stack([np.where(model.integral > 0, x, 0.0), np.where(model.integral > 0, x, 1.0)])
    with _quiet_highs():
        result = linprog(model.c, A_ub=model.a_ub, b_ub=model.b_ub, bounds=bounds, method="highs")
    if result.status != 0:
        return {}
    duals = -result.ineqlin.marginals
    prices = {name: float(duals[rows].sum()) + 0.0 for name, rows in model.named.items()}
    if _LAGGING in prices:
        prices[_LAGGING] = prices[_LAGGING] * float(awarded) / 100 + 0.0
    return prices


# --- the result -------------------------------------------------------------------------------------------

def _zh_en(zh: str, en: str) -> str:
    """User-facing text: Chinese first, English after " / "."""
    return f"{zh} / {en}"


def _causes(p: _Problem, ledger: _Ledger, a: int) -> list[tuple[Cause, tuple[str, ...], str]]:
    """Why a is not (fully) funded: (cause, constraint keys, reason) for every constraint that alone
    prevents the next useful step — the full amount, the minimum, or one unit more."""
    t, cap, zone, causes = ledger.totals[a], p.cap or 0, p.zones[a], []
    need = p.minimum[a] if t == 0 else 1
    if p.impact[a] == 0:
        causes.append((Cause.NO_IMPACT, (), _zh_en("预期成效为 0", "expected impact is 0")))
    if not p.fundable(a):
        what = ("最低可用额", "its smallest useful award") if p.partial[a] else ("申请额", "the amount asked")
        return causes + [(Cause.ZONE_CAP, (f"zone_cap:{zone}",), _zh_en(
            f"{what[0]} {_fmt(need)} 万元超过单园区上限 {_fmt(cap)} 万元",
            f"{what[1]}, {_fmt(need)} 万元, exceeds the zone cap of {_fmt(cap)} 万元"))]
    room, limiting = ledger.budget_room(a)
    if room < need:
        keys = tuple(f"budget:{c}" for j, c in enumerate(p.codes) if limiting >> j & 1)
        left = ledger.slack[-1]
        if left < need:
            zh, en = f"基金余额 {_fmt(left)} 万元", f"the fund has {_fmt(left)} 万元 left in all"
        else:
            codes = [SubFund(c) for j, c in enumerate(p.codes) if p.mask[a] >> j & 1]
            zh = (f"其可申请的子基金（{'、'.join(_ZH_SUBFUND[c] for c in codes)}）仅能再支付 {_fmt(room)} 万元，"
                  "其余子基金尚有余额但不在申请范围")
            en = (f"its eligible sub-funds ({', '.join(codes)}) can pay only {_fmt(room)} 万元 more; the "
                  "others have money left but it is not eligible for them")
        causes.append((Cause.BUDGET if left < need else Cause.ELIGIBILITY, keys,
                       _zh_en(f"{zh}，不足所需 {_fmt(need)} 万元", f"{en}, it needs {_fmt(need)} 万元")))
    used = ledger.zone[zone]
    if p.cap is not None and cap - used < need:
        causes.append((Cause.ZONE_CAP, (f"zone_cap:{zone}",), _zh_en(
            f"园区 {zone} 已获 {_fmt(used)} 万元，单园区上限 {_fmt(cap)} 万元，不足所需 {_fmt(need)} 万元",
            f"zone {zone} already has {_fmt(used)} of its {_fmt(cap)} 万元 cap, it needs {_fmt(need)} 万元")))
    if not p.lagging[a] and p.share > 0 and ledger.surplus() < p.share * need:
        lagging, share = ledger.lagging_total, float(p.share)
        total = lagging + ledger.other_total
        causes.append((Cause.LAGGING_SHARE, (_LAGGING,), _zh_en(
            f"后发园区须占资助总额的 {share:.1%}（现 {_fmt(lagging)} / {_fmt(total)} 万元），再向非后发园区资助 "
            f"{_fmt(need)} 万元将低于该比例",
            f"lagging zones must receive at least {share:.1%} of the total (now {_fmt(lagging)} of "
            f"{_fmt(total)} 万元); {_fmt(need)} 万元 more to a non-lagging zone would break it")))
    if not causes:
        causes.append((Cause.NOT_SELECTED, (), _zh_en(
            "各约束均允许资助，但未被选中（贪心基线或解未证明最优）",
            "every constraint allows funding it, but it was not chosen (greedy baseline, or not proven "
            "optimal)")))
    return causes


def _decision(p: _Problem, ledger: _Ledger, paid: dict[int, int], a: int) -> Decision:
    t, asked = ledger.totals[a], p.asked[a]
    ratio = p.impact[a] / (asked / SCALE)
    pieces = sorted(paid.items())
    zh_parts = "、".join(f"{_ZH_SUBFUND[SubFund(p.codes[j])]} {_fmt(u)}" for j, u in pieces)
    en_parts = ", ".join(f"{p.codes[j]} {_fmt(u)}" for j, u in pieces)
    if t == asked:
        outcome, zh, en = (Outcome.FUNDED, f"全额资助 {_fmt(t)} 万元（{zh_parts}）",
                           f"funded in full: {_fmt(t)} 万元 ({en_parts})")
    elif t:
        outcome, zh, en = (Outcome.PARTLY_FUNDED, f"部分资助 {_fmt(t)} / {_fmt(asked)} 万元（{zh_parts}）",
                           f"partly funded: {_fmt(t)} of {_fmt(asked)} 万元 ({en_parts})")
    else:
        outcome, zh, en = (Outcome.NOT_FUNDED, f"未资助（申请 {_fmt(asked)} 万元）",
                           f"not funded (asked {_fmt(asked)} 万元)")
    causes = _causes(p, ledger, a) if t < asked else []
    keys = tuple(dict.fromkeys(k for _, ks, _ in causes for k in ks))
    reasons = (_zh_en(f"{zh}，每万元成效 {ratio:.4g}", f"{en}, impact per 万元 {ratio:.4g}"),
               *(r for _, _, r in causes))
    return Decision(p.ids[a], p.zones[a], outcome, from_units(asked), from_units(t),
                    {p.codes[j]: from_units(u) for j, u in pieces}, p.impact[a],
                    p.impact[a] * t / asked, ratio, tuple(c for c, _, _ in causes), keys, reasons)


def _constraints(p: _Problem, ledger: _Ledger, paid: list[dict[int, int]], decisions: list[Decision],
                 prices: dict[str, float] | None) -> tuple[Constraint, ...]:
    stopping = {key for d in decisions for key in d.constraints}

    def constraint(kind: ConstraintKind, name: str, limit: Decimal, used: Decimal, slack: Decimal,
                   tight: bool) -> Constraint:
        key = _key(kind, name)
        price = None if prices is None else prices.get(key, 0.0)
        return Constraint(kind, name, limit, used, slack, tight or key in stopping, price)

    out = []
    for j, code in enumerate(p.codes):
        used = sum(x.get(j, 0) for x in paid)
        out.append(constraint(ConstraintKind.BUDGET, code, from_units(p.budget[j]), from_units(used),
                              from_units(p.budget[j] - used), used == p.budget[j]))
    if p.cap is not None:
        asked: dict[str, int] = {}
        for a in range(p.n):
            asked[p.zones[a]] = asked.get(p.zones[a], 0) + p.asked[a]
        for z in (z for z, total in asked.items() if total > p.cap):
            used = ledger.zone[z]
            out.append(constraint(ConstraintKind.ZONE_CAP, z, from_units(p.cap), from_units(used),
                                  from_units(p.cap - used), used == p.cap))
    if p.share > 0:
        total = ledger.lagging_total + ledger.other_total
        limit = Decimal(p.share.numerator) / Decimal(p.share.denominator) * from_units(total)
        used = from_units(ledger.lagging_total)
        out.append(constraint(ConstraintKind.LAGGING_SHARE, _LAGGING, limit, used, used - limit,
                              total > 0 and ledger.surplus() == 0))
    return tuple(out)


def _allocation(p: _Problem, ledger: _Ledger, optimal: bool, bound: float | None, status: str, method: str,
                prices: dict[str, float] | None) -> Allocation:
    paid = _route(p, ledger.totals)
    decisions = [_decision(p, ledger, paid[a], a) for a in range(p.n)]
    rows = [(a, j, u) for a in range(p.n) for j, u in sorted(paid[a].items())]
    awards = pl.DataFrame({"application_id": pl.Series([p.ids[a] for a, _, _ in rows], dtype=p.id_dtype),
                           "subfund": pl.Series([p.codes[j] for _, j, _ in rows], dtype=pl.String),
                           "units": pl.Series([u for *_, u in rows], dtype=pl.Int64)})
    awards = awards.select("application_id", "subfund", units_to_amount(pl.col("units")).alias("amount"))
    objective = math.fsum(p.impact[a] * t / p.asked[a] for a, t in enumerate(ledger.totals))
    return Allocation(awards, objective, optimal, bound, status, method,
                      _constraints(p, ledger, paid, decisions, prices), tuple(decisions))


def allocate(applications: pl.DataFrame, subfunds: pl.DataFrame,
             policy: FundPolicy | None = None) -> Allocation:
    """The optimal allocation of a fund round (基金分配).

    With x_af ≥ 0 the money sub-fund f pays application a (only where a is eligible for f), A_a the amount
    asked, I_a its impact for a full award, m_a its minimum, y_a ∈ {0, 1}:

        maximise   Σ_a I_a · Σ_f x_af / A_a
        subject to Σ_f x_af = A_a y_a                   all-or-nothing applications
                   m_a y_a ≤ Σ_f x_af ≤ A_a y_a         partial ones (no y_a when m_a = 0)
                   Σ_a x_af ≤ B_f                       every sub-fund's budget
                   Σ_{a in z} Σ_f x_af ≤ C              every zone z, when the policy sets a cap C
                   Σ_{a lagging} Σ_f x_af ≥ s · Σ_a Σ_f x_af     the lagging-zone minimum share s

    HiGHS (:func:`scipy.optimize.milp`, ``mip_rel_gap = 0``) solves it in aggregate form: one variable
    per application, u_a = Σ_f x_af / A_a ∈ [0, 1] (binary for all-or-nothing), and in place of the
    budgets Gale's condition Σ_{a: E(a) ⊆ S} A_a u_a ≤ Σ_{f ∈ S} B_f for every set S of sub-funds (at most
    7 rows for 3 sub-funds), which holds iff some x_af ≥ 0 pays every application from sub-funds it is
    eligible for within budget (Gale 1957). Money rows are in 万元. The solution is then made exact in
    units of 0.0001 万元: partial awards rounded down; every constraint checked in integers and, where the
    solver's tolerance overshot, trimmed (partial awards first, lowest impact per 万元 first); what still
    fits given back greedily; the totals paid out of the sub-funds by an exact integer maximum flow
    (Edmonds & Karp 1972). No budget, cap or share is off by a yuan.

    Explanations: an application not fully funded names every constraint that alone prevents its next
    useful step (its full amount, its minimum, or one unit more): the money left in the whole fund
    (``budget``), the money its eligible sub-funds can still pay while others have more (``eligibility``),
    its zone's cap, or the lagging share. At a proven optimum one of them always applies to an
    application with positive impact. A constraint is binding when its slack is 0 or it stops an
    application. Shadow prices come from the LP relaxation with the binary variables fixed at their
    optimal values: they price the continuous part (partial awards) and say nothing about swapping whole
    projects in or out.

    Parameters
    ----------
    applications : pl.DataFrame
        ``application_id`` (unique), ``zone_id``, ``amount`` (asked, 万元, > 0, ≤ 4 decimals), ``impact``
        (≥ 0, for a full award), ``eligible`` (list of :class:`SubFund` codes); optional ``lagging`` (bool,
        one value per zone; default false), ``partial`` (bool; null → ``policy.partial_allowed``),
        ``min_amount`` (万元, smallest useful partial award; default 0), ``cooperation_type``.
    subfunds : pl.DataFrame
        ``subfund`` (:class:`SubFund` code, each once), ``budget`` (万元, ≥ 0). An eligible code not listed
        here has no money this round.
    policy : FundPolicy, optional
        Zone cap, lagging minimum share, partial funding default, time limit.

    Returns
    -------
    Allocation

    Raises
    ------
    InvalidArgument
        Missing columns, duplicate ids, unknown sub-fund codes, amounts ≤ 0 or with more than 4 decimals,
        an application asking more than its eligible sub-funds hold together, a zone marked both lagging
        and not, or a lagging minimum no award can meet (no lagging-zone application can be funded at all).
    """
    policy = FundPolicy() if policy is None else policy
    p = _read(applications, subfunds, policy)
    model = _build(p)
    totals, optimal, bound, status, x = _solve(p, model, policy.time_limit)
    ledger = _Ledger(p, totals)
    dropped = _repair(ledger)
    _fill(ledger)
    if dropped:
        optimal = False
        status += f"; exact rounding dropped {_names([p.ids[a] for a in dropped])}"
    prices = _shadow_prices(model, x, from_units(ledger.lagging_total + ledger.other_total))
    return _allocation(p, ledger, optimal, bound, status, "milp", prices)


def greedy(applications: pl.DataFrame, subfunds: pl.DataFrame,
           policy: FundPolicy | None = None) -> Allocation:
    """The greedy baseline (按每万元成效排序): applications in descending impact per 万元 (then impact,
    then input order) get what still fits — all of it, or for partial ones as much as fits if at least
    their minimum — in two passes, so that non-lagging applications held back by the lagging minimum get a
    second chance once lagging ones are in. Exact awards, same checks and explanations as
    :func:`allocate`; ``optimal`` is False and there are no shadow prices. For 0–1 items greedy by ratio
    can be arbitrarily far from the optimum (Martello & Toth 1990, §2.4)."""
    policy = FundPolicy() if policy is None else policy
    p = _read(applications, subfunds, policy)
    ledger = _Ledger(p, [0] * p.n)
    _fill(ledger)
    return _allocation(p, ledger, False, None, "greedy by impact per 万元 (baseline, not optimal)", "greedy",
                       None)


def allocation_digest(rules: Mapping[str, Any], subfunds: pl.DataFrame, applications: pl.DataFrame,
                      awards: pl.DataFrame) -> str:
    """SHA-256 of what a commitment carries out (承诺依据): the canonical JSON — sorted keys, no spaces,
    decimals as exact strings — of the round's ``rules``, its ``subfunds``, the ``applications`` as solved
    and the ``awards``. Equal digests mean the same inputs gave the same allocation."""
    document = {"round": dict(rules), "subfunds": subfunds.to_dicts(), "applications": applications.to_dicts(),
                "awards": awards.to_dicts()}
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=lambda o: format(o, "f") if isinstance(o, Decimal) else str(o))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
