"""Seeded synthetic enabling-mechanism data for the demo (合成演示赋能数据, MECHANISMS.md §5): the sci-tech
platform's three libraries (技术库, 专家库, 科技项目库), the demands zones post (需求), service tickets with
their history (服务工单), the leading zones' platform-company catalogues and orders (平台公司服务目录与订单),
and two rounds of a provincial coordination fund (协同发展基金), the first one allocated and committed.

:func:`generate_enabling` builds them on top of a generated :class:`~parknet.data.demo.DemoData` and its
:class:`~parknet.data.demo_cooperation.CooperationDemo`. The model:

1. **Leaders.** Each province's leading zone is chosen as :func:`parknet.services.network.leading_zones`
   chooses it for the article's year 2019 (:func:`parknet.network.leaders.choose_leaders` on the 2019
   indicators), so a zone is "lagging" (后发园区) here exactly when the services say so; the other zones
   of its province approved by 2021 are its partners.
2. **Topics.** Every segment of the curated industry chains (``chains/chains.json``) and every cross-fusion
   pair (``chains/fusion.json``) is a topic with its GB/T 4754-2017 codes (the segment's classes and
   divisions; the pair's divisions on both sides) and a vocabulary (``enabling/vocabulary.json``: the
   segment's key products, the chain's processes, materials, applications, problems and goals). Records
   are composed from these words, so BM25 search separates them; titles are unique in each library.
3. **Libraries.** 2,000 technologies, 520 experts and 520 sci-tech projects (by default), each of one
   topic, with 1–3 industry codes of that topic. Sources sit in zones whose leading divisions (2019
   revenue) meet the topic, leaders three times as likely; about 11% in no zone (a university outside
   the zones). Owners are obviously synthetic universities, institutes (``湖北合成理工大学（演示）``,
   ``东湖合成产业技术研究院（演示）``) or the demo's enterprises (``演示企业000123有限公司``). TRL 1–9 (lower
   at universities), licensing transfer/license/exclusive_license/joint_development/equity, expert
   availability 60/30/10%, project stages research/pilot/industrialisation 45/35/20%.
4. **Demands.** 260 demands, 85% posted by lagging zones, on a topic of the zone's industries, to one
   library (technology 50%, expert 30%, project 20%), 40% by one of the zone's enterprises, posted
   2022–2024.
5. **Tickets.** 300 tickets, requested by lagging zones from their province's leader: 200 serve a
   demand (opened 0–30 days after it is posted; talent matching for an expert demand, project matching
   otherwise; the match is a record of the demand's library sharing a division with it), 100 are
   intelligence or talent services opened any day of 2022–2024. Where a ticket stands at :data:`AS_OF`
   (2024-12-31) depends on its age: of those opened in the last 120 days a quarter are open, a fifth
   assigned, a quarter in service, a fifth delivered, a tenth closed; of older ones three quarters are
   closed (outcome and rating) and the rest stuck (overdue). Due 20–90 days after opening by kind; one
   delivery in six is late. One ``ticket_events`` row for every step taken. A demand whose ticket closed
   (partly) resolved is closed; one with a ticket under way or a match is matched.
6. **Platform companies.** Every leader with partners offers 6–10 services of park operation,
   innovation and industry at prices in 万元; about 300 orders 2023–2024 from its partner zones (zones
   that are its agreement partners three times as likely) at the catalogue price.
7. **Fund.** Two rounds of one province's fund (Hubei when its leader is stable and leads its
   agreements, else the province with the most co-built projects under such a leader): 2023, committed,
   and 2024, open; 60–150 applications each from the province's zones (the leader's asking more, with
   more impact per 万元), most linked to its agreements and co-built projects; budgets of the three
   sub-funds about 55% of what is asked, so every budget binds. 2023: a zone cap of 18–25% of the
   budgets, which holds the leader back, and a lagging minimum share of 30%; 2024: no cap and a lagging
   minimum of 60%, which binds (it has a shadow price). The 2023 allocation is computed with
   :func:`parknet.enabling.fund.allocate` and stored as commitments (with :func:`allocation_sha256`);
   about 70% of the commitments are partly or fully paid out in 1–3 payments.

Pure: no database, clock or global random state; ``numpy.random.default_rng([seed, 3])`` is the only source
of randomness, so the same inputs and seed give identical frames. Everything is synthetic and labelled:
``is_synthetic`` on every row, （演示） in every title, name and institution, 合成数据 in every description
and impact basis, ``demo`` / ``demo:<zone_id>`` as the actor of every ledger entry and ticket step.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from parknet.data import reference
from parknet.data.demo import ANCHOR_YEAR, DEMO_LABEL, DemoData
from parknet.data.demo_cooperation import DEMO_ACTOR, CooperationDemo, short_name
from parknet.enabling.fund import FundPolicy, allocate, allocation_digest
from parknet.network.leaders import choose_leaders

__all__ = ["EnablingDemo", "generate_enabling", "demo_leaders", "fund_inputs", "allocation_sha256", "SCHEMAS",
           "AS_OF", "DEFAULT_SIZES"]

_STREAM = 3  # second word of the seed: independent of the zone, cooperation and sharing draws
#: the demo's "today": ticket statuses and overdue flags are as of this date
AS_OF = date(2024, 12, 31)
#: rows per library, demands, tickets and orders (the issue asks for ≥ 2,000 / 500 / 500 / 200)
DEFAULT_SIZES = {"technologies": 2_000, "experts": 520, "science_projects": 520, "demands": 260,
                 "tickets": 300, "orders": 300}
_SYNTHETIC = "合成数据：由本系统的演示数据生成器生成，非真实{what}（演示）。"

_DECIMAL = pl.Decimal(38, 4)
_STAMP = pl.Datetime("us", "UTC")
_FLAG = pl.Boolean()
#: column names and types of each frame: the columns of its table without ``batch_id`` (and without the
#: surrogate ``id`` of the ledger tables)
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "fund_rounds": {"id": pl.String(), "province_code": pl.String(), "name": pl.String(), "year": pl.Int32(),
                    "zone_cap": _DECIMAL, "lagging_min_share": _DECIMAL, "partial_allowed": _FLAG,
                    "status": pl.String(), "is_synthetic": _FLAG},
    "fund_budgets": {"round_id": pl.String(), "subfund": pl.String(), "budget": _DECIMAL},
    "fund_applications": {"id": pl.String(), "round_id": pl.String(), "zone_id": pl.String(),
                          "partners": pl.String(), "agreement_id": pl.String(), "project_id": pl.String(),
                          "title": pl.String(), "eligible": pl.String(), "amount": _DECIMAL,
                          "co_funding": _DECIMAL, "impact": pl.Float64(), "impact_basis": pl.String(),
                          "partial": _FLAG, "min_amount": _DECIMAL, "is_synthetic": _FLAG},
    "fund_commitments": {"round_id": pl.String(), "application_id": pl.String(), "subfund": pl.String(),
                         "kind": pl.String(), "amount": _DECIMAL, "reason": pl.String(),
                         "allocation_sha256": pl.String(), "recorded_at": _STAMP, "recorded_by": pl.String(),
                         "is_synthetic": _FLAG},
    "fund_disbursements": {"application_id": pl.String(), "subfund": pl.String(), "kind": pl.String(),
                           "amount": _DECIMAL, "paid_on": pl.Date(), "reference": pl.String(),
                           "recorded_at": _STAMP, "recorded_by": pl.String(), "is_synthetic": _FLAG},
    "technologies": {"id": pl.String(), "title": pl.String(), "description": pl.String(), "field": pl.String(),
                     "trl": pl.Int32(), "owner_institution": pl.String(), "zone_id": pl.String(),
                     "industry_codes": pl.String(), "licensing": pl.String(), "is_synthetic": _FLAG},
    "experts": {"id": pl.String(), "name": pl.String(), "title": pl.String(), "institution": pl.String(),
                "fields": pl.String(), "profile": pl.String(), "zone_id": pl.String(),
                "industry_codes": pl.String(), "availability": pl.String(), "is_synthetic": _FLAG},
    "science_projects": {"id": pl.String(), "title": pl.String(), "description": pl.String(),
                         "institution": pl.String(), "zone_id": pl.String(), "industry_codes": pl.String(),
                         "stage": pl.String(), "start_year": pl.Int32(), "funding": _DECIMAL,
                         "is_synthetic": _FLAG},
    "demands": {"id": pl.String(), "zone_id": pl.String(), "credit_code": pl.String(), "title": pl.String(),
                "description": pl.String(), "library": pl.String(), "industry_codes": pl.String(),
                "posted_on": pl.Date(), "status": pl.String(), "is_synthetic": _FLAG},
    "service_tickets": {"id": pl.String(), "kind": pl.String(), "requester_zone": pl.String(),
                        "provider_zone": pl.String(), "title": pl.String(), "opened_on": pl.Date(),
                        "due_on": pl.Date(), "status": pl.String(), "assignee": pl.String(),
                        "demand_id": pl.String(), "match_ref": pl.String(), "delivered_on": pl.Date(),
                        "closed_on": pl.Date(), "outcome": pl.String(), "rating": pl.Int32(),
                        "created_by": pl.String(), "is_synthetic": _FLAG},
    "ticket_events": {"ticket_id": pl.String(), "status": pl.String(), "on": pl.Date(), "actor": pl.String(),
                      "note": pl.String(), "recorded_at": _STAMP, "is_synthetic": _FLAG},
    "platform_services": {"code": pl.String(), "provider_zone": pl.String(), "name": pl.String(),
                          "category": pl.String(), "unit": pl.String(), "price": _DECIMAL,
                          "is_synthetic": _FLAG},
    "platform_orders": {"id": pl.String(), "buyer_zone": pl.String(), "code": pl.String(), "quantity": _DECIMAL,
                        "unit_price": _DECIMAL, "ordered_on": pl.Date(), "is_synthetic": _FLAG},
}

_CHAINS = Path(__file__).parent / "chains"
_VOCABULARY = Path(__file__).parent / "enabling" / "vocabulary.json"
_LEADER_INDICATORS = ("gdp", "revenue", "rd_expenditure", "rd_personnel", "employees",
                      "invention_patents_granted", "high_tech_enterprises")  # as services.network reads them
_FUSION_PROBLEMS = ("数据分散难以共享", "标准规范不统一", "投入产出不清晰", "复合型人才短缺", "应用场景落地难",
                    "商业模式尚不成熟")
_FUSION_GOALS = ("运营效率提升30%", "形成可复制推广的解决方案", "综合成本降低20%", "服务覆盖率翻番",
                 "打通上下游数据", "带动相关产业产值增长")
_TRL_ZH = {1: "发现基本原理", 2: "形成技术概念", 3: "完成关键功能验证", 4: "完成实验室环境验证",
           5: "完成相关环境验证", 6: "完成相关环境中试演示", 7: "完成实际环境样机演示", 8: "完成定型与试生产",
           9: "已规模化应用"}
_LICENSING = {"transfer": 0.30, "license": 0.25, "exclusive_license": 0.10, "joint_development": 0.25,
              "equity": 0.10}
_LICENSING_ZH = {"transfer": "可整体转让", "license": "可普通许可实施", "exclusive_license": "可独占许可实施",
                 "joint_development": "寻求合作开发", "equity": "可作价入股"}
_AVAILABILITY = {"available": 0.6, "limited": 0.3, "unavailable": 0.1}
_STAGES = {"research": 0.45, "pilot": 0.35, "industrialisation": 0.20}
_STAGE_WORDS = {"research": ("关键技术研究", "技术攻关", "基础研究"),
                "pilot": ("中试验证", "中试平台建设", "工程化验证"),
                "industrialisation": ("产业化示范", "规模化生产线建设", "成果转化与产业化")}
_STAGE_ZH = {"research": "研发", "pilot": "中试", "industrialisation": "产业化"}
_FUNDING = {"research": (50, 800), "pilot": (300, 3_000), "industrialisation": (1_000, 20_000)}  # 万元
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
_TITLES = {"university": {"教授": 0.45, "副教授": 0.35, "研究员": 0.20},
           "institute": {"研究员": 0.40, "副研究员": 0.30, "正高级工程师": 0.15, "高级工程师": 0.15},
           "enterprise": {"正高级工程师": 0.35, "高级工程师": 0.50, "首席技术专家": 0.15}}
_OWNERS = {"university": 0.35, "institute": 0.30, "enterprise": 0.35}
_UNIVERSITIES = ("合成理工大学", "合成工业大学", "合成科技大学", "合成农业大学", "合成医科大学")
_LIBRARIES = {"technology": 0.5, "expert": 0.3, "project": 0.2}
_TICKET_STATUS = {"open": 0.12, "assigned": 0.10, "in_service": 0.13, "delivered": 0.15, "closed": 0.50}
_STEPS = ("open", "assigned", "in_service", "delivered", "closed")
_OUTCOMES = {"resolved": 0.62, "partly_resolved": 0.26, "not_resolved": 0.12}
_OUTCOME_ZH = {"resolved": "已解决", "partly_resolved": "部分解决", "not_resolved": "未解决"}
_RATINGS = {"resolved": (4, 5), "partly_resolved": (3, 4), "not_resolved": (1, 3)}
_KIND_ZH = {"talent": "人才对接", "project": "项目对接", "intelligence": "情报服务"}
_DUE_DAYS = {"talent": (30, 60), "project": (45, 90), "intelligence": (20, 45)}
#: the platform company's catalogue templates: name, category, unit, price range (万元), quantity range
_SERVICES = (
    ("园区规划咨询", "park_operation", "项", (20, 80), (1, 1)),
    ("招商代理", "park_operation", "项", (10, 50), (1, 3)),
    ("园区运营托管", "park_operation", "年", (100, 500), (1, 1)),
    ("智慧园区系统建设", "park_operation", "套", (50, 300), (1, 1)),
    ("孵化器托管运营", "innovation", "年", (50, 200), (1, 1)),
    ("技术转移服务", "innovation", "项", (5, 30), (1, 4)),
    ("检验检测", "innovation", "批次", (0.5, 5), (1, 20)),
    ("知识产权运营", "innovation", "项", (2, 15), (1, 5)),
    ("供应链对接", "industry", "场", (3, 20), (1, 3)),
    ("人才培训", "industry", "人次", (0.1, 0.5), (10, 200)),
    ("科技金融对接", "industry", "场", (2, 10), (1, 3)),
    ("品牌与市场推广", "industry", "项", (10, 60), (1, 2)),
)
# fund applications: what is built, the sub-funds that may pay for it
_FUND_KINDS = {
    "development": (("基础设施配套建设", "标准厂房建设", "公共服务平台建设", "共建园区二期建设"),
                    (("development",), ("development", "industry"))),
    "industry": (("产业链补链项目", "中试能力提升项目", "关键设备购置", "产业化生产线建设"),
                 (("industry",), ("development", "industry"), ("industry", "venture"))),
    "venture": (("创业投资子基金参股", "科技型企业股权投资", "孵化企业跟投"),
                (("venture",), ("industry", "venture"))),
}


@dataclass(frozen=True)
class EnablingDemo:
    """Generated enabling frames, typed as :data:`SCHEMAS`, and the leaders they were built for."""

    seed: int
    label: str
    leaders: dict[str, str]
    fund_rounds: pl.DataFrame
    fund_budgets: pl.DataFrame
    fund_applications: pl.DataFrame
    fund_commitments: pl.DataFrame
    fund_disbursements: pl.DataFrame
    technologies: pl.DataFrame
    experts: pl.DataFrame
    science_projects: pl.DataFrame
    demands: pl.DataFrame
    service_tickets: pl.DataFrame
    ticket_events: pl.DataFrame
    platform_services: pl.DataFrame
    platform_orders: pl.DataFrame


@dataclass(frozen=True)
class _Topic:
    """A chain segment or a fusion pair, with its codes and words."""

    field: str  # 技术领域, e.g. 新能源汽车·动力电池
    name: str  # the segment or pair
    divisions: tuple[str, ...]
    codes: tuple[str, ...]  # classes first, then divisions
    products: tuple[str, ...]
    processes: tuple[str, ...]
    materials: tuple[str, ...]
    applications: tuple[str, ...]
    problems: tuple[str, ...]
    goals: tuple[str, ...]


@dataclass(frozen=True)
class _Zone:
    zone_id: str
    province: str
    short: str  # 武汉东湖, 湖北合成07
    city: str  # 武汉
    leader: bool
    topics: tuple[int, ...]  # topics that meet the zone's leading divisions


class _Draw:
    """Uniform numbers from the generator in blocks (fast), and the draws built on them."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._buffer: list[float] = []

    def u(self) -> float:
        if not self._buffer:
            self._buffer = self._rng.random(4096).tolist()[::-1]
        return self._buffer.pop()

    def pick(self, items: Sequence[Any]) -> Any:
        return items[min(int(self.u() * len(items)), len(items) - 1)]

    def weighted(self, weights: dict[Any, float]) -> Any:
        x = self.u() * sum(weights.values())
        for key, w in weights.items():
            x -= w
            if x < 0:
                return key
        return key

    def among(self, items: Sequence[Any], weights: Sequence[float]) -> Any:
        x = self.u() * sum(weights)
        for item, w in zip(items, weights, strict=True):
            x -= w
            if x < 0:
                return item
        return items[-1]

    def integer(self, low: int, high: int) -> int:
        """An integer in [low, high]."""
        return low + min(int(self.u() * (high - low + 1)), high - low)

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.u()

    def sample(self, items: Sequence[Any], k: int) -> list[Any]:
        pool = list(items)
        out = []
        for _ in range(min(k, len(pool))):
            out.append(pool.pop(min(int(self.u() * len(pool)), len(pool) - 1)))
        return out

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.integer(0, (last - first).days))


