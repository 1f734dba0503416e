"""Seeded synthetic cooperation data for the demo (合成演示合作数据): guiding frameworks, "1+N" agreements,
co-built projects and platforms with their partners and yearly values.

:func:`generate_cooperation` builds them on top of a generated :class:`~parknet.data.demo.DemoData`
(its zones, 2019 GDP and revenue by division). The model:

1. **Frameworks (指导性意见).** About two thirds of the provinces with zones (20 of the 31 mainland
   provinces; provinces with more zones are likelier) adopt version 1 of ParkNet's template around
   2019-06-30, each with its own relocation preset (50/50 40%, 30/70 25%, origin-all 20%, 70/30 15%),
   direct-support ratio and fields (its leading zone's top divisions). Titles say （演示）.
2. **Agreements (合作协议).** In each province with ≥ 2 zones reporting in 2019 the leader — the "1", the
   zone with the largest 2019 GDP — leads agreements with the lagging zones, the "N": 85% of them take
   part, in groups of 1–4 zones per agreement, so a province with many zones has many agreements.
   Types: chain complement 50%, tech enabling 30%, cross fusion 20%; the form follows the type. Fields are
   1–3 of the leader's top 5 divisions by 2019 revenue. Agreements start 2019–2021 (not after the last
   demo year); their status depends on how early they started: about 73% active (every party
   confirmed), 11% proposed (some parties confirmed), 7% draft, 9% terminated (confirmed, then ended
   with a reason). An agreement made after its province adopted its framework names version 1; one in
   ten overrides the relocation preset.
3. **Co-built projects (共建项目/平台).** Each active or terminated agreement has 1–3, shared by the lead
   and 1–2 of its partners. Weights are on a 0.05 grid in 0.30–0.80; Σ is 1 for 40% of the projects
   and otherwise anywhere in 0.90–1.30 (above 1 is the article's intended incentive). Mature GDP is
   2–8% of the smallest partner zone's 2019 GDP; investment 1.5–4 years of it (whole 万元, the lead
   usually paying most; one partner in ten brings land instead of money); revenue 2.5–4× GDP, tax 3–7%
   of revenue. Values ramp up from the start year to the last demo year (the termination year for
   terminated agreements), growing every year, in 0.1 万元.

Pure: no database, clock or global random state; ``numpy.random.default_rng([seed, 1])`` is the only
source of randomness, so the same inputs and seed give identical frames. Everything is synthetic and
labelled: ``is_synthetic`` on agreements and projects, （演示） in titles and names, ``created_by`` and
``confirmed_by`` name the demo, not people.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from parknet.data import reference
from parknet.data.demo import ANCHOR_YEAR, DEMO_LABEL
from parknet.services.frameworks import canonical_json, template, validate_document

__all__ = ["CooperationDemo", "generate_cooperation", "DEMO_ACTOR", "SCHEMAS", "short_name"]

#: ``created_by`` of every demo row; parties confirm as ``demo:<zone_id>``
DEMO_ACTOR = "demo"
_STREAM = 1  # second word of the seed: independent of the draws of parknet.data.demo.generate

_DECIMAL = pl.Decimal(38, 4)
_STAMP = pl.Datetime("us", "UTC")
#: column names and types of each frame: exactly the columns of the table it is written to
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "frameworks": {"province_code": pl.String(), "version": pl.Int32(), "title": pl.String(),
                   "adopted_on": pl.Date(), "document": pl.String(), "created_at": _STAMP,
                   "created_by": pl.String()},
    "agreements": {"id": pl.String(), "province_code": pl.String(), "framework_version": pl.Int32(),
                   "title": pl.String(), "cooperation_type": pl.String(), "form": pl.String(),
                   "fields": pl.String(), "starts_on": pl.Date(), "ends_on": pl.Date(), "rules": pl.String(),
                   "status": pl.String(), "created_at": _STAMP, "created_by": pl.String(),
                   "changed_at": _STAMP, "termination_reason": pl.String(), "is_synthetic": pl.Boolean()},
    "agreement_parties": {"agreement_id": pl.String(), "zone_id": pl.String(), "role": pl.String(),
                          "confirmed_at": _STAMP, "confirmed_by": pl.String()},
    "cobuilt_projects": {"id": pl.String(), "agreement_id": pl.String(), "name": pl.String(),
                         "kind": pl.String(), "industry_code": pl.String(), "started_on": pl.Date(),
                         "is_synthetic": pl.Boolean()},
    "project_partners": {"project_id": pl.String(), "zone_id": pl.String(), "weight": _DECIMAL,
                         "investment": _DECIMAL},
    "project_values": {"project_id": pl.String(), "year": pl.Int32(), "indicator_code": pl.String(),
                       "value": _DECIMAL},
}

_PRESETS = {"split_50_50": 0.40, "split_30_70": 0.25, "origin_all": 0.20, "split_70_30": 0.15}
_TYPES = {"chain_complement": 0.5, "tech_enabling": 0.3, "cross_fusion": 0.2}
_TYPE_ZH = {"chain_complement": "产业链延补", "tech_enabling": "科技赋能", "cross_fusion": "跨界融合"}
_FORMS = {  # the form follows the type: chains get branch parks and joint zones, technology gets platforms
    "chain_complement": {"branch_park": 0.35, "special_cooperation_zone": 0.35, "project_cooperation": 0.30},
    "tech_enabling": {"co_built_platform": 0.6, "project_cooperation": 0.3, "branch_park": 0.1},
    "cross_fusion": {"co_built_platform": 0.4, "special_cooperation_zone": 0.3, "project_cooperation": 0.3},
}
# status by start year: early agreements have had time to become active (or to end)
_STATUS = {2019: {"active": 0.82, "terminated": 0.14, "proposed": 0.04, "draft": 0.0},
           2020: {"active": 0.78, "terminated": 0.10, "proposed": 0.08, "draft": 0.04},
           2021: {"active": 0.60, "terminated": 0.04, "proposed": 0.20, "draft": 0.16}}
_GROUP_SIZES = {1: 0.35, 2: 0.30, 3: 0.20, 4: 0.15}
_TERMINATION_REASONS = ("合作项目未达预期，经各方协商终止（演示）", "园区规划调整，合作终止（演示）",
                        "合作方向调整，转入新的合作协议（演示）")
_PLATFORMS = ("协同创新中心", "中试基地", "成果转化平台", "公共技术服务平台")
_PROJECTS = ("产业园", "产业链协作项目", "产业基地")
_WEIGHT_GRID = np.arange(6, 17) * 5  # 0.30 … 0.80 in hundredths
# Short labels of the divisions that lead zones specialise in; others use the GB/T 4754 name.
_INDUSTRY_LABELS = {
    "13": "农产品加工", "26": "化工新材料", "27": "生物医药", "28": "化学纤维", "29": "橡塑新材料",
    "30": "新型建材", "31": "钢铁新材料", "32": "有色新材料", "33": "金属制品", "34": "高端装备",
    "35": "专用装备", "36": "汽车及零部件", "37": "轨道交通与航空航天", "38": "新能源与电气装备",
    "39": "电子信息", "40": "仪器仪表", "51": "商贸流通", "63": "信息通信", "64": "互联网",
    "65": "软件和信息服务", "72": "商务服务", "73": "研发服务", "74": "检验检测", "75": "科技服务",
}
_ZONE_SUFFIX = re.compile(r"(农业)?(国家)?(高新技术|新技术|高技术|科技|工业)?(产业)?(开发区|示范区|园区)$")


@dataclass(frozen=True)
class CooperationDemo:
    """Generated cooperation frames; each has exactly the columns of its table (:data:`SCHEMAS`)."""

    seed: int
    label: str
    frameworks: pl.DataFrame
    agreements: pl.DataFrame
    agreement_parties: pl.DataFrame
    cobuilt_projects: pl.DataFrame
    project_partners: pl.DataFrame
    project_values: pl.DataFrame


@dataclass(frozen=True)
class _Province:
    """A province's zones reporting in 2019, the leader first (largest GDP)."""

    code: str
    zones: list[str]
    gdp: dict[str, float]
    short: dict[str, str]
    fields: list[str]  # the leader's top divisions by 2019 revenue
    adopted_on: date | None  # of framework version 1; None when the province adopted none


