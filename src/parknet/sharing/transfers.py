"""Settlement of a co-built project (共建项目利益结算): the fair allocation of its value among the partners,
the transfer each pays or receives, the province's direct support, and the compensation that leaves no
partner worse off than alone (the party that loses out, 吃亏的一方, MECHANISMS.md §4.5).

Given the partners' investments I_i and the characteristic function v(S) (what each coalition S of partners
would earn on its own), the settlement

1. checks the game (superadditive? convex? is the core empty — least-core ε > 0?);
2. allocates v(N) by the chosen method: Shapley value (Shapley 1953), nucleolus (Schmeidler 1969) or in
   proportion to investment;
3. compares it with the default split of the agreement, proportional to investment: the transfer
   t_i = x_i − v(N)·I_i/ΣI (positive: receives);
4. the provincial direct support = ratio × ΣI (the framework's 省级直接投资比例), and the compensation
   c_i = max(0, v({i}) − x_i) that makes every partner at least as well off as alone (individual
   rationality), paid by the province.

Money is exact: allocations are rounded to 0.0001 万元 (1 yuan) so that they add up to v(N) exactly
(:func:`round_to_total`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from typing import Any

import numpy as np

from parknet.attribution.money import from_units, to_units
from parknet.errors import InvalidArgument
from parknet.sharing.games import Game, in_core, least_core, max_excess, nucleolus, shapley

__all__ = ["METHODS", "Settlement", "PartnerSettlement", "settle", "round_to_total"]

METHODS = ("shapley", "nucleolus", "proportional")
_TOL = 1e-9
_CENT = Decimal("0.0001")  # 1 yuan in 万元


def round_to_total(values: Sequence[float | Fraction], total: int, keys: Sequence[str]) -> list[int]:
    """Integer units close to ``values`` that add up exactly to ``total``: each gets ⌊v⌋, the rest go one
    each to the largest fractional parts (ties to the smaller key). ``Σ values`` must be within len(values)
    of ``total``."""
    exact = [Fraction(v) for v in values]
    parts = [int(e.numerator // e.denominator) for e in exact]
    left = total - sum(parts)
    if not 0 <= left <= len(parts):
        raise InvalidArgument("values", f"they add up to {float(sum(exact)):.4f}, not to {total}")
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), keys[i]))
    for i in order[:left]:
        parts[i] += 1
    return parts


@dataclass(frozen=True)
class PartnerSettlement:
    """One partner's figures (万元, exact): stand-alone value v({i}), investment, default share, fair
    allocation, transfer (allocation − default share; positive = receives), compensation."""

    zone_id: str
    investment: Decimal
    stand_alone: Decimal
    default_share: Decimal
    allocation: Decimal
    transfer: Decimal
    compensation: Decimal
    loses_out: bool  # below stand-alone under the default split (吃亏的一方)

    def to_dict(self) -> dict[str, Any]:
        return {k: (format(v, "f") if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Settlement:
    """A project's settlement with its checks, per-partner figures, provincial amounts and explanation."""

    method: str
    grand_value: Decimal
    partners: tuple[PartnerSettlement, ...]
    coalitions: tuple[tuple[tuple[str, ...], Decimal], ...]
    superadditive: bool
    convex: bool
    core_empty: bool
    least_core_epsilon: float
    in_core: bool
    objecting: tuple[str, ...]  # the coalition with the largest excess v(S) − x(S) at the allocation
    direct_support_ratio: Decimal
    direct_support: Decimal
    compensation_total: Decimal
    warnings: tuple[str, ...] = ()
    steps: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "grand_value": format(self.grand_value, "f"),
                "partners": [p.to_dict() for p in self.partners],
                "coalitions": [{"coalition": list(c), "value": format(v.quantize(_CENT), "f")} for c, v in self.coalitions],
                "checks": {"superadditive": self.superadditive, "convex": self.convex, "core_empty": self.core_empty,
                           "least_core_epsilon": self.least_core_epsilon, "allocation_in_core": self.in_core,
                           "objecting_coalition": list(self.objecting)},
                "provincial": {"direct_support_ratio": format(self.direct_support_ratio, "f"),
                               "direct_support": format(self.direct_support, "f"),
                               "compensation": format(self.compensation_total, "f")},
                "warnings": list(self.warnings), "steps": list(self.steps)}


def _game(zones: list[str], values: Mapping[frozenset[str], Decimal]) -> Game:
    index = {z: i for i, z in enumerate(zones)}
    unknown = sorted({z for s in values for z in s} - set(index))
    if unknown:
        raise InvalidArgument("coalition_values", f"coalitions name zones that are not partners: {unknown}")
    missing = [s for k in range(1, len(zones) + 1) for s in combinations(zones, k) if frozenset(s) not in values]
    if missing:
        shown = "; ".join("+".join(s) for s in missing[:5])
        raise InvalidArgument("coalition_values", f"{len(missing)} of {2 ** len(zones) - 1} coalitions have no "
                                                  f"value: {shown}{' …' if len(missing) > 5 else ''}")
    return Game.from_dict({frozenset(index[z] for z in s): float(v) for s, v in values.items()})


def _by_investment(grand_units: int, investments: list[Decimal], zones: list[str]) -> list[int]:
    """v(N) in proportion to investment (equal shares when nobody invested), in exact units."""
    total = sum(investments)
    weights = [Fraction(i) / Fraction(total) for i in investments] if total > 0 else [Fraction(1, len(zones))] * len(zones)
    return round_to_total([grand_units * w for w in weights], grand_units, zones)