def _at(day: date, draw: _Draw) -> datetime:
    """A working-hours time on ``day`` (09:00–17:00 Beijing), in UTC."""
    return datetime(day.year, day.month, day.day, 1, tzinfo=UTC) + timedelta(minutes=draw.integer(0, 479))


def _bare(title: str) -> str:
    return title.removesuffix("（演示）")


# ------------------------------------------------------------------------------------------------ topics

@cache
def _topics() -> tuple[_Topic, ...]:
    """Every chain segment and fusion pair as a topic (chains first, in file order)."""
    words = json.loads(_VOCABULARY.read_text(encoding="utf-8"))
    out = []
    for chain in json.loads((_CHAINS / "chains.json").read_text(encoding="utf-8"))["chains"]:
        v = words["chains"][chain["code"]]
        for s in chain["segments"]:
            divisions = tuple(s["divisions"])
            classes = tuple(c for c in s.get("classes") or () if c[:2] in divisions)
            out.append(_Topic(f"{chain['name']}·{s['name']}", s["name"], divisions, classes + divisions,
                              tuple(s["key_products"]), tuple(v["processes"]), tuple(v["materials"]),
                              tuple(v["applications"]), tuple(v["problems"]), tuple(v["goals"])))
    for pair in json.loads((_CHAINS / "fusion.json").read_text(encoding="utf-8"))["pairs"]:
        v = words["fusion"][pair["code"]]
        divisions = tuple(dict.fromkeys(pair["a"]["divisions"] + pair["b"]["divisions"]))
        out.append(_Topic(f"跨界融合·{pair['name']}", pair["name"], divisions, divisions, tuple(v["products"]),
                          tuple(v["processes"]), tuple(v["products"]), tuple(v["applications"]),
                          _FUSION_PROBLEMS, _FUSION_GOALS))
    return tuple(out)