# ------------------------------------------------------------------------------------------------ helpers

def _pick(rng: np.random.Generator, weights: dict[Any, float]) -> Any:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _at(day: date, rng: np.random.Generator) -> datetime:
    """A working-hours time on ``day`` (09:00–17:00 Beijing), in UTC."""
    start = datetime(day.year, day.month, day.day, 1, tzinfo=UTC)
    return start + timedelta(minutes=int(rng.integers(0, 480)))


def short_name(name: str) -> str:
    """``武汉东湖新技术开发区`` → ``武汉东湖``; ``湖北合成省级高新区07（演示）`` → ``湖北合成07``."""
    name = name.removesuffix("（演示）").replace("省级高新区", "")
    return _ZONE_SUFFIX.sub("", name) or name


def _industry_label(code: str, names: dict[str, str]) -> str:
    return _INDUSTRY_LABELS.get(code) or names.get(code, code).removesuffix("业")


def _decimal(value: float, places: int = 1) -> Decimal:
    return Decimal(str(round(value, places)))


# ----------------------------------------------------------------------------------------------- provinces

def _provinces(rng: np.random.Generator, zones: pl.DataFrame, zone_indicators: pl.DataFrame,
               industry_output: pl.DataFrame) -> list[_Province]:
    """Provinces with ≥ 2 zones reporting GDP in 2019; about two thirds of all provinces with zones adopt a
    framework (likelier with more zones)."""
    gdp = (zone_indicators.filter((pl.col("indicator") == "gdp") & (pl.col("year") == ANCHOR_YEAR))
           .select("zone_id", pl.col("value").alias("gdp"))
           .join(zones.select("zone_id", "name", "province_code"), on="zone_id")
           .sort("province_code", "gdp", "zone_id", descending=[False, True, False]))
    revenue = industry_output.filter((pl.col("indicator") == "revenue") & (pl.col("year") == ANCHOR_YEAR))
    codes = sorted(zones["province_code"].unique().to_list())
    counts = np.array([gdp.filter(pl.col("province_code") == c).height for c in codes], dtype=float)
    adopting = set(rng.choice(codes, size=round(0.65 * len(codes)), replace=False,
                              p=(counts + 1) / (counts + 1).sum()).tolist())
    out = []
    for code in codes:
        rows = gdp.filter(pl.col("province_code") == code)
        if rows.height < 2:
            continue
        leader = rows["zone_id"][0]
        top = (revenue.filter(pl.col("zone_id") == leader)
               .sort(["value", "industry_code"], descending=[True, False])["industry_code"].head(5).to_list())
        adopted = date(2019, 6, 30) + timedelta(days=int(rng.integers(-45, 46))) if code in adopting else None
        out.append(_Province(code, rows["zone_id"].to_list(), dict(rows.select("zone_id", "gdp").iter_rows()),
                             {z: short_name(n) for z, n in rows.select("zone_id", "name").iter_rows()},
                             top, adopted))
    return out


