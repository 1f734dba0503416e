"""Seeded synthetic fair-sharing data for the demo (合成演示利益共享数据): who holds the co-built projects'
companies (持股主体与交叉持股), and what each coalition of a project's partners would earn on its own
(合作博弈特征函数 v(S)).

:func:`generate_sharing` builds them on top of a generated
:class:`~parknet.data.demo_cooperation.CooperationDemo`. The model:

1. **Ultimate owners.** Each province with agreements has a provincial platform (``prov-420000``,
   "湖北省高新区协同发展平台（演示）"); each zone party to an agreement has its management committee
   (``cmte-<zone_id>``, "<zone name>管委会"). Committees and provinces are never held.
2. **Asset companies (园区资产公司).** Each of those zones has ``asset-<zone_id>`` ("<short name>发展集团
   （演示）"), held by its committee. In one of four cases a lagging zone that is a partner in a project
   of an active agreement is also held 10–30% by its province leader's asset company (交叉持股), and in a
   third of those it holds 1–5% of the leader's asset company back (a cycle, never a closed one: the
   lagging zone's committee keeps at least 70% of its company, the leader's at least 80%).
3. **Project companies (共建项目公司).** Each co-built project has ``pc-<project_id>``. Under a provincial
   framework the province holds r / (1 + r) of it, r being the framework's direct-support ratio (its
   direct investment of r × Σ investment, 4.8–16.7%); one company in five leaves 5–20% to outside
   investors (社会资本, not listed); the partners' asset companies hold the rest in proportion to their
   investment, a partner bringing land (investment 0) at an in-kind value of 10–25% of the cash invested.
   Shares have 4 decimals and never add up to more than 1.
4. **Coalition values (联盟价值, basis ``expected``, source "可行性研究（演示）").** For every project and
   every non-empty coalition S of its partners, in 万元 a year with 4 decimals. Alone, a partner earns
   6–12% of its own investment (land alone earns nothing); together, the partners earn Σ v({i}) plus a
   synergy of 15–60% of it; a coalition of k of the n partners gets a share (k − 1)/(n − 1) × 0.7–1.0 of
   that synergy rate. Surpluses are rounded down, so every such game is exactly superadditive. Two
   variants are mixed in:

   - *the leader loses out* (吃亏的一方): for three in ten projects whose leader pays at most 60% of
     the investment, the leader's stand-alone value is set to 1.09–1.25 times what the default split by
     investment gives it (its own site earns more: an implied return of at most 25%), with a synergy of
     15–25%, so the province has to compensate it. With the cases that arise by themselves (a leader
     whose own return is well above its partners'), the leader loses out in about 10% of the projects;
   - *empty core* (~6% of the three-partner projects): each pair of partners captures 75–95% of the
     synergy of all three, so Σ v(pairs) > 2 v(N) and no allocation satisfies every pair.

Pure: no database, clock or global random state; ``numpy.random.default_rng([seed, 2])`` is the only
source of randomness, so the same inputs and seed give identical frames. Everything is synthetic and
labelled: ``is_synthetic`` on every entity, （演示） in the companies' names and in the source of every
coalition value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from typing import Any

import numpy as np
import polars as pl

from parknet.attribution.money import from_units, largest_remainder, to_units
from parknet.data import reference
from parknet.data.demo import DEMO_LABEL
from parknet.data.demo_cooperation import CooperationDemo, short_name
from parknet.services.frameworks import support_ratio
from parknet.store.sharing import COALITION_SEPARATOR
from parknet.store.types import SCALE

__all__ = ["SharingDemo", "generate_sharing", "SCHEMAS", "SOURCE"]

_STREAM = 2  # second word of the seed: independent of the zone and cooperation ([seed, 1]) draws
#: ``source`` of every demo coalition value
SOURCE = "可行性研究（演示）"
_DECIMAL = pl.Decimal(38, 4)
#: column names and types of each frame: the columns of its table, without ``batch_id``
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "entities": {"id": pl.String(), "name": pl.String(), "kind": pl.String(), "zone_id": pl.String(),
                 "province_code": pl.String(), "project_id": pl.String(), "is_synthetic": pl.Boolean()},
    "holdings": {"holder_id": pl.String(), "company_id": pl.String(), "share": _DECIMAL},
    "coalition_values": {"project_id": pl.String(), "coalition": pl.String(), "value": _DECIMAL,
                         "basis": pl.String(), "source": pl.String()},
}

_CROSS = 0.25  # a lagging partner's asset company is held by its leader's
_RECIPROCAL = 0.3  # … and holds some of the leader's back
_RECIPROCAL_CAP = 20  # percent of the leader's asset company held by lagging ones at most
_OUTSIDE = 0.2  # project companies with outside investors
_LOSES_OUT = 0.3  # drawn for projects whose leader can lose out (leader's investment share ≤ 60%)
_EMPTY_CORE = 0.06  # of the three-partner projects


@dataclass(frozen=True)
class SharingDemo:
    """Generated fair-sharing frames, typed as :data:`SCHEMAS` (the tables' columns without ``batch_id``)."""

    seed: int
    label: str
    entities: pl.DataFrame
    holdings: pl.DataFrame
    coalition_values: pl.DataFrame


def _entity(entity_id: str, name: str, kind: str, *, zone_id: str | None = None,
            province_code: str | None = None, project_id: str | None = None) -> dict[str, Any]:
    return {"id": entity_id, "name": name[:200], "kind": kind, "zone_id": zone_id,
            "province_code": province_code, "project_id": project_id, "is_synthetic": True}


def _holding(holder: str, company: str, units: int) -> dict[str, Any]:
    return {"holder_id": holder, "company_id": company, "share": from_units(units)}


# ------------------------------------------------------------------------------------------- holders

def _zone_bodies(zones: pl.DataFrame, parties: list[str], provinces: list[str]) -> list[dict[str, Any]]:
    """The provincial platforms, and each party zone's committee and asset company."""
    province_names = dict(reference.provinces().select("province_code", "name").iter_rows())
    rows = [_entity(f"prov-{code}", f"{province_names[code]}高新区协同发展平台（演示）", "province",
                    province_code=code) for code in provinces]
    info = {z: (n, p) for z, n, p in zones.select("zone_id", "name", "province_code").iter_rows()}
    for zone in parties:
        name, province = info[zone]
        synthetic = name.endswith("（演示）")
        committee = f"{name.removesuffix('（演示）')}管委会{'（演示）' if synthetic else ''}"
        rows.append(_entity(f"cmte-{zone}", committee, "committee", zone_id=zone, province_code=province))
        rows.append(_entity(f"asset-{zone}", f"{short_name(name)}发展集团（演示）", "asset_company",
                            zone_id=zone, province_code=province))
    return rows


def _asset_holdings(rng: np.random.Generator, parties: list[str], leaders: dict[str, str],
                    lagging: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Committees hold their asset companies; some leaders' asset companies hold lagging ones (and are
    held back a little)."""
    held_by_leader: dict[str, int] = {}  # lagging zone → percent held by its leader's asset company
    held_back: dict[str, int] = {}  # lagging zone → percent of the leader's asset company it holds
    rows = []
    for province in sorted(lagging):
        leader, given_back = leaders[province], 0
        for zone in lagging[province]:
            if rng.random() >= _CROSS:
                continue
            held_by_leader[zone] = int(rng.integers(10, 31))
            rows.append(_holding(f"asset-{leader}", f"asset-{zone}", held_by_leader[zone] * SCALE // 100))
            back = int(rng.integers(1, 6))
            if rng.random() < _RECIPROCAL and given_back + back <= _RECIPROCAL_CAP:
                held_back[zone], given_back = back, given_back + back
                rows.append(_holding(f"asset-{zone}", f"asset-{leader}", back * SCALE // 100))
    back_of = {leaders[p]: sum(held_back.get(z, 0) for z in zs) for p, zs in lagging.items()}
    for zone in parties:
        percent = 100 - held_by_leader.get(zone, 0) - back_of.get(zone, 0)
        rows.append(_holding(f"cmte-{zone}", f"asset-{zone}", percent * SCALE // 100))
    return rows


def _project_company(rng: np.random.Generator, project: dict[str, Any], province: str,
                     partners: list[tuple[str, Decimal]], ratio: Decimal | None
                     ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The project's company and its holders: the province (``ratio`` / (1 + ratio) under a framework),
    outside investors (not listed) and the partners' asset companies by (in-kind) investment."""
    company = f"pc-{project['id']}"
    entity = _entity(company, f"{project['name'].removesuffix('（演示）')}项目公司（演示）", "project_company",
                     province_code=province, project_id=project["id"])
    rows = []
    province_units = 0
    if ratio is not None and ratio > 0:
        province_units = to_units((ratio / (1 + ratio)).quantize(Decimal("0.0001")))
        rows.append(_holding(f"prov-{province}", company, province_units))
    outside = int(rng.integers(5, 21)) * SCALE // 100 if rng.random() < _OUTSIDE else 0
    cash = sum(i for _, i in partners)
    land = [Fraction(cash) * Fraction(str(round(rng.uniform(0.10, 0.25), 2))) for _ in partners]
    equity = [Fraction(i) if i > 0 else land[k] for k, (_, i) in enumerate(partners)]
    zones = [z for z, _ in partners]
    units = largest_remainder(SCALE - province_units - outside, equity, zones)
    rows += [_holding(f"asset-{z}", company, u) for z, u in zip(zones, units, strict=True) if u > 0]
    return entity, rows


# ------------------------------------------------------------------------------------------------ games

def _leader_stand_alone(rng: np.random.Generator, invest: list[float], others: int, synergy: float
                        ) -> int | None:
    """Units of the leader's stand-alone value that leave it 1.09–1.25× above its default share
    (Σ v({i}) (1 + synergy) × its investment share), or None when that would need a return above 25%."""
    share = invest[0] / sum(invest)
    below = rng.uniform(0.80, 0.92)  # default share / stand-alone
    k = (1 + synergy) * share / below
    if share > 0.6 or k >= 0.9:
        return None
    value = k * others / (1 - k)
    return int(value) if value <= 0.25 * invest[0] * SCALE else None


def _coalition_units(rng: np.random.Generator, invest: list[float]) -> dict[frozenset[int], int]:
    """v(S) in units (0.0001 万元) for every non-empty coalition of players 0..n−1, the leader first."""
    n = len(invest)
    alone = [int(rng.uniform(0.06, 0.12) * i * SCALE) for i in invest]
    synergy = rng.uniform(0.15, 0.60)
    empty_core = n == 3 and rng.random() < _EMPTY_CORE
    if not empty_core and rng.random() < _LOSES_OUT:
        low_synergy = rng.uniform(0.15, 0.25)
        leader = _leader_stand_alone(rng, invest, sum(alone[1:]), low_synergy)
        if leader is not None:
            alone[0], synergy = leader, low_synergy
    values = {frozenset([i]): alone[i] for i in range(n)}
    grand = sum(alone)
    values[frozenset(range(n))] = grand + int(synergy * grand)
    for size in range(2, n):
        for members in combinations(range(n), size):
            base = sum(alone[i] for i in members)
            if empty_core:  # size 2 of 3: the pair takes most of the synergy of all three
                surplus = int(rng.uniform(0.75, 0.95) * int(synergy * grand))
            else:
                surplus = int(synergy * (size - 1) / (n - 1) * rng.uniform(0.7, 1.0) * base)
            values[frozenset(members)] = base + surplus
    return values


def _coalition_rows(rng: np.random.Generator, project_id: str, partners: list[tuple[str, Decimal]]
                    ) -> list[dict[str, Any]]:
    zones = [z for z, _ in partners]
    values = _coalition_units(rng, [float(i) for _, i in partners])
    rows = [{"project_id": project_id, "coalition": COALITION_SEPARATOR.join(sorted(zones[i] for i in s)),
             "value": from_units(v), "basis": "expected", "source": SOURCE} for s, v in values.items()]
    return sorted(rows, key=lambda r: (r["coalition"].count(COALITION_SEPARATOR), r["coalition"]))


# --------------------------------------------------------------------------------------------- generate

def _support_ratios(cooperation: CooperationDemo) -> dict[str, Decimal]:
    """Agreement id → the direct-support ratio of the framework it was made under (none: not listed)."""
    documents = {(c, v): json.loads(d) for c, v, d in
                 cooperation.frameworks.select("province_code", "version", "document").iter_rows()}
    return {a: support_ratio(documents[(c, v)]) for a, c, v in
            cooperation.agreements.select("id", "province_code", "framework_version").iter_rows()
            if v is not None and (c, v) in documents}


def _leaders_and_lagging(cooperation: CooperationDemo) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Province → its leader (the lead of its agreements), and → the other zones that are partners in a
    project of an active agreement (sorted)."""
    agreements = cooperation.agreements.select(pl.col("id").alias("agreement_id"), "province_code", "status")
    leads = cooperation.agreement_parties.filter(pl.col("role") == "lead").join(agreements, on="agreement_id")
    leaders = dict(leads.select("province_code", "zone_id").unique().iter_rows())
    active = (cooperation.cobuilt_projects.select(pl.col("id").alias("project_id"), "agreement_id")
              .join(agreements.filter(pl.col("status") == "active"), on="agreement_id"))
    partners = (cooperation.project_partners.join(active, on="project_id")
                .select("province_code", "zone_id").unique().sort("province_code", "zone_id"))
    lagging: dict[str, list[str]] = {}
    for province, zone in partners.iter_rows():
        if zone != leaders[province]:
            lagging.setdefault(province, []).append(zone)
    return leaders, lagging


def generate_sharing(cooperation: CooperationDemo, zones: pl.DataFrame, seed: int) -> SharingDemo:
    """Generate the synthetic fair-sharing data of a demo data set (pure: same inputs → same frames).

    Parameters
    ----------
    cooperation
        The demo's cooperation data (:func:`parknet.data.demo_cooperation.generate_cooperation`).
    zones
        The ``zones`` frame of the same :class:`~parknet.data.demo.DemoData` (names and provinces).
    seed
        Seed of the generator (``numpy.random.default_rng([seed, 2])``); use the demo's seed.

    Returns
    -------
    SharingDemo
        ``entities``, ``holdings`` and ``coalition_values`` typed as :data:`SCHEMAS`; see the module
        docstring for the model.
    """
    rng = np.random.default_rng([seed, _STREAM])
    province_of = dict(cooperation.agreements.select("id", "province_code").iter_rows())
    parties = sorted(set(cooperation.agreement_parties["zone_id"]))
    leaders, lagging = _leaders_and_lagging(cooperation)
    entities = _zone_bodies(zones, parties, sorted(set(province_of.values())))
    holdings = _asset_holdings(rng, parties, leaders, lagging)
    ratios = _support_ratios(cooperation)
    partners: dict[str, list[tuple[str, Decimal]]] = {}
    for project, zone, investment in cooperation.project_partners.select(
            "project_id", "zone_id", "investment").iter_rows():
        partners.setdefault(project, []).append((zone, investment))  # the lead first, as generated
    values: list[dict[str, Any]] = []
    for project in cooperation.cobuilt_projects.iter_rows(named=True):
        agreement = project["agreement_id"]
        entity, held = _project_company(rng, project, province_of[agreement], partners[project["id"]],
                                        ratios.get(agreement))
        entities.append(entity)
        holdings += held
        values += _coalition_rows(rng, project["id"], partners[project["id"]])
    frames = {name: pl.DataFrame(rows, schema=SCHEMAS[name], orient="row") for name, rows in
              (("entities", entities), ("holdings", holdings), ("coalition_values", values))}
    return SharingDemo(seed=seed, label=DEMO_LABEL, **frames)