def _codes(draw: _Draw, topic: _Topic) -> str:
    """1–3 GB/T 4754 codes of ``topic`` (a class when it has one, and divisions), sorted, comma-joined."""
    classes = [c for c in topic.codes if len(c) == 4]
    chosen = {draw.pick(classes)} if classes and draw.u() < 0.7 else set()
    chosen |= set(draw.sample(topic.divisions, draw.integer(1, min(2, len(topic.divisions)))))
    return ",".join(sorted(chosen))


# ------------------------------------------------------------------------------------------------- zones

def demo_leaders(zones: pl.DataFrame, zone_indicators: pl.DataFrame, year: int = ANCHOR_YEAR) -> dict[str, str]:
    """Province → its leading zone in ``year``, chosen as :func:`parknet.services.network.leading_zones`
    chooses it from the stored demo (zones approved by then, their indicators, nulls as 0, the capital
    bonus; :func:`parknet.network.leaders.choose_leaders`, one leader per province)."""
    capitals = reference.provinces().select("province_code", "capital_code")
    frame = (zones.filter(pl.col("approved_year").is_null() | (pl.col("approved_year") <= year))
             .join(capitals, on="province_code", how="left")
             .with_columns(is_capital=pl.col("city_code").is_not_null()
                           & (pl.col("city_code") == pl.col("capital_code")).fill_null(False)))
    values = zone_indicators.filter((pl.col("year") == year) & pl.col("indicator").is_in(_LEADER_INDICATORS))
    if values.height:
        frame = frame.join(values.pivot(on="indicator", index="zone_id", values="value"), on="zone_id", how="left")
    frame = frame.with_columns([(pl.col(c) if c in frame.columns else pl.lit(None)).cast(pl.Float64)
                                .fill_null(0.0).alias(c) for c in _LEADER_INDICATORS])
    chosen = choose_leaders(frame, per_province=1).filter(pl.col("zone_id").is_not_null())
    return dict(chosen.select("province_code", "zone_id").iter_rows())


def _zones(data: DemoData, leaders: dict[str, str]) -> dict[str, _Zone]:
    """The zones approved by 2021 with their leading divisions' topics (2019 revenue, else their latest)."""
    revenue = data.industry_output.filter(pl.col("indicator") == "revenue")
    latest = revenue.group_by("zone_id").agg(pl.col("year").filter(pl.col("year") <= ANCHOR_YEAR).max()
                                             .fill_null(pl.col("year").min()).alias("at"))
    top = (revenue.join(latest, on="zone_id").filter(pl.col("year") == pl.col("at"))
           .sort(["zone_id", "value", "industry_code"], descending=[False, True, False])
           .group_by("zone_id", maintain_order=True).agg(pl.col("industry_code").head(4)))
    divisions = dict(top.iter_rows())
    topics = _topics()
    out = {}
    for z, name, province, city, approved in data.zones.select(
            "zone_id", "name", "province_code", "city", "approved_year").iter_rows():
        if approved is not None and approved > 2021:
            continue
        mine = set(divisions.get(z, []))
        out[z] = _Zone(z, province, short_name(name), (city or "").removesuffix("市"), leaders.get(province) == z,
                       tuple(i for i, t in enumerate(topics) if mine & set(t.divisions)))
    return out