def _framework(rng: np.random.Generator, p: _Province, adopted_on: date, seed: int,
               names: dict[str, tuple[str, str]]) -> tuple[dict[str, Any], str]:
    """Version 1 of ``p``'s framework (ParkNet's template with a provincial preset, support ratio and fields)
    and its relocation preset."""
    name_zh, name_en = names[p.code]
    doc = template()
    doc["title_zh"] = f"{name_zh}高新区协同发展指导性意见（演示）"
    doc["title_en"] = f"{name_en}: guiding framework for high-tech zone cooperation (synthetic demo)"
    doc["note"] = (f"Synthetic demo data generated by ParkNet from its template (seed {seed}); not an "
                   f"official document of {name_en}.")
    doc["fields"] = p.fields[:3]
    preset = _pick(rng, _PRESETS)
    doc["statistics"]["relocation"]["preset"] = preset
    doc["provincial_support"]["direct_support_ratio"] = str(rng.choice(["0.05", "0.10", "0.15", "0.20"]))
    row = {"province_code": p.code, "version": 1, "title": doc["title_zh"], "adopted_on": adopted_on,
           "document": canonical_json(validate_document(doc)),
           "created_at": datetime(adopted_on.year, adopted_on.month, adopted_on.day, 2, tzinfo=UTC),
           "created_by": DEMO_ACTOR}
    return row, preset