def settle(investments: Mapping[str, Decimal], coalition_values: Mapping[frozenset[str], Decimal], *,
           method: str = "shapley", direct_support_ratio: Decimal = Decimal(0)) -> Settlement:
    """Settle a co-built project (see the module docstring for the steps and their sources).

    ``investments``: partner zone → investment (万元); ``coalition_values``: every non-empty coalition of
    partners → v(S) (万元). A game that is not superadditive is still solved, with a warning; an empty
    core is flagged with the coalition that objects most.
    """
    if method not in METHODS:
        raise InvalidArgument("method", f"choose one of {', '.join(METHODS)}, got {method!r}")
    zones = sorted(investments)
    if len(zones) < 2:
        raise InvalidArgument("partners", "a settlement needs at least two partners")
    invest = [Decimal(investments[z]) for z in zones]
    if any(i < 0 for i in invest):
        raise InvalidArgument("investments", "investments must be ≥ 0")
    values = {frozenset(s): Decimal(v) for s, v in coalition_values.items()}
    game = _game(zones, values)
    grand = values[frozenset(zones)]
    grand_units = to_units(grand)
    stand_alone = [values[frozenset([z])] for z in zones]
    default = _by_investment(grand_units, invest, zones)
    if method == "proportional":
        x = default
    else:
        fair = shapley(game) if method == "shapley" else nucleolus(game)
        x = round_to_total([Fraction(float(v) * 10_000) for v in fair], grand_units, zones)
    warnings: list[str] = []
    superadditive = game.is_superadditive() if game.n <= 16 else True
    if not superadditive:
        warnings.append("博弈不满足超可加性：某些合作并不比分开更好，结果仍按所选方法给出 / the game is not "
                        "superadditive: some coalitions do better apart; the allocation is still computed")
    epsilon, _ = least_core(game)
    core_empty = epsilon > _TOL * max(1.0, float(np.abs(game.v).max()))
    allocation = np.array([u / 10_000 for u in x])
    complaint = max_excess(game, allocation)
    if core_empty:
        members = "+".join(zones[i] for i in sorted(complaint.coalition))
        warnings.append(f"核心为空：没有任何分配能让所有联盟满意（最小核心 ε = {epsilon:.4f}）；最不满意的联盟 {members} "
                        f"/ the core is empty (least-core ε = {epsilon:.4f}); coalition {members} objects most")
    partners = []
    for i, zone in enumerate(zones):
        alloc, base, alone = (d.quantize(_CENT) for d in (from_units(x[i]), from_units(default[i]), stand_alone[i]))
        partners.append(PartnerSettlement(
            zone_id=zone, investment=invest[i].quantize(_CENT), stand_alone=alone, default_share=base, allocation=alloc,
            transfer=alloc - base, compensation=max(Decimal(0), alone - alloc).quantize(_CENT), loses_out=base < alone))
    support = (Decimal(direct_support_ratio) * sum(invest)).quantize(Decimal("0.0001"))
    compensation = sum((p.compensation for p in partners), Decimal(0)).quantize(_CENT)
    steps = _steps(zones, values, method, grand, partners, support, direct_support_ratio, core_empty, epsilon)
    return Settlement(method, grand.quantize(_CENT), tuple(partners),
                      tuple((tuple(sorted(s)), v) for s, v in sorted(values.items(), key=lambda kv: (len(kv[0]), sorted(kv[0])))),
                      superadditive, game.is_convex() if game.n <= 12 else False, core_empty, float(epsilon),
                      in_core(game, allocation, tol=1e-6), tuple(zones[i] for i in sorted(complaint.coalition)),
                      Decimal(direct_support_ratio), support, compensation,
                      tuple(warnings), tuple(steps))


def _steps(zones: list[str], values: Mapping[frozenset[str], Decimal], method: str, grand: Decimal,
           partners: list[PartnerSettlement], support: Decimal, ratio: Decimal, core_empty: bool,
           epsilon: float) -> list[str]:
    name = {"shapley": "Shapley 值 / Shapley value", "nucleolus": "核仁 / nucleolus",
            "proportional": "按投资比例 / proportional to investment"}[method]
    out = [f"合作总价值 v(N) = {grand} 万元；各方单干价值 / stand-alone: "
           + ", ".join(f"{p.zone_id} {p.stand_alone}" for p in partners),
           f"分配方法 / method: {name}；结果 / allocation: " + ", ".join(f"{p.zone_id} {p.allocation}" for p in partners),
           "与按投资比例的默认分成相比的转移支付（正数为收入）/ transfers vs the default split by investment: "
           + ", ".join(f"{p.zone_id} {p.transfer:+}" for p in partners),
           f"省级直接投资 / provincial direct support = {ratio} × {sum(p.investment for p in partners)} = {support} 万元"]
    losing = [p for p in partners if p.loses_out]
    if losing:
        out.append("按默认分成吃亏的一方 / losing out under the default split: "
                   + ", ".join(f"{p.zone_id}（默认 {p.default_share} < 单干 {p.stand_alone}）" for p in losing))
    comp = [p for p in partners if p.compensation > 0]
    out.append("个体理性补偿（省级转移支付）/ compensation to individual rationality: "
               + (", ".join(f"{p.zone_id} {p.compensation}" for p in comp) if comp else "无 / none needed"))
    out.append(f"核心 / core: {'为空 / empty' if core_empty else '非空 / non-empty'}（最小核心 ε = {epsilon:.4f}）")
    return [f"{i}. {line}" for i, line in enumerate(out, start=1)]