# --------------------------------------------------------------------------------------------- libraries

class _Sources:
    """Where library records come from: zones by topic (leaders three times as likely), institutions."""

    def __init__(self, zones: dict[str, _Zone], enterprises: pl.DataFrame, provinces: dict[str, str]) -> None:
        self.zones = zones
        self.provinces = provinces  # province code → short name (湖北)
        self.by_topic: dict[int, list[_Zone]] = {}
        for zone in zones.values():
            for t in zone.topics:
                self.by_topic.setdefault(t, []).append(zone)
        self.all = list(zones.values())
        self.enterprises: dict[str, list[str]] = {}  # zone → enterprise names
        self.firms: dict[str, list[tuple[str, str]]] = {}  # zone → (credit code, name)
        for code, name, zone in enterprises.select("credit_code", "name", "zone_id").iter_rows():
            if zone in zones:
                self.enterprises.setdefault(zone, []).append(name)
                self.firms.setdefault(zone, []).append((code, name))

    def zone(self, draw: _Draw, topic: int) -> _Zone:
        pool = self.by_topic.get(topic) or self.all
        return draw.among(pool, [3.0 if z.leader else 1.0 for z in pool])

    def institution(self, draw: _Draw, topic: int, kind: str) -> tuple[str, str | None]:
        """(institution, zone_id) of a record of ``topic`` owned by a ``kind`` of institution."""
        zone = self.zone(draw, topic)
        if kind == "university":
            place = self.provinces[zone.province] if draw.u() < 0.5 else zone.city or self.provinces[zone.province]
            name = f"{place}{draw.pick(_UNIVERSITIES)}（演示）"
            return name, None if draw.u() < 0.3 else zone.zone_id  # a campus outside the zones: no zone
        if kind == "institute" or not self.enterprises.get(zone.zone_id):
            made_up = "" if "合成" in zone.short else "合成"  # synthetic zones' names say it already
            name = draw.pick((f"{zone.short}{made_up}产业技术研究院（演示）", f"{zone.short}{made_up}创新研究院（演示）",
                              f"{self.provinces[zone.province]}合成科学院{zone.short}分院（演示）"))
            return name, zone.zone_id
        return draw.pick(self.enterprises[zone.zone_id]), zone.zone_id


def _unique(draw: _Draw, seen: set[str], compose: Any, tries: int = 30) -> str | None:
    """A title from ``compose(draw)`` not in ``seen`` (after ``tries`` collisions: None)."""
    for _ in range(tries):
        title = compose(draw)
        if title not in seen:
            seen.add(title)
            return title
    return None


def _tech_title(draw: _Draw, t: _Topic) -> str:
    product, process = draw.pick(t.products), draw.pick(t.processes)
    pattern = draw.integer(0, 5)
    if pattern == 0:
        core = f"{product}{process}技术"
    elif pattern == 1:
        core = f"基于{process}的{product}{draw.pick(('关键技术', '成套技术', '集成方案', '工艺'))}"
    elif pattern == 2:
        core = f"面向{draw.pick(t.applications)}的{product}{process}技术"
    elif pattern == 3:
        core = f"{draw.pick(('高可靠', '低成本', '高效率', '智能化', '绿色低碳', '国产化'))}{product}{process}工艺"
    elif pattern == 4:
        core = f"{draw.pick(t.materials)}在{product}中的{draw.pick(('应用技术', '集成技术', '替代方案'))}"
    else:
        core = f"{product}{draw.pick(t.problems)}解决方案"
    return f"{core}（演示）"


def _technologies(draw: _Draw, n: int, src: _Sources) -> list[dict[str, Any]]:
    topics, rows, seen = _topics(), [], set()
    while len(rows) < n:
        ti = draw.integer(0, len(topics) - 1)
        t = topics[ti]
        title = _unique(draw, seen, lambda d, t=t: _tech_title(d, t))
        if title is None:
            continue
        kind = draw.weighted(_OWNERS)
        owner, zone = src.institution(draw, ti, kind)
        trl = draw.integer(2, 6) if kind == "university" else draw.integer(3, 8) if kind == "institute" \
            else draw.integer(5, 9)
        trl = 1 if kind == "university" and draw.u() < 0.05 else trl
        licensing = draw.weighted(_LICENSING)
        p1, p2 = draw.sample(t.processes, 2)
        description = (f"针对{draw.pick(t.applications)}中{draw.pick(t.problems)}的问题，本技术采用{p1}，结合{p2}，"
                       f"以{draw.pick(t.materials)}为关键材料或部件，实现{draw.pick(t.goals)}。"
                       f"技术成熟度{trl}级（{_TRL_ZH[trl]}），{_LICENSING_ZH[licensing]}。"
                       + _SYNTHETIC.format(what="技术成果"))
        rows.append({"id": f"T-{len(rows) + 1:05d}", "title": title, "description": description, "field": t.field,
                     "trl": trl, "owner_institution": owner, "zone_id": zone, "industry_codes": _codes(draw, t),
                     "licensing": licensing, "is_synthetic": True})
    return rows


def _experts(draw: _Draw, n: int, src: _Sources) -> list[dict[str, Any]]:
    topics, rows = _topics(), []
    for i in range(1, n + 1):
        ti = draw.integer(0, len(topics) - 1)
        t = topics[ti]
        kind = draw.weighted(_OWNERS)
        institution, zone = src.institution(draw, ti, kind)
        p1, p2, p3 = draw.sample(t.processes, 3)
        years = draw.integer(8, 30)
        service = draw.pick(("技术诊断", "工艺改进咨询", "中试方案评审", "产业规划咨询", "人才培训"))
        profile = (f"长期从事{t.field}方向研究，从业{years}年，擅长{p1}与{p2}，熟悉{draw.pick(t.products)}的研发和生产，"
                   f"曾为{draw.pick(t.applications)}领域企业提供{service}服务。" + _SYNTHETIC.format(what="人物"))
        rows.append({"id": f"E-{i:05d}", "name": f"{draw.pick(_SURNAMES)}某{i:03d}（演示）",
                     "title": draw.weighted(_TITLES[kind]), "institution": institution,
                     "fields": "、".join((t.name, p1, p3)), "profile": profile, "zone_id": zone,
                     "industry_codes": _codes(draw, t), "availability": draw.weighted(_AVAILABILITY),
                     "is_synthetic": True})
    return rows


def _project_title(draw: _Draw, t: _Topic, stage: str) -> str:
    product, process = draw.pick(t.products), draw.pick(t.processes)
    where = f"面向{draw.pick(t.applications)}的" if draw.u() < 0.35 else ""
    return f"{where}{product}{process}{draw.pick(_STAGE_WORDS[stage])}项目（演示）"