# ---------------------------------------------------------------------------------------------- agreements

def _groups(rng: np.random.Generator, lagging: list[str]) -> list[list[str]]:
    """85% of the lagging zones, shuffled, cut into groups of 1–4 (each group is one agreement's "N")."""
    taking_part = [z for z in lagging if rng.random() < 0.85] or lagging[:1]
    order = [taking_part[i] for i in rng.permutation(len(taking_part))]
    out = []
    while order:
        size = _pick(rng, _GROUP_SIZES)
        out.append(order[:size])
        order = order[size:]
    return out


def _lifecycle(rng: np.random.Generator, status: str, created: datetime, starts: date, last_year: int,
               n_parties: int) -> tuple[list[datetime | None], datetime, date | None]:
    """Confirmation times of the parties (lead first), the last status change and the end date."""
    proposed = created + timedelta(days=int(rng.integers(1, 11)), minutes=int(rng.integers(0, 240)))
    confirmed: list[datetime | None] = [proposed + timedelta(days=int(rng.integers(1, 31)), minutes=int(m))
                                        for m in rng.integers(0, 480, n_parties)]
    if status == "draft":
        return [None] * n_parties, created, None
    if status == "proposed":
        k = int(rng.integers(1, n_parties))  # some, never all
        return confirmed[:k] + [None] * (n_parties - k), proposed, None
    activated = max(c for c in confirmed if c is not None)
    if status == "active":
        return confirmed, activated, None
    earliest, latest = starts + timedelta(days=365), date(last_year, 12, 31)
    earliest = earliest if earliest <= latest else starts
    ends = earliest + timedelta(days=int(rng.integers(0, (latest - earliest).days + 1)))
    return confirmed, max(_at(ends, rng), activated), ends


