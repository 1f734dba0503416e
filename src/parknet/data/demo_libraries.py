"""Seeded synthetic sci-tech platform libraries and demands of the enabling demo (合成演示科技资源与需求,
MECHANISMS.md §5): the topics with their words, the three libraries (技术库, 专家库, 科技项目库) and the
demands zones post (需求) — and what the rest of :mod:`parknet.data.demo_enabling` draws with (:class:`Draw`,
:class:`Zone`, :func:`load_topics`).

:func:`parknet.data.demo_enabling.generate_enabling` calls :func:`technology_rows`, :func:`expert_rows`,
:func:`project_rows` and :func:`demand_rows` in that order on its one :class:`Draw`. The model:

1. **Topics.** Every segment of the curated industry chains (``chains/chains.json``) and every cross-fusion
   pair (``chains/fusion.json``) is a topic with its GB/T 4754-2017 codes (the segment's classes and
   divisions; the pair's divisions on both sides) and a vocabulary (``enabling/vocabulary.json``: the
   segment's key products, the chain's processes, materials, applications, problems and goals). Records
   are composed from these words, so BM25 search separates them; titles are unique in each library.
2. **Libraries.** 2,000 technologies, 520 experts and 520 sci-tech projects (by default), each of one
   topic, with 1–3 industry codes of that topic. Sources sit in zones whose leading divisions (2019
   revenue) meet the topic, leaders three times as likely; about 11% in no zone (a university outside
   the zones). Owners are obviously synthetic universities, institutes (``湖北合成理工大学（演示）``,
   ``东湖合成产业技术研究院（演示）``) or the demo's enterprises (``演示企业000123有限公司``). TRL 1–9 (lower
   at universities), licensing transfer/license/exclusive_license/joint_development/equity, expert
   availability 60/30/10%, project stages research/pilot/industrialisation 45/35/20%.
3. **Demands.** 260 demands, 85% posted by lagging zones, on a topic of the zone's industries, to one
   library (technology 50%, expert 30%, project 20%), 40% by one of the zone's enterprises, posted
   2022–2024.

Pure: no database, clock or global random state; the :class:`Draw` passed in is the only source of
randomness. Everything is synthetic and labelled: ``is_synthetic`` on every row, （演示） in every title,
name and institution, 合成数据 in every description.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

__all__ = ["Draw", "Zone", "Topic", "Sources", "load_topics", "technology_rows", "expert_rows",
           "project_rows", "demand_rows", "without_synthetic_labels"]

_SYNTHETIC = "合成数据：由本系统的演示数据生成器生成，非真实{what}（演示）。"
_LABELS = re.compile(r"合成数据：由本系统的演示数据生成器生成，非真实[^。]*。|（演示）")


def without_synthetic_labels(text: str) -> str:
    """``text`` without the labels the demo puts on synthetic records (the note 合成数据：… and the suffix
    （演示）): they say where a record comes from, not what it is about, so matching ignores them."""
    return _LABELS.sub("", text)
_CHAINS = Path(__file__).parent / "chains"
_VOCABULARY = Path(__file__).parent / "enabling" / "vocabulary.json"
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


@dataclass(frozen=True)
class Topic:
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
class Zone:
    """A zone as the enabling generators see it: its province, short name and city, whether it leads its
    province, and the topics that meet its leading divisions."""

    zone_id: str
    province: str
    short: str  # 武汉东湖, 湖北合成07
    city: str  # 武汉
    leader: bool
    topics: tuple[int, ...]  # topics that meet the zone's leading divisions


class Draw:
    """Uniform numbers from the generator in blocks (fast), and the draws built on them; every draw of the
    enabling demo goes through one of these, in a fixed order."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._buffer: list[float] = []

    def u(self) -> float:
        """The next uniform number in [0, 1)."""
        if not self._buffer:
            self._buffer = self._rng.random(4096).tolist()[::-1]
        return self._buffer.pop()

    def pick(self, items: Sequence[Any]) -> Any:
        """One of ``items``, each equally likely."""
        return items[min(int(self.u() * len(items)), len(items) - 1)]

    def weighted(self, weights: dict[Any, float]) -> Any:
        """A key of ``weights`` with probability proportional to its weight."""
        x = self.u() * sum(weights.values())
        for key, w in weights.items():
            x -= w
            if x < 0:
                return key
        return key

    def among(self, items: Sequence[Any], weights: Sequence[float]) -> Any:
        """One of ``items`` with probability proportional to its weight in ``weights``."""
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
        """A number in [low, high)."""
        return low + (high - low) * self.u()

    def sample(self, items: Sequence[Any], k: int) -> list[Any]:
        """``k`` of ``items`` (all when fewer) without replacement, in the order drawn."""
        pool = list(items)
        out = []
        for _ in range(min(k, len(pool))):
            out.append(pool.pop(min(int(self.u() * len(pool)), len(pool) - 1)))
        return out

    def day(self, first: date, last: date) -> date:
        """A day in [first, last]."""
        return first + timedelta(days=self.integer(0, (last - first).days))