def _projects(draw: _Draw, n: int, src: _Sources) -> list[dict[str, Any]]:
    topics, rows, seen = _topics(), [], set()
    while len(rows) < n:
        ti = draw.integer(0, len(topics) - 1)
        t = topics[ti]
        stage = draw.weighted(_STAGES)
        title = _unique(draw, seen, lambda d, t=t, s=stage: _project_title(d, t, s))
        if title is None:
            continue
        institution, zone = src.institution(draw, ti, draw.weighted(_OWNERS))
        low, high = _FUNDING[stage]
        funding = None if draw.u() < 0.1 else Decimal(round(draw.uniform(low, high)))
        wanted = draw.pick(("寻求产业化合作伙伴", "寻求中试基地", "寻求联合攻关单位", "寻求应用场景与示范用户",
                            "寻求投资与配套资金"))
        p1, p2 = draw.sample(t.processes, 2)
        description = (f"项目围绕{draw.pick(t.applications)}中{draw.pick(t.problems)}的问题，开展{p1}与{p2}的"
                       f"{_STAGE_ZH[stage]}工作，目标{draw.pick(t.goals)}。{wanted}。" + _SYNTHETIC.format(what="科技项目"))
        rows.append({"id": f"SP-{len(rows) + 1:05d}", "title": title, "description": description,
                     "institution": institution, "zone_id": zone, "industry_codes": _codes(draw, t),
                     "stage": stage, "start_year": draw.integer(2019, 2024), "funding": funding,
                     "is_synthetic": True})
    return rows


# ---------------------------------------------------------------------------------------------- demands

def _demand_text(draw: _Draw, t: _Topic, library: str, who: str) -> tuple[str, str]:
    product, process, problem = draw.pick(t.products), draw.pick(t.processes), draw.pick(t.problems)
    if library == "technology":
        title = draw.pick((f"寻求{product}{process}技术", f"{product}{problem}技术难题求解",
                           f"引进{product}{process}成熟技术"))
        want = f"希望引进或合作开发{process}相关技术"
    elif library == "expert":
        title = draw.pick((f"引进{t.name}领域专家开展{process}指导", f"聘请{product}方向技术顾问",
                           f"邀请{t.name}专家开展{problem}诊断"))
        want = f"希望对接熟悉{process}的专家提供现场指导或短期服务"
    else:
        title = draw.pick((f"对接{product}中试合作项目", f"寻求{product}{process}产业化项目落地",
                           f"征集{t.name}科技成果转化项目"))
        want = f"希望对接{product}相关的研发、中试或产业化项目"
    description = (f"{who}在{product}的研发和生产中面临{problem}的问题，{want}，目标{draw.pick(t.goals)}。"
                   + _SYNTHETIC.format(what="需求"))
    return f"{title}（演示）", description


def _demands(draw: _Draw, n: int, zones: dict[str, _Zone], src: _Sources) -> list[dict[str, Any]]:
    topics = _topics()
    lagging = [z for z in zones.values() if not z.leader]
    leaders = [z for z in zones.values() if z.leader]
    rows, seen = [], set()
    while len(rows) < n:
        zone = draw.pick(lagging) if draw.u() < 0.85 or not leaders else draw.pick(leaders)
        t = topics[draw.pick(zone.topics) if zone.topics and draw.u() < 0.85 else draw.integer(0, len(topics) - 1)]
        library = draw.weighted(_LIBRARIES)
        firms = src.firms.get(zone.zone_id)
        credit, who = None, f"{zone.short}园区"
        if firms and draw.u() < 0.4:
            credit, who = draw.pick(firms)
        title, description = _demand_text(draw, t, library, who)
        if (title, zone.zone_id) in seen:
            continue
        seen.add((title, zone.zone_id))
        rows.append({"id": f"DM-{len(rows) + 1:05d}", "zone_id": zone.zone_id, "credit_code": credit,
                     "title": title, "description": description, "library": library,
                     "industry_codes": _codes(draw, t), "posted_on": draw.day(date(2022, 1, 1), date(2024, 12, 31)),
                     "status": "open", "is_synthetic": True})
    return rows


# ---------------------------------------------------------------------------------------------- tickets

def _match(draw: _Draw, demand: dict[str, Any], pools: dict[str, dict[str, list[str]]]) -> str | None:
    """A library record of the demand's library sharing a division with it (``library:ID``)."""
    library = demand["library"]
    divisions = {c[:2] for c in demand["industry_codes"].split(",")}
    candidates = sorted({r for d in divisions for r in pools[library].get(d, [])})
    return f"{library}:{draw.pick(candidates)}" if candidates else None


def _lifecycle(draw: _Draw, kind: str, status: str, opened: date) -> dict[str, Any]:
    """Dates of the steps up to ``status``, all by :data:`AS_OF`: assignment 1–10 days after opening,
    service 1–7 days later, delivery near the due date (one in six late), closing 3–20 days later."""
    low, high = _DUE_DAYS[kind]
    due = opened + timedelta(days=draw.integer(low, high))
    steps = {"open": opened}
    last = opened
    gaps = {"assigned": (1, 10), "in_service": (1, 7), "closed": (3, 20)}
    for step in _STEPS[1:_STEPS.index(status) + 1]:
        if step == "delivered":
            late = draw.u() < 1 / 6
            target = due + timedelta(days=draw.integer(1, 30)) if late else due - timedelta(days=draw.integer(0, 15))
            last = max(last + timedelta(days=1), target)
        else:
            a, b = gaps[step]
            last = last + timedelta(days=draw.integer(a, b))
        steps[step] = min(last, AS_OF)
    return {"due": due, "steps": steps}


def _status(draw: _Draw, opened: date) -> str:
    """Where a ticket opened on ``opened`` stands at :data:`AS_OF`: recent ones are mostly under way, older
    ones mostly closed (the rest stuck, hence overdue)."""
    if (AS_OF - opened).days < 120:
        return draw.weighted({"open": 0.25, "assigned": 0.2, "in_service": 0.25, "delivered": 0.2, "closed": 0.1})
    return draw.weighted({"open": 0.04, "assigned": 0.05, "in_service": 0.06, "delivered": 0.1, "closed": 0.75})