def _agreement(rng: np.random.Generator, p: _Province, number: int, group: list[str], last_year: int,
               preset: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One agreement the leader leads with ``group``, and its party rows; ``preset`` is the relocation
    preset the agreement would inherit (one in ten overrides it)."""
    lead = p.zones[0]
    ctype = _pick(rng, _TYPES)
    first_day, last_day = date(2019, 1, 1), date(min(2021, last_year), 12, 31)
    starts = first_day + timedelta(days=int(rng.integers(0, (last_day - first_day).days + 1)))
    status = _pick(rng, _STATUS[starts.year])
    created = _at(starts - timedelta(days=int(rng.integers(20, 121))), rng)
    k = int(rng.integers(1, min(3, len(p.fields)) + 1))
    rank = np.arange(len(p.fields), 0, -1, dtype=float)
    fields = sorted(rng.choice(len(p.fields), size=k, replace=False, p=rank / rank.sum()).tolist())
    under = p.adopted_on is not None and created.date() >= p.adopted_on
    rules: dict[str, Any] = {}
    if rng.random() < 0.1:
        other = _pick(rng, {q: 1.0 for q in _PRESETS if q != preset})
        rules = {"statistics": {"relocation": {"preset": other}}}
    confirmed, changed, ends = _lifecycle(rng, status, created, starts, last_year, len(group) + 1)
    agreement_id = f"AG-{p.code[:2]}-{number:04d}"
    label = "、".join(p.short[z] for z in group)
    row = {"id": agreement_id, "province_code": p.code, "framework_version": 1 if under else None,
           "title": f"{p.short[lead]}—{label} {_TYPE_ZH[ctype]}合作协议（演示）"[:200],
           "cooperation_type": ctype, "form": _pick(rng, _FORMS[ctype]),
           "fields": canonical_json([p.fields[i] for i in fields]), "starts_on": starts, "ends_on": ends,
           "rules": canonical_json(rules), "status": status, "created_at": created, "created_by": DEMO_ACTOR,
           "changed_at": changed,
           "termination_reason": str(rng.choice(_TERMINATION_REASONS)) if status == "terminated" else None,
           "is_synthetic": True}
    parties = [{"agreement_id": agreement_id, "zone_id": z, "role": "lead" if i == 0 else "partner",
                "confirmed_at": c, "confirmed_by": f"{DEMO_ACTOR}:{z}" if c else None}
               for i, (z, c) in enumerate(zip([lead, *group], confirmed, strict=True))]
    return row, parties


# ------------------------------------------------------------------------------------------------ projects

def _weights(rng: np.random.Generator, k: int) -> list[Decimal]:
    """``k`` weights on the 0.05 grid in [0.30, 0.80]: Σ = 1 for 40% of the projects (a plain split), else
    Σ anywhere in [0.90, 1.30] (rejection sampling)."""
    low, high = (100, 100) if rng.random() < 0.4 else (90, 130)
    while True:
        w = rng.choice(_WEIGHT_GRID, size=k)
        if low <= w.sum() <= high:
            return [Decimal(int(x)) / 100 for x in w]


def _investments(rng: np.random.Generator, total: int, k: int) -> list[Decimal]:
    """``total`` 万元 split among ``k`` partners, the lead (first) usually paying most; one partner in ten
    brings land instead of money (invests 0)."""
    alpha = np.array([3.0] + [1.5] * (k - 1))
    alpha[1:] *= rng.random(k - 1) >= 0.1
    share = np.zeros(k)
    share[alpha > 0] = rng.dirichlet(alpha[alpha > 0])
    amounts = np.floor(share * total).astype(np.int64)
    amounts[0] += total - amounts.sum()
    return [Decimal(int(a)) for a in amounts]


def _values(rng: np.random.Generator, project_id: str, mature: float, first: int, last: int
            ) -> list[dict[str, Any]]:
    """Yearly gdp, revenue and tax of a project from ``first`` to ``last``: a ramp towards a mature level
    that itself grows 6% a year, so every indicator grows every year."""
    revenue_per_gdp, tax_per_revenue = rng.uniform(2.5, 4.0), rng.uniform(0.03, 0.07)
    gdp = mature * rng.uniform(0.1, 0.3)
    rows = []
    for year in range(first, last + 1):
        if year > first:
            target = mature * 1.06 ** (year - first)
            gdp += (target - gdp) * rng.uniform(0.35, 0.6)
        for code, value in (("gdp", gdp), ("revenue", gdp * revenue_per_gdp),
                            ("tax", gdp * revenue_per_gdp * tax_per_revenue)):
            rows.append({"project_id": project_id, "year": year, "indicator_code": code,
                         "value": _decimal(value)})
    return rows


def _projects(rng: np.random.Generator, p: _Province, agreement: dict[str, Any], partners: list[str],
              last_year: int, industry_names: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """1–3 co-built projects of an active or terminated agreement, with partners and yearly values."""
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in
                                            ("cobuilt_projects", "project_partners", "project_values")}
    lead = p.zones[0]
    ends: date = agreement["ends_on"] or date(last_year, 12, 31)
    fields = json.loads(agreement["fields"])
    for n in range(1, _pick(rng, {1: 0.5, 2: 0.35, 3: 0.15}) + 1):
        project_id = f"PJ-{agreement['id'][3:]}-{n}"
        size = min(len(partners), int(rng.integers(1, 3)))
        chosen = [partners[i] for i in sorted(rng.choice(len(partners), size=size, replace=False))]
        members = [lead, *chosen]
        industry = str(rng.choice(fields))
        platform = rng.random() < (0.85 if agreement["form"] == "co_built_platform" else
                                   0.5 if agreement["cooperation_type"] == "tech_enabling" else 0.2)
        suffix = str(rng.choice(_PLATFORMS if platform else _PROJECTS))
        name = (f"{p.short[lead]}-{p.short[chosen[0]]} "
                f"{'' if platform else '共建'}{_industry_label(industry, industry_names)}{suffix}（演示）")
        started = min(agreement["starts_on"] + timedelta(days=int(rng.integers(0, 271))), ends)
        out["cobuilt_projects"].append({
            "id": project_id, "agreement_id": agreement["id"], "name": name[:200],
            "kind": "platform" if platform else "project", "industry_code": industry, "started_on": started,
            "is_synthetic": True})
        mature = min(p.gdp[z] for z in chosen) * rng.uniform(0.02, 0.08)
        total = max(10, int(round(mature * rng.uniform(1.5, 4.0), -1)))
        for zone, weight, investment in zip(members, _weights(rng, len(members)),
                                            _investments(rng, total, len(members)), strict=True):
            out["project_partners"].append({"project_id": project_id, "zone_id": zone, "weight": weight,
                                            "investment": investment})
        out["project_values"] += _values(rng, project_id, mature, started.year, ends.year)
    return out


# ---------------------------------------------------------------------------------------------- generate

def generate_cooperation(zones: pl.DataFrame, zone_indicators: pl.DataFrame, industry_output: pl.DataFrame,
                         seed: int) -> CooperationDemo:
    """Generate the synthetic cooperation data for a demo data set (pure: same inputs → same frames).

    Parameters
    ----------
    zones, zone_indicators, industry_output
        The frames of a :class:`~parknet.data.demo.DemoData` (:func:`parknet.data.demo.generate`).
    seed
        Seed of the generator (``numpy.random.default_rng([seed, 1])``); use the demo's seed.

    Returns
    -------
    CooperationDemo
        Frames named and typed as the cooperation tables (:data:`SCHEMAS`); see the module docstring for
        the model.
    """
    rng = np.random.default_rng([seed, _STREAM])
    last_year = int(zone_indicators["year"].max())
    names = {r["province_code"]: (r["name"], r["name_en"])
             for r in reference.provinces().iter_rows(named=True)}
    industry_names = dict(reference.divisions().select("code", "name").iter_rows())
    inherited = template()["statistics"]["relocation"]["preset"]  # where a province adopted no framework
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    for p in _provinces(rng, zones, zone_indicators, industry_output):
        preset = inherited
        if p.adopted_on is not None:
            framework, preset = _framework(rng, p, p.adopted_on, seed, names)
            rows["frameworks"].append(framework)
        for number, group in enumerate(_groups(rng, p.zones[1:]), start=1):
            agreement, parties = _agreement(rng, p, number, group, last_year, preset)
            rows["agreements"].append(agreement)
            rows["agreement_parties"] += parties
            if agreement["status"] in ("active", "terminated"):
                for name, new in _projects(rng, p, agreement, group, last_year, industry_names).items():
                    rows[name] += new
    frames = {name: pl.DataFrame(rows[name], schema=schema, orient="row") for name, schema in SCHEMAS.items()}
    return CooperationDemo(seed=seed, label=DEMO_LABEL, **frames)