# ------------------------------------------------------------------------------------------------ topics

@cache
def load_topics() -> tuple[Topic, ...]:
    """Every chain segment and fusion pair as a topic (chains first, in file order)."""
    words = json.loads(_VOCABULARY.read_text(encoding="utf-8"))
    out = []
    for chain in json.loads((_CHAINS / "chains.json").read_text(encoding="utf-8"))["chains"]:
        v = words["chains"][chain["code"]]
        for s in chain["segments"]:
            divisions = tuple(s["divisions"])
            classes = tuple(c for c in s.get("classes") or () if c[:2] in divisions)
            out.append(Topic(f"{chain['name']}·{s['name']}", s["name"], divisions, classes + divisions,
                             tuple(s["key_products"]), tuple(v["processes"]), tuple(v["materials"]),
                             tuple(v["applications"]), tuple(v["problems"]), tuple(v["goals"])))
    for pair in json.loads((_CHAINS / "fusion.json").read_text(encoding="utf-8"))["pairs"]:
        v = words["fusion"][pair["code"]]
        divisions = tuple(dict.fromkeys(pair["a"]["divisions"] + pair["b"]["divisions"]))
        out.append(Topic(f"跨界融合·{pair['name']}", pair["name"], divisions, divisions, tuple(v["products"]),
                         tuple(v["processes"]), tuple(v["products"]), tuple(v["applications"]),
                         _FUSION_PROBLEMS, _FUSION_GOALS))
    return tuple(out)


def _codes(draw: Draw, topic: Topic) -> str:
    """1–3 GB/T 4754 codes of ``topic`` (a class when it has one, and divisions), sorted, comma-joined."""
    classes = [c for c in topic.codes if len(c) == 4]
    chosen = {draw.pick(classes)} if classes and draw.u() < 0.7 else set()
    chosen |= set(draw.sample(topic.divisions, draw.integer(1, min(2, len(topic.divisions)))))
    return ",".join(sorted(chosen))



# --------------------------------------------------------------------------------------------- libraries

class Sources:
    """Where library records come from: zones by topic (leaders three times as likely), institutions."""

    def __init__(self, zones: dict[str, Zone], enterprises: pl.DataFrame, provinces: dict[str, str]) -> None:
        self.zones = zones
        self.provinces = provinces  # province code → short name (湖北)
        self.by_topic: dict[int, list[Zone]] = {}
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

    def zone(self, draw: Draw, topic: int) -> Zone:
        pool = self.by_topic.get(topic) or self.all
        return draw.among(pool, [3.0 if z.leader else 1.0 for z in pool])

    def institution(self, draw: Draw, topic: int, kind: str) -> tuple[str, str | None]:
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


def _unique(draw: Draw, seen: set[str], compose: Any, tries: int = 30) -> str | None:
    """A title from ``compose(draw)`` not in ``seen`` (after ``tries`` collisions: None)."""
    for _ in range(tries):
        title = compose(draw)
        if title not in seen:
            seen.add(title)
            return title
    return None


def _tech_title(draw: Draw, t: Topic) -> str:
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


def technology_rows(draw: Draw, n: int, src: Sources) -> list[dict[str, Any]]:
    """``n`` technologies (技术库, ids ``T-00001`` …), rows of the ``technologies`` table."""
    topics, rows, seen = load_topics(), [], set()
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


def expert_rows(draw: Draw, n: int, src: Sources) -> list[dict[str, Any]]:
    """``n`` experts (专家库, ids ``E-00001`` …), rows of the ``experts`` table."""
    topics, rows = load_topics(), []
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


def _project_title(draw: Draw, t: Topic, stage: str) -> str:
    product, process = draw.pick(t.products), draw.pick(t.processes)
    where = f"面向{draw.pick(t.applications)}的" if draw.u() < 0.35 else ""
    return f"{where}{product}{process}{draw.pick(_STAGE_WORDS[stage])}项目（演示）"


def project_rows(draw: Draw, n: int, src: Sources) -> list[dict[str, Any]]:
    """``n`` sci-tech projects (科技项目库, ids ``SP-00001`` …), rows of the ``science_projects`` table."""
    topics, rows, seen = load_topics(), [], set()
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

def _demand_text(draw: Draw, t: Topic, library: str, who: str) -> tuple[str, str]:
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


def demand_rows(draw: Draw, n: int, zones: dict[str, Zone], src: Sources) -> list[dict[str, Any]]:
    """``n`` open demands (需求, ids ``DM-00001`` …) posted by ``zones``, rows of the ``demands`` table."""
    topics = load_topics()
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