def _tickets(draw: _Draw, n: int, zones: dict[str, _Zone], leaders: dict[str, str], demands: list[dict[str, Any]],
             pools: dict[str, dict[str, list[str]]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n`` tickets of lagging zones served by their leader: two thirds for their demands (opened 0–30
    days after the demand is posted), the rest opened any day of 2022–2024; ids ``TK-YYYY-NNNNN`` by date."""
    topics = _topics()
    served = [d for d in demands if not zones[d["zone_id"]].leader and zones[d["zone_id"]].province in leaders]
    linked = draw.sample(served, min(len(served), round(n * 2 / 3)))
    requesters = [z for z in zones.values() if not z.leader and z.province in leaders]
    plan: list[tuple[dict[str, Any] | None, _Zone]] = [(d, zones[d["zone_id"]]) for d in linked]
    plan += [(None, draw.pick(requesters)) for _ in range(n - len(plan))]
    rows, events = [], []
    for demand, zone in plan:
        if demand is not None:
            opened = min(demand["posted_on"] + timedelta(days=draw.integer(0, 30)), AS_OF)
        else:
            opened = draw.day(date(2022, 1, 1), AS_OF)
        status = _status(draw, opened)
        provider = leaders[zone.province]
        match_ref, assignee = None, None
        if demand is not None:
            kind = "talent" if demand["library"] == "expert" else "project"
            title = f"{_KIND_ZH[kind]}：{_bare(demand['title'])}（演示）"
            if status != "open" or draw.u() < 0.5:
                match_ref = _match(draw, demand, pools)
        else:
            kind = draw.weighted({"intelligence": 0.75, "talent": 0.25})
            t = topics[draw.pick(zone.topics) if zone.topics else draw.integer(0, len(topics) - 1)]
            if kind == "intelligence":
                title = draw.pick((f"{t.name}产业链动态监测", f"{draw.pick(t.products)}技术路线与竞争格局分析",
                                   f"{draw.pick(t.products)}领域专利与标准情报"))
            else:
                title = f"{t.name}方向技术骨干引进"
            title = f"{_KIND_ZH[kind]}：{title}（演示）"
        life = _lifecycle(draw, kind, status, opened)
        if status != "open":
            if kind == "talent" and match_ref and match_ref.startswith("expert:"):
                assignee = match_ref.split(":", 1)[1]
            else:
                assignee = f"{zones[provider].short}平台专员{draw.integer(1, 12):02d}（演示）"
        outcome = draw.weighted(_OUTCOMES) if status == "closed" else None
        rating = draw.integer(*_RATINGS[outcome]) if outcome else None
        rows.append({"id": None, "kind": kind, "requester_zone": zone.zone_id, "provider_zone": provider,
                     "title": title[:200], "opened_on": opened, "due_on": life["due"], "status": status,
                     "assignee": assignee, "demand_id": demand["id"] if demand else None, "match_ref": match_ref,
                     "delivered_on": life["steps"].get("delivered"), "closed_on": life["steps"].get("closed"),
                     "outcome": outcome, "rating": rating, "created_by": DEMO_ACTOR, "is_synthetic": True,
                     "_steps": life["steps"]})
    rows.sort(key=lambda r: (r["opened_on"], r["requester_zone"], r["title"], r["demand_id"] or ""))
    numbers: dict[int, int] = {}
    for r in rows:
        year = r["opened_on"].year
        numbers[year] = numbers.get(year, 0) + 1
        r["id"] = f"TK-{year}-{numbers[year]:05d}"
        for step, on in r.pop("_steps").items():
            actor = r["requester_zone"] if step in ("open", "closed") else r["provider_zone"]
            note = {"open": "提交服务需求（演示）", "assigned": f"分派给 {_bare(r['assignee'] or '')}（演示）",
                    "in_service": "开始提供服务（演示）", "delivered": "交付服务成果（演示）",
                    "closed": f"办结：{_OUTCOME_ZH.get(r['outcome'] or '', '')}，评分 {r['rating']}（演示）"}[step]
            events.append({"ticket_id": r["id"], "status": step, "on": on, "actor": f"{DEMO_ACTOR}:{actor}",
                           "note": note, "recorded_at": _at(on, draw), "is_synthetic": True})
    return rows, events


def _demand_statuses(draw: _Draw, demands: list[dict[str, Any]], tickets: list[dict[str, Any]]) -> None:
    """A demand whose ticket closed (partly) resolved is closed, one with a ticket under way or a match is
    matched; most demands without a ticket are open (15% matched, 10% closed)."""
    by_demand = {t["demand_id"]: t for t in tickets if t["demand_id"]}
    for d in demands:
        t = by_demand.get(d["id"])
        if t is None:
            d["status"] = draw.weighted({"open": 0.75, "matched": 0.15, "closed": 0.10})
        elif t["status"] == "closed":
            d["status"] = "open" if t["outcome"] == "not_resolved" else "closed"
        elif t["status"] != "open" or t["match_ref"]:
            d["status"] = "matched"


# --------------------------------------------------------------------------------------------- platform

def _platform(draw: _Draw, n_orders: int, zones: dict[str, _Zone], leaders: dict[str, str],
              partners: dict[str, set[str]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each leader's catalogue and the orders of its partner zones (agreement partners three times as
    likely), spread over the providers in proportion to their partner zones."""
    services, orders = [], []
    buyers: dict[str, list[_Zone]] = {}
    for province, leader in sorted(leaders.items()):
        if leader not in zones:
            continue
        mine = [z for z in zones.values() if z.province == province and z.zone_id != leader]
        if not mine:
            continue
        buyers[leader] = mine
        for k, i in enumerate(sorted(draw.sample(range(len(_SERVICES)), draw.integer(6, 10))), start=1):
            name, category, unit, (low, high), _ = _SERVICES[i]
            price = Decimal(str(round(draw.uniform(low, high), 1 if high > 1 else 2)))
            services.append({"code": f"PS-{province[:2]}-{k:02d}", "provider_zone": leader,
                             "name": f"{zones[leader].short}平台公司·{name}（演示）", "category": category,
                             "unit": unit, "price": price, "is_synthetic": True, "_template": i})
    catalogue: dict[str, list[dict[str, Any]]] = {}
    for s in services:
        catalogue.setdefault(s["provider_zone"], []).append(s)
    providers = sorted(buyers)
    sizes = [len(buyers[p]) for p in providers]
    for _ in range(n_orders if providers else 0):
        provider = draw.among(providers, sizes)
        pool = buyers[provider]
        buyer = draw.among(pool, [3.0 if z.zone_id in partners.get(provider, set()) else 1.0 for z in pool])
        item = draw.pick(catalogue[provider])
        qlow, qhigh = _SERVICES[item["_template"]][4]
        orders.append({"id": None, "buyer_zone": buyer.zone_id, "code": item["code"],
                       "quantity": Decimal(draw.integer(qlow, qhigh)), "unit_price": item["price"],
                       "ordered_on": draw.day(date(2023, 1, 1), date(2024, 12, 31)), "is_synthetic": True})
    orders.sort(key=lambda o: (o["ordered_on"], o["buyer_zone"], o["code"]))
    numbers: dict[int, int] = {}
    for o in orders:
        year = o["ordered_on"].year
        numbers[year] = numbers.get(year, 0) + 1
        o["id"] = f"OD-{year}-{numbers[year]:05d}"
    for s in services:
        del s["_template"]
    return services, orders


# ------------------------------------------------------------------------------------------------- fund

def _stored(value: Decimal | None) -> Decimal | None:
    """``value`` as :class:`parknet.store.types.ExactDecimal` reads it back (normalised, whole numbers
    without decimals)."""
    if value is None:
        return None
    units = int(value * 10_000)
    return (Decimal(units) / 10_000).normalize() if units % 10_000 else Decimal(units // 10_000)


def allocation_sha256(rnd: dict[str, Any], subfunds: pl.DataFrame, applications: pl.DataFrame,
                      awards: pl.DataFrame) -> str:
    """SHA-256 of the allocation a commitment carries out, as ``parknet.services.fund`` computes it when it
    commits a round: the canonical JSON (sorted keys, no spaces, decimals as exact strings) of the round's
    rules (as stored), its budgets, its applications as solved (the frame :func:`fund_inputs` returns) and
    the awards — so that the fund service finds the demo's commitments equal to a fresh allocation."""
    rules = {"round_id": rnd["id"], "name": rnd["name"], "province_code": rnd["province_code"], "year": rnd["year"],
             "zone_cap": _stored(rnd["zone_cap"]), "lagging_min_share": _stored(rnd["lagging_min_share"]),
             "partial_allowed": rnd["partial_allowed"]}
    return allocation_digest(rules, subfunds, applications, awards)


def _fund_province(cooperation: CooperationDemo, leaders: dict[str, str], stable: dict[str, str],
                   zones: dict[str, _Zone]) -> str | None:
    """Hubei when its leader leads its agreements, is the leader in 2023 too and has ≥ 2 partner zones;
    else the province meeting that with the most co-built projects of active agreements."""
    agreements = cooperation.agreements.select(pl.col("id").alias("agreement_id"), "province_code", "status")
    leads = dict(cooperation.agreement_parties.filter(pl.col("role") == "lead").join(agreements, on="agreement_id")
                 .select("province_code", "zone_id").unique(keep="first", maintain_order=True).iter_rows())
    projects = (cooperation.cobuilt_projects.join(agreements.filter(pl.col("status") == "active"),
                                                  on="agreement_id")
                .group_by("province_code").len())
    counts = dict(projects.iter_rows())
    fit = [p for p, z in leaders.items() if leads.get(p) == z and stable.get(p) == z and counts.get(p, 0) >= 2
           and sum(1 for x in zones.values() if x.province == p and not x.leader) >= 2]
    if not fit:
        return None
    return "420000" if "420000" in fit else min(fit, key=lambda p: (-counts[p], p))


def _applications(draw: _Draw, round_id: str, year: int, province: str, leader: str, zones: dict[str, _Zone],
                  cooperation: CooperationDemo, n: int) -> list[dict[str, Any]]:
    """``n`` applications from the province's zones (the leader a quarter of them), most linked to a
    co-built project or agreement they are party to."""
    mine = [z for z in zones.values() if z.province == province]
    lagging = [z for z in mine if not z.leader]
    agreements = cooperation.agreements.filter((pl.col("province_code") == province)
                                               & pl.col("status").is_in(["active", "proposed"]))
    parties: dict[str, list[str]] = {}
    for a, z in cooperation.agreement_parties.filter(pl.col("agreement_id").is_in(agreements["id"].implode())) \
            .select("agreement_id", "zone_id").iter_rows():
        parties.setdefault(a, []).append(z)
    projects = cooperation.cobuilt_projects.filter(pl.col("agreement_id").is_in(
        agreements.filter(pl.col("status") == "active")["id"].implode()))
    names = dict(projects.select("id", "name").iter_rows())
    members: dict[str, list[str]] = {}
    for p, z in cooperation.project_partners.filter(pl.col("project_id").is_in(projects["id"].implode())) \
            .select("project_id", "zone_id").iter_rows():
        members.setdefault(p, []).append(z)
    titles = dict(agreements.select("id", "title").iter_rows())
    rows, seen, collisions = [], set(), 0
    while len(rows) < n:
        zone = zones[leader] if draw.u() < 0.25 else draw.pick(lagging)
        purpose = draw.weighted({"development": 0.4, "industry": 0.4, "venture": 0.2})
        works, eligible_sets = _FUND_KINDS[purpose]
        eligible = draw.pick(eligible_sets)
        work = draw.pick(works)
        own_projects = [p for p, zs in members.items() if zone.zone_id in zs]
        own_agreements = [a for a, zs in parties.items() if zone.zone_id in zs]
        link = draw.u()
        agreement_id = project_id = None
        partners: list[str] = []
        if own_projects and link < 0.6:
            project_id = draw.pick(own_projects)
            others = [z for z in members[project_id] if z != zone.zone_id]
            partners = draw.sample(others, draw.integer(0, len(others)))
            title = f"{_bare(names[project_id])}{work}（演示）"
        elif own_agreements and link < 0.85:
            agreement_id = draw.pick(own_agreements)
            others = [z for z in parties[agreement_id] if z != zone.zone_id]
            partners = draw.sample(others, draw.integer(0, min(1, len(others))))
            title = f"{_bare(titles[agreement_id]).removesuffix('协议')}框架下{work}（演示）"
        else:
            t = _topics()[draw.pick(zone.topics) if zone.topics else draw.integer(0, len(_topics()) - 1)]
            title = f"{zone.short}{t.name}{work}（演示）"
        if title in seen:
            collisions += 1
            if collisions < 50:
                continue
            title = f"{_bare(title)}（{len(rows) + 1}）（演示）"
        collisions = 0
        seen.add(title)
        big = zone.leader
        amount = Decimal(int(round(min(6_000.0, float(np.exp(draw.uniform(5.6, 7.9) + (0.4 if big else 0.0)))), -1)))
        ratio = draw.uniform(3.0, 6.0) if big else draw.uniform(1.4, 4.6)
        impact = round(float(amount) * ratio, 1)
        co_funding = None if draw.u() < 0.2 else Decimal(int(round(float(amount) * draw.uniform(0.3, 1.5), -1)))
        partial = False if draw.u() < 0.25 else None
        minimum = (amount * Decimal("0.5")).quantize(Decimal("1")) if partial is None and draw.u() < 0.3 else None
        basis = draw.pick(("可行性研究报告", "同类项目投入产出比", "园区近三年亩均产值", "合作方投资协议"))
        rows.append({"id": f"FA-{province[:2]}-{year}-{len(rows) + 1:03d}", "round_id": round_id,
                     "zone_id": zone.zone_id, "partners": "+".join(sorted(partners)) or None,
                     "agreement_id": agreement_id, "project_id": project_id, "title": title[:200],
                     "eligible": ",".join(eligible), "amount": amount, "co_funding": co_funding, "impact": impact,
                     "impact_basis": f"合成数据：按{basis}测算，全额资助时预计达产后年新增产值约{impact:,.1f}万元（演示）。",
                     "partial": partial, "min_amount": minimum, "is_synthetic": True})
    return rows


def _budgets(draw: _Draw, round_id: str, applications: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """About 55% of the money asked, split over the sub-funds by what is asked of them (an application
    counts for its first eligible sub-fund), in hundreds of 万元; each sub-fund holds at least the largest
    amount asked of it alone."""
    asked = {"development": 0, "industry": 0, "venture": 0}
    largest = dict(asked)
    for a in applications:
        first = a["eligible"].split(",")[0]
        asked[first] += int(a["amount"])
        largest[first] = max(largest[first], int(a["amount"]))
    out = []
    for subfund, total in asked.items():
        budget = max(round(total * draw.uniform(0.45, 0.65), -2), largest[subfund] + 100, 500)
        out.append({"round_id": round_id, "subfund": subfund, "budget": Decimal(budget)})
    return out


def _fund(draw: _Draw, province: str, leader: str, zones: dict[str, _Zone], cooperation: CooperationDemo
          ) -> dict[str, list[dict[str, Any]]]:
    names = dict(reference.provinces().select("province_code", "name").iter_rows())
    rounds, budgets, applications, commitments, payments = [], [], [], [], []
    for k, (year, share, status) in enumerate(((2023, "0.30", "committed"), (2024, "0.60", "open")), start=1):
        round_id = f"FR-{province}-{year}"
        mine = _applications(draw, round_id, year, province, leader, zones, cooperation, draw.integer(60, 150))
        money = _budgets(draw, round_id, mine)
        total = sum(b["budget"] for b in money)
        # 2023: the leader is held by a zone cap of 18–25% of the budgets; 2024: no cap, 60% for lagging zones
        cap = Decimal(max(round(float(total) * draw.uniform(0.18, 0.25), -2), 6_100)) if k == 1 else None
        rounds.append({"id": round_id, "province_code": province,
                       "name": f"{names[province]}高新区协同发展基金{year}年度第{'一二'[k - 1]}批（演示）", "year": year,
                       "zone_cap": cap, "lagging_min_share": Decimal(share), "partial_allowed": True,
                       "status": status, "is_synthetic": True})
        budgets += money
        applications += mine
        if status == "committed":
            c, p = _commit(draw, rounds[-1], money, mine, leader, cooperation)
            commitments += c
            payments += p
    return {"fund_rounds": rounds, "fund_budgets": budgets, "fund_applications": applications,
            "fund_commitments": commitments, "fund_disbursements": payments}


def fund_inputs(rnd: dict[str, Any], budgets: pl.DataFrame | list[dict[str, Any]],
                applications: pl.DataFrame | list[dict[str, Any]], leader: str, cooperation: CooperationDemo
                ) -> tuple[pl.DataFrame, pl.DataFrame, FundPolicy]:
    """The (applications, subfunds, policy) of :func:`parknet.enabling.fund.allocate` for a demo round, as
    ``parknet.services.fund`` reads them from the store: applications in id order with ``lagging`` (not
    the province's leader) and the linked agreement's ``cooperation_type``; ``partial`` null takes the
    round's default; budgets in sub-fund order."""
    apps = pl.DataFrame(applications, schema=SCHEMAS["fund_applications"], orient="row") \
        if isinstance(applications, list) else applications
    money = pl.DataFrame(budgets, schema=SCHEMAS["fund_budgets"], orient="row") \
        if isinstance(budgets, list) else budgets
    types = dict(cooperation.agreements.select("id", "cooperation_type").iter_rows())
    of_project = dict(cooperation.cobuilt_projects.select("id", "agreement_id").iter_rows())
    mine = apps.filter(pl.col("round_id") == rnd["id"]).sort("id")
    kind = [types.get(a or of_project.get(p or "")) for a, p in mine.select("agreement_id", "project_id").iter_rows()]
    frame = mine.select(
        pl.col("id").alias("application_id"), "zone_id", "title", "amount", "impact",
        pl.col("eligible").str.split(","), (pl.col("zone_id") != leader).alias("lagging"), "partial",
        "min_amount", pl.Series("cooperation_type", kind, dtype=pl.String), "agreement_id", "project_id")
    order = {code: k for k, code in enumerate(("development", "industry", "venture"))}
    subfunds = (money.filter(pl.col("round_id") == rnd["id"]).select("subfund", "budget")
                .sort(pl.col("subfund").replace_strict(order, return_dtype=pl.Int32)))
    policy = FundPolicy(zone_cap=rnd["zone_cap"], lagging_min_share=rnd["lagging_min_share"],
                        partial_allowed=rnd["partial_allowed"])
    return frame, subfunds, policy


def _commit(draw: _Draw, rnd: dict[str, Any], budgets: list[dict[str, Any]], applications: list[dict[str, Any]],
            leader: str, cooperation: CooperationDemo) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The round's optimal allocation as commitments, and payments on about 70% of them (30–100% of the
    commitment, in 1–3 tranches of whole 0.01 万元)."""
    frame, subfunds, policy = fund_inputs(rnd, budgets, applications, leader, cooperation)
    result = allocate(frame, subfunds, policy)
    digest = allocation_sha256(rnd, subfunds, frame, result.awards)
    committed_on = date(rnd["year"], 6, 30)
    commitments, payments = [], []
    vouchers = 0
    for application, subfund, amount in result.awards.sort("application_id", "subfund").iter_rows():
        commitments.append({"round_id": rnd["id"], "application_id": application, "subfund": subfund,
                            "kind": "commit", "amount": amount,
                            "reason": f"合成数据：按{rnd['year']}年度分配结果承诺出资（演示）",
                            "allocation_sha256": digest, "recorded_at": _at(committed_on, draw),
                            "recorded_by": DEMO_ACTOR, "is_synthetic": True})
        if draw.u() >= 0.7:
            continue
        cents = int(amount * 100)  # 0.01 万元
        paid = max(1, int(cents * draw.uniform(0.3, 1.0)))
        tranches = min(draw.integer(1, 3), paid)
        cuts = sorted(draw.sample(range(1, paid), tranches - 1)) if tranches > 1 else []
        on = committed_on
        for low, high in zip([0, *cuts], [*cuts, paid], strict=True):
            on = min(on + timedelta(days=draw.integer(30, 150)), AS_OF)
            vouchers += 1
            payments.append({"application_id": application, "subfund": subfund, "kind": "payment",
                             "amount": Decimal(high - low) / 100, "paid_on": on,
                             "reference": f"拨付凭证（演示）{on.year}-{vouchers:04d}", "recorded_at": _at(on, draw),
                             "recorded_by": DEMO_ACTOR, "is_synthetic": True})
    return commitments, payments


# --------------------------------------------------------------------------------------------- generate

def _pools(technologies: list[dict[str, Any]], experts: list[dict[str, Any]],
           projects: list[dict[str, Any]]) -> dict[str, dict[str, list[str]]]:
    """Library → division → record ids (for matches)."""
    out: dict[str, dict[str, list[str]]] = {}
    for library, rows in (("technology", technologies), ("expert", experts), ("project", projects)):
        pool: dict[str, list[str]] = {}
        for r in rows:
            for code in r["industry_codes"].split(","):
                pool.setdefault(code[:2], []).append(r["id"])
        out[library] = pool
    return out


def _agreement_partners(cooperation: CooperationDemo) -> dict[str, set[str]]:
    """Lead zone → the zones that are parties to its agreements."""
    parties = cooperation.agreement_parties
    leads = parties.filter(pl.col("role") == "lead").select("agreement_id", pl.col("zone_id").alias("lead"))
    out: dict[str, set[str]] = {}
    for lead, zone in parties.join(leads, on="agreement_id").select("lead", "zone_id").iter_rows():
        if zone != lead:
            out.setdefault(lead, set()).add(zone)
    return out


def generate_enabling(data: DemoData, cooperation: CooperationDemo, seed: int | None = None, *,
                      leaders: dict[str, str] | None = None, sizes: dict[str, int] | None = None) -> EnablingDemo:
    """Generate the synthetic enabling data of a demo data set (pure: same inputs → same frames).

    Parameters
    ----------
    data
        The demo's zones, indicators, industry output and enterprises (:func:`parknet.data.demo.generate`).
    cooperation
        Its cooperation data (:func:`parknet.data.demo_cooperation.generate_cooperation`).
    seed
        Seed of the generator (``numpy.random.default_rng([seed, 3])``); default the demo's seed.
    leaders
        Province → leading zone; default :func:`demo_leaders` of ``data`` (as the services choose them).
    sizes
        Overrides of :data:`DEFAULT_SIZES` (``technologies``, ``experts``, ``science_projects``,
        ``demands``, ``tickets``, ``orders``).

    Returns
    -------
    EnablingDemo
        One frame per table, typed as :data:`SCHEMAS`; see the module docstring for the model.
    """
    seed = data.seed if seed is None else seed
    n = DEFAULT_SIZES | (sizes or {})
    draw = _Draw(np.random.default_rng([seed, _STREAM]))
    leaders = demo_leaders(data.zones, data.zone_indicators) if leaders is None else dict(leaders)
    zones = _zones(data, leaders)
    provinces = dict(reference.provinces().select("province_code", "short_name").iter_rows())
    src = _Sources(zones, data.enterprises, provinces)
    technologies = _technologies(draw, n["technologies"], src)
    experts = _experts(draw, n["experts"], src)
    projects = _projects(draw, n["science_projects"], src)
    demands = _demands(draw, n["demands"], zones, src)
    active = {p: z for p, z in leaders.items() if z in zones}
    tickets, events = _tickets(draw, n["tickets"], zones, active, demands, _pools(technologies, experts, projects))
    _demand_statuses(draw, demands, tickets)
    services, orders = _platform(draw, n["orders"], zones, active, _agreement_partners(cooperation))
    province = _fund_province(cooperation, active, demo_leaders(data.zones, data.zone_indicators, 2023)
                              if 2023 in set(data.zone_indicators["year"].unique()) else active, zones)
    fund = _fund(draw, province, active[province], zones, cooperation) if province else {}
    rows = {"technologies": technologies, "experts": experts, "science_projects": projects, "demands": demands,
            "service_tickets": tickets, "ticket_events": events, "platform_services": services,
            "platform_orders": orders, **fund}
    frames = {name: pl.DataFrame(rows.get(name, []), schema=schema, orient="row")
              for name, schema in SCHEMAS.items()}
    return EnablingDemo(seed=seed, label=DEMO_LABEL, leaders=active, **frames)
