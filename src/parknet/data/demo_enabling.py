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
2. **Topics, libraries and demands** (:mod:`parknet.data.demo_libraries`). Every segment of the curated
   chains and every cross-fusion pair is a topic with its GB/T 4754-2017 codes and words; 2,000
   technologies, 520 experts and 520 sci-tech projects (by default) of one topic each, sourced in zones
   whose leading divisions meet it; 260 demands, 85% posted by lagging zones.
3. **Tickets.** 300 tickets, requested by lagging zones from their province's leader: 200 serve a
   demand (opened 0–30 days after it is posted; talent matching for an expert demand, project matching
   otherwise; the match is a record of the demand's library sharing a division with it), 100 are
   intelligence or talent services opened any day of 2022–2024. Where a ticket stands at :data:`AS_OF`
   (2024-12-31) depends on its age: of those opened in the last 120 days a quarter are open, a fifth
   assigned, a quarter in service, a fifth delivered, a tenth closed; of older ones three quarters are
   closed (outcome and rating) and the rest stuck (overdue). Due 20–90 days after opening by kind; one
   delivery in six is late. One ``ticket_events`` row for every step taken. A demand whose ticket closed
   (partly) resolved is closed; one with a ticket under way or a match is matched.
4. **Platform companies.** Every leader with partners offers 6–10 services of park operation,
   innovation and industry at prices in 万元; about 300 orders 2023–2024 from its partner zones (zones
   that are its agreement partners three times as likely) at the catalogue price.
5. **Fund.** Two rounds of one province's fund (Hubei when its leader is stable and leads its
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

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from parknet.data import reference
from parknet.data.demo import ANCHOR_YEAR, DEMO_LABEL, DemoData
from parknet.data.demo_cooperation import DEMO_ACTOR, CooperationDemo, short_name
from parknet.data.demo_libraries import (
    Draw,
    Sources,
    Zone,
    demand_rows,
    expert_rows,
    load_topics,
    project_rows,
    technology_rows,
)
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

_LEADER_INDICATORS = ("gdp", "revenue", "rd_expenditure", "rd_personnel", "employees",
                      "invention_patents_granted", "high_tech_enterprises")  # as services.network reads them
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


def _at(day: date, draw: Draw) -> datetime:
    """A working-hours time on ``day`` (09:00–17:00 Beijing), in UTC."""
    return datetime(day.year, day.month, day.day, 1, tzinfo=UTC) + timedelta(minutes=draw.integer(0, 479))


def _bare(title: str) -> str:
    return title.removesuffix("（演示）")


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


def _zones(data: DemoData, leaders: dict[str, str]) -> dict[str, Zone]:
    """The zones approved by 2021 with their leading divisions' topics (2019 revenue, else their latest)."""
    revenue = data.industry_output.filter(pl.col("indicator") == "revenue")
    latest = revenue.group_by("zone_id").agg(pl.col("year").filter(pl.col("year") <= ANCHOR_YEAR).max()
                                             .fill_null(pl.col("year").min()).alias("at"))
    top = (revenue.join(latest, on="zone_id").filter(pl.col("year") == pl.col("at"))
           .sort(["zone_id", "value", "industry_code"], descending=[False, True, False])
           .group_by("zone_id", maintain_order=True).agg(pl.col("industry_code").head(4)))
    divisions = dict(top.iter_rows())
    topics = load_topics()
    out = {}
    for z, name, province, city, approved in data.zones.select(
            "zone_id", "name", "province_code", "city", "approved_year").iter_rows():
        if approved is not None and approved > 2021:
            continue
        mine = set(divisions.get(z, []))
        out[z] = Zone(z, province, short_name(name), (city or "").removesuffix("市"), leaders.get(province) == z,
                      tuple(i for i, t in enumerate(topics) if mine & set(t.divisions)))
    return out


# ---------------------------------------------------------------------------------------------- tickets

def _match(draw: Draw, demand: dict[str, Any], pools: dict[str, dict[str, list[str]]]) -> str | None:
    """A library record of the demand's library sharing a division with it (``library:ID``)."""
    library = demand["library"]
    divisions = {c[:2] for c in demand["industry_codes"].split(",")}
    candidates = sorted({r for d in divisions for r in pools[library].get(d, [])})
    return f"{library}:{draw.pick(candidates)}" if candidates else None


def _lifecycle(draw: Draw, kind: str, status: str, opened: date) -> dict[str, Any]:
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


def _status(draw: Draw, opened: date) -> str:
    """Where a ticket opened on ``opened`` stands at :data:`AS_OF`: recent ones are mostly under way, older
    ones mostly closed (the rest stuck, hence overdue)."""
    if (AS_OF - opened).days < 120:
        return draw.weighted({"open": 0.25, "assigned": 0.2, "in_service": 0.25, "delivered": 0.2, "closed": 0.1})
    return draw.weighted({"open": 0.04, "assigned": 0.05, "in_service": 0.06, "delivered": 0.1, "closed": 0.75})


def _tickets(draw: Draw, n: int, zones: dict[str, Zone], leaders: dict[str, str], demands: list[dict[str, Any]],
             pools: dict[str, dict[str, list[str]]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n`` tickets of lagging zones served by their leader: two thirds for their demands (opened 0–30
    days after the demand is posted), the rest opened any day of 2022–2024; ids ``TK-YYYY-NNNNN`` by date."""
    topics = load_topics()
    served = [d for d in demands if not zones[d["zone_id"]].leader and zones[d["zone_id"]].province in leaders]
    linked = draw.sample(served, min(len(served), round(n * 2 / 3)))
    requesters = [z for z in zones.values() if not z.leader and z.province in leaders]
    plan: list[tuple[dict[str, Any] | None, Zone]] = [(d, zones[d["zone_id"]]) for d in linked]
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


def _demand_statuses(draw: Draw, demands: list[dict[str, Any]], tickets: list[dict[str, Any]]) -> None:
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

def _platform(draw: Draw, n_orders: int, zones: dict[str, Zone], leaders: dict[str, str],
              partners: dict[str, set[str]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each leader's catalogue and the orders of its partner zones (agreement partners three times as
    likely), spread over the providers in proportion to their partner zones."""
    services, orders = [], []
    buyers: dict[str, list[Zone]] = {}
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
                   zones: dict[str, Zone]) -> str | None:
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


def _applications(draw: Draw, round_id: str, year: int, province: str, leader: str, zones: dict[str, Zone],
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
            t = load_topics()[draw.pick(zone.topics) if zone.topics
                              else draw.integer(0, len(load_topics()) - 1)]
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


def _budgets(draw: Draw, round_id: str, applications: list[dict[str, Any]]) -> list[dict[str, Any]]:
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


def _fund(draw: Draw, province: str, leader: str, zones: dict[str, Zone], cooperation: CooperationDemo
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


def _commit(draw: Draw, rnd: dict[str, Any], budgets: list[dict[str, Any]], applications: list[dict[str, Any]],
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
    draw = Draw(np.random.default_rng([seed, _STREAM]))
    leaders = demo_leaders(data.zones, data.zone_indicators) if leaders is None else dict(leaders)
    zones = _zones(data, leaders)
    provinces = dict(reference.provinces().select("province_code", "short_name").iter_rows())
    src = Sources(zones, data.enterprises, provinces)
    technologies = technology_rows(draw, n["technologies"], src)
    experts = expert_rows(draw, n["experts"], src)
    projects = project_rows(draw, n["science_projects"], src)
    demands = demand_rows(draw, n["demands"], zones, src)
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
