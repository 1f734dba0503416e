"""The synthetic enabling demo (parknet.data.demo_enabling): sizes, determinism, industry codes that exist
and agree with the chain, unique identities (the import's duplicate rule), Chinese and labelled text, the
committed fund round equal to a fresh optimal allocation within its rules, payments within commitments,
tickets whose state agrees with their history, orders from partner zones at the catalogue price, and demo
rows that pass the import rules."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, func, select

from parknet.data import reference
from parknet.data.demo import DEMO_LABEL, DemoData
from parknet.data.demo_cooperation import CooperationDemo
from parknet.data.demo_enabling import (
    AS_OF,
    SCHEMAS,
    EnablingDemo,
    allocation_sha256,
    demo_leaders,
    fund_inputs,
    generate_enabling,
)
from parknet.enabling.fund import allocate
from parknet.enabling.services import Ticket, ServiceKind, TicketStatus, is_overdue
from parknet.store.enabling import Technology
from parknet.store.enabling_checks import record_identity
from parknet.store.importers import import_rows

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CHAINS = Path(reference.__file__).parent.parent / "chains"
_LIFECYCLE = ["open", "assigned", "in_service", "delivered", "closed"]


@pytest.fixture(scope="module")
def enabling(demo: DemoData, coop: CooperationDemo) -> EnablingDemo:
    return generate_enabling(demo, coop)


def _field_divisions() -> dict[str, set[str]]:
    """技术领域 (chain·segment, 跨界融合·pair) → the divisions of that segment or pair."""
    out = {}
    for chain in json.loads((_CHAINS / "chains.json").read_text(encoding="utf-8"))["chains"]:
        for s in chain["segments"]:
            out[f"{chain['name']}·{s['name']}"] = set(s["divisions"])
    for p in json.loads((_CHAINS / "fusion.json").read_text(encoding="utf-8"))["pairs"]:
        out[f"跨界融合·{p['name']}"] = set(p["a"]["divisions"]) | set(p["b"]["divisions"])
    return out


def test_sizes_and_schemas(enabling: EnablingDemo) -> None:
    assert enabling.technologies.height >= 2_000 and enabling.experts.height >= 500
    assert enabling.science_projects.height >= 500 and enabling.demands.height >= 200
    assert enabling.service_tickets.height == 300 and enabling.platform_orders.height == 300
    assert enabling.label == DEMO_LABEL
    for name, schema in SCHEMAS.items():
        frame = getattr(enabling, name)
        assert dict(frame.schema) == schema, name
        assert frame.height > 0, name
        if "is_synthetic" in frame.columns:
            assert frame["is_synthetic"].all(), name
    rounds = enabling.fund_rounds
    assert rounds["status"].to_list() == ["committed", "open"]
    counts = enabling.fund_applications.group_by("round_id").len()
    assert counts["len"].is_between(60, 150).all() and counts.height == 2
    per_provider = enabling.platform_services.group_by("provider_zone").len()["len"]
    assert per_provider.is_between(6, 10).all() and per_provider.len() >= 25


def test_same_seed_same_frames_other_seed_others(demo: DemoData, coop: CooperationDemo,
                                                  enabling: EnablingDemo) -> None:
    again = generate_enabling(demo, coop)
    other = generate_enabling(demo, coop, seed=demo.seed + 1)
    for name in SCHEMAS:
        assert getattr(again, name).equals(getattr(enabling, name)), name
    assert not other.technologies.equals(enabling.technologies)
    assert not other.service_tickets.equals(enabling.service_tickets)


def test_industry_codes_exist_and_agree_with_the_chain(enabling: EnablingDemo) -> None:
    divisions = set(reference.divisions()["code"])
    fields = _field_divisions()
    for name in ("technologies", "experts", "science_projects", "demands"):
        for codes in getattr(enabling, name)["industry_codes"]:
            parts = codes.split(",")
            assert parts and all(re.fullmatch(r"\d{2,4}", c) and c[:2] in divisions for c in parts), (name, codes)
    assert set(enabling.technologies["field"]) <= set(fields)
    assert len(set(enabling.technologies["field"])) > 100  # most segments and pairs are used
    for field, codes in enabling.technologies.select("field", "industry_codes").iter_rows():
        assert {c[:2] for c in codes.split(",")} <= fields[field], (field, codes)
    trl = enabling.technologies["trl"]
    assert trl.min() >= 1 and trl.max() <= 9 and trl.n_unique() >= 8
    assert set(enabling.technologies["licensing"]) == {"transfer", "license", "exclusive_license",
                                                       "joint_development", "equity"}
    assert set(enabling.experts["availability"]) == {"available", "limited", "unavailable"}
    assert set(enabling.science_projects["stage"]) == {"research", "pilot", "industrialisation"}


def test_no_duplicate_identities(enabling: EnablingDemo) -> None:
    for name, title, institution in (("technologies", "title", "owner_institution"),
                                     ("experts", "name", "institution"),
                                     ("science_projects", "title", "institution")):
        frame = getattr(enabling, name)
        assert frame["id"].n_unique() == frame.height, name
        identities = Counter(record_identity(t, i) for t, i in frame.select(title, institution).iter_rows())
        assert max(identities.values()) == 1, name
        if title == "title":
            assert frame["title"].n_unique() == frame.height, name  # titles alone are unique too
    for name, key in (("demands", "id"), ("service_tickets", "id"), ("platform_orders", "id"),
                      ("platform_services", "code"), ("fund_applications", "id"), ("fund_rounds", "id")):
        frame = getattr(enabling, name)
        assert frame[key].n_unique() == frame.height, name
    assert enabling.service_tickets["id"].str.contains(r"^TK-20(22|23|24)-\d{5}$").all()
    assert enabling.platform_orders["id"].str.contains(r"^OD-20(23|24)-\d{5}$").all()


def test_text_is_chinese_and_labelled_synthetic(enabling: EnablingDemo) -> None:
    texts = {
        "technologies": ("title", "description", "field", "owner_institution"),
        "experts": ("name", "title", "institution", "fields", "profile"),
        "science_projects": ("title", "description", "institution"),
        "demands": ("title", "description"),
        "service_tickets": ("title",),
        "ticket_events": ("note",),
        "platform_services": ("name", "unit"),
        "fund_rounds": ("name",),
        "fund_applications": ("title", "impact_basis"),
        "fund_commitments": ("reason",),
        "fund_disbursements": ("reference",),
    }
    for name, columns in texts.items():
        for column in columns:
            values = getattr(enabling, name)[column].drop_nulls().to_list()
            assert values and all(_CJK.search(v) for v in values), (name, column)
            letters = sum(len(re.findall(r"[A-Za-z]", v)) for v in values)
            assert letters <= 0.05 * sum(len(v) for v in values), (name, column)  # TRL, OTA, SoC … only
    for name, column in (("technologies", "title"), ("science_projects", "title"), ("demands", "title"),
                         ("service_tickets", "title"), ("platform_services", "name"), ("fund_rounds", "name"),
                         ("fund_applications", "title"), ("experts", "name")):
        assert getattr(enabling, name)[column].str.ends_with("（演示）").all(), (name, column)
    for name, column in (("technologies", "description"), ("experts", "profile"),
                         ("science_projects", "description"), ("demands", "description")):
        assert getattr(enabling, name)[column].str.contains("合成数据").all(), (name, column)
    assert enabling.fund_applications["impact_basis"].str.starts_with("合成数据：").all()
    for name, column in (("technologies", "owner_institution"), ("experts", "institution"),
                         ("science_projects", "institution")):
        assert getattr(enabling, name)[column].str.contains("演示").all(), (name, column)
    actors = set(enabling.ticket_events["actor"]) | set(enabling.fund_commitments["recorded_by"])
    assert all(a == "demo" or a.startswith("demo:") for a in actors)


def test_sources_spread_over_real_and_synthetic_zones(demo: DemoData, enabling: EnablingDemo) -> None:
    synthetic = set(demo.zones.filter(pl.col("is_synthetic"))["zone_id"])
    zones = enabling.technologies["zone_id"]
    assert 0.03 < zones.null_count() / zones.len() < 0.2
    used = set(zones.drop_nulls())
    assert used & synthetic and used - synthetic and len(used) > 100
    assert set(enabling.demands["zone_id"]) <= set(demo.zones["zone_id"])


def test_demands_come_mostly_from_lagging_zones(demo: DemoData, enabling: EnablingDemo) -> None:
    leaders = set(demo_leaders(demo.zones, demo.zone_indicators).values())
    assert set(enabling.leaders.values()) <= leaders
    lagging = ~enabling.demands["zone_id"].is_in(list(leaders))
    assert 0.75 < lagging.mean() < 0.95
    posted = enabling.demands["posted_on"]
    assert posted.min() >= date(2022, 1, 1) and posted.max() <= date(2024, 12, 31)
    assert set(enabling.demands["status"]) == {"open", "matched", "closed"}
    assert set(enabling.demands["library"]) == {"technology", "expert", "project"}
    firms = set(demo.enterprises["credit_code"])
    assert set(enabling.demands["credit_code"].drop_nulls()) <= firms


def test_round_one_is_the_optimal_allocation_within_its_rules(coop: CooperationDemo,
                                                              enabling: EnablingDemo) -> None:
    rnd = enabling.fund_rounds.row(0, named=True)
    leader = enabling.leaders[rnd["province_code"]]
    frame, subfunds, policy = fund_inputs(rnd, enabling.fund_budgets, enabling.fund_applications, leader, coop)
    fresh = allocate(frame, subfunds, policy)
    assert fresh.optimal
    commitments = enabling.fund_commitments
    assert set(commitments["kind"]) == {"commit"} and set(commitments["round_id"]) == {rnd["id"]}
    stored = {(a, s): m for a, s, m in commitments.select("application_id", "subfund", "amount").iter_rows()}
    assert stored == {(a, s): m for a, s, m in fresh.awards.iter_rows()}
    assert set(commitments["allocation_sha256"]) == {allocation_sha256(rnd, subfunds, frame, fresh.awards)}
    budgets = dict(subfunds.iter_rows())
    spent = commitments.group_by("subfund").agg(pl.col("amount").sum())
    assert all(total <= budgets[s] for s, total in spent.iter_rows())
    total = commitments["amount"].sum()
    lagging = commitments.join(frame.select(pl.col("application_id"), "lagging"), on="application_id") \
        .filter(pl.col("lagging"))["amount"].sum()
    assert lagging >= rnd["lagging_min_share"] * total
    by_zone = commitments.join(frame.select("application_id", "zone_id"), on="application_id") \
        .group_by("zone_id").agg(pl.col("amount").sum())
    assert by_zone["amount"].max() <= rnd["zone_cap"]
    # interesting: every budget binds and applications are left out
    assert {c.key for c in fresh.binding} >= {"budget:development", "budget:industry", "budget:venture"}
    assert sum(d.outcome == "not_funded" for d in fresh.decisions) >= 10
    # the open round's lagging minimum binds
    rnd2 = enabling.fund_rounds.row(1, named=True)
    second = allocate(*fund_inputs(rnd2, enabling.fund_budgets, enabling.fund_applications, leader, coop))
    assert "lagging_share" in {c.key for c in second.binding}


def test_applications_respect_the_import_rules(demo: DemoData, coop: CooperationDemo,
                                               enabling: EnablingDemo) -> None:
    province = dict(demo.zones.select("zone_id", "province_code").iter_rows())
    parties: dict[str, set[str]] = {}
    for a, z in coop.agreement_parties.select("agreement_id", "zone_id").iter_rows():
        parties.setdefault(a, set()).add(z)
    partners: dict[str, set[str]] = {}
    for p, z in coop.project_partners.select("project_id", "zone_id").iter_rows():
        partners.setdefault(p, set()).add(z)
    rounds = dict(enabling.fund_rounds.select("id", "province_code").iter_rows())
    linked = 0
    for row in enabling.fund_applications.iter_rows(named=True):
        assert province[row["zone_id"]] == rounds[row["round_id"]]
        applicants = {row["zone_id"], *(row["partners"] or "").split("+")} - {""}
        for column, members in (("agreement_id", parties), ("project_id", partners)):
            if row[column] is not None:
                linked += 1
                assert applicants <= members[row[column]], row
        assert row["min_amount"] is None or row["min_amount"] <= row["amount"]
        assert row["impact"] > 0
    assert linked > 0.5 * enabling.fund_applications.height


def test_disbursements_stay_within_commitments(enabling: EnablingDemo) -> None:
    committed = {(a, s): m for a, s, m in enabling.fund_commitments.select(
        "application_id", "subfund", "amount").iter_rows()}
    paid = enabling.fund_disbursements.group_by("application_id", "subfund").agg(pl.col("amount").sum())
    assert paid.height >= 0.5 * len(committed)
    for a, s, total in paid.iter_rows():
        assert Decimal(0) < total <= committed[(a, s)]
    d = enabling.fund_disbursements
    assert set(d["kind"]) == {"payment"} and d["paid_on"].max() <= AS_OF
    assert d["paid_on"].min() >= date(enabling.fund_rounds["year"][0], 6, 30)
    assert d["reference"].n_unique() == d.height


def test_ticket_states_agree_with_their_history(demo: DemoData, enabling: EnablingDemo) -> None:
    tickets, events = enabling.service_tickets, enabling.ticket_events
    assert set(tickets["status"]) == set(_LIFECYCLE) and set(tickets["kind"]) == {"talent", "project",
                                                                                  "intelligence"}
    province = dict(demo.zones.select("zone_id", "province_code").iter_rows())
    history: dict[str, list[tuple[str, date]]] = {}
    for ticket_id, status, on in events.select("ticket_id", "status", "on").iter_rows():
        history.setdefault(ticket_id, []).append((status, on))
    ids = {name: set(getattr(enabling, frame)["id"]) for name, frame in (
        ("technology", "technologies"), ("expert", "experts"), ("project", "science_projects"))}
    demand_zone = dict(enabling.demands.select("id", "zone_id").iter_rows())
    overdue = 0
    for t in tickets.iter_rows(named=True):
        steps = history[t["id"]]
        assert [s for s, _ in steps] == _LIFECYCLE[:_LIFECYCLE.index(t["status"]) + 1], t["id"]
        days = [d for _, d in steps]
        assert days == sorted(days) and days[0] == t["opened_on"] and days[-1] <= AS_OF
        assert t["due_on"] >= t["opened_on"]
        on = dict(steps)
        assert t["delivered_on"] == on.get("delivered") and t["closed_on"] == on.get("closed")
        assert (t["assignee"] is None) == (t["status"] == "open")
        assert (t["outcome"] is not None and 1 <= t["rating"] <= 5) == (t["status"] == "closed")
        assert t["provider_zone"] == enabling.leaders[province[t["requester_zone"]]] != t["requester_zone"]
        if t["demand_id"] is not None:
            assert demand_zone[t["demand_id"]] == t["requester_zone"]
        if t["match_ref"] is not None:
            library, _, record = t["match_ref"].partition(":")
            assert record in ids[library]
        ticket = Ticket(t["id"], ServiceKind(t["kind"]), t["requester_zone"], t["title"], t["opened_on"],
                        t["due_on"], TicketStatus(t["status"]), delivered_on=t["delivered_on"])
        overdue += is_overdue(ticket, AS_OF)
    assert 10 <= overdue <= 150
    assert tickets["demand_id"].is_not_null().sum() >= 150 and tickets["match_ref"].is_not_null().sum() >= 100
    assert events.height == sum(_LIFECYCLE.index(s) + 1 for s in tickets["status"])


def test_orders_come_from_partner_zones_at_the_catalogue_price(demo: DemoData,
                                                               enabling: EnablingDemo) -> None:
    province = dict(demo.zones.select("zone_id", "province_code").iter_rows())
    services = {c: (z, p) for c, z, p in enabling.platform_services.select(
        "code", "provider_zone", "price").iter_rows()}
    assert set(enabling.platform_services["provider_zone"]) <= set(enabling.leaders.values())
    assert set(enabling.platform_services["category"]) == {"park_operation", "innovation", "industry"}
    assert all(p > 0 and p == p.quantize(Decimal("0.0001")) for _, p in services.values())
    for buyer, code, quantity, price, on in enabling.platform_orders.select(
            "buyer_zone", "code", "quantity", "unit_price", "ordered_on").iter_rows():
        provider, listed = services[code]
        assert buyer != provider and province[buyer] == province[provider]
        assert price == listed and quantity > 0 and date(2023, 1, 1) <= on <= date(2024, 12, 31)


@pytest.mark.parametrize("empty_engine", ["sqlite"], indirect=True)
def test_demo_library_rows_pass_the_import_rules(engine: Engine, enabling: EnablingDemo, tmp_path: Path) -> None:
    """A few generated technologies, exported to CSV and read back, import cleanly (zones: the national
    ones the reference data holds)."""
    rows = enabling.technologies.filter(pl.col("zone_id").is_null() | ~pl.col("zone_id").str.starts_with("p-"))
    path = tmp_path / "technologies.csv"
    rows.head(40).write_csv(path)
    records = pl.read_csv(path, infer_schema_length=0).to_dicts()
    summary = import_rows(engine, "technologies", records, source=path.name, user="tester")
    assert summary.inserted == 40
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Technology)).scalar() == 40
